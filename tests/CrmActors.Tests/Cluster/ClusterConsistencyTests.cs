using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;
using Dapper;
using Npgsql;

namespace CrmActors.Tests.Cluster;

/// <summary>Requests spread over three real Silo processes see one consistent state.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterConsistencyTests(SiloCluster cluster)
{
    [Fact]
    public async Task OrleansMembershipHasTheThreeSilosActive()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        var active = await Eventually.GetAsync(
            async () => (await connection.QueryAsync<string>("SELECT SiloName FROM OrleansMembershipTable WHERE Status = 3")).ToHashSet(),
            names => cluster.Nodes.All(n => names.Contains(n.Name)), TimeSpan.FromSeconds(30), "three active silos in the membership table");
        Assert.Equal(3, active.Count);
    }

    [Fact]
    public async Task RequestsSpreadAcrossThreeNodesSeeOneState()
    {
        var clients = cluster.Nodes.Select(n => n.Client()).ToList();
        var (orgId, token) = await CreateOrgAsync(clients[0]);
        var admins = cluster.Nodes.Select(n => n.Client(token)).ToList();

        // 90 records created concurrently, each through one of the three nodes.
        var created = await Task.WhenAll(Enumerable.Range(0, 90).Select(async i =>
        {
            var response = await admins[i % 3].PostAsync($"/api/orgs/{orgId}/modules/Leads/records", OrgSession.Fields(new { Last_Name = $"Lead {i}" }));
            return response.StatusCode;
        }));
        Assert.All(created, status => Assert.Equal(HttpStatusCode.Created, status));
        foreach (var admin in admins)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/modules/Leads/records?perPage=1");
            Assert.Equal(90, page.GetProperty("total").GetInt32());
        }

        // Concurrent schema changes through different nodes are serialized by the organization grain.
        var fields = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            admins[i % 3].PostAsJsonAsync($"/api/orgs/{orgId}/modules/Leads/fields", new { name = $"Custom_{i}", type = "text" })));
        Assert.All(fields, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        foreach (var admin in admins)
        {
            var modules = await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/modules");
            var leads = modules.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "Leads");
            Assert.Equal(12, leads.GetProperty("fields").EnumerateArray().Count(f => f.GetProperty("name").GetString()!.StartsWith("Custom_", StringComparison.Ordinal)));
        }

        // A user deactivated through one node is refused by every node at once.
        var user = await (await admins[1].PostAsJsonAsync($"/api/orgs/{orgId}/users", new { email = "u@cluster.test", name = "U", role = "standard" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var userClients = cluster.Nodes.Select(n => n.Client(user.GetProperty("token").GetString())).ToList();
        Assert.Equal(HttpStatusCode.OK, (await userClients[2].GetAsync($"/api/orgs/{orgId}/modules")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admins[2].PostAsync($"/api/orgs/{orgId}/users/{user.GetProperty("id").GetString()}/deactivate", null)).StatusCode);
        foreach (var userClient in userClients)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await userClient.GetAsync($"/api/orgs/{orgId}/modules")).StatusCode);
        }
    }

    internal static async Task<(string OrgId, string Token)> CreateOrgAsync(HttpClient client, string plan = "ultimate")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orgs")
        {
            Content = JsonContent.Create(new { name = "Cluster Org", plan, timeZone = "Asia/Tokyo", domain = "cluster.test", admin = new { email = "admin@cluster.test", name = "Admin" } }),
        };
        request.Headers.Add("X-Operator-Key", SiloCluster.OperatorKey);
        var created = await (await client.SendAsync(request)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetString()!, created.GetProperty("adminToken").GetString()!);
    }
}

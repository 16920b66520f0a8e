using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Api;

/// <summary>Who sees what on the dashboard's data endpoint.</summary>
public abstract class DashboardApiTests(CrmApplication app)
{
    [Fact]
    public async Task AnAdminSeesOnlyTheirOrganizationWhileTheOperatorSeesAll()
    {
        var a = await app.CreateOrgAsync(plan: "ultimate");
        var b = await app.CreateOrgAsync(plan: "ultimate");
        await a.CreateRecordAsync("Leads", new { Last_Name = "A" });
        foreach (var org in new[] { a, b })
        {
            Assert.True((await org.Admin.PutAsJsonAsync(org.Url("backup/schedule"), new { frequency = "now" })).IsSuccessStatusCode);
        }

        var forA = await Eventually.GetAsync(
            () => a.Admin.GetFromJsonAsync<JsonElement>("/api/dashboard"),
            d => d.GetProperty("organizations")[0].GetProperty("backup").GetProperty("latestStatus").GetString() == "ready",
            TimeSpan.FromSeconds(30), "org A's backup on its dashboard");
        Assert.Equal(a.OrgId, forA.GetProperty("scope").GetString());
        Assert.Equal([a.OrgId], forA.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        Assert.All(forA.GetProperty("jobs").EnumerateArray(), job => Assert.StartsWith(a.OrgId, job.GetProperty("ownerKey").GetString(), StringComparison.Ordinal));
        Assert.Contains(forA.GetProperty("jobs").EnumerateArray(), job => job.GetProperty("kind").GetString() == "backup.run");
        Assert.NotEmpty(forA.GetProperty("nodes").EnumerateArray());

        using var operatorClient = app.CreateClient();
        operatorClient.DefaultRequestHeaders.Add("X-Operator-Key", CrmApplication.OperatorKey);
        var all = await operatorClient.GetFromJsonAsync<JsonElement>("/api/dashboard");
        var listed = all.GetProperty("organizations").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToList();
        Assert.Contains(a.OrgId, listed);
        Assert.Contains(b.OrgId, listed);
        Assert.Equal("cluster", all.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task StandardUsersAndStrangersAreRefused()
    {
        var org = await app.CreateOrgAsync();
        var (_, token) = await org.AddUserAsync();

        await (await app.ClientFor(token).GetAsync("/api/dashboard")).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await app.ClientFor(null).GetAsync("/api/dashboard")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }
}

public sealed class SqliteDashboardApiTests(SqliteCrmApplication app) : DashboardApiTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresDashboardApiTests(PostgresCrmApplication app) : DashboardApiTests(app), IClassFixture<PostgresCrmApplication>;

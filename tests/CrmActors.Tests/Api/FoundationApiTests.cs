using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Api;

/// <summary>Organizations, users and access rules over HTTP, on each storage provider.</summary>
public abstract class FoundationApiTests(CrmApplication app)
{
    [Fact]
    public async Task AnotherOrgsTokenGetsNotFoundForItsRecords()
    {
        var a = await app.CreateOrgAsync();
        var b = await app.CreateOrgAsync();
        var recordOfB = await b.CreateRecordAsync("Leads", new { Last_Name = "Secret" });

        var response = await a.Admin.GetAsync(b.Url($"modules/Leads/records/{recordOfB}"));
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        var viaOwnOrg = await a.Admin.GetAsync(a.Url($"modules/Leads/records/{recordOfB}"));
        await viaOwnOrg.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task ADeactivatedUsersTokenStopsWorkingAtOnce()
    {
        var org = await app.CreateOrgAsync();
        var (userId, token) = await org.AddUserAsync();
        using var user = app.ClientFor(token);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(org.Url("modules/Leads/records"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.PostAsync(org.Url($"users/{userId}/deactivate"), null)).StatusCode);
        await (await user.GetAsync(org.Url("modules/Leads/records"))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.PostAsync(org.Url($"users/{userId}/activate"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(org.Url("modules/Leads/records"))).StatusCode);
    }

    [Fact]
    public async Task ARevokedOrUnknownTokenIsRefused()
    {
        var org = await app.CreateOrgAsync();
        var (userId, token) = await org.AddUserAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"users/{userId}/tokens"))).StatusCode);

        await (await app.ClientFor(token).GetAsync(org.Url("modules"))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.ClientFor("not-a-token").GetAsync(org.Url("modules"))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.ClientFor(null).GetAsync(org.Url("modules"))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task AStandardUserOnAnAdminRouteIsForbidden()
    {
        var org = await app.CreateOrgAsync();
        var (_, token) = await org.AddUserAsync();
        using var user = app.ClientFor(token);

        await (await user.GetAsync(org.Url("users"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.GetAsync(org.Url("audit-log"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.DeleteAsync(org.Url("recycle-bin"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.PostAsJsonAsync(org.Url("modules"), new { name = "Projects" })).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task ModulePermissionsOfAProfileAreEnforced()
    {
        var org = await app.CreateOrgAsync();
        var (_, token) = await org.AddUserAsync(permissions: new { modules = new Dictionary<string, string[]> { ["Leads"] = ["view"] } });
        using var user = app.ClientFor(token);
        await org.CreateRecordAsync("Leads", new { Last_Name = "Visible" });

        Assert.Equal(1, (await org.GetJsonAsync("modules/Leads/records", user)).GetProperty("total").GetInt32());
        await (await user.PostAsync(org.Url("modules/Leads/records"), OrgSession.Fields(new { Last_Name = "No" }))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.GetAsync(org.Url("modules/Contacts/records"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task CreatingAnOrgNeedsTheOperatorKeyAndValidSettings()
    {
        using var client = app.CreateClient();
        var body = new { name = "X", plan = "standard", timeZone = "Asia/Tokyo", domain = "x.test", admin = new { email = "a@x.test", name = "A" } };
        await (await client.PostAsJsonAsync("/api/orgs", body)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        client.DefaultRequestHeaders.Add("X-Operator-Key", CrmApplication.OperatorKey);
        var badZone = await (await client.PostAsJsonAsync("/api/orgs", body with { timeZone = "Mars/Olympus" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal("timeZone", badZone.GetProperty("field").GetString());
        var badPlan = await (await client.PostAsJsonAsync("/api/orgs", body with { plan = "gold" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal("plan", badPlan.GetProperty("field").GetString());
    }

    [Fact]
    public async Task AnAdminChangesPlanTimeZoneAndIntegrations()
    {
        var org = await app.CreateOrgAsync();
        var response = await org.Admin.PatchAsJsonAsync(org.Url(""), new { plan = "ultimate", timeZone = "America/New_York", integrations = new[] { "Salesforce", "crm" } });
        var patched = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("ultimate", patched.GetProperty("plan").GetString());
        Assert.Equal("America/New_York", patched.GetProperty("timeZone").GetString());
        Assert.Equal(["crm", "salesforce"], patched.GetProperty("integrations").EnumerateArray().Select(i => i.GetString()));
    }

    [Fact]
    public async Task OpenApiAndHealthEndpointsAnswer()
    {
        using var client = app.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/orgs/{orgId}/modules/{module}/records/bulk", out _));
        // Lists that also download as CSV describe both: the JSON shape, and a file.
        foreach (var (path, schema) in new[] { ("/api/orgs/{orgId}/restores/{restoreId}", "RestoreResponse"), ("/api/orgs/{orgId}/audit-log", "AuditEntry") })
        {
            var content = document.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content");
            Assert.Contains(schema, content.GetProperty("application/json").GetProperty("schema").ToString(), StringComparison.Ordinal);
            Assert.Equal("string", content.GetProperty("text/csv").GetProperty("schema").GetProperty("type").GetString());
        }

        Assert.Equal("Healthy", await client.GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await client.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task MalformedJsonIsABadRequest()
    {
        var org = await app.CreateOrgAsync();
        var response = await org.Admin.PostAsync(org.Url("modules/Leads/records"), new StringContent("{\"Last_Name\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await org.GetJsonAsync("modules/Leads/records")).GetProperty("total").GetInt32());
    }
}

public sealed class SqliteFoundationApiTests(SqliteCrmApplication app) : FoundationApiTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresFoundationApiTests(PostgresCrmApplication app) : FoundationApiTests(app), IClassFixture<PostgresCrmApplication>;

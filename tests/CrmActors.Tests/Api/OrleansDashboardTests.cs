using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Grains.Backups;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Runs;
using CrmActors.Tests.Backups;
using CrmActors.Tests.Support;
using Dapper;

namespace CrmActors.Tests.Api;

/// <summary>
/// The Orleans dashboard at /dashboard/orleans/ is the operator's: refused to strangers and org admins,
/// open with the operator key or the dashboard's operator session. Opening every one of its views,
/// the grain-state view included (it calls grain methods), changes no grain's stored state.
/// </summary>
public abstract class OrleansDashboardTests(CrmApplication app)
{
    [Fact]
    public async Task StrangersAndOrgAdminsAreRefusedAndTheOperatorIsLetIn()
    {
        var org = await app.CreateOrgAsync();
        using var anonymous = app.ClientFor(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/orleans/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/dashboard/orleans/DashboardCounters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await org.Admin.GetAsync("/dashboard/orleans/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await org.Admin.GetAsync("/dashboard/orleans/GrainState?grainId=x&grainType=y")).StatusCode);

        using var operatorClient = Operator();
        var page = await operatorClient.GetAsync("/dashboard/orleans/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // The product dashboard's operator sign-in opens a cookie session the Orleans dashboard accepts.
        using var browser = app.CreateClient();
        var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/dashboard/operator-session") { Headers = { { "X-Operator-Key", "wrong" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(wrong)).StatusCode);
        var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/dashboard/operator-session") { Headers = { { "X-Operator-Key", CrmApplication.OperatorKey } } };
        var session = await browser.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
        Assert.Contains(session.Headers.GetValues("Set-Cookie"), c => c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/orleans/DashboardCounters")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.DeleteAsync("/api/dashboard/operator-session")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard/orleans/DashboardCounters")).StatusCode);

        // The cookie opens the operator's views only, never the operator API (creating organizations needs the key).
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/orgs", new { name = "x" })).StatusCode);
    }

    [Fact]
    public async Task OpeningEveryViewChangesNoGrainsState()
    {
        var org = await app.CreateOrgAsync(plan: "ultimate");
        await org.CreateRecordAsync("Leads", new { Last_Name = "Viewed" });
        var backupId = await org.RequestBackupAsync();
        await org.WaitForBackupAsync(backupId);
        await org.PutScheduleAsync(new { frequency = "monthly", dayOfMonth = "10", time = "02:00" });
        await (await org.Admin.PostAsync(org.Url("config-copy/keys"), null)).Content.ReadAsStringAsync();
        await Task.Delay(1500);
        var before = await StoredStateAsync();
        Assert.NotEmpty(before);

        using var client = Operator();
        var views = new List<string> { "/", "/index.html", "/version", "/DashboardCounters", "/ClusterStats", "/Reminders", "/Reminders/1", "/GrainTypes", "/TopGrainMethods", "/LifecycleStages" };
        var counters = await client.GetStringAsync("/dashboard/orleans/DashboardCounters");
        foreach (var silo in SiloAddresses(JsonDocument.Parse(counters).RootElement).Distinct())
        {
            views.AddRange([$"/SiloProperties/{silo}", $"/SiloStats/{silo}", $"/SiloCounters/{silo}", $"/HistoricalStats/{silo}", $"/SiloMetadata/{silo}"]);
        }

        var grainTypes = JsonDocument.Parse(await client.GetStringAsync("/dashboard/orleans/GrainTypes")).RootElement;
        views.AddRange(grainTypes.EnumerateArray().Select(t => $"/GrainStats/{Uri.EscapeDataString(t.GetString()!)}"));
        var keys = new (Type Grain, string Key)[]
        {
            (typeof(OrganizationGrain), org.OrgId), (typeof(BackupScheduleGrain), org.OrgId), (typeof(ConfigCopyInboxGrain), org.OrgId),
            (typeof(RunGrain), await BackupRunIdAsync(org.OrgId)),
        };
        views.AddRange(keys.Select(k => $"/GrainState?grainId={Uri.EscapeDataString(k.Key)}&grainType={Uri.EscapeDataString(k.Grain.FullName!)}"));

        foreach (var view in views)
        {
            var response = await client.GetAsync("/dashboard/orleans" + view);
            Assert.True((int)response.StatusCode < 500, $"{view}: {(int)response.StatusCode}");
        }

        await Task.Delay(1500);
        Assert.Equal(before, await StoredStateAsync());
    }

    private HttpClient Operator()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Operator-Key", CrmApplication.OperatorKey);
        return client;
    }

    private static IEnumerable<string> SiloAddresses(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name.Equals("siloAddress", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : SiloAddresses(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(SiloAddresses),
        _ => [],
    };

    private async Task<string> BackupRunIdAsync(string orgId)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return await connection.QuerySingleAsync<string>("SELECT run_id FROM runs WHERE owner_key = @orgId AND kind = @kind", new { orgId, kind = BackupConstants.BackupJobKind });
    }

    /// <summary>Every grain's stored state with its version, as Orleans's storage table holds it.</summary>
    private async Task<IReadOnlyList<string>> StoredStateAsync()
    {
        await using var connection = await app.OpenDatabaseAsync();
        return (await connection.QueryAsync<string>(
            "SELECT GrainTypeString || ' ' || COALESCE(GrainIdExtensionString, '') || ' ' || CAST(GrainIdN0 AS TEXT) || ' ' || CAST(Version AS TEXT) FROM OrleansStorage ORDER BY 1")).ToList();
    }
}

public sealed class SqliteOrleansDashboardTests(SqliteCrmApplication app) : OrleansDashboardTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresOrleansDashboardTests(PostgresCrmApplication app) : OrleansDashboardTests(app), IClassFixture<PostgresCrmApplication>;

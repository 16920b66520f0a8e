using Dapper;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;
using Microsoft.Playwright;
using NodaTime;
using Npgsql;

namespace CrmActors.Tests.Cluster;

/// <summary>Backups on the three-node cluster: schedules fire once, and a killed node's backup is finished elsewhere.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterBackupTests(SiloCluster cluster)
{
    [Fact]
    public async Task AScheduledBackupFiresOnceAcrossThreeNodes()
    {
        var (orgId, token) = await ClusterConsistencyTests.CreateOrgAsync(cluster.Nodes[0].Client());
        using var admin = cluster.Nodes[1].Client(token);
        await admin.PostAsync($"/api/orgs/{orgId}/modules/Leads/records", OrgSession.Fields(new { Last_Name = "Scheduled" }));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/orgs/{orgId}/backup/purchases", new { kind = "weekly", count = 1 })).StatusCode);

        // A weekly schedule whose first occurrence is a few seconds away, in the org's time zone.
        var local = Instant.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(6)).InZone(DateTimeZoneProviders.Tzdb["Asia/Tokyo"]);
        var set = await admin.PutAsJsonAsync($"/api/orgs/{orgId}/backup/schedule", new
        {
            frequency = "weekly", dayOfWeek = local.DayOfWeek.ToString().ToLowerInvariant(), time = local.TimeOfDay.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());

        var backups = await Eventually.GetAsync(
            async () => await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/backups"),
            list => list.EnumerateArray().Any(b => b.GetProperty("status").GetString() == "ready"), TimeSpan.FromSeconds(60), "the scheduled backup");
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/backups")).EnumerateArray());
        var summary = await cluster.Nodes[2].Client(token).GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/backup");
        var next = summary.GetProperty("nextBackupAt").GetDateTimeOffset();
        Assert.InRange(next - local.ToDateTimeOffset(), TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Single(backups.EnumerateArray());
    }

    [Fact]
    public async Task ANodeKilledDuringABackupLeavesItToAnotherNodeAndTheDashboardShowsIt()
    {
        const int rows = 200_000;
        var (orgId, token) = await ClusterConsistencyTests.CreateOrgAsync(cluster.Nodes[0].Client());
        using var admin = cluster.Nodes[0].Client(token);
        var csv = new StringBuilder("First_Name,Last_Name,Company,Email\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Name{i},Surname {i} {Guid.NewGuid():N},\"Company {i % 977}, Ltd\",lead{i}@cluster.example\n");
        }

        var bulk = await admin.PostAsync($"/api/orgs/{orgId}/modules/Leads/records/bulk", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.True(bulk.IsSuccessStatusCode, await bulk.Content.ReadAsStringAsync());
        var requested = await admin.PutAsJsonAsync($"/api/orgs/{orgId}/backup/schedule", new { frequency = "now" });
        var backupId = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("latestBackupId").GetString()!;

        await using var watch = new StatusWatch(() => cluster.Nodes, token, $"/api/orgs/{orgId}/backup");
        var runner = await Eventually.GetAsync(() => RunningAsync("backup.run"), job => job is { Progress: < 0.5 }, TimeSpan.FromSeconds(60), "the backup run to run");
        var victim = cluster.Nodes.Single(n => n.Name == runner!.Silo);
        // Frozen first, so the backup cannot finish while the operator's dashboard opens (a 200k-row backup takes about a second).
        victim.Freeze();
        try
        {
            await FinishesElsewhereAsync(orgId, token, backupId, rows, runner!.Silo, victim, cluster.Nodes.First(n => n != victim));
        }
        finally
        {
            await cluster.ReplaceAsync(victim);
        }

        await AFrozenSiloLosesItsRestoreToAnotherAsync(orgId, token, backupId, rows);
        Assert.NotEmpty(watch.Statuses);
        Assert.True(watch.ServerErrors.Count == 0, string.Join("\n\n", watch.ServerErrors));
    }

    /// <summary>
    /// SIGSTOP the silo running a restore: membership evicts it and the restore resumes on another silo
    /// from its last committed batch. SIGCONT: the stale attempt's writes fail (its fence and its state's
    /// ETag are taken), so nothing is counted or published twice.
    /// </summary>
    private async Task AFrozenSiloLosesItsRestoreToAnotherAsync(string orgId, string token, string backupId, int rows)
    {
        using var admin = cluster.Nodes[0].Client(token);
        var started = await admin.PostAsJsonAsync($"/api/orgs/{orgId}/restores", new { backupId, mode = "full", dryRun = true });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var restoreId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var runner = await Eventually.GetAsync(() => RunningAsync("backup.restore"), run => run is not null, TimeSpan.FromSeconds(60), "the restore to run");
        await Eventually.GetAsync(() => RestoreCursorAsync(restoreId), cursor => CrmActors.Grains.Backups.RestoreCursor.Parse(cursor) is { Rows: > 0 } or { Module: > 0 }, TimeSpan.FromSeconds(60), "the restore to commit a batch of rows");
        var frozen = cluster.Nodes.Single(n => n.Name == runner!.Silo);
        frozen.Freeze();
        try
        {
            var survivor = cluster.Nodes.First(n => n != frozen);
            using var client = survivor.Client(token);
            var restore = await Eventually.JsonAsync(client, $"/api/orgs/{orgId}/restores/{restoreId}",
                r => r.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(120), "another silo to finish the restore");
            var run = await Eventually.GetAsync(() => RunOfAsync("backup.restore", orgId), r => r.Status != "running", TimeSpan.FromSeconds(30), "the restore run to end");
            Assert.Equal("completed", run.Status);
            Assert.NotEqual(frozen.Name, run.Silo);
            Assert.True(run.Attempts >= 2, $"{run}");

            frozen.Thaw();
            // The thawed silo learns it was declared dead and stops; its attempt publishes nothing more.
            await Eventually.GetAsync(() => Task.FromResult(frozen.HasExited), exited => exited, TimeSpan.FromSeconds(60), "the thawed silo to stop");
            var after = await Eventually.JsonAsync(client, $"/api/orgs/{orgId}/restores/{restoreId}", _ => true, TimeSpan.FromSeconds(30), "the restore");
            foreach (var report in new[] { restore.GetProperty("report"), after.GetProperty("report") })
            {
                Assert.Equal((0L, 0L, (long)rows, 0L), (report.GetProperty("created").GetInt64(), report.GetProperty("updated").GetInt64(),
                    report.GetProperty("skipped").GetInt64(), report.GetProperty("failedCount").GetInt64()));
            }

            Assert.Equal("completed", after.GetProperty("status").GetString());
        }
        finally
        {
            frozen.Thaw();
            await cluster.ReplaceAsync(frozen);
        }
    }

    private async Task<string?> RestoreCursorAsync(string restoreId)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<string?>("SELECT cursor FROM backup_restores WHERE id = @restoreId", new { restoreId });
    }

    private async Task FinishesElsewhereAsync(string orgId, string token, string backupId, int rows, string killedOwner, SiloProcess victim, SiloProcess survivor)
    {
        // The operator's dashboard shows the backup job running; then the node is killed and falls silent.
        await using var dashboard = await DashboardPage.AsOperatorAsync(survivor.Address, SiloCluster.OperatorKey);
        var page = dashboard.Page;
        await Assertions.Expect(page.Locator("#jobs tbody tr", new() { HasText = "backup.run" }).Locator("td.running")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        victim.Kill();
        await Assertions.Expect(page.Locator("#nodes tbody tr", new() { HasText = victim.Name }).Locator("td.dead")).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#organizations tbody tr", new() { HasText = "Cluster Org" }).First).ToBeVisibleAsync();
        Assert.Empty(dashboard.Errors);

        using var client = survivor.Client(token);
        var backup = await Eventually.JsonAsync(client, $"/api/orgs/{orgId}/backups/{backupId}",
            b => b.GetProperty("status").GetString() is "ready" or "failed", TimeSpan.FromSeconds(120), "another node to finish the backup");
        Assert.Equal("ready", backup.GetProperty("status").GetString());
        Assert.Single((await client.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/backups")).EnumerateArray());
        Assert.Equal(rows, backup.GetProperty("manifest").GetProperty("modules").EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == "Leads").GetProperty("rows").GetInt64());
        var job = await Eventually.GetAsync(() => RunOfAsync("backup.run", orgId), run => run.Status != "running", TimeSpan.FromSeconds(30), "the backup run to end");
        Assert.Equal("completed", job.Status);
        Assert.Equal(2, job.Attempts);
        Assert.NotEqual(killedOwner, job.Silo);
    }

    private async Task<RunRows.Running?> RunningAsync(string kind)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        return await RunRows.RunningAsync(connection, kind);
    }

    private async Task<RunRows.Finished> RunOfAsync(string kind, string orgId)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        return await RunRows.OfAsync(connection, kind, orgId);
    }
}

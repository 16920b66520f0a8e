using System.Data.Common;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CrmActors.Tests.Backups;

/// <summary>
/// A node is killed (SIGKILL) in the middle of a backup of 200,000 records. On PostgreSQL the other
/// node of the cluster takes the job over once its lease lapses; on SQLite the restarted node does.
/// Either way there is exactly one ready backup, complete, and no trace of the interrupted run. A
/// restore killed the same way resumes after its last committed batch.
/// </summary>
public abstract class BackupFailoverTests(string provider) : IAsyncLifetime
{
    private const int Rows = 200_000;
    private const string OperatorKey = "failover-operator-key";

    private readonly SiloDeployment _deployment = new(provider, OperatorKey);

    private List<SiloProcess> Silos => _deployment.Silos;

    public async Task InitializeAsync() => await _deployment.PrepareAsync();

    public async Task DisposeAsync() => await _deployment.DisposeAsync();

    [Fact]
    public async Task ANodeKilledDuringABackupLeavesItToAnotherNodeAndExactlyOneBackupBecomesReady()
    {
        try
        {
            await KillDuringABackupAsync();
        }
        catch (Exception failure)
        {
            // What a failure on a loaded machine needs to be understood: every run's state and each silo's last lines.
            await using var connection = await OpenDatabaseAsync();
            var runs = string.Join('\n', await connection.QueryAsync<string>(
                "SELECT kind || ' ' || owner_key || ' ' || status || ' attempts=' || attempts || ' silo=' || COALESCE(silo, '') || ' progress=' || progress || ' ' || COALESCE(error, '') FROM runs"));
            var logs = string.Join('\n', Silos.Select(s => $"--- {s.Name} (exited: {s.HasExited}) ---\n{string.Join('\n', s.Output.Split('\n').TakeLast(40))}"));
            throw new Xunit.Sdk.XunitException($"{failure.GetType().Name}: {failure.Message}\n--- runs ---\n{runs}\n{logs}\n{failure.StackTrace}");
        }
    }

    private async Task KillDuringABackupAsync()
    {
        var first = await StartSiloAsync();
        var second = provider == "postgres" ? await StartSiloAsync() : null;
        var (orgId, token) = await CreateOrgAsync(first);
        using (var admin = first.Client(token))
        {
            var csv = new StringBuilder("First_Name,Last_Name,Company,Email\n");
            for (var i = 0; i < Rows; i++)
            {
                csv.Append(CultureInfoInvariant($"Name{i},Surname {i} {Guid.NewGuid():N},\"Company {i % 977}, Ltd\",lead{i}@failover.example\n"));
            }

            var bulk = await admin.PostAsync($"/api/orgs/{orgId}/modules/Leads/records/bulk", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
            Assert.True(bulk.IsSuccessStatusCode, await bulk.Content.ReadAsStringAsync());
            Assert.Equal(Rows, (await bulk.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetInt32());
        }

        using var client = first.Client(token);
        var requested = await client.PutAsJsonAsync($"/api/orgs/{orgId}/backup/schedule", new { frequency = "now" });
        Assert.True(requested.IsSuccessStatusCode, await requested.Content.ReadAsStringAsync());
        var backupId = (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("latestBackupId").GetString()!;
        // Asked before the node is killed, not between seeing the run and killing its node (see below).
        var busy = await client.DeleteAsync($"/api/orgs/{orgId}/backup/schedule");
        await busy.AssertProblemAsync(HttpStatusCode.Conflict, "backup-busy");

        // The node running the backup, caught while it runs. A run that already ended is seen too (it cannot be
        // missed between two polls), and then the test says so instead of waiting out its timeout.
        var state = await Eventually.GetAsync(async () => (Running: await RunningJobAsync(), Ended: await EndedJobAsync(orgId)),
            s => s.Running is not null || s.Ended is not null, TimeSpan.FromSeconds(60), "the backup run to start");
        Assert.True(state.Running is not null, $"The backup ended ({state.Ended}) before the test could kill the node running it; back up more rows.");
        // Killed at once: a 200,000-row backup takes about a second, and a request in between let one finish first.
        var runner = state.Running!;
        var victim = Silos.Single(s => s.Name == runner.Silo);
        victim.Kill();
        var survivor = second is null ? await StartSiloAsync() : Silos.Single(s => s != victim);

        using var admin2 = survivor.Client(token);
        var backup = await Eventually.JsonAsync(admin2, $"/api/orgs/{orgId}/backups/{backupId}",
            b => b.GetProperty("status").GetString() is "ready" or "failed", TimeSpan.FromSeconds(120), "another node to finish the backup");
        Assert.Equal("ready", backup.GetProperty("status").GetString());
        var backups = await admin2.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/backups");
        Assert.Single(backups.EnumerateArray());

        var job = await Eventually.GetAsync(() => JobAsync("backup.run", orgId), run => run.Status != "running", TimeSpan.FromSeconds(30), "the backup run to end");
        Assert.Equal(("completed", 2), (job.Status, job.Attempts));
        Assert.NotEqual(runner.Silo, job.Silo);
        var folder = Path.Combine(_deployment.BlobRoot, "orgs", orgId, "backups", backupId);
        Assert.Single(Directory.GetDirectories(folder));

        var manifest = backup.GetProperty("manifest");
        Assert.Equal(Rows, manifest.GetProperty("modules").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "Leads").GetProperty("rows").GetInt64());
        using var anonymous = survivor.Client();
        var leads = 0;
        foreach (var url in backup.GetProperty("data").EnumerateArray().Select(u => u.GetString()!))
        {
            await using var stream = await anonymous.GetStreamAsync(url);
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            using var zip = new ZipArchive(buffer, ZipArchiveMode.Read);
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("Leads_", StringComparison.Ordinal)))
            {
                using var reader = new StreamReader(entry.Open());
                while (await reader.ReadLineAsync() is not null)
                {
                    leads++;
                }

                leads--;
            }
        }

        Assert.Equal(Rows, leads);

        // A restore killed after some batches committed resumes after the last one: nothing is counted twice.
        var started = await admin2.PostAsJsonAsync($"/api/orgs/{orgId}/restores", new { backupId, mode = "full", dryRun = true });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var restoreId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await Eventually.GetAsync(() => RestoreCursorAsync(restoreId), cursor => CrmActors.Grains.Backups.RestoreCursor.Parse(cursor) is { Rows: > 0 } or { Module: > 0 }, TimeSpan.FromSeconds(60), "the restore to commit a batch of rows");
        survivor.Kill();
        using var admin3 = (await StartSiloAsync()).Client(token);
        var restore = await Eventually.JsonAsync(admin3, $"/api/orgs/{orgId}/restores/{restoreId}",
            r => r.GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(120), "another node to finish the restore");
        var report = restore.GetProperty("report");
        Assert.Equal(("completed", 0L, 0L, (long)Rows, 0L), (restore.GetProperty("status").GetString(), report.GetProperty("created").GetInt64(),
            report.GetProperty("updated").GetInt64(), report.GetProperty("skipped").GetInt64(), report.GetProperty("failedCount").GetInt64()));
        // At least one more attempt finished it (a slow heartbeat on a loaded machine may add another); the counts above stay exact either way.
        var restoreJob = await Eventually.GetAsync(() => JobAsync("backup.restore", orgId), run => run.Status != "running", TimeSpan.FromSeconds(30), "the restore run to end");
        Assert.True(restoreJob is { Status: "completed", Attempts: >= 2 }, $"{restoreJob}");
    }

    private async Task<string?> RestoreCursorAsync(string restoreId)
    {
        await using var connection = await OpenDatabaseAsync();
        return await connection.QuerySingleOrDefaultAsync<string?>("SELECT cursor FROM backup_restores WHERE id = @restoreId", new { restoreId });
    }

    private async Task<RunRows.Running?> RunningJobAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        return await RunRows.RunningAsync(connection, "backup.run");
    }

    private async Task<string?> EndedJobAsync(string orgId)
    {
        await using var connection = await OpenDatabaseAsync();
        return await connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT status FROM runs WHERE kind = 'backup.run' AND owner_key = @orgId AND status IN ('completed', 'failed')", new { orgId });
    }

    private async Task<RunRows.Finished> JobAsync(string kind, string orgId)
    {
        await using var connection = await OpenDatabaseAsync();
        return await RunRows.OfAsync(connection, kind, orgId);
    }

    private async Task<DbConnection> OpenDatabaseAsync()
    {
        DbConnection connection = _deployment.ConnectionString is { } postgres
            ? new NpgsqlConnection(postgres)
            : new SqliteConnection($"Data Source={Path.Combine(_deployment.DataDirectory, "crm.db")}");
        await connection.OpenAsync();
        return connection;
    }

    private Task<SiloProcess> StartSiloAsync() => _deployment.StartAsync();

    private Task<(string OrgId, string Token)> CreateOrgAsync(SiloProcess silo) =>
        _deployment.CreateOrgAsync(silo, "Failover", domain: "failover.example");

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);
}

public sealed class SqliteBackupFailoverTests() : BackupFailoverTests("sqlite");

public sealed class PostgresBackupFailoverTests() : BackupFailoverTests("postgres");

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Grains.Runs;
using CrmActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CrmActors.Tests.Backups;

/// <summary>Restores from stored backups: full and module restores, idempotent reruns and dry runs.</summary>
public abstract class BackupRestoreTests(SmallPartsApplication app)
{
    [Fact]
    public async Task AFullRestoreAfterEverythingWasDeletedBringsBackEqualRecordsLookupsAndFiles()
    {
        var org = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(org);
        var before = await SampleData.SnapshotAsync(org);
        var backupId = (await org.BackupNowAsync()).GetProperty("id").GetString()!;
        await DeleteEverythingAsync(org);
        Assert.Empty(await SampleData.SnapshotAsync(org));
        var blobs = Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "files");
        Assert.Empty(Directory.Exists(blobs) ? Directory.GetFiles(blobs) : []);

        var dryRun = Report(await org.RestoreAsync(new { backupId, mode = "full", dryRun = true }));
        Assert.Equal((sample.RecordCount, 0, 0, 0), (dryRun.Created, dryRun.Updated, dryRun.Skipped, dryRun.Failed));
        Assert.Equal(sample.Files.Count, dryRun.FilesCreated);
        Assert.Empty(await SampleData.SnapshotAsync(org));
        Assert.Empty(Directory.Exists(blobs) ? Directory.GetFiles(blobs) : []);

        var restore = await org.RestoreAsync(new { backupId, mode = "full" });
        var report = Report(restore);
        Assert.Equal((sample.RecordCount, 0, 0, 0, 0), (report.Created, report.Updated, report.Skipped, report.Failed, report.Remapped));
        Assert.Equal(sample.Files.Count, report.FilesCreated);
        SampleData.AssertSame(before, await SampleData.SnapshotAsync(org));

        var again = Report(await org.RestoreAsync(new { backupId, mode = "full" }));
        Assert.Equal((0, 0, sample.RecordCount, 0), (again.Created, again.Updated, again.Skipped, again.Failed));
        Assert.Equal((0, sample.Files.Count), (again.FilesCreated, again.FilesSkipped));
        SampleData.AssertSame(before, await SampleData.SnapshotAsync(org));

        var audit = await org.GetJsonAsync("audit-log?action=restore");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("module").GetString() == "Contacts");
    }

    [Fact]
    public async Task FilesInTheRecycleBinComeBackInBlobsOfTheirOwnAndTheBinnedBlobsGoOnceTheRowsPointElsewhere()
    {
        var org = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(org);
        var before = await SampleData.SnapshotAsync(org);
        var backupId = (await org.BackupNowAsync()).GetProperty("id").GetString()!;
        await DeleteEverythingAsync(org, emptyBin: false);
        var blobFolder = Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "files");
        var binned = Directory.GetFiles(blobFolder).Order().ToList();

        // A dry run writes nothing, and deletes nothing: the binned files keep their blobs.
        var dryRun = await org.RestoreAsync(new { backupId, mode = "full", dryRun = true });
        Assert.Equal(sample.Files.Count, dryRun.GetProperty("report").GetProperty("files").GetProperty("updated").GetInt64());
        Assert.Equal(binned, Directory.GetFiles(blobFolder).Order());

        // A binned file is present, so it is updated: the backup's bytes go to a blob of their own until the batch commits.
        var restore = await org.RestoreAsync(new { backupId, mode = "full" });
        Assert.Equal(sample.Files.Count, restore.GetProperty("report").GetProperty("files").GetProperty("updated").GetInt64());
        SampleData.AssertSame(before, await SampleData.SnapshotAsync(org));
        var blobs = Directory.GetFiles(blobFolder);
        Assert.Equal(sample.Files.Count, blobs.Length);
        Assert.All(blobs, blob => Assert.EndsWith("." + restore.GetProperty("id").GetString(), blob));
    }

    [Fact]
    public async Task AModuleRestoreRestoresOneModuleAndUpdatesChangedRecords()
    {
        var org = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(org);
        var backupId = (await org.BackupNowAsync()).GetProperty("id").GetString()!;
        var leads = await org.AllRecordsAsync("Leads");
        foreach (var lead in leads)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Leads/records/{lead.GetProperty("id").GetString()}"))).StatusCode);
        }

        var renamed = await org.Admin.PatchAsync(org.Url($"modules/Contacts/records/{sample.Ids["contact2"]}"), OrgSession.Fields(new { Last_Name = "Changed" }));
        Assert.True(renamed.IsSuccessStatusCode);

        var report = Report(await org.RestoreAsync(new { backupId, mode = "module", module = "Leads" }));

        Assert.Equal((leads.Count, 0, 0, 0), (report.Created, report.Updated, report.Skipped, report.Failed));
        Assert.Equal(leads.Count, (await org.AllRecordsAsync("Leads")).Count);
        Assert.Equal("Changed", (await org.GetJsonAsync($"modules/Contacts/records/{sample.Ids["contact2"]}")).GetProperty("Last_Name").GetString());
        var contacts = Report(await org.RestoreAsync(new { backupId, mode = "module", module = "contacts" }));
        Assert.Equal((0, 1, 5), (contacts.Created, contacts.Updated, contacts.Skipped));
        Assert.Equal("山田 2", (await org.GetJsonAsync($"modules/Contacts/records/{sample.Ids["contact2"]}")).GetProperty("Last_Name").GetString());
    }

    [Fact]
    public async Task ARestoreBringsBackRowsWhoseLookupTargetIsGoneWithTheLookupClearedAndSaysWhy()
    {
        var org = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(org);
        var backupId = (await org.BackupNowAsync()).GetProperty("id").GetString()!;
        await DeleteEverythingAsync(org);

        // Accounts stay deleted: the contacts come back without their account, and the report says so row by row.
        var restore = await org.RestoreAsync(new { backupId, mode = "module", module = "Contacts" });
        var report = Report(restore);

        Assert.Equal((6, 0), (report.Created, report.Failed));
        var warnings = restore.GetProperty("report").GetProperty("warnings").EnumerateArray().ToList();
        Assert.Equal(6, warnings.Count);
        Assert.All(warnings, w =>
        {
            Assert.Equal("Contacts", w.GetProperty("module").GetString());
            Assert.Contains("Account_Name", w.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.True(w.GetProperty("row").GetInt64() >= 1);
        });
        Assert.Contains(warnings, w => w.GetProperty("id").GetString() == sample.Ids["contact0"]);
        var contacts = await org.AllRecordsAsync("Contacts");
        Assert.Equal(6, contacts.Count);
        Assert.All(contacts, c => Assert.False(c.TryGetProperty("Account_Name", out _)));
    }

    [Fact]
    public async Task ARestoreOfAnUnknownOrExpiredBackupIsRefused()
    {
        var org = await app.CreateOrgAsync();
        await (await org.Admin.PostAsync(org.Url("restores"), OrgSession.Fields(new { backupId = "nope", mode = "full" })))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        var backupId = (await org.BackupNowAsync()).GetProperty("id").GetString()!;
        await (await org.Admin.PostAsync(org.Url("restores"), OrgSession.Fields(new { backupId, mode = "everything" })))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await org.Admin.PostAsync(org.Url("restores"), OrgSession.Fields(new { backupId, mode = "module", module = "Nope" })))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task SavingRemapsKeepsTheMappingsAnotherRunSavedFirstAndSaysWhichThoseWere()
    {
        var orgId = (await app.CreateOrgAsync()).OrgId;
        var (old1, old2, old3) = (CrmActors.Grains.Common.Ids.New(), CrmActors.Grains.Common.Ids.New(), CrmActors.Grains.Common.Ids.New());
        var (first, mine1, mine2, mine3) = (CrmActors.Grains.Common.Ids.New(), CrmActors.Grains.Common.Ids.New(), CrmActors.Grains.Common.Ids.New(), CrmActors.Grains.Common.Ids.New());
        await using var connection = await app.OpenDatabaseAsync();

        // Nothing saved yet: every mapping goes in, no conflict.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.Empty(await CrmActors.Grains.Backups.RestoreStore.AddMappingsAsync(
                connection, transaction, orgId, () => [KeyValuePair.Create(old1, first)], DateTimeOffset.UtcNow));
            await transaction.CommitAsync();
        }

        // Another run saved old1 first: its new ID stays and is reported; the others are saved.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var conflicts = await CrmActors.Grains.Backups.RestoreStore.AddMappingsAsync(connection, transaction, orgId,
                () => [KeyValuePair.Create(old1, mine1), KeyValuePair.Create(old2, mine2), KeyValuePair.Create(old3, mine3)], DateTimeOffset.UtcNow);
            Assert.Equal([(old1, first)], conflicts);
            await transaction.CommitAsync();
        }

        var saved = (await Dapper.SqlMapper.QueryAsync<(string Old, string New)>(connection,
            "SELECT old_id, new_id FROM backup_id_map WHERE org_id = @orgId ORDER BY old_id", new { orgId })).ToList();
        Assert.Equal(new[] { (old1, first), (old2, mine2), (old3, mine3) }.OrderBy(m => m.Item1, StringComparer.Ordinal), saved);
    }

    public static async Task DeleteEverythingAsync(OrgSession org, bool emptyBin = true)
    {
        foreach (var module in SampleData.Modules.Append("TicketComments"))
        {
            foreach (var record in await org.AllRecordsAsync(module))
            {
                var response = await org.Admin.DeleteAsync(org.Url($"modules/{module}/records/{record.GetProperty("id").GetString()}"));
                Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound);
            }
        }

        if (emptyBin)
        {
            Assert.True((await org.Admin.DeleteAsync(org.Url("recycle-bin"))).IsSuccessStatusCode);
        }
    }

    public sealed record Counts(long Created, long Updated, long Skipped, long Failed, long Remapped, long FilesCreated, long FilesSkipped);

    public static Counts Report(JsonElement restore)
    {
        var report = restore.GetProperty("report");
        var files = report.GetProperty("files");
        return new Counts(report.GetProperty("created").GetInt64(), report.GetProperty("updated").GetInt64(), report.GetProperty("skipped").GetInt64(),
            report.GetProperty("failedCount").GetInt64(), report.GetProperty("remappedCount").GetInt64(), files.GetProperty("created").GetInt64(), files.GetProperty("skipped").GetInt64());
    }
}

public sealed class SqliteBackupRestoreTests(SqliteSmallPartsApplication app) : BackupRestoreTests(app), IClassFixture<SqliteSmallPartsApplication>;

public sealed class PostgresBackupRestoreTests(PostgresSmallPartsApplication app) : BackupRestoreTests(app), IClassFixture<PostgresSmallPartsApplication>;

/// <summary>A restore's two writers, records and files, at work at once.</summary>
public abstract class RestoreWritersTests(SmallBatchesApplication app)
{
    [Fact]
    public async Task TheFilesAreRestoredBesideTheRecordsNotAfterThem()
    {
        var org = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(org);
        // Enough rows that the records take hundreds of batches (7 rows each here); the files take one each.
        const int Leads = 3000;
        var csv = new StringBuilder("Last_Name,Email\n");
        for (var i = 0; i < Leads; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Lead {i},lead{i}@beside.example\n");
        }

        var bulk = await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.True(bulk.IsSuccessStatusCode, await bulk.Content.ReadAsStringAsync());
        var rows = sample.RecordCount + Leads;
        var backupId = (await org.BackupNowAsync()).GetProperty("id").GetString()!;

        // Polled while it runs: a written file is counted in the same transaction as its batch, and so are rows.
        var restoreId = await org.StartRestoreAsync(new { backupId, mode = "full", dryRun = true });
        var seen = new List<(long Rows, long Files)>();
        var progress = new List<double>();
        JsonElement restore;
        var deadline = DateTime.UtcNow + BackupCalls.Patience;
        while ((restore = await org.GetJsonAsync($"restores/{restoreId}")).GetProperty("status").GetString() is "queued" or "running" && DateTime.UtcNow < deadline)
        {
            var counts = BackupRestoreTests.Report(restore);
            seen.Add((counts.Created + counts.Updated + counts.Skipped + counts.Failed, counts.FilesCreated + counts.FilesSkipped));
            // The dashboard's job list shows how far the restore's run is (written with the run's heartbeat).
            var jobs = (await org.Admin.GetFromJsonAsync<JsonElement>("/api/dashboard")).GetProperty("jobs").EnumerateArray();
            progress.AddRange(jobs.Where(j => j.GetProperty("kind").GetString() == "backup.restore" && j.GetProperty("status").GetString() == "running")
                .Select(j => j.GetProperty("progress").GetDouble()));
        }

        Assert.Equal("completed", restore.GetProperty("status").GetString());
        var report = BackupRestoreTests.Report(restore);
        Assert.Equal((0L, 0L, (long)rows, 0L, 0L, (long)sample.Files.Count),
            (report.Created, report.Updated, report.Skipped, report.Failed, report.FilesCreated, report.FilesSkipped));
        // Every file was counted while rows were still being written (written after them, none would be before the last row).
        Assert.Contains(seen, s => s.Files == sample.Files.Count && s.Rows < rows);
        Assert.Contains(progress, p => p is > 0 and < 1);
    }

    [Fact]
    public async Task AReportListsEveryRowNotRestoredAndEveryWarningButOnlyTheFirstRemapsWhileTheLedgerKeepsThemAll()
    {
        // Accounts lack a required field there: 2 rows and their 3 files fail, and 5 rows lose their account lookup.
        var (sample, target, restoreId) = await BackupUploadTests.RestoreIntoAnOrgThatRequiresATaxIdOfAccountsAsync(app);
        var restore = await target.WaitForRestoreAsync(restoreId);

        // Every row of another org's backup is remapped. The counts are exact; the remaps listed stop at the setting (4
        // here), while every failure (5, more than 4) and every warning is listed.
        var report = BackupRestoreTests.Report(restore);
        var remapped = sample.RecordCount - 2 + sample.Files.Count - 3;
        Assert.Equal((sample.RecordCount - 2, 5L, (long)remapped), (report.Created, report.Failed, report.Remapped));
        var full = (await target.GetJsonAsync($"restores/{restoreId}?limit=1000")).GetProperty("report");
        var warnings = full.GetProperty("warningCount").GetInt64();
        Assert.True(warnings >= 5);
        Assert.Equal((5, (int)warnings, 4), (full.GetProperty("failed").GetArrayLength(), full.GetProperty("warnings").GetArrayLength(), full.GetProperty("idRemap").GetArrayLength()));
        // ?limit=0 answers the status and the exact counts alone, for a client that polls.
        var counts = (await target.GetJsonAsync($"restores/{restoreId}?limit=0")).GetProperty("report");
        Assert.Equal((0, 0, 0), (counts.GetProperty("failed").GetArrayLength(), counts.GetProperty("warnings").GetArrayLength(), counts.GetProperty("idRemap").GetArrayLength()));
        Assert.Equal((5L, warnings, (long)remapped), (counts.GetProperty("failedCount").GetInt64(), counts.GetProperty("warningCount").GetInt64(), counts.GetProperty("remappedCount").GetInt64()));

        // The listed remaps are real: each new ID is a record or file of the target.
        var remap = full.GetProperty("idRemap").EnumerateArray().Where(r => r.GetProperty("kind").GetString() == "record").First();
        var module = remap.GetProperty("module").GetString();
        Assert.Equal(HttpStatusCode.OK, (await target.Admin.GetAsync(target.Url($"modules/{module}/records/{remap.GetProperty("newId").GetString()}"))).StatusCode);

        // The same report as a CSV file: one line per item, the JSON's lists in full.
        var request = new HttpRequestMessage(HttpMethod.Get, target.Url($"restores/{restoreId}"));
        request.Headers.Accept.ParseAdd("text/csv");
        var response = await target.Admin.SendAsync(request);
        Assert.Equal(("text/csv", $"restore-{restoreId}.csv"), (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"')));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        using var csv = new CsvHelper.CsvReader(new StringReader(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3)), CultureInfo.InvariantCulture);
        var lines = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().Select(l => l.ToDictionary(c => c.Key, c => (string)c.Value)).ToList();
        Assert.Equal(["kind", "module", "file", "row", "id", "newId", "reason"], csv.HeaderRecord!);
        Assert.Equal(["failed", "warning", "remap"], lines.Select(l => l["kind"]).Distinct());
        Assert.Equal((5, (int)warnings, 4), (lines.Count(l => l["kind"] == "failed"), lines.Count(l => l["kind"] == "warning"), lines.Count(l => l["kind"] == "remap")));
        var failures = full.GetProperty("failed").EnumerateArray().Select(f => (f.GetProperty("id").GetString(), f.GetProperty("reason").GetString())).ToList();
        Assert.Equal(failures, lines.Where(l => l["kind"] == "failed").Select(l => ((string?)l["id"], (string?)l["reason"])));
        Assert.Contains(lines, l => l["kind"] == "failed" && l["reason"].Contains("Tax_Id is required", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l["kind"] == "remap"), l => Assert.Contains(l["reason"], new[] { "record", "file" }));

        // The file is read a page of items at a time: pages of 2 give the same 5 failures, in order.
        var paged = await app.Services.GetRequiredService<CrmActors.Grains.Backups.RestoreStore>().AllItemsAsync(target.OrgId, restoreId, "failed", pageSize: 2).ToListAsync();
        Assert.Equal(failures, paged.Select(i => (i.RecordId, i.Reason)));

        await using var database = await app.OpenDatabaseAsync();
        Assert.Equal(5L + warnings + 4, await ItemsAsync(database, restoreId));
        await using var ledger = database.CreateCommand();
        ledger.CommandText = $"SELECT COUNT(*) FROM backup_id_map WHERE org_id = '{target.OrgId}'";
        Assert.True(Convert.ToInt64(await ledger.ExecuteScalarAsync(), CultureInfo.InvariantCulture) >= remapped);
    }

    [Fact]
    public async Task AnOrgKeepsItsNewestRestoresAndTheirReportsOlderOnesGoWithTheirItems()
    {
        // The first restore has report items (failures, warnings, remaps); two later ones (dry runs of the org's own
        // backup) push it past the setting (2 here).
        var (_, target, first) = await BackupUploadTests.RestoreIntoAnOrgThatRequiresATaxIdOfAccountsAsync(app);
        await target.WaitForRestoreAsync(first);
        await using var database = await app.OpenDatabaseAsync();
        Assert.True(await ItemsAsync(database, first) > 0);
        var backupId = (await target.BackupNowAsync()).GetProperty("id").GetString();
        var second = (await target.RestoreAsync(new { backupId, mode = "full", dryRun = true })).GetProperty("id").GetString();
        Assert.Equal(2, (await target.GetJsonAsync("restores")).GetArrayLength());
        var third = (await target.RestoreAsync(new { backupId, mode = "full", dryRun = true })).GetProperty("id").GetString();

        var kept = await Eventually.GetAsync(() => target.GetJsonAsync("restores"), l => l.GetArrayLength() == 2, BackupCalls.Patience, "the oldest restore to go");
        Assert.Equal([third, second], kept.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await target.Admin.GetAsync(target.Url($"restores/{first}"))).StatusCode);
        Assert.Equal(0L, await ItemsAsync(database, first));
    }

    private static async Task<long> ItemsAsync(System.Data.Common.DbConnection database, string restoreId)
    {
        await using var command = database.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM backup_restore_items WHERE restore_id = '{restoreId}'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}

public sealed class SqliteRestoreWritersTests(SqliteSmallBatchesApplication app) : RestoreWritersTests(app), IClassFixture<SqliteSmallBatchesApplication>;

public sealed class PostgresRestoreWritersTests(PostgresSmallBatchesApplication app) : RestoreWritersTests(app), IClassFixture<PostgresSmallBatchesApplication>
{
    [Fact]
    public async Task TwoWritersOfOneAttemptPassTheFenceTogetherAndALaterAttemptWaitsForBoth()
    {
        var table = app.Services.GetRequiredService<RunTable>();
        var runId = $"fence-test-{Guid.NewGuid():N}";
        Assert.True(await table.ClaimAsync(runId, 1));
        await using var first = await app.OpenDatabaseAsync();
        await using var second = await app.OpenDatabaseAsync();
        await using var firstTransaction = await first.BeginTransactionAsync();
        await using var secondTransaction = await second.BeginTransactionAsync();
        Assert.True(await table.HoldsAsync(first, firstTransaction, runId, 1));
        Assert.True(await table.HoldsAsync(second, secondTransaction, runId, 1).WaitAsync(TimeSpan.FromSeconds(5)));

        var claim = table.ClaimAsync(runId, 2);
        await Task.Delay(500);
        Assert.False(claim.IsCompleted, "a later attempt claimed the run while a writer of the earlier one was inside its fence");
        await firstTransaction.CommitAsync();
        await Task.Delay(300);
        Assert.False(claim.IsCompleted, "a later attempt claimed the run while the second writer was inside its fence");
        await secondTransaction.CommitAsync();
        Assert.True(await claim.WaitAsync(TimeSpan.FromSeconds(10)));

        await using var transaction = await first.BeginTransactionAsync();
        Assert.False(await table.HoldsAsync(first, transaction, runId, 1));
    }
}

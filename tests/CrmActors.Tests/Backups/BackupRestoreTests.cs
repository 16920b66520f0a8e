using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrmActors.Tests.Support;

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

    public static async Task DeleteEverythingAsync(OrgSession org)
    {
        foreach (var module in SampleData.Modules.Append("TicketComments"))
        {
            foreach (var record in await org.AllRecordsAsync(module))
            {
                var response = await org.Admin.DeleteAsync(org.Url($"modules/{module}/records/{record.GetProperty("id").GetString()}"));
                Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound);
            }
        }

        Assert.True((await org.Admin.DeleteAsync(org.Url("recycle-bin"))).IsSuccessStatusCode);
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

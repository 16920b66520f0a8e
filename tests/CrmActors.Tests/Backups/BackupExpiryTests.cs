using System.Net;
using CrmActors.Grains.Backups;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Backups;

/// <summary>Download links end 7 days after a backup is ready, and its files are deleted by a durable deadline.</summary>
public abstract class BackupExpiryTests(CrmApplication app)
{
    [Fact]
    public async Task ALinkAnswersGoneAfterSevenDaysAndTheFilesAreDeleted()
    {
        var org = await app.CreateOrgAsync();
        var record = await org.CreateRecordAsync("Accounts", new { Account_Name = "Kept for a week" });
        await org.UploadAsync("Accounts", record, "a.txt", [1, 2, 3]);
        var backup = await org.BackupNowAsync();
        var backupId = backup.GetProperty("id").GetString()!;
        var url = backup.GetProperty("data")[0].GetString()!;
        using var anonymous = app.ClientFor(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
        var folder = Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "backups", backupId);
        Assert.NotEmpty(Directory.GetFiles(folder, "*.zip", SearchOption.AllDirectories));

        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await app.DeliverAsync<IBackupScheduleGrain>(org.OrgId, BackupConstants.ExpiryReminderPrefix + backupId);

        await (await anonymous.GetAsync(url)).AssertProblemAsync(HttpStatusCode.Gone, "gone");
        await Eventually.GetAsync(() => Task.FromResult(Directory.Exists(folder)), exists => !exists, BackupCalls.Patience, "the backup's files to be deleted");
        var expired = await org.GetJsonAsync($"backups/{backupId}");
        Assert.Equal("expired", expired.GetProperty("status").GetString());
        Assert.Equal(0, expired.GetProperty("data").GetArrayLength());
        Assert.Contains((await org.HistoryAsync()).EnumerateArray(), h => h.GetProperty("kind").GetString() == "backup_expired");
        await (await anonymous.GetAsync(url)).AssertProblemAsync(HttpStatusCode.Gone, "gone");
        await (await org.Admin.PostAsync(org.Url("restores"), OrgSession.Fields(new { backupId, mode = "full" }))).AssertProblemAsync(HttpStatusCode.Gone, "gone");
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url("backup/schedule"))).StatusCode);
    }

    [Fact]
    public async Task TheFilesOfAnExpiredBackupStayWhileARestoreReadsThemAndGoOnceItEnds()
    {
        var org = await app.CreateOrgAsync();
        await org.CreateRecordAsync("Accounts", new { Account_Name = "Read while it expires" });
        var backupId = (await org.BackupNowAsync()).GetProperty("id").GetString()!;
        var folder = Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "backups", backupId);

        // A restore of the backup still running when the week ends (its row, as the restore's run keeps it).
        var restoreId = Guid.NewGuid().ToString("N");
        await using var connection = await app.OpenDatabaseAsync();
        await Dapper.SqlMapper.ExecuteAsync(connection,
            "INSERT INTO backup_restores (id, org_id, backup_id, data_parts, attachment_parts, mode, dry_run, status, counts, requested_by, created_at) " +
            "VALUES (@restoreId, @orgId, @backupId, '[]', '[]', 'full', 0, 'running', '{}', 'someone', 0)", new { restoreId, orgId = org.OrgId, backupId });
        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await app.DeliverAsync<IBackupScheduleGrain>(org.OrgId, BackupConstants.ExpiryReminderPrefix + backupId);

        Assert.True(Directory.Exists(folder));
        Assert.Equal("expired", (await org.GetJsonAsync($"backups/{backupId}")).GetProperty("status").GetString());
        await (await org.Admin.PostAsync(org.Url("restores"), OrgSession.Fields(new { backupId, mode = "full" }))).AssertProblemAsync(HttpStatusCode.Gone, "gone");

        await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE backup_restores SET status = 'completed' WHERE id = @restoreId", new { restoreId });
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await app.DeliverAsync<IBackupScheduleGrain>(org.OrgId, BackupConstants.ExpiryReminderPrefix + backupId);
        await Eventually.GetAsync(() => Task.FromResult(Directory.Exists(folder)), exists => !exists, BackupCalls.Patience, "the backup's files to be deleted");
    }
}

public sealed class SqliteBackupExpiryTests(SqliteClockApplication app) : BackupExpiryTests(app), IClassFixture<SqliteClockApplication>;

public sealed class PostgresBackupExpiryTests(PostgresClockApplication app) : BackupExpiryTests(app), IClassFixture<PostgresClockApplication>;

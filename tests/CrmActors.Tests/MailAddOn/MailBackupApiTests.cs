using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;
using Dapper;

namespace CrmActors.Tests.MailAddOn;

/// <summary>Backups of deactivated users' mailboxes on the real Dovecot: links and counts, the mailbox left intact, latest backups, failures.</summary>
public abstract class MailBackupApiTests(MailApplication app)
{
    /// <summary>The messages scripts/dovecot.sh seeds into alice's mailbox, which no test changes.</summary>
    private const int AliceMessages = 9;

    [Pop3Fact]
    public async Task AFullBackupLinksEveryMessageToItsRecordsCountsThemAndLeavesTheMailboxIntact()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        var org = steps.Org;
        var bob = await org.CreateRecordAsync("Contacts", new { Last_Name = "Bob", Email = "Bob@Customer.Example" });
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Lead", Email = "lead@prospect.example" });
        var vendor = await org.CreateRecordAsync("Vendors", new { Vendor_Name = "Yamada", Email = "taro@example.co.jp" });
        var (userId, _) = await steps.AddMailUserAsync(MailSteps.Settings("alice", "share_all"));
        await steps.SetActiveAsync(userId, false);
        Assert.Equal(AliceMessages, await MailSteps.MessagesOnServerAsync("alice"));

        var backup = await steps.BackupAsync(userId);

        Assert.True(backup.GetProperty("status").GetString() == "completed", backup.GetRawText());
        Assert.Equal(AliceMessages, backup.GetProperty("messages").GetInt32());
        var counts = backup.GetProperty("counts");
        Assert.Equal((AliceMessages, AliceMessages, 0, 1, AliceMessages + 2),
            (counts.GetProperty("onServer").GetInt32(), counts.GetProperty("stored").GetInt32(), counts.GetProperty("notLinked").GetInt32(),
             counts.GetProperty("headersOnly").GetInt32(), counts.GetProperty("links").GetInt32()));
        Assert.Equal(AliceMessages, await MailSteps.MessagesOnServerAsync("alice"));
        var blobs = Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "mail", userId);
        Assert.Equal(AliceMessages, Directory.GetFiles(blobs, "*.eml").Length);

        var emails = await org.GetJsonAsync($"modules/Contacts/records/{bob}/emails");
        var subjects = emails.EnumerateArray().Select(e => e.GetProperty("subject").GetString()).ToList();
        Assert.Equal(AliceMessages, subjects.Count);
        Assert.Contains("見積もりのご案内", subjects);
        Assert.Contains("シフトJISの件名", subjects);
        Assert.Contains("Счёт на оплату", subjects);
        Assert.Contains("Duplicate Message-ID one", subjects);
        Assert.Contains("Duplicate Message-ID two", subjects);
        string IdOf(string subject) => emails.EnumerateArray().Single(e => e.GetProperty("subject").GetString() == subject).GetProperty("id").GetString()!;

        // A page at a time, newest first, the total in a header: a contact linked to a whole mailbox is not answered at once.
        var pages = new List<string>();
        for (var page = 1; page <= (AliceMessages + 1) / 2; page++)
        {
            var response = await org.Admin.GetAsync(org.Url($"modules/Contacts/records/{bob}/emails?page={page}&perPage=2"));
            Assert.Equal(AliceMessages.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Total-Count").Single());
            pages.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
        }

        Assert.Equal(emails.EnumerateArray().Select(e => e.GetProperty("id").GetString()!), pages);
        var tooMany = await org.Admin.GetAsync(org.Url($"modules/Contacts/records/{bob}/emails?perPage=501"));
        Assert.Equal("perPage", (await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());

        var japanese = await org.GetJsonAsync($"emails/{IdOf("見積もりのご案内")}");
        Assert.Equal("山田太郎", japanese.GetProperty("from")[0].GetProperty("name").GetString());
        Assert.Contains("見積書を送付します", japanese.GetProperty("textBody").GetString());
        Assert.Contains(japanese.GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Message-ID");
        Assert.Equal(new[] { bob, vendor }.Order(), japanese.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Order());
        var alternative = await org.GetJsonAsync($"emails/{IdOf("Alternative bodies")}");
        Assert.Contains("10 €", alternative.GetProperty("textBody").GetString());
        Assert.Contains("<b>10 €</b>", alternative.GetProperty("htmlBody").GetString());
        var attached = await org.GetJsonAsync($"emails/{IdOf("With attachments")}");
        Assert.Equal(["見積書.pdf", "顧客リスト.csv"], attached.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("fileName").GetString()!));
        var big = await org.GetJsonAsync($"emails/{IdOf("Big attachment")}");
        Assert.True(big.GetProperty("headersOnly").GetBoolean());
        Assert.Empty(big.GetProperty("attachments").EnumerateArray());
        Assert.Single((await org.GetJsonAsync($"modules/Leads/records/{lead}/emails")).EnumerateArray());

        // A user who may view Leads only sees the lead's message and nothing linked only to the contact.
        var (_, leadsToken) = await org.AddUserAsync(permissions: new { modules = new Dictionary<string, string[]> { ["Leads"] = ["view"] } });
        using var leadsOnly = app.ClientFor(leadsToken);
        await (await leadsOnly.GetAsync(org.Url($"modules/Contacts/records/{bob}/emails"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await leadsOnly.GetAsync(org.Url($"emails/{IdOf("見積もりのご案内")}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.True((await leadsOnly.GetAsync(org.Url($"emails/{IdOf("Big attachment")}"))).IsSuccessStatusCode);
        var other = await app.CreateOrgAsync();
        await (await other.Admin.GetAsync(other.Url($"emails/{IdOf("Big attachment")}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");

        var dashboard = await org.Admin.GetFromJsonAsync<JsonElement>("/api/dashboard/mail-backups");
        var shown = dashboard.EnumerateArray().Single(o => o.GetProperty("orgId").GetString() == org.OrgId).GetProperty("backups")[0];
        Assert.Equal(("completed", AliceMessages), (shown.GetProperty("status").GetString(), shown.GetProperty("counts").GetProperty("stored").GetInt32()));

        // Backing up again stores nothing twice.
        var again = await steps.BackupAsync(userId);
        Assert.Equal(("completed", 0, AliceMessages), (again.GetProperty("status").GetString(), again.GetProperty("messages").GetInt32(),
            again.GetProperty("counts").GetProperty("alreadyStored").GetInt32()));
        Assert.Equal(AliceMessages, await CountRowsAsync(org.OrgId));
        Assert.Equal(AliceMessages, Directory.GetFiles(blobs, "*.eml").Length);
    }

    [Pop3Fact]
    public async Task AMessageWhoseRowDidNotCommitIsFetchedAgainOverWhatACrashLeftOfItsBlobAndStoredOnce()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        var (userId, _) = await steps.AddMailUserAsync(MailSteps.Settings("alice", "share_all"));
        await steps.SetActiveAsync(userId, false);
        Assert.Equal("completed", (await steps.BackupAsync(userId)).GetProperty("status").GetString());

        // As after an OS crash between a batch's blobs and its commit: no rows, and blobs not (wholly) on disk.
        var orgId = steps.Org.OrgId;
        Dictionary<string, byte[]> lost;
        await using (var connection = await app.OpenDatabaseAsync())
        {
            var rows = await connection.QueryAsync<(string Key, string BlobPath)>(
                "SELECT message_key, blob_path FROM mail_messages WHERE org_id = @orgId ORDER BY message_key LIMIT 2", new { orgId });
            lost = rows.ToDictionary(r => Path.Combine(app.DataDirectory, "blobs", r.BlobPath), r => File.ReadAllBytes(Path.Combine(app.DataDirectory, "blobs", r.BlobPath)));
            foreach (var (key, _) in rows)
            {
                await connection.ExecuteAsync("DELETE FROM mail_messages WHERE org_id = @orgId AND message_key = @key", new { orgId, key });
            }
        }

        foreach (var (path, bytes) in lost)
        {
            await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        }

        var again = await steps.BackupAsync(userId);

        Assert.Equal(("completed", 2, AliceMessages - 2), (again.GetProperty("status").GetString(), again.GetProperty("messages").GetInt32(),
            again.GetProperty("counts").GetProperty("alreadyStored").GetInt32()));
        Assert.All(lost, blob => Assert.Equal(blob.Value, File.ReadAllBytes(blob.Key)));
        Assert.Equal(AliceMessages, await CountRowsAsync(orgId));
        Assert.Equal(AliceMessages, Directory.GetFiles(Path.Combine(app.DataDirectory, "blobs", "orgs", orgId, "mail", userId), "*.eml").Length);
    }

    [Pop3Fact]
    public async Task AShareRelatedBackupKeepsOnlyTheMessagesLinkedToARecord()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        var lead = await steps.Org.CreateRecordAsync("Leads", new { Last_Name = "Lead", Email = "LEAD@prospect.example" });
        var (userId, _) = await steps.AddMailUserAsync(MailSteps.Settings("alice", "share_related"));
        await steps.SetActiveAsync(userId, false);

        var backup = await steps.BackupAsync(userId);

        var counts = backup.GetProperty("counts");
        Assert.Equal(("completed", 1, AliceMessages - 1, 1), (backup.GetProperty("status").GetString(), counts.GetProperty("stored").GetInt32(),
            counts.GetProperty("notLinked").GetInt32(), counts.GetProperty("links").GetInt32()));
        Assert.Equal("Big attachment", (await steps.Org.GetJsonAsync($"modules/Leads/records/{lead}/emails"))[0].GetProperty("subject").GetString());
        Assert.Single(Directory.GetFiles(Path.Combine(app.DataDirectory, "blobs", "orgs", steps.Org.OrgId, "mail", userId), "*.eml"));
        Assert.Equal(0, (await steps.BackupAsync(userId)).GetProperty("counts").GetProperty("notLinked").GetInt32());
    }

    [Pop3Fact]
    public async Task ALatestBackupFetchesOnlyNewMessagesAndOnlyAfterTheUserSavedTheirSettingsAgain()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        var user = app.MailUser;
        var (userId, client) = await steps.AddMailUserAsync(MailSteps.Settings(user, "share_all"));
        await steps.SetActiveAsync(userId, false);
        var before = await MailSteps.MessagesOnServerAsync(user);
        var first = await steps.BackupAsync(userId);
        Assert.Equal(("completed", before), (first.GetProperty("status").GetString(), first.GetProperty("messages").GetInt32()));

        for (var i = 0; i < 2; i++)
        {
            TestDovecot.Deliver(user, $"From: newcustomer@prospect.example\nTo: owner@example.test\nSubject: New since the backup {i}\nMessage-ID: <{Guid.NewGuid():N}@prospect.example>\n\nHello {i}\n");
        }

        await steps.SetActiveAsync(userId, true);
        await steps.SetActiveAsync(userId, false);
        await (await steps.PostAsync(userId, "backup/latest")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-latest-backup-settings-not-saved");

        await steps.SetActiveAsync(userId, true);
        Assert.True((await steps.SaveAsync(client, userId, MailSteps.Settings(user, "share_all"))).IsSuccessStatusCode);
        await steps.SetActiveAsync(userId, false);
        var latest = await steps.BackupAsync(userId, "backup/latest");
        var counts = latest.GetProperty("counts");
        Assert.Equal(("completed", "latest", 2, before + 2, before), (latest.GetProperty("status").GetString(), latest.GetProperty("kind").GetString(),
            latest.GetProperty("messages").GetInt32(), counts.GetProperty("onServer").GetInt32(), counts.GetProperty("alreadyStored").GetInt32()));
        Assert.Equal(0, (await steps.BackupAsync(userId, "backup/latest")).GetProperty("messages").GetInt32());
        Assert.Equal(before + 2, await CountRowsAsync(steps.Org.OrgId));

        await steps.SetActiveAsync(userId, true);
        Assert.True((await steps.SaveAsync(client, userId, MailSteps.Settings(user, "private"))).IsSuccessStatusCode);
        await steps.SetActiveAsync(userId, false);
        await (await steps.PostAsync(userId, "backup/latest")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-latest-backup-private");
    }

    [Pop3Fact]
    public async Task AWrongPasswordOrAnUnreachableHostEndsFailedWithTheReasonAndThePasswordIsNowhere()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        var wrongPassword = $"Wrong-{Guid.NewGuid():N}";
        var (wrong, _) = await steps.AddMailUserAsync(MailSteps.Settings("alice", password: wrongPassword));
        var (unreachable, _) = await steps.AddMailUserAsync(MailSteps.Settings("alice", port: ClosedPort()));
        var (good, _) = await steps.AddMailUserAsync(MailSteps.Settings("alice"));
        foreach (var id in new[] { wrong, unreachable, good })
        {
            await steps.SetActiveAsync(id, false);
        }

        var refused = await steps.BackupAsync(wrong);
        Assert.Equal("failed", refused.GetProperty("status").GetString());
        Assert.Contains("refused the login of 'alice'", refused.GetProperty("error").GetString());
        Assert.Contains("Authentication failed", refused.GetProperty("error").GetString());
        var down = await steps.BackupAsync(unreachable);
        Assert.Equal("failed", down.GetProperty("status").GetString());
        Assert.Contains("could not be reached", down.GetProperty("error").GetString());
        Assert.Equal("completed", (await steps.BackupAsync(good)).GetProperty("status").GetString());

        foreach (var secret in new[] { wrongPassword, "alice-secret" })
        {
            Assert.Empty(SecretScan.Files(app.DataDirectory, secret));
            await using var connection = await app.OpenDatabaseAsync();
            Assert.Empty(await SecretScan.DatabaseAsync(connection, secret));
            Assert.DoesNotContain(app.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }

        Assert.Contains(app.Logs.Lines, line => line.Contains("refused the login", StringComparison.Ordinal));
    }

    private async Task<long> CountRowsAsync(string orgId)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM mail_messages WHERE org_id = @orgId", new { orgId });
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class SqliteMailBackupApiTests(SqliteMailApplication app) : MailBackupApiTests(app), IClassFixture<SqliteMailApplication>;

public sealed class PostgresMailBackupApiTests(PostgresMailApplication app) : MailBackupApiTests(app), IClassFixture<PostgresMailApplication>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.MailAddOn;

/// <summary>Mailbox settings by their user only, every lock/unlock rule and every backup refusal, each naming its rule (SPEC §4).</summary>
public abstract class MailAddOnRulesTests(MailApplication app)
{
    [Pop3Fact]
    public async Task OnlyTheUserSavesTheirMailboxAndTheAnswerNeverHoldsThePassword()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        var (userId, client) = await steps.AddMailUserAsync(MailSteps.Settings("alice"));
        var (_, otherClient) = await steps.AddMailUserAsync(MailSteps.Settings("alice"));

        var someoneElse = await steps.SaveAsync(otherClient, userId, MailSteps.Settings("alice", "private"));
        await someoneElse.AssertProblemAsync(HttpStatusCode.Forbidden, "mail-settings-own-only");
        var byAdmin = await steps.SaveAsync(steps.Org.Admin, userId, MailSteps.Settings("alice", "private"));
        await byAdmin.AssertProblemAsync(HttpStatusCode.Forbidden, "mail-settings-own-only");

        var badProtocol = await steps.SaveAsync(client, userId, MailSteps.Settings("alice", protocol: "smtp"));
        Assert.Equal("protocol", (await badProtocol.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
        var badType = await steps.SaveAsync(client, userId, MailSteps.Settings("alice", "everyone"));
        Assert.Equal("accountType", (await badType.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
        var badPort = await steps.SaveAsync(client, userId, MailSteps.Settings("alice", port: 70000));
        Assert.Equal("port", (await badPort.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
        var (newId, newToken) = await steps.Org.AddUserAsync();
        var newClient = app.ClientFor(newToken);
        var noPassword = await steps.SaveAsync(newClient, newId, MailSteps.Settings("alice", password: ""));
        Assert.Equal("password", (await noPassword.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());

        // Saving again without a password keeps the stored one.
        var resaved = await steps.SaveAsync(client, userId, MailSteps.Settings("alice", "share_related", password: ""));
        var body = await resaved.Content.ReadAsStringAsync();
        Assert.True(resaved.IsSuccessStatusCode, body);
        Assert.DoesNotContain("alice-secret", body);
        Assert.Equal("share_related", JsonDocument.Parse(body).RootElement.GetProperty("mailbox").GetProperty("accountType").GetString());
        var own = await client.GetStringAsync(steps.Org.Url($"users/{userId}/mailbox"));
        Assert.DoesNotContain("password", own, StringComparison.OrdinalIgnoreCase);

        // The saved password goes only to the server it was given for: another host, port, login or no TLS needs it again.
        foreach (var moved in new[]
        {
            MailSteps.Settings("alice", password: "", host: "pop.elsewhere.test"), MailSteps.Settings("alice", password: "", port: TestDovecot.Port + 1),
            MailSteps.Settings("bob", password: ""),
        })
        {
            var refused = await steps.SaveAsync(client, userId, moved);
            Assert.Equal("password", (await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
        }

        var withPassword = await steps.SaveAsync(client, userId, MailSteps.Settings("alice", password: "alice-secret", host: "pop.elsewhere.test"));
        Assert.True(withPassword.IsSuccessStatusCode, await withPassword.Content.ReadAsStringAsync());
    }

    [Pop3Fact]
    public async Task LockingFollowsEveryRuleAndEachRefusalNamesIt()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        var org = steps.Org;
        var (noMailbox, _) = await org.AddUserAsync();
        var (userId, client) = await steps.AddMailUserAsync(MailSteps.Settings("alice", "private"));

        await (await steps.PostAsync(noMailbox, "lock")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-no-mailbox");
        await (await steps.PostAsync(userId, "lock")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-lock-private");
        await (await steps.PostAsync(userId, "lock", client)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.True((await steps.SaveAsync(client, userId, MailSteps.Settings("alice", "share_related"))).IsSuccessStatusCode);
        var locked = await steps.PostAsync(userId, "lock");
        Assert.True((await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("locked").GetBoolean());

        // Locked: neither the account type nor the mailbox can change; saving the same settings (a new password) still can.
        await (await steps.SaveAsync(client, userId, MailSteps.Settings("alice", "private"))).AssertProblemAsync(HttpStatusCode.Conflict, "mail-settings-locked");
        await (await steps.SaveAsync(client, userId, MailSteps.Settings("latest", "share_related"))).AssertProblemAsync(HttpStatusCode.Conflict, "mail-settings-locked");
        Assert.True((await steps.SaveAsync(client, userId, MailSteps.Settings("alice", "share_related", password: "alice-secret"))).IsSuccessStatusCode);
        var unlocked = await steps.PostAsync(userId, "unlock");
        Assert.False((await unlocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("locked").GetBoolean());
        Assert.True((await steps.SaveAsync(client, userId, MailSteps.Settings("alice", "private"))).IsSuccessStatusCode);

        // The sole admin may lock and unlock their own settings.
        Assert.True((await steps.SaveAsync(org.Admin, org.AdminUserId, MailSteps.Settings("alice", "share_all"))).IsSuccessStatusCode);
        Assert.True((await steps.PostAsync(org.AdminUserId, "lock")).IsSuccessStatusCode);
        Assert.True((await steps.PostAsync(org.AdminUserId, "unlock")).IsSuccessStatusCode);

        // With a second admin, neither admin may lock or unlock their own, only the other's.
        var (secondId, secondClient) = await steps.AddMailUserAsync(MailSteps.Settings("alice", "share_all"), role: "admin");
        await (await steps.PostAsync(org.AdminUserId, "lock")).AssertProblemAsync(HttpStatusCode.Forbidden, "mail-lock-own-settings");
        await (await steps.PostAsync(secondId, "lock", secondClient)).AssertProblemAsync(HttpStatusCode.Forbidden, "mail-lock-own-settings");
        Assert.True((await steps.PostAsync(org.AdminUserId, "lock", secondClient)).IsSuccessStatusCode);
        await (await steps.PostAsync(org.AdminUserId, "unlock")).AssertProblemAsync(HttpStatusCode.Forbidden, "mail-unlock-own-settings");
        Assert.True((await steps.PostAsync(org.AdminUserId, "unlock", secondClient)).IsSuccessStatusCode);

        var users = await org.GetJsonAsync("mail-addon/users");
        var entry = users.EnumerateArray().Single(u => u.GetProperty("id").GetString() == org.AdminUserId);
        Assert.False(entry.GetProperty("locked").GetBoolean());
        Assert.Equal(3, users.GetArrayLength());
        Assert.DoesNotContain("secret", users.GetRawText());
    }

    [Pop3Fact]
    public async Task AUserReactivatedWhileTheirBackupWaitsIsNotBackedUpAndCannotChangeTheMailboxUnderIt()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        await using var server = FakePop3Server.Silent();
        var (userId, client) = await steps.AddMailUserAsync(MailSteps.Settings("alice", host: "127.0.0.1", port: server.Port));
        await steps.SetActiveAsync(userId, false);

        // The server never greets: the first attempt waits for it until the connect timeout (5 s), then the run is retried.
        Assert.Equal(HttpStatusCode.Accepted, (await steps.PostAsync(userId, "backup")).StatusCode);
        await Eventually.GetAsync(() => Task.FromResult(server.Connections), n => n > 0, TimeSpan.FromSeconds(30), "the backup to connect");
        await steps.SetActiveAsync(userId, true);
        var save = await steps.SaveAsync(client, userId, MailSteps.Settings("alice"));
        await save.AssertProblemAsync(HttpStatusCode.Conflict, "mail-backup-running");

        var ended = await Eventually.JsonAsync(steps.Org.Admin, steps.Org.Url($"mail-addon/users/{userId}"),
            u => u.GetProperty("backups")[0].GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(90), "the backup to end");
        var backup = ended.GetProperty("backups")[0];
        Assert.Equal("failed", backup.GetProperty("status").GetString());
        Assert.Contains("reactivated", backup.GetProperty("error").GetString());
        Assert.True((await steps.SaveAsync(client, userId, MailSteps.Settings("alice"))).IsSuccessStatusCode);
    }

    [Pop3Fact]
    public async Task EveryBackupRefusalNamesItsRule()
    {
        var steps = new MailSteps(app, await app.CreateOrgAsync());
        var org = steps.Org;

        var (active, activeClient) = await steps.AddMailUserAsync(MailSteps.Settings("alice"));
        await (await steps.PostAsync(active, "backup")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-backup-user-active");
        await (await steps.PostAsync(active, "backup", activeClient)).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        async Task<string> DeactivatedAsync(object settings)
        {
            var (id, _) = await steps.AddMailUserAsync(settings);
            await steps.SetActiveAsync(id, false);
            return id;
        }

        var imap = await DeactivatedAsync(MailSteps.Settings("alice", protocol: "imap", port: 143));
        await (await steps.PostAsync(imap, "backup")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-backup-not-pop3");
        var isPrivate = await DeactivatedAsync(MailSteps.Settings("alice", "private"));
        await (await steps.PostAsync(isPrivate, "backup")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-backup-private");
        var otherDomain = await DeactivatedAsync(MailSteps.Settings("alice", address: "alice@elsewhere.example"));
        var refused = await (await steps.PostAsync(otherDomain, "backup")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-backup-other-domain");
        Assert.Contains("elsewhere.example", refused.GetProperty("detail").GetString());
        var fine = await DeactivatedAsync(MailSteps.Settings("alice"));
        await (await steps.PostAsync(fine, "backup/latest")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-latest-backup-none");
        var (noMailbox, _) = await org.AddUserAsync();
        await steps.SetActiveAsync(noMailbox, false);
        await (await steps.PostAsync(noMailbox, "backup")).AssertProblemAsync(HttpStatusCode.Conflict, "mail-no-mailbox");

        // Another organization's admin sees nothing of this one.
        var other = await app.CreateOrgAsync();
        var foreign = await other.Admin.PostAsync(org.Url($"mail-addon/users/{fine}/backup"), null);
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        var unknown = await other.Admin.PostAsync(other.Url($"mail-addon/users/{fine}/backup"), null);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.Equal(0, (await org.GetJsonAsync($"mail-addon/users/{fine}")).GetProperty("backups").GetArrayLength());
    }
}

public sealed class SqliteMailAddOnRulesTests(SqliteMailApplication app) : MailAddOnRulesTests(app), IClassFixture<SqliteMailApplication>;

public sealed class PostgresMailAddOnRulesTests(PostgresMailApplication app) : MailAddOnRulesTests(app), IClassFixture<PostgresMailApplication>;

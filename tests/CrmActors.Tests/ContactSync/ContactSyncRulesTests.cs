using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Grains.ContactSync.VCards;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.ContactSync;

/// <summary>Who may create which pair, what each direction writes, clear errors for a bad remote, and the ETag fallback.</summary>
public abstract class ContactSyncRulesTests(CrmApplication app) : SyncBookTests
{
    private object Pair(string direction, object? remote = null, string module = "Contacts") => new
    {
        module, direction, conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = remote ?? Book.Remote(),
        defaults = new Dictionary<string, string> { ["Last_Name"] = "(no name)" },
    };

    [RadicaleFact]
    public async Task AViewOnlyUserMayOnlyCreateACrmToRemotePairAndItNeverWritesTheCrm()
    {
        var org = await app.CreateOrgAsync();
        await org.CreateRecordAsync("Contacts", new { Last_Name = "Pushed", Email = "pushed@example.test" });
        await Book.AddAsync(SyncBook.Card("stays-remote", "Stays", "Remote", "stays@example.test"));
        var (_, token) = await org.AddUserAsync(permissions: new { modules = new Dictionary<string, string[]> { ["Contacts"] = ["view"] }, features = new[] { "contact_sync" } });
        using var viewer = app.ClientFor(token);

        var refused = await viewer.PostAsJsonAsync(org.Url("sync-pairs"), Pair("two_way"));
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "sync-direction-not-allowed");
        await (await viewer.PostAsJsonAsync(org.Url("sync-pairs"), Pair("remote_to_crm"))).AssertProblemAsync(HttpStatusCode.Forbidden, "sync-direction-not-allowed");
        var pair = await org.CreatePairAsync(Pair("crm_to_remote"), viewer);

        Assert.Equal((0, 1), (pair.Count("crmCreated"), pair.Count("remoteCreated")));
        Assert.Single(await org.RecordsAsync("Contacts"));
        Assert.Equal(2, (await Book.CardsAsync()).Count);
        await Book.EditAsync("pushed@example.test", c => c.WithText("TITLE", "Edited remotely"));
        var records = await org.RecordsAsync("Contacts");
        var again = await org.RunPairAsync(pair.Id(), viewer);
        Assert.Equal(0, again.Count("crmUpdated") + again.Count("crmCreated"));
        Assert.Equal(records.Single().GetProperty("Modified_Time").GetString(), (await org.RecordsAsync("Contacts")).Single().GetProperty("Modified_Time").GetString());

        var second = await viewer.PostAsJsonAsync(org.Url("sync-pairs"), Pair("crm_to_remote"));
        await second.AssertProblemAsync(HttpStatusCode.Conflict, "sync-pair-exists");
        var (_, plain) = await org.AddUserAsync();
        using var other = app.ClientFor(plain);
        await (await other.PostAsJsonAsync(org.Url("sync-pairs"), Pair("crm_to_remote"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await other.GetAsync(org.Url($"sync-pairs/{pair.Id()}"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [RadicaleFact]
    public async Task ARemoteToCrmPairImportsCardsButNeverWritesTheAddressBook()
    {
        var org = await app.CreateOrgAsync();
        await org.CreateRecordAsync("Leads", new { Last_Name = "Local", Email = "local@example.test", Company = "Local Ltd" });
        await Book.AddAsync(SyncBook.Card("lead-card", "Remote", "Lead", "lead@example.test", null, "ORG:Remote GmbH"));

        var pair = await org.CreatePairAsync(Pair("remote_to_crm", module: "Leads"));

        Assert.Equal((1, 0), (pair.Count("crmCreated"), pair.Count("remoteCreated")));
        Assert.Equal("Remote GmbH", (await org.RecordWithEmailAsync("Leads", "lead@example.test")).Text("Company"));
        Assert.Single(await Book.CardsAsync());
        var id = (await org.RecordWithEmailAsync("Leads", "lead@example.test")).GetProperty("id").GetString();
        await org.Admin.PatchAsync(org.Url($"modules/Leads/records/{id}"), OrgSession.Fields(new { Phone = "+49 30 1234" }));
        var again = await org.RunPairAsync(pair.Id());
        Assert.Equal(0, again.Count("remoteUpdated"));
        Assert.Empty((await Book.CardWithEmailAsync("lead@example.test")).Card.ToFields().Phones);
    }

    [RadicaleFact]
    public async Task WrongCredentialsAnUnreachableServerAndMissingOrLookupDefaultsAreClearErrors()
    {
        var org = await app.CreateOrgAsync();
        const string wrong = "wrong-password-2718";
        var unauthorized = await org.Admin.PostAsJsonAsync(org.Url("sync-pairs"), Pair("two_way", Book.Remote(password: wrong)));
        var problem = await unauthorized.AssertProblemAsync(HttpStatusCode.BadRequest, "carddav-unauthorized");
        Assert.DoesNotContain(wrong, problem.GetRawText(), StringComparison.Ordinal);

        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var unreachable = await org.Admin.PostAsJsonAsync(org.Url("sync-pairs"), Pair("two_way", new { url = $"http://127.0.0.1:{port}/dav/", username = "u", password = "p" }));
        Assert.Contains("127.0.0.1", (await unreachable.AssertProblemAsync(HttpStatusCode.BadRequest, "carddav-unreachable")).GetProperty("detail").GetString());

        var noDefaults = await org.Admin.PostAsJsonAsync(org.Url("sync-pairs"), new { module = "Contacts", direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = Book.Remote() });
        Assert.Equal("defaults.Last_Name", (await noDefaults.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
        var badMap = await org.Admin.PostAsJsonAsync(org.Url("sync-pairs"), new { module = "Contacts", direction = "crm_to_remote", remote = Book.Remote(), fieldMap = new Dictionary<string, string> { ["Nope"] = "X-NOPE" } });
        Assert.Equal("fieldMap.Nope", (await badMap.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());

        // A lookup default would plant an ID in every record the pair creates, and nothing checks whose record it names.
        var foreignAccount = await (await app.CreateOrgAsync()).CreateRecordAsync("Accounts", new { Account_Name = "Elsewhere" });
        var lookupDefault = await org.Admin.PostAsJsonAsync(org.Url("sync-pairs"), new
        {
            module = "Contacts", direction = "remote_to_crm", remote = Book.Remote(),
            defaults = new Dictionary<string, string> { ["Last_Name"] = "Unknown", ["Account_Name"] = foreignAccount },
        });
        Assert.Equal("defaults.Account_Name", (await lookupDefault.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
        Assert.Empty((await org.GetJsonAsync("sync-pairs")).EnumerateArray());
    }

    [RadicaleFact]
    public async Task APairIsInvisibleToOtherOrganizationsListedOnItsDashboardAndGoneOnceDeleted()
    {
        var org = await app.CreateOrgAsync();
        var other = await app.CreateOrgAsync();
        var pair = await org.CreatePairAsync(Pair("crm_to_remote"));

        await (await other.Admin.GetAsync(org.Url($"sync-pairs/{pair.Id()}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await other.Admin.GetAsync(other.Url($"sync-pairs/{pair.Id()}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await other.Admin.PostAsync(other.Url($"sync-pairs/{pair.Id()}/run"), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.DoesNotContain(pair.Id(), await other.Admin.GetStringAsync("/api/dashboard/sync-pairs"), StringComparison.Ordinal);
        var rows = await org.Admin.GetFromJsonAsync<JsonElement>("/api/dashboard/sync-pairs");
        var row = Assert.Single(rows.EnumerateArray());
        Assert.Equal((pair.Id(), "completed"), (row.GetProperty("pairId").GetString(), row.GetProperty("lastRunStatus").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"sync-pairs/{pair.Id()}"))).StatusCode);
        await (await org.Admin.GetAsync(org.Url($"sync-pairs/{pair.Id()}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        var again = await org.CreatePairAsync(Pair("crm_to_remote"));
        Assert.Equal(0, again.Count("remoteCreated"));
        Assert.Empty(await Book.CardsAsync());
    }

    [RadicaleFact]
    public async Task AChangeCheckedAgainstTheRemoteWhileAnotherChangeLandsIsRefusedNotLaidOverIt()
    {
        await using var proxy = await CardDavProxy.StartAsync();
        var org = await app.CreateOrgAsync();
        var remote = Book.Remote(url: proxy.For(Book.Url));
        var pair = await org.CreatePairAsync(Pair("crm_to_remote", remote));
        var url = org.Url($"sync-pairs/{pair.Id()}");

        // The credentials change is checked on a slow server; the frequency change lands meanwhile.
        proxy.Delay = TimeSpan.FromSeconds(1);
        var before = proxy.Received;
        var slow = org.Admin.PatchAsJsonAsync(url, new { remote });
        await Eventually.GetAsync(() => Task.FromResult(proxy.Received), n => n > before, TimeSpan.FromSeconds(30), "the slow change to reach the server");
        var quick = await org.Admin.PatchAsJsonAsync(url, new { frequencyMinutes = 30 });
        Assert.True(quick.IsSuccessStatusCode, await quick.Content.ReadAsStringAsync());

        await (await slow).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(30, (await org.GetJsonAsync($"sync-pairs/{pair.Id()}")).GetProperty("frequencyMinutes").GetInt32());
    }

    [RadicaleFact]
    public async Task ALookupDefaultNamingTheOrganizationsOwnRecordIsGivenToEveryRecordThePairCreates()
    {
        var org = await app.CreateOrgAsync();
        var account = await org.CreateRecordAsync("Accounts", new { Account_Name = "Synced Ltd" });
        await Book.AddAsync(SyncBook.Card("with-account", "Has", "Account", "has-account@example.test"));

        var pair = await org.CreatePairAsync(new
        {
            module = "Contacts", direction = "remote_to_crm", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = Book.Remote(),
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-", ["Account_Name"] = account },
        });

        Assert.Equal(1, pair.Count("crmCreated"));
        Assert.Equal(account, (await org.RecordWithEmailAsync("Contacts", "has-account@example.test")).GetProperty("Account_Name").GetString());
    }

    [RadicaleFact]
    public async Task ALookupDefaultWhoseRecordIsDeletedDuringARunIsLeftEmptyNotPointedAtTheBin()
    {
        await using var proxy = await CardDavProxy.StartAsync();
        var org = await app.CreateOrgAsync();
        var account = await org.CreateRecordAsync("Accounts", new { Account_Name = "Going Ltd" });
        var pair = await org.CreatePairAsync(new
        {
            module = "Contacts", direction = "remote_to_crm", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = Book.Remote(url: proxy.For(Book.Url)),
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-", ["Account_Name"] = account },
        });
        await Book.AddAsync(SyncBook.Card("after-delete", "Arrives", "Late", "late@example.test"));

        // The run checks its defaults, then reads the book (slowly); the account is deleted in between.
        proxy.Delay = TimeSpan.FromSeconds(1);
        var before = proxy.Received;
        var started = await org.Admin.PostAsync(org.Url($"sync-pairs/{pair.Id()}/run"), null);
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        await Eventually.GetAsync(() => Task.FromResult(proxy.Received), n => n > before, TimeSpan.FromSeconds(30), "the run to reach the book");
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Accounts/records/{account}"))).StatusCode);
        var run = await org.WaitForRunAsync(pair.Id(), runId);

        Assert.Equal(1, run.Count("crmCreated"));
        Assert.False((await org.RecordWithEmailAsync("Contacts", "late@example.test")).TryGetProperty("Account_Name", out var kept) && kept.ValueKind == JsonValueKind.String,
            "the record points at the binned account");
    }

    [RadicaleFact]
    public async Task ADeletedPairsLinksGoWithItAndItsContactsStayOnBothSides()
    {
        var org = await app.CreateOrgAsync();
        await org.CreateRecordAsync("Contacts", new { Last_Name = "Linked", Email = "linked@example.test" });
        await Book.AddAsync(SyncBook.Card("linked-remote", "Remote", "Linked", "remote-linked@example.test"));
        var pair = await org.CreatePairAsync(Pair("two_way"));
        await using var connection = await app.OpenDatabaseAsync();
        async Task<long> LinksAsync() => await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT COUNT(*) FROM contact_sync_links WHERE pair_id = @id", new { id = pair.Id() });
        Assert.Equal(2, await LinksAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"sync-pairs/{pair.Id()}"))).StatusCode);

        // Forgotten from the pair grain's outbox, with the deletion; the contacts themselves stay.
        Assert.Equal(0, await LinksAsync());
        Assert.Equal(2, (await org.RecordsAsync("Contacts")).Count);
        Assert.Equal(2, (await Book.CardsAsync()).Count);
    }

    [RadicaleFact]
    public async Task ThePairsOwnerChangesItsSettingsAndTheNextRunUsesThemWhileBadChangesChangeNothing()
    {
        var org = await app.CreateOrgAsync();
        var field = await org.Admin.PostAsJsonAsync(org.Url("modules/Contacts/fields"), new { name = "Nickname", type = "text" });
        Assert.True(field.IsSuccessStatusCode, await field.Content.ReadAsStringAsync());
        var ada = await org.CreateRecordAsync("Contacts", new { First_Name = "Ada", Last_Name = "Lovelace", Email = "ada@example.test", Nickname = "Countess" });
        var pair = await org.CreatePairAsync(Pair("crm_to_remote"));
        Assert.Null((await Book.CardWithEmailAsync("ada@example.test")).Card.GetText("X-NICK"));
        var url = org.Url($"sync-pairs/{pair.Id()}");
        var otherBook = await RadicaleServer.NewAddressBookAsync(Book.Client);
        const string wrong = "wrong-password-3141";
        try
        {
            await (await org.Admin.PatchAsJsonAsync(url, new { module = "Leads" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
            await (await org.Admin.PatchAsJsonAsync(url, new { frequencyMinutes = 0, conflictPolicy = "remote_wins" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
            await (await org.Admin.PatchAsJsonAsync(url, new { fieldMap = new Dictionary<string, string> { ["Nope"] = "X-NOPE" } })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
            var unauthorized = await (await org.Admin.PatchAsJsonAsync(url, new { remote = new { password = wrong } })).AssertProblemAsync(HttpStatusCode.BadRequest, "carddav-unauthorized");
            Assert.DoesNotContain(wrong, unauthorized.GetRawText(), StringComparison.Ordinal);
            var moved = await (await org.Admin.PatchAsJsonAsync(url, new { remote = new { url = otherBook.ToString() } })).AssertProblemAsync(HttpStatusCode.BadRequest, "sync-address-book-changed");
            Assert.Equal("remote.url", moved.GetProperty("field").GetString());

            // Another server gets no saved secret: the change must bring its credentials, and nothing is sent meanwhile.
            await using var elsewhere = FakeHttpServer.Answering(207, "application/xml", "<multistatus xmlns=\"DAV:\"/>");
            var away = await (await org.Admin.PatchAsJsonAsync(url, new { remote = new { url = elsewhere.Url.ToString() } })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
            Assert.Equal("remote.password", away.GetProperty("field").GetString());
            Assert.Equal(0, elsewhere.Requests);
        }
        finally
        {
            await Book.Client.DeleteCollectionAsync(otherBook);
        }

        var (_, plain) = await org.AddUserAsync(permissions: new { modules = new Dictionary<string, string[]> { ["Contacts"] = ["view", "create", "edit"] }, features = new[] { "contact_sync" } });
        using var colleague = app.ClientFor(plain);
        await (await colleague.PatchAsJsonAsync(url, new { frequencyMinutes = 30 })).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        var other = await app.CreateOrgAsync();
        await (await other.Admin.PatchAsJsonAsync(other.Url($"sync-pairs/{pair.Id()}"), new { frequencyMinutes = 30 })).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        var unchanged = await org.GetJsonAsync($"sync-pairs/{pair.Id()}");
        Assert.Equal((60, "crm_wins", 0), (unchanged.GetProperty("frequencyMinutes").GetInt32(), unchanged.GetProperty("conflictPolicy").GetString(), unchanged.GetProperty("fieldMap").EnumerateObject().Count()));

        var changed = await org.Admin.PatchAsJsonAsync(url, new
        {
            conflictPolicy = "remote_wins", frequencyMinutes = 30, fieldMap = new Dictionary<string, string> { ["Nickname"] = "X-NICK" },
            remote = new { password = RadicaleServer.Password },
        });
        Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(RadicaleServer.Password, body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal((30, "remote_wins", "X-NICK"), (body.GetProperty("frequencyMinutes").GetInt32(), body.GetProperty("conflictPolicy").GetString(), body.GetProperty("fieldMap").GetProperty("Nickname").GetString()));
        Assert.Equal(TimeSpan.FromMinutes(30), body.GetProperty("nextSyncAt").GetDateTimeOffset() - body.GetProperty("lastSyncAt").GetDateTimeOffset());

        Assert.True((await org.Admin.PatchAsync(org.Url($"modules/Contacts/records/{ada}"), OrgSession.Fields(new { Nickname = "Enchantress" }))).IsSuccessStatusCode);
        var run = await org.RunPairAsync(pair.Id());
        Assert.Equal("completed", run.GetProperty("lastRun").GetProperty("status").GetString());
        Assert.Equal("Enchantress", (await Book.CardWithEmailAsync("ada@example.test")).Card.GetText("X-NICK"));
    }

    [RadicaleTheory]
    [InlineData("501")]
    [InlineData("rejected-token")]
    public async Task WithoutSyncCollectionOrWithARejectedTokenTheRunComparesETags(string server)
    {
        await using var proxy = await CardDavProxy.StartAsync();
        var org = await app.CreateOrgAsync();
        await org.CreateRecordAsync("Contacts", new { Last_Name = "Crm", Email = "crm@example.test" });
        await Book.AddAsync(SyncBook.Card("fallback-1", "First", "Card", "first@example.test"));
        proxy.RefuseSyncCollection = server == "501";
        var pair = await org.CreatePairAsync(Pair("two_way", Book.Remote(url: proxy.For(Book.Url))));
        Assert.True((1, 1) == (pair.Count("crmCreated"), pair.Count("remoteCreated")), pair.GetProperty("lastRun").GetRawText());

        proxy.ReplaceSyncToken = server == "rejected-token";
        await Book.AddAsync(SyncBook.Card("fallback-2", "Second", "Card", "second@example.test"));
        await Book.EditAsync("first@example.test", c => c.WithText("TITLE", "Edited"));
        var run = await org.RunPairAsync(pair.Id());

        var last = run.GetProperty("lastRun");
        Assert.True(last.GetProperty("changeSource").GetString() == "etag-listing", last.GetRawText());
        Assert.False(string.IsNullOrEmpty(last.GetProperty("fallbackReason").GetString()));
        Assert.True(server == "501" ? proxy.RefusedReports >= 2 : proxy.ReplacedTokens >= 1);
        Assert.True((1, 0, 0) == (run.Count("crmCreated"), run.Count("remoteCreated"), run.Count("remoteUpdated")), last.GetRawText());
        Assert.Equal(3, (await org.RecordsAsync("Contacts")).Count);
        Assert.Equal(3, (await Book.CardsAsync()).Count);
        var quiet = await org.RunPairAsync(pair.Id());
        Assert.Equal(0, quiet.Count("crmCreated") + quiet.Count("crmUpdated") + quiet.Count("remoteCreated") + quiet.Count("remoteUpdated"));
    }
}

public sealed class SqliteContactSyncRulesTests(SqliteSyncApplication app) : ContactSyncRulesTests(app), IClassFixture<SqliteSyncApplication>;

public sealed class PostgresContactSyncRulesTests(PostgresSyncApplication app) : ContactSyncRulesTests(app), IClassFixture<PostgresSyncApplication>;

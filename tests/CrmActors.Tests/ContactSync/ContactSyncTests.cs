using System.Net;
using System.Net.Http.Json;
using CrmActors.Grains.ContactSync.VCards;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.ContactSync;

/// <summary>Sync pairs end to end over HTTP against the real Radicale: first run, edits, conflicts, deletions, disable/enable.</summary>
public abstract class ContactSyncTests(CrmApplication app) : SyncBookTests
{
    private object TwoWay(string policy = "crm_wins", object? fieldMap = null) => new
    {
        module = "Contacts", direction = "two_way", conflictPolicy = policy, frequencyMinutes = 60, remote = Book.Remote(),
        fieldMap, defaults = new Dictionary<string, string> { ["Last_Name"] = "(no name)" },
    };

    [RadicaleFact]
    public async Task AFirstTwoWayRunLinksMatchingEmailsAppliesDefaultsAndMapsACustomField()
    {
        var org = await app.CreateOrgAsync();
        var field = await org.Admin.PostAsJsonAsync(org.Url("modules/Contacts/fields"), new { name = "Nickname", type = "text" });
        Assert.True(field.IsSuccessStatusCode, await field.Content.ReadAsStringAsync());
        await org.CreateRecordAsync("Contacts", new { First_Name = "Ada", Last_Name = "Lovelace", Email = "ada@example.test", Nickname = "Countess" });
        await org.CreateRecordAsync("Contacts", new { First_Name = "Shared", Last_Name = "Crm", Email = "Shared@Example.test", Phone = "+81 3 1111 2222" });
        await Book.AddAsync(SyncBook.Card("shared-1", "Shared", "Remote", "shared@example.test", null, "X-NICK:Twin"));
        await Book.AddAsync("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:nofamily-1\r\nFN:Grace\r\nN:;Grace;;;\r\nEMAIL;TYPE=WORK:grace@example.test\r\nX-NICK:Amazing\r\nEND:VCARD\r\n");

        var pair = await org.CreatePairAsync(TwoWay(fieldMap: new Dictionary<string, string> { ["Nickname"] = "X-NICK" }));

        Assert.Equal("completed", pair.GetProperty("lastRun").GetProperty("status").GetString());
        Assert.Equal((1, 1), (pair.Count("crmCreated"), pair.Count("remoteCreated")));
        var records = await org.RecordsAsync("Contacts");
        Assert.Equal(3, records.Count);
        var grace = await org.RecordWithEmailAsync("Contacts", "grace@example.test");
        Assert.Equal(("Grace", "(no name)", "Amazing"), (grace.Text("First_Name"), grace.Text("Last_Name"), grace.Text("Nickname")));
        var shared = await org.RecordWithEmailAsync("Contacts", "shared@example.test");
        Assert.Equal("Twin", shared.Text("Nickname"));
        var cards = await Book.CardsAsync();
        Assert.Equal(3, cards.Count);
        var ada = await Book.CardWithEmailAsync("ada@example.test");
        Assert.Equal(("Ada", "Lovelace", "Countess"), (ada.Card.ToFields().GivenName, ada.Card.ToFields().FamilyName, ada.Card.GetText("X-NICK")));
        Assert.Equal("+81 3 1111 2222", (await Book.CardWithEmailAsync("shared@example.test")).Card.ToFields().Phones.Single().Value);

        var again = await org.RunPairAsync(pair.Id());
        Assert.Equal(3, (await org.RecordsAsync("Contacts")).Count);
        Assert.Equal(3, (await Book.CardsAsync()).Count);
        Assert.Equal(0, again.Count("crmCreated") + again.Count("remoteCreated"));
    }

    [RadicaleFact]
    public async Task EditsOnEitherSideReachTheOther()
    {
        var org = await app.CreateOrgAsync();
        var id = await org.CreateRecordAsync("Contacts", new { First_Name = "Alan", Last_Name = "Turing", Email = "alan@example.test" });
        await Book.AddAsync(SyncBook.Card("edit-2", "Joan", "Clarke", "joan@example.test"));
        var pair = await org.CreatePairAsync(TwoWay());

        var patch = await org.Admin.PatchAsync(org.Url($"modules/Contacts/records/{id}"), OrgSession.Fields(new { Phone = "+44 20 7946 0000" }));
        Assert.True(patch.IsSuccessStatusCode);
        await Book.EditAsync("joan@example.test", c => c.WithFields(c.ToFields() with { GivenName = "Joan E.", FormattedName = null }));
        var run = await org.RunPairAsync(pair.Id());

        Assert.Equal((1, 1), (run.Count("crmUpdated"), run.Count("remoteUpdated")));
        Assert.Equal("+44 20 7946 0000", (await Book.CardWithEmailAsync("alan@example.test")).Card.ToFields().Phones.Single().Value);
        Assert.Equal("Joan E.", (await org.RecordWithEmailAsync("Contacts", "joan@example.test")).Text("First_Name"));
        Assert.Equal("Joan E. Clarke", (await Book.CardWithEmailAsync("joan@example.test")).Card.ToFields().FormattedName);
    }

    [RadicaleTheory]
    [InlineData("crm_wins", "CrmSide", "RemoteSide")]
    [InlineData("remote_wins", "RemoteSide", "CrmSide")]
    public async Task AFieldChangedOnBothSidesIsSettledByThePolicyAndOtherFieldsMerge(string policy, string winner, string loser)
    {
        var org = await app.CreateOrgAsync();
        var id = await org.CreateRecordAsync("Contacts", new { First_Name = "Both", Last_Name = "Sides", Email = "both@example.test" });
        var pair = await org.CreatePairAsync(TwoWay(policy));

        await org.Admin.PatchAsync(org.Url($"modules/Contacts/records/{id}"), OrgSession.Fields(new { First_Name = "CrmSide", Phone = "+1 555 0100" }));
        await Book.EditAsync("both@example.test", c => c.WithFields(c.ToFields() with { GivenName = "RemoteSide", FamilyName = "Renamed" }));
        var run = await org.RunPairAsync(pair.Id());

        Assert.Equal(1, run.Count("conflicts"));
        var record = await org.RecordWithEmailAsync("Contacts", "both@example.test");
        var card = (await Book.CardWithEmailAsync("both@example.test")).Card.ToFields();
        Assert.Equal((winner, winner), (record.Text("First_Name"), card.GivenName));
        Assert.NotEqual(loser, record.Text("First_Name"));
        Assert.Equal(("Renamed", "Renamed"), (record.Text("Last_Name"), card.FamilyName));
        Assert.Equal("+1 555 0100", card.Phones.Single().Value);
    }

    [RadicaleFact]
    public async Task DeletionsPropagateEachWay()
    {
        var org = await app.CreateOrgAsync();
        var kept = await org.CreateRecordAsync("Contacts", new { Last_Name = "Kept", Email = "kept@example.test" });
        var doomed = await org.CreateRecordAsync("Contacts", new { Last_Name = "CrmDeleted", Email = "crm-deleted@example.test" });
        await Book.AddAsync(SyncBook.Card("remote-deleted", "Remote", "Deleted", "remote-deleted@example.test"));
        var pair = await org.CreatePairAsync(TwoWay());
        var remoteRecord = (await org.RecordWithEmailAsync("Contacts", "remote-deleted@example.test")).GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Contacts/records/{doomed}"))).StatusCode);
        var (card, _) = await Book.CardWithEmailAsync("remote-deleted@example.test");
        Assert.True(await Book.Client.DeleteCardAsync(card.Href, card.ETag));
        var run = await org.RunPairAsync(pair.Id());

        Assert.Equal((1, 1), (run.Count("crmDeleted"), run.Count("remoteDeleted")));
        Assert.Equal(["kept@example.test"], (await Book.CardsAsync()).Select(c => c.Card.ToFields().WorkEmail));
        Assert.Equal([kept], (await org.RecordsAsync("Contacts")).Select(r => r.GetProperty("id").GetString()));
        var bin = await org.GetJsonAsync("recycle-bin");
        Assert.Contains(bin.EnumerateArray(), e => e.GetProperty("recordId").GetString() == remoteRecord);
    }

    [RadicaleFact]
    public async Task DisablingAndEnablingKeepsTheLinksSoNothingIsDuplicated()
    {
        var org = await app.CreateOrgAsync();
        await org.CreateRecordAsync("Contacts", new { Last_Name = "Before", Email = "before@example.test" });
        await org.CreateRecordAsync("Contacts", new { Last_Name = "NoMail" });
        await Book.AddAsync(SyncBook.Card("card-before", "Card", "Before", null));
        var pair = await org.CreatePairAsync(TwoWay());
        Assert.Equal((1, 2), (pair.Count("crmCreated"), pair.Count("remoteCreated")));

        var disabled = await org.Admin.PostAsync(org.Url($"sync-pairs/{pair.Id()}/disable"), null);
        Assert.Equal("disabled", (await disabled.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());
        await org.CreateRecordAsync("Contacts", new { Last_Name = "WhileOff", Email = "while-off@example.test" });
        await Book.AddAsync(SyncBook.Card("card-while-off", "Card", "WhileOff", null));
        var enabled = await org.Admin.PostAsync(org.Url($"sync-pairs/{pair.Id()}/enable"), null);
        var runId = (await enabled.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("runId").GetString()!;
        var run = await org.WaitForRunAsync(pair.Id(), runId);

        Assert.Equal((1, 1), (run.Count("crmCreated"), run.Count("remoteCreated")));
        Assert.Equal(5, (await org.RecordsAsync("Contacts")).Count);
        Assert.Equal(5, (await Book.CardsAsync()).Count);
    }
}

public sealed class SqliteContactSyncTests(SqliteSyncApplication app) : ContactSyncTests(app), IClassFixture<SqliteSyncApplication>;

public sealed class PostgresContactSyncTests(PostgresSyncApplication app) : ContactSyncTests(app), IClassFixture<PostgresSyncApplication>;

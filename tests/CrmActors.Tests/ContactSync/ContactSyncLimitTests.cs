using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.ContactSync;

/// <summary>The run limits (3 in a first run, 2 later, 6 pushed in total here): deferred work is picked up by later runs, and the status says so.</summary>
public abstract class ContactSyncLimitTests(CrmApplication app) : SyncBookTests
{
    [RadicaleFact]
    public async Task PushesStopAtTheRunLimitsAndThenAtThePairsTotal()
    {
        var org = await app.CreateOrgAsync();
        for (var i = 0; i < 7; i++)
        {
            await org.CreateRecordAsync("Contacts", new { Last_Name = $"Limited {i}", Email = $"limited{i}@example.test" });
        }

        var first = await org.CreatePairAsync(new { module = "Contacts", direction = "crm_to_remote", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = Book.Remote() });
        Assert.Equal((3, 4), (first.Count("remoteCreated"), first.Count("deferred")));
        Assert.Contains("FirstRunLimit", Limits(first));

        var second = await org.RunPairAsync(first.Id());
        Assert.Equal((2, 2), (second.Count("remoteCreated"), second.Count("deferred")));
        Assert.Contains("RunLimit", Limits(second));

        var third = await org.RunPairAsync(first.Id());
        Assert.Equal((1, 1), (third.Count("remoteCreated"), third.Count("deferred")));
        Assert.Contains("PushLimit", Limits(third));
        Assert.True(third.GetProperty("pushLimitReached").GetBoolean());
        Assert.Equal(6, third.GetProperty("pushedTotal").GetInt32());
        Assert.Equal(6, (await Book.CardsAsync()).Count);
    }

    [RadicaleFact]
    public async Task ACardTooLargeToFetchIsSkippedAndItsRecordKeptWhicheverSideChanged()
    {
        var org = await app.CreateOrgAsync();
        var record = await org.CreateRecordAsync("Contacts", new { Last_Name = "Photographed", Email = "photo@example.test" });
        var pair = await org.CreatePairAsync(new
        {
            module = "Contacts", direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = Book.Remote(),
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-" },
        });
        Assert.Equal(1, pair.Count("remoteCreated"));

        // The card grows past what an answer may hold (a large photo, here a long note): changed remotely, then in the CRM.
        await Book.EditAsync("photo@example.test", c => c.WithText("NOTE", new string('x', LimitedSyncApplication.MaxResponseBytes)));
        var remoteChanged = await org.RunPairAsync(pair.Id());
        Assert.True(remoteChanged.Count("skipped") == 1, remoteChanged.GetProperty("lastRun").GetRawText());
        Assert.Contains("larger than an answer may be", remoteChanged.GetProperty("lastRun").GetRawText());
        await org.Admin.PatchAsync(org.Url($"modules/Contacts/records/{record}"), OrgSession.Fields(new { Phone = "+81 3 1234 5678" }));
        var crmChanged = await org.RunPairAsync(pair.Id());

        Assert.True((1, 0) == (crmChanged.Count("skipped"), crmChanged.Count("crmDeleted")), crmChanged.GetProperty("lastRun").GetRawText());
        Assert.Equal("Photographed", (await org.GetJsonAsync($"modules/Contacts/records/{record}")).GetProperty("Last_Name").GetString());
    }

    [RadicaleFact]
    public async Task RemoteChangesALimitHeldBackArriveInTheNextRun()
    {
        var org = await app.CreateOrgAsync();
        for (var i = 0; i < 5; i++)
        {
            await Book.AddAsync(SyncBook.Card($"held-{i}", "Held", $"Back {i}", $"held{i}@example.test"));
        }

        var first = await org.CreatePairAsync(new
        {
            module = "Contacts", direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = Book.Remote(),
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-" },
        });
        Assert.Equal((3, 2), (first.Count("crmCreated"), first.Count("deferred")));
        var second = await org.RunPairAsync(first.Id());
        Assert.Equal((2, 0), (second.Count("crmCreated"), second.Count("deferred")));
        Assert.Equal(5, (await org.RecordsAsync("Contacts")).Count);
        var third = await org.RunPairAsync(first.Id());
        Assert.Equal(0, third.Count("crmCreated") + third.Count("remoteCreated") + third.Count("deferred"));
        Assert.Equal(5, (await Book.CardsAsync()).Count);
    }

    private static string Limits(JsonElement pair) => string.Join(" ", pair.GetProperty("lastRun").GetProperty("limits").EnumerateArray().Select(l => l.GetString()));
}

public sealed class SqliteContactSyncLimitTests(SqliteLimitedSyncApplication app) : ContactSyncLimitTests(app), IClassFixture<SqliteLimitedSyncApplication>;

public sealed class PostgresContactSyncLimitTests(PostgresLimitedSyncApplication app) : ContactSyncLimitTests(app), IClassFixture<PostgresLimitedSyncApplication>;

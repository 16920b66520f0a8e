using System.Net;
using System.Net.Http.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.ContactSync;

/// <summary>
/// A CardDAV server that answers every request, each within the request timeout, but slowly: finding its address book and a
/// sync run each end at their overall deadline with a clear error (a run slot is shared by every organization's work).
/// </summary>
public sealed class ContactSyncDeadlineTests(SqliteDeadlineSyncApplication app) : SyncBookTests, IClassFixture<SqliteDeadlineSyncApplication>
{
    [RadicaleFact]
    public async Task ASlowServerEndsDiscoveryAndARunAtTheirDeadlines()
    {
        await using var proxy = await CardDavProxy.StartAsync();
        var org = await app.CreateOrgAsync();
        await Book.AddAsync(SyncBook.Card("slow-1", "Slow", "Server", "slow@example.test"));
        var remote = Book.Remote(url: proxy.For(Book.Url));
        var pair = await org.CreatePairAsync(new
        {
            module = "Contacts", direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote,
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-" },
        });
        Assert.Equal(1, pair.Count("crmCreated"));

        // Each request now takes 8 s: within the 20 s a request may take, but a run, and finding the book, make two or more.
        proxy.Delay = TimeSpan.FromSeconds(8);
        await Book.AddAsync(SyncBook.Card("slow-2", "Later", "Card", "later@example.test"));
        var run = await org.RunPairAsync(pair.Id());
        var last = run.GetProperty("lastRun");
        Assert.True(last.GetProperty("status").GetString() == "failed", last.GetRawText());
        Assert.Contains("sync-run-timeout", last.GetRawText());

        var refused = await org.Admin.PostAsJsonAsync(org.Url("sync-pairs"), new
        {
            module = "Leads", direction = "crm_to_remote", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote,
        });
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "carddav-timeout");
        Assert.Contains("took longer than 15 s in all", problem.GetProperty("detail").GetString());

        // Answered promptly again, the next run brings what the stopped one did not.
        proxy.Delay = TimeSpan.Zero;
        var again = await org.RunPairAsync(pair.Id());
        Assert.Equal("completed", again.GetProperty("lastRun").GetProperty("status").GetString());
        Assert.Equal(2, (await org.RecordsAsync("Contacts")).Count);
    }
}

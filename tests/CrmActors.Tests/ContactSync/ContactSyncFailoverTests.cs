using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;
using Microsoft.Playwright;
using Npgsql;

namespace CrmActors.Tests.ContactSync;

/// <summary>
/// A silo is killed (SIGKILL) while it pushes a first two-way sync into Radicale: the other silo of the
/// PostgreSQL cluster resumes the run, every record ends up with exactly one card, and the next run
/// completes with nothing left to do.
/// </summary>
public sealed class ContactSyncFailoverTests : IAsyncLifetime
{
    private const int Contacts = 300;
    private const string OperatorKey = "sync-failover-operator-key";

    private static readonly Dictionary<string, string> Settings = new() { ["Outbound:AllowPrivateNetworks"] = "true", ["ContactSync:BatchSize"] = "20" };

    private readonly SiloDeployment deployment = new("postgres", OperatorKey);
    private SyncBook book = null!;

    public async Task InitializeAsync()
    {
        await deployment.PrepareAsync();
        if (RadicaleServer.IsConfigured || RadicaleServer.InCi)
        {
            book = await SyncBook.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await deployment.DisposeAsync();
        if (book is not null)
        {
            await book.DisposeAsync();
        }
    }

    [RadicaleFact]
    public async Task ASiloKilledMidRunLeavesNoDuplicateAndTheNextRunCompletes()
    {
        var first = await deployment.StartAsync(Settings);
        var second = await deployment.StartAsync(Settings);
        var (orgId, token) = await deployment.CreateOrgAsync(first, "Sync failover", domain: "sync-failover.example");
        using var admin = first.Client(token);
        var csv = new StringBuilder("First_Name,Last_Name,Email\n");
        for (var i = 0; i < Contacts; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Name{i},Failover {i},contact{i}@sync-failover.example\n");
        }

        var bulk = await admin.PostAsync($"/api/orgs/{orgId}/modules/Contacts/records/bulk", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.True(bulk.IsSuccessStatusCode, await bulk.Content.ReadAsStringAsync());
        var created = await admin.PostAsJsonAsync($"/api/orgs/{orgId}/sync-pairs", new
        {
            module = "Contacts", direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 60, remote = book.Remote(),
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-" },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var pairId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        // Caught part-way: some cards pushed, many still to go.
        var runner = await Eventually.GetAsync(RunningAsync, r => r is not null, TimeSpan.FromSeconds(60), "the sync run to be running");
        await Eventually.GetAsync(async () => (await book.Client.ListCardsAsync(book.Url)).Count, n => n >= 40, TimeSpan.FromSeconds(120), "the run to push some cards");
        var victim = deployment.Silos.Single(s => s.Name == runner!.Silo);
        victim.Kill();
        var survivor = deployment.Silos.Single(s => s != victim);

        using var admin2 = survivor.Client(token);
        var pair = await Eventually.JsonAsync(admin2, $"/api/orgs/{orgId}/sync-pairs/{pairId}",
            p => p.GetProperty("runId").ValueKind == JsonValueKind.Null && p.GetProperty("lastRun").ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(240), "the other silo to finish the run");
        Assert.Equal("completed", pair.GetProperty("lastRun").GetProperty("status").GetString());
        var cards = await book.CardsAsync();
        Assert.Equal(Contacts, cards.Count);
        Assert.Equal(Contacts, cards.Select(c => c.Card.ToFieldsEmail()).Distinct().Count());
        await using (var connection = new NpgsqlConnection(deployment.ConnectionString))
        {
            await connection.OpenAsync();
            var run = await RunRows.OfAsync(connection, "contact-sync.run", orgId);
            Assert.True(run is { Status: "completed", Attempts: >= 2 }, $"{run}");
        }

        var records = await admin2.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/modules/Contacts/records?perPage=1");
        Assert.Equal(Contacts, records.GetProperty("total").GetInt32());

        var again = await admin2.PostAsync($"/api/orgs/{orgId}/sync-pairs/{pairId}/run", null);
        var runId = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var next = await Eventually.JsonAsync(admin2, $"/api/orgs/{orgId}/sync-pairs/{pairId}",
            p => p.GetProperty("runId").ValueKind == JsonValueKind.Null && p.GetProperty("lastRun").GetProperty("runId").GetString() == runId,
            TimeSpan.FromSeconds(120), "the next run");
        Assert.Equal("completed", next.GetProperty("lastRun").GetProperty("status").GetString());
        Assert.Equal(0, next.Count("crmCreated") + next.Count("remoteCreated") + next.Count("deferred"));
        Assert.Equal(Contacts, (await book.CardsAsync()).Count);

        // The admin's dashboard, served by the survivor, lists the pair with its completed last run.
        await using var dashboard = await DashboardPage.AsAdminAsync(survivor.Address, token);
        var row = await dashboard.RowAsync("sync-pairs", "Contacts");
        await Assertions.Expect(row.Locator("td.completed")).ToContainTextAsync("completed");
        Assert.Empty(dashboard.Errors);
    }

    private async Task<RunRows.Running?> RunningAsync()
    {
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        return await RunRows.RunningAsync(connection, "contact-sync.run");
    }
}

internal static class CardEmails
{
    public static string? ToFieldsEmail(this CrmActors.Grains.ContactSync.VCards.VCard card) =>
        CrmActors.Grains.ContactSync.VCards.VCardContacts.ToFields(card).WorkEmail;
}

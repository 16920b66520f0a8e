using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.ContactSync.VCards;

namespace CrmActors.Bench;

/// <summary>
/// First two-way sync of N CRM contacts into an empty Radicale address book, and of N cards into an
/// empty CRM module, through a real Silo process (PostgreSQL), beside a plain loop that PUTs the same N
/// vCards to Radicale one after another in the same run. Radicale comes from scripts/radicale.sh
/// (CRM_TEST_RADICALE_URL, _USER, _PASSWORD).
/// </summary>
public static class ContactSyncBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var contacts = args.Length > 0 ? int.Parse(args[0]) : 10_000;
        var radicale = new Uri(Environment.GetEnvironmentVariable("CRM_TEST_RADICALE_URL") ?? throw new InvalidOperationException("source scripts/radicale.sh first"));
        var user = Environment.GetEnvironmentVariable("CRM_TEST_RADICALE_USER")!;
        var password = Environment.GetEnvironmentVariable("CRM_TEST_RADICALE_PASSWORD")!;
        using var dav = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        dav.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        var home = new Uri(radicale, $"/{user}/");
        using var books = CardDavClient.Create(new CrmActors.Grains.Outbound.OutboundTargets(allowPrivateNetworks: true), CardDavCredentials.Basic(user, password));

        // The same cards the sync writes for these contacts: the product's own vCard writer.
        var cards = Enumerable.Range(0, contacts).Select(i => VCardContacts.Create(new ContactFields
        {
            Uid = $"bench-{i:D6}", GivenName = $"Hanako{i % 977}", FamilyName = $"Yamada {i}",
            Emails = [new TypedValue($"hanako.{i}@example.jp", "work")], Phones = [new TypedValue($"03-{i % 10000:D4}-{i % 7919:D4}", "work")],
        }).ToString()).ToList();

        var loopBook = await NewBookAsync(books, home, "loop");
        var loop = Stopwatch.StartNew();
        for (var i = 0; i < contacts; i++)
        {
            await PutAsync(dav, DavHref.Child(loopBook, CardDavClient.ResourceNameFor($"bench-{i:D6}")), cards[i]);
        }

        loop.Stop();
        Console.WriteLine($"plain loop PUT of {contacts:N0} vCards into an empty book: {loop.Elapsed.TotalSeconds:N1} s ({contacts / loop.Elapsed.TotalSeconds:N1} contacts/s)");

        var database = await Postgres.CreateDatabaseAsync();
        var work = Directory.CreateTempSubdirectory("crm-sync-bench-").FullName;
        await using var silo = await SiloProcess.StartAsync(database, Path.Combine(work, "data"), new Dictionary<string, string>
        {
            ["Outbound__AllowPrivateNetworks"] = "true",
            ["ContactSync__FirstRunLimit"] = Math.Max(10_000, contacts).ToString(),
        });
        using var client = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromHours(1) };
        var org = await silo.CreateOrgAsync(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", org.Token);

        // CRM → remote: N contacts bulk-inserted, then the pair's first run into an empty book.
        var csv = new StringBuilder("First_Name,Last_Name,Email,Phone\n");
        for (var i = 0; i < contacts; i++)
        {
            csv.Append($"Hanako{i % 977},Yamada {i},hanako.{i}@example.jp,03-{i % 10000:D4}-{i % 7919:D4}\n");
        }

        (await client.PostAsync($"/api/orgs/{org.Id}/modules/Contacts/records/bulk", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var pushBook = await NewBookAsync(books, home, "push");
        var (push, pushCounts) = await SyncAsync(client, org.Id, "Contacts", pushBook, user, password);
        Console.WriteLine($"CrmActors first two-way sync, {contacts:N0} CRM contacts → empty book: {push.TotalSeconds:N1} s ({contacts / push.TotalSeconds:N1} contacts/s), {pushCounts}; peak RSS {PeakRssMb(silo.ProcessId):N0} MB");
        Console.WriteLine($"ratio sync / plain PUT loop: {push / loop.Elapsed:N2}x");

        // remote → CRM: the loop's N cards into the empty Leads module.
        var (pull, pullCounts) = await SyncAsync(client, org.Id, "Leads", loopBook, user, password);
        Console.WriteLine($"CrmActors first two-way sync, {contacts:N0} cards → empty Leads: {pull.TotalSeconds:N1} s ({contacts / pull.TotalSeconds:N1} contacts/s), {pullCounts}; peak RSS {PeakRssMb(silo.ProcessId):N0} MB");

        foreach (var book in new[] { loopBook, pushBook })
        {
            await books.DeleteCollectionAsync(book);
        }

        Directory.Delete(work, true);
        return 0;
    }

    private static async Task<(TimeSpan Elapsed, string Counts)> SyncAsync(HttpClient client, string orgId, string module, Uri book, string user, string password)
    {
        var watch = Stopwatch.StartNew();
        var created = await client.PostAsJsonAsync($"/api/orgs/{orgId}/sync-pairs", new
        {
            module, direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 1440,
            remote = new { url = book.ToString(), username = user, password },
            defaults = new Dictionary<string, string> { ["Last_Name"] = "-" },
        });
        var pair = await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var url = $"/api/orgs/{orgId}/sync-pairs/{pair.GetProperty("id").GetString()}";
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonElement>(url);
            if (status.GetProperty("runId").ValueKind == JsonValueKind.Null && status.GetProperty("lastRun").ValueKind == JsonValueKind.Object)
            {
                watch.Stop();
                var last = status.GetProperty("lastRun");
                return last.GetProperty("status").GetString() == "completed"
                    ? (watch.Elapsed, last.GetProperty("counts").GetRawText())
                    : throw new InvalidOperationException($"The sync run failed: {last.GetRawText()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>One conditional PUT; like the product's client, it sends again when Radicale had closed the kept-alive connection before answering.</summary>
    private static async Task PutAsync(HttpClient dav, Uri href, string card)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, href) { Content = new StringContent(card, Encoding.UTF8, "text/vcard") };
            put.Headers.TryAddWithoutValidation("If-None-Match", "*");
            try
            {
                (await dav.SendAsync(put)).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException e) when (attempt == 0 && e.StatusCode is null)
            {
            }
        }
    }

    private static Task<Uri> NewBookAsync(CardDavClient dav, Uri home, string name) =>
        dav.CreateAddressBookAsync(home, $"bench-{name}-{Guid.NewGuid():N}", $"Bench {name}");

    private static double PeakRssMb(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0).FirstOrDefault();
}

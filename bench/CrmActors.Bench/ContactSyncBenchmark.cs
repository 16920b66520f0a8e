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
/// (CRM_TEST_RADICALE_URL, _USER, _PASSWORD). When a second Radicale is given (CRM_BENCH_LOOP_RADICALE_URL,
/// _USER, _PASSWORD), the loop PUTs into it while the sync pushes into the first, side by side, so both see
/// the same machine; Radicale's PUT cost grows with the book (it checks the UID against every card), so a
/// large N run one after the other would take twice as long and see two different loads.
/// </summary>
public static class ContactSyncBenchmark
{
    private sealed record Radicale(Uri Url, string User, string Password)
    {
        public static Radicale? FromEnvironment(string prefix) =>
            Environment.GetEnvironmentVariable(prefix + "URL") is { } url
                ? new(new Uri(url), Environment.GetEnvironmentVariable(prefix + "USER")!, Environment.GetEnvironmentVariable(prefix + "PASSWORD")!)
                : null;

        public Uri Home => new(Url, $"/{User}/");

        public HttpClient Http()
        {
            var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
            return http;
        }

        public CardDavClient Client() => CardDavClient.Create(new CrmActors.Grains.Outbound.OutboundTargets(allowPrivateNetworks: true), CardDavCredentials.Basic(User, Password));
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var contacts = args.Length > 0 ? int.Parse(args[0]) : 10_000;
        var sync = Radicale.FromEnvironment("CRM_TEST_RADICALE_") ?? throw new InvalidOperationException("source scripts/radicale.sh first");
        var loopServer = Radicale.FromEnvironment("CRM_BENCH_LOOP_RADICALE_");
        var sideBySide = loopServer is not null;
        loopServer ??= sync;
        using var dav = loopServer.Http();
        using var loopBooks = loopServer.Client();
        using var syncBooks = sync.Client();

        // The same cards the sync writes for these contacts: the product's own vCard writer.
        var cards = Enumerable.Range(0, contacts).Select(i => VCardContacts.Create(new ContactFields
        {
            Uid = $"bench-{i:D6}", GivenName = $"Hanako{i % 977}", FamilyName = $"Yamada {i}",
            Emails = [new TypedValue($"hanako.{i}@example.jp", "work")], Phones = [new TypedValue($"03-{i % 10000:D4}-{i % 7919:D4}", "work")],
        }).ToString()).ToList();

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

        // CRM → remote: N contacts bulk-inserted (not timed), then the pair's first run into an empty book.
        var csv = new StringBuilder("First_Name,Last_Name,Email,Phone\n");
        for (var i = 0; i < contacts; i++)
        {
            csv.Append($"Hanako{i % 977},Yamada {i},hanako.{i}@example.jp,03-{i % 10000:D4}-{i % 7919:D4}\n");
        }

        (await client.PostAsync($"/api/orgs/{org.Id}/modules/Contacts/records/bulk", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var loopBook = await NewBookAsync(loopBooks, loopServer.Home, "loop");
        var pushBook = await NewBookAsync(syncBooks, sync.Home, "push");

        async Task<TimeSpan> LoopAsync()
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < contacts; i++)
            {
                await PutAsync(dav, DavHref.Child(loopBook, CardDavClient.ResourceNameFor($"bench-{i:D6}")), cards[i]);
            }

            return watch.Elapsed;
        }

        TimeSpan loop, push;
        string pushCounts;
        Console.WriteLine(sideBySide ? $"loop and sync side by side on two Radicale servers ({loopServer.Url}, {sync.Url})" : "loop, then sync, on one Radicale");
        if (sideBySide)
        {
            var looping = LoopAsync();
            var pushing = SyncAsync(client, org.Id, "Contacts", pushBook, sync);
            await Task.WhenAll(looping, pushing);
            (loop, (push, pushCounts)) = (looping.Result, pushing.Result);
        }
        else
        {
            loop = await LoopAsync();
            (push, pushCounts) = await SyncAsync(client, org.Id, "Contacts", pushBook, sync);
        }

        Console.WriteLine($"plain loop PUT of {contacts:N0} vCards into an empty book: {loop.TotalSeconds:N1} s ({contacts / loop.TotalSeconds:N1} contacts/s)");
        Console.WriteLine($"CrmActors first two-way sync, {contacts:N0} CRM contacts → empty book: {push.TotalSeconds:N1} s ({contacts / push.TotalSeconds:N1} contacts/s), {pushCounts}; peak RSS {silo.PeakRssMb:N0} MB");
        Console.WriteLine($"ratio sync / plain PUT loop: {push / loop:N2}x");

        // remote → CRM: the loop's N cards into the empty Leads module.
        var (pull, pullCounts) = await SyncAsync(client, org.Id, "Leads", loopBook, loopServer);
        Console.WriteLine($"CrmActors first two-way sync, {contacts:N0} cards → empty Leads: {pull.TotalSeconds:N1} s ({contacts / pull.TotalSeconds:N1} contacts/s), {pullCounts}; peak RSS {silo.PeakRssMb:N0} MB");

        await loopBooks.DeleteCollectionAsync(loopBook);
        await syncBooks.DeleteCollectionAsync(pushBook);
        Directory.Delete(work, true);
        return 0;
    }

    private static async Task<(TimeSpan Elapsed, string Counts)> SyncAsync(HttpClient client, string orgId, string module, Uri book, Radicale server)
    {
        var watch = Stopwatch.StartNew();
        var created = await client.PostAsJsonAsync($"/api/orgs/{orgId}/sync-pairs", new
        {
            module, direction = "two_way", conflictPolicy = "crm_wins", frequencyMinutes = 1440,
            remote = new { url = book.ToString(), username = server.User, password = server.Password },
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
}

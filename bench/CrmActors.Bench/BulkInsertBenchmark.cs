using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CrmActors.Bench;

/// <summary>
/// Bulk insert of N contact rows through the product (a real Silo process, HTTP, validation, COPY), beside two psql
/// \copy references in the same run: the same CSV into a bare table with a primary key, and — the reference issue 13
/// sets — the very rows the product stored (pre-encoded: IDs, system columns, JSON) into a fresh table like
/// <c>records</c> (same columns and indexes). The Silo first takes an untimed 10,000-row bulk insert into another
/// org, so the timed one runs as in a silo that has served for a while.
/// </summary>
public static class BulkInsertBenchmark
{
    private const string RecordColumns = "id, org_id, module, owner_id, created_at, created_by, modified_at, modified_by, email, parent_id, data";

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
        var work = Directory.CreateTempSubdirectory("crm-bulk-").FullName;
        var csv = Path.Combine(work, "leads.csv");
        await WriteCsvAsync(csv, rows);
        var warmCsv = Path.Combine(work, "warm.csv");
        await WriteCsvAsync(warmCsv, 10_000);
        var size = new FileInfo(csv).Length;
        Console.WriteLine($"CSV: {rows:N0} rows, {size / 1e6:N0} MB");

        var database = await Postgres.CreateDatabaseAsync();
        await BackupBenchmark.PsqlAsync(database, "CREATE TABLE bench_leads (id bigserial PRIMARY KEY, first_name text, last_name text, email text, company text, phone text)");
        var bare = await TimeAsync(() => BackupBenchmark.PsqlAsync(database,
            $"\\copy bench_leads (first_name, last_name, email, company, phone) FROM '{csv}' WITH (FORMAT csv, HEADER true)"));
        Console.WriteLine($"psql \\copy of the CSV into a bare table with a primary key: {bare.TotalSeconds:N2} s ({rows / bare.TotalSeconds:N0} rows/s)");

        await using var silo = await SiloProcess.StartAsync(database, Path.Combine(work, "data"));
        using var client = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromHours(1) };
        await BulkAsync(client, await silo.CreateOrgAsync(client), warmCsv);
        await Task.Delay(TimeSpan.FromSeconds(5)); // the JIT's background tier-up of what the warm-up ran

        var org = await silo.CreateOrgAsync(client);
        var watch = Stopwatch.StartNew();
        var result = await BulkAsync(client, org, csv);
        watch.Stop();
        Console.WriteLine($"CrmActors bulk insert (HTTP, validated, one transaction): {watch.Elapsed.TotalSeconds:N2} s ({rows / watch.Elapsed.TotalSeconds:N0} rows/s), " +
            $"created {result.GetProperty("created").GetInt32():N0}, Silo peak RSS {silo.PeakRssMb:N0} MB");

        var stored = Path.Combine(work, "stored.csv");
        await BackupBenchmark.PsqlAsync(database, $"\\copy (SELECT {RecordColumns} FROM records WHERE org_id = '{org.Id}') TO '{stored}' WITH (FORMAT csv)");
        await BackupBenchmark.PsqlAsync(database, "CREATE TABLE reference_records (LIKE records INCLUDING ALL)");
        var like = await TimeAsync(() => BackupBenchmark.PsqlAsync(database, $"\\copy reference_records ({RecordColumns}) FROM '{stored}' WITH (FORMAT csv)"));
        Console.WriteLine($"psql \\copy of the rows it stored into a table like records: {like.TotalSeconds:N2} s ({rows / like.TotalSeconds:N0} rows/s)");
        Console.WriteLine($"ratio product / \\copy into a table like records: {watch.Elapsed / like:N2}x (issue 13's target: <= 2x); / bare-table \\copy: {watch.Elapsed / bare:N2}x");
        Directory.Delete(work, true);
        return 0;
    }

    private static async Task<JsonElement> BulkAsync(HttpClient client, SiloProcess.Org org, string csv)
    {
        await using var file = File.OpenRead(csv);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orgs/{org.Id}/modules/Leads/records/bulk") { Content = new StreamContent(file, 1 << 16) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", org.Token);
        using var response = await client.SendAsync(request);
        return await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        return watch.Elapsed;
    }

    private static async Task WriteCsvAsync(string path, int rows)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(true), 1 << 16);
        await writer.WriteLineAsync("First_Name,Last_Name,Email,Company,Phone");
        for (var i = 0; i < rows; i++)
        {
            await writer.WriteLineAsync($"Hanako{i % 977},Yamada {i},hanako.{i}@example.jp,\"Company {i % 5003}, KK\",03-{i % 10000:D4}-{i % 7919:D4}");
        }
    }
}

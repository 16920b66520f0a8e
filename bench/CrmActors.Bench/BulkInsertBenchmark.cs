using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace CrmActors.Bench;

/// <summary>
/// Bulk insert of N contact rows through the product (a real Silo process, HTTP, validation, COPY)
/// beside psql's \copy of the same CSV into a plain table with a primary key, in the same run.
/// </summary>
public static class BulkInsertBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 0 ? int.Parse(args[0]) : 1_000_000;
        var work = Directory.CreateTempSubdirectory("crm-bulk-").FullName;
        var csv = Path.Combine(work, "leads.csv");
        await WriteCsvAsync(csv, rows);
        var size = new FileInfo(csv).Length;
        Console.WriteLine($"CSV: {rows:N0} rows, {size / 1e6:N0} MB");

        var database = await Postgres.CreateDatabaseAsync();
        var reference = await PsqlCopyAsync(database, csv);
        Console.WriteLine($"psql \\copy into a table with a primary key: {reference.TotalSeconds:N2} s ({rows / reference.TotalSeconds:N0} rows/s)");

        await using var silo = await SiloProcess.StartAsync(database, Path.Combine(work, "data"));
        using var client = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromHours(1) };
        var org = await silo.CreateOrgAsync(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", org.Token);
        var watch = Stopwatch.StartNew();
        await using var file = File.OpenRead(csv);
        var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var response = await client.PostAsync($"/api/orgs/{org.Id}/modules/Leads/records/bulk", content);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        watch.Stop();
        Console.WriteLine($"CrmActors bulk insert (HTTP, validated, one transaction): {watch.Elapsed.TotalSeconds:N2} s ({rows / watch.Elapsed.TotalSeconds:N0} rows/s), created {result.GetProperty("created").GetInt32():N0}");
        Console.WriteLine($"ratio product / psql \\copy: {watch.Elapsed / reference:N2}x");
        Directory.Delete(work, true);
        return 0;
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

    private static async Task<TimeSpan> PsqlCopyAsync(string database, string csv)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE bench_leads (id bigserial PRIMARY KEY, first_name text, last_name text, email text, company text, phone text)", connection).ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        using var psql = Process.Start(new ProcessStartInfo("psql",
            ["-h", builder.Host!, "-p", builder.Port.ToString(), "-U", builder.Username!, "-d", builder.Database!, "-v", "ON_ERROR_STOP=1", "-c",
             $"\\copy bench_leads (first_name, last_name, email, company, phone) FROM '{csv}' WITH (FORMAT csv, HEADER true)"])
        { RedirectStandardOutput = true })!;
        await psql.WaitForExitAsync();
        return psql.ExitCode == 0 ? watch.Elapsed : throw new InvalidOperationException("psql \\copy failed");
    }
}

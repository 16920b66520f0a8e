using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CrmActors.Bench;

/// <summary>
/// The first pass of a help-desk migration of 100,000 tickets with 300,000 threads (generated
/// generic CSV files, plus 1,000 contacts the tickets link to) through a real Silo process on
/// PostgreSQL, over HTTP: upload, submit, then the pass's own start and end times from its status.
/// Beside it, in the same run, psql \copy of the same CSV files into bare tables. Peak RSS is the
/// Silo's VmHWM, reset after the uploads so it is the pass's.
/// </summary>
public static class MigrationBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var tickets = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var threadsPerTicket = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var work = Directory.CreateTempSubdirectory("crm-migration-bench-").FullName;
        var database = await Postgres.CreateDatabaseAsync();
        try
        {
            var files = await WriteFilesAsync(work, tickets, threadsPerTicket);
            var rows = tickets + tickets * threadsPerTicket;
            var reference = await ReferenceCopyAsync(database, files);

            await using var silo = await SiloProcess.StartAsync(database, Path.Combine(work, "data"));
            using var client = new HttpClient { BaseAddress = silo.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
            var org = await silo.CreateOrgAsync(client);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", org.Token);
            // Warm-up, untimed: a small job through the same code first, so the pass measured runs on compiled code as in
            // a silo that has served for a while (a cold pass spent about a tenth of the Silo's CPU in the JIT).
            var warmUp = await WriteFilesAsync(Directory.CreateDirectory(Path.Combine(work, "warm-up")).FullName, 2_000, threadsPerTicket);
            var warmUpJob = await CreateJobAsync(client, org.Id);
            await UploadAsync(client, org.Id, warmUpJob, warmUp, submit: true);
            await PassDoneAsync(client, org.Id, warmUpJob);

            var job = await CreateJobAsync(client, org.Id);
            var upload = Stopwatch.StartNew();
            await UploadAsync(client, org.Id, job, files, submit: false);
            upload.Stop();
            silo.ResetPeakRss();
            var startRss = silo.RssMb;
            var siloCpu = silo.CpuSeconds;
            var serverCpu = Proc.OfServers();
            (await client.PostAsync($"/api/orgs/{org.Id}/migrations/{job}/submit", null)).EnsureSuccessStatusCode();
            var status = await PassDoneAsync(client, org.Id, job);
            var peak = silo.PeakRssMb;
            siloCpu = silo.CpuSeconds - siloCpu;
            var serversCpu = Proc.Since(serverCpu);
            var pass = status.GetProperty("passes")[0];
            var seconds = (pass.GetProperty("finishedAt").GetDateTimeOffset() - pass.GetProperty("startedAt").GetDateTimeOffset()).TotalSeconds;
            var counts = pass.GetProperty("counts");
            long Migrated(string module) => counts.GetProperty(module).GetProperty("migrated").GetInt64();
            var size = files.Sum(f => new FileInfo(f.Path).Length);
            var written = await ReferenceWrittenRowsAsync(database, org.Id, job, work);
            Console.WriteLine(FormattableString.Invariant($"Files: {tickets:N0} tickets, {tickets * threadsPerTicket:N0} threads, 1,000 contacts ({size / 1e6:N0} MB of CSV); uploaded over HTTP in {upload.Elapsed.TotalSeconds:N1} s (checked end to end)"));
            Console.WriteLine();
            Console.WriteLine("| step | time | rows/s | peak RSS | reference (same CSVs, same run) | ratio |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Console.WriteLine(FormattableString.Invariant(
                $"| first pass (run grain: map, ledger, COPY records + ledger + report per batch, report ZIP) | {seconds:N2} s | {rows / seconds:N0} | {peak:N0} MB | psql \\copy into bare tables {reference.TotalSeconds:N2} s ({rows / reference.TotalSeconds:N0} rows/s) | {seconds / reference.TotalSeconds:N2}x |"));
            Console.WriteLine(FormattableString.Invariant(
                $"| (same pass) | | | | psql \\copy of the rows the pass wrote (records, ledger) into tables like ours, same keys and indexes, {written.TotalSeconds:N2} s | {seconds / written.TotalSeconds:N2}x |"));
            Console.WriteLine();
            Console.WriteLine(FormattableString.Invariant($"Silo RSS when the pass started (after the uploads, idle): {startRss:N0} MB; peak during the pass {peak:N0} MB (+{peak - startRss:N0} MB)"));
            Console.WriteLine(FormattableString.Invariant($"CPU from submit to first_pass_done: Silo {siloCpu:N1} s ({siloCpu * 1e6 / rows:N0} µs a row)") +
                string.Concat(serversCpu.Select(s => FormattableString.Invariant($", {s.Key} {s.Value:N1} s ({s.Value * 1e6 / rows:N0} µs a row)"))));
            Console.WriteLine(FormattableString.Invariant($"migrated: tickets {Migrated("tickets"):N0}, ticket_threads {Migrated("ticket_threads"):N0}, contacts {Migrated("contacts"):N0}; status {status.GetProperty("status").GetString()}"));
            return Migrated("tickets") == tickets && Migrated("ticket_threads") == tickets * threadsPerTicket ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, true);
            await Postgres.DropDatabaseAsync(database);
        }
    }

    private static async Task<string> CreateJobAsync(HttpClient client, string org) =>
        (await (await client.PostAsJsonAsync($"/api/orgs/{org}/migrations", new { sourceSystem = "generic", modules = new[] { "contacts", "tickets" } }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

    private static async Task UploadAsync(HttpClient client, string org, string job, List<(string Module, string Path)> files, bool submit)
    {
        foreach (var (module, path) in files)
        {
            await using var stream = File.OpenRead(path);
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{org}/migrations/{job}/files/{module}.csv") { Content = new StreamContent(stream) };
            request.Headers.Add("X-Module", module);
            var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Uploading {module}.csv: {await response.Content.ReadAsStringAsync()}");
            }
        }

        if (submit)
        {
            (await client.PostAsync($"/api/orgs/{org}/migrations/{job}/submit", null)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Polls the job until its first pass ends; returns its status.</summary>
    private static async Task<JsonElement> PassDoneAsync(HttpClient client, string org, string job)
    {
        var waiting = Stopwatch.StartNew();
        JsonElement status;
        while ((status = await client.GetFromJsonAsync<JsonElement>($"/api/orgs/{org}/migrations/{job}")).GetProperty("status").GetString() is not ("first_pass_done" or "failed"))
        {
            if (waiting.Elapsed > TimeSpan.FromMinutes(20))
            {
                throw new TimeoutException($"The first pass did not end in 20 minutes: {status}");
            }

            await Task.Delay(1000);
        }

        return status;
    }

    private static async Task<List<(string Module, string Path)>> WriteFilesAsync(string folder, int tickets, int threadsPerTicket)
    {
        var contacts = Path.Combine(folder, "contacts.csv");
        await using (var writer = new StreamWriter(contacts, false, new UTF8Encoding(false), 1 << 16))
        {
            await writer.WriteLineAsync("Source_Id,First_Name,Last_Name,Email");
            for (var i = 0; i < 1_000; i++)
            {
                await writer.WriteLineAsync(FormattableString.Invariant($"C{i},First{i},Last {i},contact{i}@customer.test"));
            }
        }

        var ticketFile = Path.Combine(folder, "tickets.csv");
        await using (var writer = new StreamWriter(ticketFile, false, new UTF8Encoding(false), 1 << 16))
        {
            await writer.WriteLineAsync("Source_Id,Subject,Description,Status,Contact_Name,Agent_Email,Created_Time");
            for (var i = 0; i < tickets; i++)
            {
                await writer.WriteLineAsync(FormattableString.Invariant(
                    $"T{i},\"Ticket {i}, printer\",The printer on floor {i % 12} prints blank pages since the update,{(i % 2 == 0 ? "Open" : "Closed")},C{i % 1000},agent{i % 40}@desk.test,2024-01-01T00:00:00Z"));
            }
        }

        var threadFile = Path.Combine(folder, "ticket_threads.csv");
        await using (var writer = new StreamWriter(threadFile, false, new UTF8Encoding(false), 1 << 16))
        {
            await writer.WriteLineAsync("Source_Id,Ticket_Id,Content,Direction,Created_Time");
            for (var i = 0; i < tickets; i++)
            {
                for (var t = 0; t < threadsPerTicket; t++)
                {
                    await writer.WriteLineAsync(FormattableString.Invariant(
                        $"H{i}-{t},T{i},\"Reply {t} to ticket {i}: please restart the spooler, then try again\",{(t % 2 == 0 ? "in" : "out")},2024-01-01T00:0{t}:00Z"));
                }
            }
        }

        return [("contacts", contacts), ("tickets", ticketFile), ("ticket_threads", threadFile)];
    }

    /// <summary>
    /// The floor a pass cannot go below on this database: psql \copy of the very rows the pass wrote (its records and
    /// ledger entries, exported after it) into empty tables made LIKE records and migration_ledger, with the same keys
    /// and indexes.
    /// </summary>
    private static async Task<TimeSpan> ReferenceWrittenRowsAsync(string database, string orgId, string jobId, string folder)
    {
        var recordsCsv = Path.Combine(folder, "written-records.csv");
        var ledgerCsv = Path.Combine(folder, "written-ledger.csv");
        await BackupBenchmark.PsqlAsync(database, $"\\copy (SELECT r.* FROM records r JOIN migration_ledger l ON l.new_id = r.id WHERE l.job_id = '{jobId}' AND r.org_id = '{orgId}' ORDER BY r.id) TO '{recordsCsv}' WITH (FORMAT csv)");
        await BackupBenchmark.PsqlAsync(database, $"\\copy (SELECT * FROM migration_ledger WHERE job_id = '{jobId}') TO '{ledgerCsv}' WITH (FORMAT csv)");
        await BackupBenchmark.PsqlAsync(database, "CREATE TABLE ref_records (LIKE records INCLUDING ALL); CREATE TABLE ref_ledger (LIKE migration_ledger INCLUDING ALL)");
        var watch = Stopwatch.StartNew();
        await BackupBenchmark.PsqlAsync(database, $"\\copy ref_records FROM '{recordsCsv}' WITH (FORMAT csv)");
        await BackupBenchmark.PsqlAsync(database, $"\\copy ref_ledger FROM '{ledgerCsv}' WITH (FORMAT csv)");
        return watch.Elapsed;
    }

    /// <summary>psql \copy of the same three CSV files into bare text tables (no keys, no indexes).</summary>
    private static async Task<TimeSpan> ReferenceCopyAsync(string database, List<(string Module, string Path)> files)
    {
        await BackupBenchmark.PsqlAsync(database,
            "CREATE TABLE ref_contacts (source_id text, first_name text, last_name text, email text); "
            + "CREATE TABLE ref_tickets (source_id text, subject text, description text, status text, contact_name text, agent_email text, created_time text); "
            + "CREATE TABLE ref_ticket_threads (source_id text, ticket_id text, content text, direction text, created_time text)");
        var watch = Stopwatch.StartNew();
        foreach (var (module, path) in files)
        {
            await BackupBenchmark.PsqlAsync(database, $"\\copy ref_{module} FROM '{path}' WITH (FORMAT csv, HEADER true)");
        }

        return watch.Elapsed;
    }
}

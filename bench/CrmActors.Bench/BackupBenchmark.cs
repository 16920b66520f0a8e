using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace CrmActors.Bench;

/// <summary>
/// Backup of 1,000,000 records across modules plus 1,000 attachments, a restore of it into a new org (every
/// ID taken, so every row remapped) and a full restore into the emptied org, through
/// the product's own grain, jobs and services on PostgreSQL, beside psql \copy to CSV + zip -1 (and \copy
/// from CSV) of the same data, in the same run. The backup and the restore each run in a child process
/// of their own, so its peak RSS (VmHWM) is theirs alone and not the seeding's; each first does the same work on a
/// small org of the same shape, untimed, and waits for the JIT to settle, as a silo that has served for a while.
/// </summary>
public static class BackupBenchmark
{
    public static readonly (string Module, int Share)[] Modules = [("Accounts", 10), ("Contacts", 50), ("Deals", 15), ("Leads", 25)];

    public static async Task<int> RunAsync(string[] args)
    {
        var records = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var attachments = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        var work = Directory.CreateTempSubdirectory("crm-backup-bench-").FullName;
        var blobs = Path.Combine(work, "blobs");
        var database = await Postgres.CreateDatabaseAsync();
        try
        {
            var seed = Stopwatch.StartNew();
            var org = await BackupBenchmarkHost.SeedAsync(database, blobs, records, attachments);
            Console.WriteLine($"Seeded {records:N0} records ({string.Join(", ", Modules.Select(m => $"{m.Module} {records * m.Share / 100:N0}"))}) and {attachments:N0} attachments through BulkInsertService and AttachmentService in {seed.Elapsed.TotalSeconds:N0} s");

            // A small org of the same shape: each measured phase first does its work on it, untimed (see RunPhaseAsync).
            var warm = await BackupBenchmarkHost.SeedAsync(database, blobs, Math.Min(records, 5_000), Math.Min(attachments, 10));

            await WarmCacheAsync(database, org.OrgId);
            var reference = await ReferenceBackupAsync(database, org.OrgId, blobs, Path.Combine(work, "reference"));
            var backup = await PhaseAsync(database, blobs, org, "backup", "", warm, "");
            var warmBackupId = backup.GetProperty("warmBackupId").GetString()!;
            Console.WriteLine($"Backup ZIPs: {backup.GetProperty("bytes").GetInt64() / 1e6:N0} MB in {backup.GetProperty("parts").GetInt32()} part(s); reference ZIP {reference.ZipBytes / 1e6:N0} MB");

            var remapped = await PhaseAsync(database, blobs, org, "restore-other", backup.GetProperty("backupId").GetString()!, warm, warmBackupId);
            await DeleteOrgDataAsync(database, org.OrgId, blobs);
            var referenceRestore = await ReferenceRestoreAsync(database, Path.Combine(work, "reference"));
            var restore = await PhaseAsync(database, blobs, org, "restore", backup.GetProperty("backupId").GetString()!, warm, warmBackupId);

            var backupSeconds = backup.GetProperty("seconds").GetDouble();
            var restoreSeconds = restore.GetProperty("seconds").GetDouble();
            Console.WriteLine();
            Console.WriteLine("| step | time | rows/s | peak RSS | reference (same data, same run) | ratio |");
            Console.WriteLine("|---|---|---|---|---|---|");
            Console.WriteLine(Row("backup (job: CSV + Data/Attachments ZIPs)", backupSeconds, records, backup.GetProperty("peakRssMb").GetDouble(),
                $"psql \\copy to CSV {reference.Copy.TotalSeconds:N2} s + zip -1 {reference.Zip.TotalSeconds:N2} s = {(reference.Copy + reference.Zip).TotalSeconds:N2} s",
                backupSeconds / (reference.Copy + reference.Zip).TotalSeconds));
            Console.WriteLine(Row("full restore (job: verify, plan, write, files)", restoreSeconds, records, restore.GetProperty("peakRssMb").GetDouble(),
                $"psql \\copy from CSV {referenceRestore.TotalSeconds:N2} s", restoreSeconds / referenceRestore.TotalSeconds));
            var remappedSeconds = remapped.GetProperty("seconds").GetDouble();
            Console.WriteLine(Row("restore into another org (every ID remapped)", remappedSeconds, records, remapped.GetProperty("peakRssMb").GetDouble(),
                $"psql \\copy from CSV {referenceRestore.TotalSeconds:N2} s", remappedSeconds / referenceRestore.TotalSeconds));
            Console.WriteLine();
            Console.WriteLine($"restore report: created {restore.GetProperty("created").GetInt64():N0}, failed {restore.GetProperty("failed").GetInt64():N0}, files created {restore.GetProperty("filesCreated").GetInt64():N0}");
            Console.WriteLine($"remapped restore report: created {remapped.GetProperty("created").GetInt64():N0}, failed {remapped.GetProperty("failed").GetInt64():N0}, files created {remapped.GetProperty("filesCreated").GetInt64():N0}");
            return new[] { restore, remapped }.All(r => r.GetProperty("created").GetInt64() == records && r.GetProperty("filesCreated").GetInt64() == attachments) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, true);
            await DropDatabaseAsync(database);
        }
    }

    private static string Row(string step, double seconds, int rows, double rssMb, string reference, double ratio) =>
        FormattableString.Invariant($"| {step} | {seconds:N2} s | {rows / seconds:N0} | {rssMb:N0} MB | {reference} | {ratio:N2}x |");

    /// <summary>Runs one measured phase in a child process (this executable, mode backup-phase) and returns what it printed.</summary>
    private static async Task<JsonElement> PhaseAsync(
        string database, string blobs, BackupBenchmarkHost.SeededOrg org, string phase, string backupId, BackupBenchmarkHost.SeededOrg warm, string warmBackupId)
    {
        // CRM_BENCH_PHASE_WRAPPER runs each phase under a profiler, e.g. "perf record -g -o /tmp/{phase}.perf --"
        // (with DOTNET_PerfMapEnabled=1, so perf can name JIT-compiled methods).
        string[] command = [.. (Environment.GetEnvironmentVariable("CRM_BENCH_PHASE_WRAPPER") ?? "").Replace("{phase}", phase, StringComparison.Ordinal)
                .Split(' ', StringSplitOptions.RemoveEmptyEntries),
            "dotnet", typeof(BackupBenchmark).Assembly.Location, "backup-phase", phase, database, blobs, org.OrgId, org.AdminUserId, backupId, warm.OrgId, warm.AdminUserId, warmBackupId];
        var start = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardOutput = true,
        };
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The timed restore's phase times, as its job logs them (the warm-up's come first).
        var times = lines.Select((line, i) => (line, i)).LastOrDefault(l => l.line.Contains("CrmActors.Grains.Backups.RestoreJob", StringComparison.Ordinal) && l.i + 1 < lines.Length);
        if (times.line is not null)
        {
            Console.WriteLine($"{phase}: {lines[times.i + 1].Trim()}");
        }

        var last = lines.LastOrDefault() ?? "";
        return child.ExitCode == 0 && last.StartsWith('{') ? JsonDocument.Parse(last).RootElement.Clone() : throw new InvalidOperationException($"The {phase} phase failed:\n{output}");
    }

    private sealed record Reference(TimeSpan Copy, TimeSpan Zip, long ZipBytes);

    /// <summary>psql \copy of every module's rows to CSV files, then zip -1 of those files and the org's attachment blobs.</summary>
    private static async Task<Reference> ReferenceBackupAsync(string database, string orgId, string blobs, string folder)
    {
        Directory.CreateDirectory(folder);
        var copy = Stopwatch.StartNew();
        foreach (var (module, _) in Modules)
        {
            await PsqlAsync(database, $"\\copy (SELECT id, org_id, module, owner_id, created_at, created_by, modified_at, modified_by, email, parent_id, data FROM records " +
                $"WHERE org_id = '{orgId}' AND module = '{module}' AND deleted_at IS NULL ORDER BY id) TO '{Path.Combine(folder, module + ".csv")}' WITH (FORMAT csv, HEADER true)");
        }

        copy.Stop();
        var zip = Stopwatch.StartNew();
        await RunAsync("zip", ["-1", "-q", "-r", Path.Combine(folder, "..", "reference.zip"), folder, Path.Combine(blobs, "orgs", orgId, "files")]);
        zip.Stop();
        return new Reference(copy.Elapsed, zip.Elapsed, new FileInfo(Path.Combine(folder, "..", "reference.zip")).Length);
    }

    /// <summary>psql \copy of the same CSV files into a copy of the records table (same primary key and indexes).</summary>
    private static async Task<TimeSpan> ReferenceRestoreAsync(string database, string folder)
    {
        await PsqlAsync(database, "CREATE TABLE reference_records (LIKE records INCLUDING ALL)");
        var watch = Stopwatch.StartNew();
        foreach (var (module, _) in Modules)
        {
            await PsqlAsync(database, $"\\copy reference_records (id, org_id, module, owner_id, created_at, created_by, modified_at, modified_by, email, parent_id, data) " +
                $"FROM '{Path.Combine(folder, module + ".csv")}' WITH (FORMAT csv, HEADER true)");
        }

        return watch.Elapsed;
    }

    /// <summary>Reads the org's rows once, so neither the reference nor the product pays for a cold cache.</summary>
    private static async Task WarmCacheAsync(string database, string orgId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await new NpgsqlCommand($"SELECT sum(length(data)) FROM records WHERE org_id = '{orgId}'", connection) { CommandTimeout = 600 }.ExecuteScalarAsync();
    }

    /// <summary>Everything of the org is gone, as after deleting it all and emptying the recycle bin.</summary>
    private static async Task DeleteOrgDataAsync(string database, string orgId, string blobs)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var sql in new[] { $"DELETE FROM attachments WHERE org_id = '{orgId}'", $"DELETE FROM records WHERE org_id = '{orgId}'", "VACUUM ANALYZE records" })
        {
            await new NpgsqlCommand(sql, connection) { CommandTimeout = 600 }.ExecuteNonQueryAsync();
        }

        Directory.Delete(Path.Combine(blobs, "orgs", orgId, "files"), true);
    }

    private static async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Postgres.Server);
        await connection.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)", connection).ExecuteNonQueryAsync();
    }

    internal static Task PsqlAsync(string database, string command)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        return RunAsync("psql", ["-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!,
            "-q", "-v", "ON_ERROR_STOP=1", "-c", command]);
    }

    private static async Task RunAsync(string program, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}.");
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn;
using CrmActors.Grains.MailAddOn.Mailboxes;
using CrmActors.Grains.Organizations;
using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Bench;

/// <summary>
/// Mailbox backup of the local Dovecot's bench mailbox (scripts/bench.sh mail seeds 20,000 messages, about
/// 1 GB) through the product's mailbox grain and backup run on PostgreSQL — download, fsync'd blobs, MIME
/// parse, linking, fenced batches — beside the plainest MailKit loop that only downloads the same messages
/// to files, in the same run. Each side runs in a child process of its own so its peak RSS is its own, warms
/// up on another mailbox first, and runs twice (interleaved with the other side); each keeps its faster run.
/// Besides wall time, each side reports the CPU seconds it cost itself, Dovecot and PostgreSQL.
/// </summary>
public static class MailBackupBenchmark
{
    private const string Login = "bench";

    /// <summary>
    /// The 1,500-message mailbox each side first copies, untimed, before it waits for the JIT to settle, so each is
    /// timed warm, as a silo that has served for a while is (a fresh process spent about a fifth of the backup's CPU
    /// in JIT tiering, most of it for the host's own start-up code).
    /// </summary>
    private const string WarmUpLogin = "cluster";

    private static string Pop3Host => Environment.GetEnvironmentVariable("CRM_TEST_POP3_HOST") ?? throw new InvalidOperationException("CRM_TEST_POP3_HOST is not set; run scripts/bench.sh mail.");

    private static int Pop3Port => int.Parse(Environment.GetEnvironmentVariable("CRM_TEST_POP3_PORT")!, CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(string[] args)
    {
        var work = Directory.CreateTempSubdirectory("crm-mail-bench-").FullName;
        var database = await Postgres.CreateDatabaseAsync();
        try
        {
            // Each side runs twice, interleaved, and each keeps its faster run: neither always meets a cold page cache or a busy neighbour.
            var runs = new List<(string Phase, JsonElement Result)>();
            foreach (var phase in new[] { "plain", "backup", "plain", "backup" })
            {
                runs.Add((phase, await PhaseAsync(phase, work, database)));
            }

            JsonElement Fastest(string phase) => runs.Where(r => r.Phase == phase).Select(r => r.Result).MinBy(r => r.GetProperty("seconds").GetDouble());
            var (plain, backup) = (Fastest("plain"), Fastest("backup"));
            var messages = plain.GetProperty("messages").GetInt32();
            var bytes = plain.GetProperty("bytes").GetInt64();
            Console.WriteLine($"Mailbox: {messages:N0} messages, {bytes / 1e6:N0} MB on Dovecot at {Pop3Host}:{Pop3Port}");
            Console.WriteLine($"Every run (seconds): {string.Join(", ", runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Phase} {r.Result.GetProperty("seconds").GetDouble():N1}")))}");
            Console.WriteLine();
            Console.WriteLine("| side (faster of 2 runs) | time | messages/s | MB/s | peak RSS | CPU s: own / Dovecot / PostgreSQL | ratio |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            var plainSeconds = plain.GetProperty("seconds").GetDouble();
            foreach (var (name, side) in new[] { ("plain MailKit loop (RETR to files)", plain), ("mailbox backup (grain + run: blobs fsync'd, parsed, linked)", backup) })
            {
                var seconds = side.GetProperty("seconds").GetDouble();
                var cpu = side.GetProperty("cpu");
                double Cpu(string name) => cpu.TryGetProperty(name, out var s) ? s.GetDouble() : double.NaN;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {seconds:N1} s | {messages / seconds:N0} | {bytes / 1e6 / seconds:N1} | {side.GetProperty("peakRssMb").GetDouble():N0} MB | {Cpu("own"):N1} / {Cpu("dovecot"):N1} / {Cpu("postgres"):N1} | {seconds / plainSeconds:N2}× |"));
            }

            Console.WriteLine();
            Console.WriteLine($"backup counts: {backup.GetProperty("counts").GetRawText()}");
            return backup.GetProperty("counts").GetProperty("stored").GetInt32() == messages ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, true);
            await Postgres.DropDatabaseAsync(database);
        }
    }

    private static async Task<JsonElement> PhaseAsync(string phase, string work, string database)
    {
        // The loop leaves ~1 GB of unwritten page cache behind; written back untimed here, so the next side does not pay for it.
        using (var sync = Process.Start("sync")!)
        {
            await sync.WaitForExitAsync();
        }

        var start = new ProcessStartInfo("dotnet", [typeof(MailBackupBenchmark).Assembly.Location, "mail-phase", phase, Path.Combine(work, phase + "-" + Guid.NewGuid().ToString("N")[..6]), database])
        {
            RedirectStandardOutput = true,
        };
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var last = lines.LastOrDefault() ?? "";
        if (lines.SkipLast(1).LastOrDefault(l => l.Contains("Mail backup", StringComparison.Ordinal)) is { } times)
        {
            // The timed backup's own account of where its time went (the warm-up's comes before it).
            Console.Error.WriteLine($"[{phase}] {times.Trim()}");
        }

        return child.ExitCode == 0 && last.StartsWith('{') ? JsonDocument.Parse(last).RootElement.Clone() : throw new InvalidOperationException($"The {phase} phase failed:\n{output}");
    }

    /// <summary>The child process: one side, timed, with its peak RSS, as one JSON line.</summary>
    public static async Task<int> RunPhaseAsync(string[] args)
    {
        var (phase, folder, database) = (args[0], args[1], args[2]);
        Directory.CreateDirectory(folder);
        object result = phase == "plain" ? await PlainLoopAsync(folder) : await BackupAsync(folder, database);
        Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        return 0;
    }

    /// <summary>The CPU seconds this process and each server spent since <paramref name="own"/> and <paramref name="servers"/> were read.</summary>
    private static Dictionary<string, double> CpuSince(TimeSpan own, Dictionary<string, double> servers) =>
        new(Proc.Since(servers)) { ["own"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - own).TotalSeconds, 2) };

    private static async Task<object> PlainLoopAsync(string folder)
    {
        await DownloadAllAsync(WarmUpLogin, Directory.CreateDirectory(Path.Combine(folder, "warm-up")).FullName);
        await Proc.JitSettledAsync();
        var (own, servers) = (Process.GetCurrentProcess().TotalProcessorTime, Proc.OfServers());
        var watch = Stopwatch.StartNew();
        var (count, bytes) = await DownloadAllAsync(Login, folder);
        return new { seconds = watch.Elapsed.TotalSeconds, peakRssMb = Proc.PeakRssMb(), messages = count, bytes, cpu = CpuSince(own, servers) };
    }

    /// <summary>The plain loop: RETR every message of the mailbox into a file of its own.</summary>
    private static async Task<(int Count, long Bytes)> DownloadAllAsync(string login, string folder)
    {
        long bytes = 0;
        using var client = new Pop3Client();
        await client.ConnectAsync(Pop3Host, Pop3Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(login, login + "-secret");
        var count = await client.GetMessageCountAsync();
        for (var i = 0; i < count; i++)
        {
            await using var file = File.Create(Path.Combine(folder, $"{i}.eml"));
            await using var message = await client.GetStreamAsync(i);
            await message.CopyToAsync(file);
            bytes += file.Length;
        }

        await client.DisconnectAsync(true);
        return (count, bytes);
    }

    private static async Task<object> BackupAsync(string folder, string database)
    {
        using var host = ProductHost.Build(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Crm"] = database,
            ["Storage:DataDirectory"] = folder,
            ["Outbound:AllowPrivateNetworks"] = "true",
            ["Logging:LogLevel:CrmActors.Grains.MailAddOn.Mailboxes"] = "Information",
        });
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var orgId = Ids.New();
        var org = grains.Grain<IOrganizationGrain>(orgId);
        var admin = await org.CreateAsync(new CreateOrganization("Mail bench", Plans.Ultimate, false, false, false, "Asia/Tokyo", "bench.example", "admin@bench.example", "Admin"),
            Ids.New(), Ids.Sha256(Ids.NewSecret()));

        // One user's mailbox backed up as an admin asks for it: save settings, deactivate, back up, wait for the end.
        async Task<MailBackup> BackUpAsync(string login, string email)
        {
            var user = await org.AddUserAsync(new NewUser(email, login, Roles.Standard, null), Ids.Sha256(Ids.NewSecret()), admin.Id);
            var mailbox = grains.Grain<IMailboxGrain>(MailboxKeys.Of(orgId, user.Id));
            await mailbox.SaveSettingsAsync(new MailboxSettingsInput("pop3", Pop3Host, Pop3Port, "none", login, email, "share_all"),
                host.Services.GetRequiredService<MailSecrets>().Protect(login + "-secret"));
            await org.SetUserActiveAsync(user.Id, false, admin.Id);
            var state = await org.GetAsync();
            var started = await mailbox.StartBackupAsync(MailBackupKinds.Full,
                new MailAdminContext(admin.Id, admin.Email, 1, false, state.User(user.Id)!.ReactivatedAt));
            MailBackup backup;
            while ((backup = (await mailbox.GetAsync()).Backups.Single(b => b.Id == started.Id)).Status == MailBackupStatuses.Running)
            {
                await Task.Delay(50);
            }

            return backup.Status == MailBackupStatuses.Completed ? backup : throw new InvalidOperationException($"The {login} backup failed: {backup.Error}");
        }

        await BackUpAsync(WarmUpLogin, "warm-up@bench.example");
        await Proc.JitSettledAsync();
        var (own, servers) = (Process.GetCurrentProcess().TotalProcessorTime, Proc.OfServers());
        var watch = Stopwatch.StartNew();
        var backup = await BackUpAsync(Login, "leaver@bench.example");
        watch.Stop();
        var cpu = CpuSince(own, servers);
        await host.StopAsync();
        return new { seconds = watch.Elapsed.TotalSeconds, peakRssMb = Proc.PeakRssMb(), counts = backup.Counts, cpu };
    }
}

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
/// to files, in the same run. Each side runs in a child process of its own so its peak RSS is its own.
/// </summary>
public static class MailBackupBenchmark
{
    private const string Login = "bench";

    private static string Pop3Host => Environment.GetEnvironmentVariable("CRM_TEST_POP3_HOST") ?? throw new InvalidOperationException("CRM_TEST_POP3_HOST is not set; run scripts/bench.sh mail.");

    private static int Pop3Port => int.Parse(Environment.GetEnvironmentVariable("CRM_TEST_POP3_PORT")!, CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(string[] args)
    {
        var work = Directory.CreateTempSubdirectory("crm-mail-bench-").FullName;
        var database = await Postgres.CreateDatabaseAsync();
        try
        {
            // The plain loop runs before and after, and the faster is kept: neither side always meets a cold page cache.
            var plain1 = await PhaseAsync("plain", work, database);
            var backup = await PhaseAsync("backup", work, database);
            var plain2 = await PhaseAsync("plain", work, database);
            var plain = plain1.GetProperty("seconds").GetDouble() <= plain2.GetProperty("seconds").GetDouble() ? plain1 : plain2;
            var messages = plain.GetProperty("messages").GetInt32();
            var bytes = plain.GetProperty("bytes").GetInt64();
            Console.WriteLine($"Mailbox: {messages:N0} messages, {bytes / 1e6:N0} MB on Dovecot at {Pop3Host}:{Pop3Port}");
            Console.WriteLine();
            Console.WriteLine("| side | time | messages/s | MB/s | peak RSS | ratio |");
            Console.WriteLine("|---|---|---|---|---|---|");
            var plainSeconds = plain.GetProperty("seconds").GetDouble();
            foreach (var (name, side) in new[] { ("plain MailKit loop (RETR to files)", plain), ("mailbox backup (grain + run: blobs fsync'd, parsed, linked)", backup) })
            {
                var seconds = side.GetProperty("seconds").GetDouble();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {seconds:N1} s | {messages / seconds:N0} | {bytes / 1e6 / seconds:N1} | {side.GetProperty("peakRssMb").GetDouble():N0} MB | {seconds / plainSeconds:N2}× |"));
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
        foreach (var line in lines.SkipLast(1).Where(l => l.Contains("Mail backup", StringComparison.Ordinal)))
        {
            // The backup's own account of where its time went.
            Console.Error.WriteLine($"[{phase}] {line.Trim()}");
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

    private static async Task<object> PlainLoopAsync(string folder)
    {
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        using var client = new Pop3Client();
        await client.ConnectAsync(Pop3Host, Pop3Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(Login, Login + "-secret");
        var count = await client.GetMessageCountAsync();
        for (var i = 0; i < count; i++)
        {
            await using var file = File.Create(Path.Combine(folder, $"{i}.eml"));
            await using var message = await client.GetStreamAsync(i);
            await message.CopyToAsync(file);
            bytes += file.Length;
        }

        await client.DisconnectAsync(true);
        return new { seconds = watch.Elapsed.TotalSeconds, peakRssMb = BackupBenchmarkHost.PeakRssMb(), messages = count, bytes };
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
        var org = grains.GetGrain<IOrganizationGrain>(orgId);
        var admin = await org.CreateAsync(new CreateOrganization("Mail bench", Plans.Ultimate, false, false, false, "Asia/Tokyo", "bench.example", "admin@bench.example", "Admin"),
            Ids.New(), Ids.Sha256(Ids.NewSecret()));
        var user = await org.AddUserAsync(new NewUser("leaver@bench.example", "Leaver", Roles.Standard, null), Ids.Sha256(Ids.NewSecret()), admin.Id);
        var mailbox = grains.GetGrain<IMailboxGrain>(MailboxKeys.Of(orgId, user.Id));
        await mailbox.SaveSettingsAsync(new MailboxSettingsInput("pop3", Pop3Host, Pop3Port, "none", Login, "leaver@bench.example", "share_all"),
            host.Services.GetRequiredService<MailSecrets>().Protect(Login + "-secret"));
        await org.SetUserActiveAsync(user.Id, false, admin.Id);
        var state = await org.GetAsync();

        var watch = Stopwatch.StartNew();
        var started = await mailbox.StartBackupAsync(MailBackupKinds.Full,
            new MailAdminContext(admin.Id, admin.Email, 1, false, state.User(user.Id)!.ReactivatedAt));
        MailBackup backup;
        while ((backup = (await mailbox.GetAsync()).Backups.Single(b => b.Id == started.Id)).Status == MailBackupStatuses.Running)
        {
            await Task.Delay(50);
        }

        watch.Stop();
        await host.StopAsync();
        return backup.Status == MailBackupStatuses.Completed
            ? new { seconds = watch.Elapsed.TotalSeconds, peakRssMb = BackupBenchmarkHost.PeakRssMb(), counts = backup.Counts }
            : throw new InvalidOperationException($"The backup failed: {backup.Error}");
    }
}

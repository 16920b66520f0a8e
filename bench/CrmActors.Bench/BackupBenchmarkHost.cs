using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CrmActors.Grains;
using CrmActors.Grains.Attachments;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CrmActors.Bench;

/// <summary>The product's grains, jobs and data services in this process, over the benchmark's PostgreSQL database and blob root.</summary>
public static class BackupBenchmarkHost
{
    public sealed record SeededOrg(string OrgId, string AdminUserId);

    /// <summary>
    /// The product's silo (<see cref="ProductHost"/>) on PostgreSQL with production timings: a run grain
    /// starts as soon as the turn that queued it is written, so no poll interval is involved.
    /// </summary>
    public static IHost Build(string database, string blobs) => ProductHost.Build(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:Crm"] = database,
        ["Storage:DataDirectory"] = Path.GetDirectoryName(blobs),
        ["Blobs:Root"] = blobs,
    });

    /// <summary>Creates an ultimate-plan org, its records through <see cref="BulkInsertService"/> and its attachments through <see cref="AttachmentService"/>.</summary>
    public static async Task<SeededOrg> SeedAsync(string database, string blobs, int records, int attachments)
    {
        using var host = Build(database, blobs);
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var orgId = Ids.New();
        var admin = await grains.Grain<IOrganizationGrain>(orgId).CreateAsync(
            new CreateOrganization("Bench", Plans.Ultimate, false, false, false, "Asia/Tokyo", "bench.example", "admin@bench.example", "Admin"), Ids.New(), Ids.Sha256(Ids.NewSecret()));
        var actor = new Actor(await grains.Grain<IOrganizationGrain>(orgId).GetAsync(), admin);
        var bulk = host.Services.GetRequiredService<BulkInsertService>();
        foreach (var (module, share) in BackupBenchmark.Modules)
        {
            var accounts = module == "Accounts" ? [] : await AccountIdsAsync(database, orgId);
            var result = await bulk.InsertAsync(actor, module, Rows(module, records * share / 100, accounts).Select(BulkRow.FromJson), int.MaxValue, CancellationToken.None);
            if (result.FailedCount > 0)
            {
                throw new InvalidOperationException($"{result.FailedCount} {module} rows failed: {result.Failed[0].Error}");
            }
        }

        var files = host.Services.GetRequiredService<AttachmentService>();
        var ids = await AccountIdsAsync(database, orgId);
        var random = new Random(7);
        for (var i = 0; i < attachments; i++)
        {
            var content = new byte[8_000 + random.Next(24_000)];
            random.NextBytes(content.AsSpan(0, content.Length / 2));
            await files.UploadAsync(actor, "Accounts", ids[i % ids.Count], null, $"document-{i}.bin", "application/octet-stream", new MemoryStream(content), 1 << 30, CancellationToken.None);
        }

        await host.StopAsync();
        return new SeededOrg(orgId, admin.Id);
    }

    /// <summary>
    /// The child process: one backup, one full restore (into the backed-up org), or one restore of the backup into a
    /// new org ("restore-other"), through the grain and its job, timed, with this process's peak RSS. With a warm-up
    /// org (its ID, its admin and, for a restore, its backup), the same work is first done on that small org, untimed,
    /// and the JIT left to settle: what is timed then runs as in a silo that has served for a while.
    /// </summary>
    public static async Task<int> RunPhaseAsync(string[] args)
    {
        var (phase, database, blobs, orgId, adminId, backupId) = (args[0], args[1], args[2], args[3], args[4], args.Length > 5 ? args[5] : "");
        using var host = Build(database, blobs);
        await host.StartAsync();
        string? warmBackupId = null;
        if (args.Length > 7)
        {
            var warm = await RunOnceAsync(host, phase == "backup" ? "backup" : "restore-other", args[6], args[7], args.Length > 8 ? args[8] : "");
            warmBackupId = warm.BackupId;
            await Proc.JitSettledAsync();
        }

        var (seconds, timedBackupId, result) = await RunOnceAsync(host, phase, orgId, adminId, backupId);
        await host.StopAsync();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>(result)
        {
            ["seconds"] = seconds, ["peakRssMb"] = Proc.PeakRssMb(), ["backupId"] = timedBackupId, ["warmBackupId"] = warmBackupId,
        }));
        return 0;
    }

    /// <summary>One backup or restore through the grain and its job, timed; the backup's ID (a backup's own, a restore's source).</summary>
    private static async Task<(double Seconds, string BackupId, Dictionary<string, object?> Result)> RunOnceAsync(
        IHost host, string phase, string orgId, string adminId, string backupId)
    {
        var grain = host.Services.GetRequiredService<IGrainFactory>().Grain<IBackupScheduleGrain>(orgId);
        var watch = Stopwatch.StartNew();
        if (phase == "backup")
        {
            var id = (await grain.SetScheduleAsync(new ScheduleRequest(BackupFrequencies.Now, null, null, null, null), adminId)).LatestBackupId!;
            BackupEntry? backup;
            while ((backup = await grain.GetBackupAsync(id))!.Status is not (BackupStatuses.Ready or BackupStatuses.Failed))
            {
                await Task.Delay(20);
            }

            watch.Stop();
            return backup.Status == BackupStatuses.Ready
                ? (watch.Elapsed.TotalSeconds, id, new() { ["bytes"] = backup.Files.Sum(f => f.Size), ["parts"] = backup.Files.Count })
                : throw new InvalidOperationException($"The backup failed: {backup.Reason}");
        }

        var store = host.Services.GetRequiredService<RestoreStore>();
        var start = new RestoreStart(Ids.New(), backupId, [], [], RestoreModes.Full, null, false);
        if (phase == "restore-other")
        {
            // Org A's backup ZIPs, as an admin of a new org B uploads them: every backed-up ID is taken by A, so every row is remapped.
            var files = (await grain.GetBackupAsync(backupId))!.Files;
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            orgId = Ids.New();
            adminId = (await grains.Grain<IOrganizationGrain>(orgId).CreateAsync(
                new CreateOrganization("Bench B", Plans.Ultimate, false, false, false, "Asia/Tokyo", $"bench-{orgId}.example", $"admin@bench-{orgId}.example", "Admin"),
                Ids.New(), Ids.Sha256(Ids.NewSecret()))).Id;
            grain = grains.Grain<IBackupScheduleGrain>(orgId);
            watch.Restart();
            start = new RestoreStart(Ids.New(), null, [.. files.Where(f => f.Kind == BackupFileKinds.Data).Select(f => f.Path)],
                [.. files.Where(f => f.Kind == BackupFileKinds.Attachments).Select(f => f.Path)], RestoreModes.Full, null, false);
        }

        var restoreId = await grain.StartRestoreAsync(start, adminId);
        RestoreRow restore;
        while ((restore = (await store.GetAsync(orgId, restoreId))!).Status is not (RestoreStatuses.Completed or RestoreStatuses.Failed))
        {
            await Task.Delay(20);
        }

        watch.Stop();
        return restore.Status == RestoreStatuses.Completed
            ? (watch.Elapsed.TotalSeconds, backupId, new()
            {
                ["created"] = restore.Counts.Created, ["failed"] = restore.Counts.Failed, ["filesCreated"] = restore.Counts.FilesCreated,
            })
            : throw new InvalidOperationException($"The restore failed: {restore.Error}");
    }

    private static async Task<List<string>> AccountIdsAsync(string database, string orgId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM records WHERE org_id = @org AND module = 'Accounts' ORDER BY id", connection);
        command.Parameters.AddWithValue("org", orgId);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Rows shaped like the module's standard fields, generated one at a time (never a module in memory).</summary>
    private static async IAsyncEnumerable<JsonElement> Rows(string module, int count, List<string> accounts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        string[] stages = ["Qualification", "Needs Analysis", "Proposal", "Negotiation", "Closed Won", "Closed Lost"];
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                switch (module)
                {
                    case "Accounts":
                        json.WriteString("Account_Name", $"Account {i} Kabushiki Kaisha");
                        json.WriteString("Website", $"https://account{i}.example.co.jp");
                        json.WriteString("Phone", $"03-{i % 10000:D4}-{i % 7919:D4}");
                        break;
                    case "Contacts":
                        json.WriteString("First_Name", $"Hanako{i % 977}");
                        json.WriteString("Last_Name", $"Yamada {i}");
                        json.WriteString("Email", $"hanako.yamada.{i}@example.co.jp");
                        json.WriteString("Phone", $"+81 90 {i % 10000:D4} {i % 7919:D4}");
                        json.WriteString("Account_Name", accounts[i % accounts.Count]);
                        break;
                    case "Deals":
                        json.WriteString("Deal_Name", $"Renewal {i} for fiscal year {2020 + (i % 7)}");
                        json.WriteString("Account_Name", accounts[i % accounts.Count]);
                        json.WriteString("Stage", stages[i % stages.Length]);
                        json.WriteNumber("Amount", 1000m + (i % 100_000) + 0.5m);
                        break;
                    default:
                        json.WriteString("First_Name", $"Taro{i % 613}");
                        json.WriteString("Last_Name", $"Suzuki {i}");
                        json.WriteString("Email", $"taro.suzuki.{i}@lead.example.jp");
                        json.WriteString("Company", $"Company {i % 5003}, KK");
                        json.WriteString("Phone", $"06-{i % 10000:D4}-{i % 7919:D4}");
                        break;
                }

                json.WriteEndObject();
            }

            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            yield return document.RootElement.Clone();
            if (i % 10_000 == 0)
            {
                await Task.Yield();
            }
        }
    }
}

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CrmActors.Bench;

/// <summary>
/// Grain calls per second on one in-process silo configured like the product (<see cref="ProductHost"/>), per
/// provider, on the real <see cref="IOrganizationGrain"/>: read = <c>GetAsync()</c> ([ReadOnly]); write =
/// <c>UpdateAsync</c> renaming the organization (each write = one grain-state write + one audit row).
/// Sequential (one caller, one grain) and 32 concurrent callers over 256 organizations (spread) or one (hot).
/// </summary>
public static class GrainBenchmark
{
    private const int Callers = 32;
    private const int SpreadOrgs = 256;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var providers = args.Length > 1 ? args[1].Split(',') : ["sqlite", "postgres"];
        var rows = new List<string>();
        var ok = true;
        foreach (var provider in providers)
        {
            var directory = Directory.CreateTempSubdirectory("crm-bench-").FullName;
            var database = provider == "postgres" ? await Postgres.CreateDatabaseAsync() : null;
            var settings = new Dictionary<string, string?> { ["Storage:Provider"] = provider, ["Storage:DataDirectory"] = directory };
            if (database is not null)
            {
                settings["ConnectionStrings:Crm"] = database;
            }

            await using var app = ProductHost.Build(settings);
            await app.StartAsync();
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var storage = app.Services.GetRequiredService<StorageOptions>();

            // 256 organizations, created through the grain like POST /api/orgs does; every one activated before measuring.
            var orgs = new IOrganizationGrain[SpreadOrgs];
            var actor = "";
            for (var i = 0; i < SpreadOrgs; i++)
            {
                var id = Ids.New();
                orgs[i] = grains.Grain<IOrganizationGrain>(id);
                var admin = await orgs[i].CreateAsync(
                    new CreateOrganization($"Bench {i}", Plans.Ultimate, false, false, false, "Asia/Tokyo", "bench.example", "admin@bench.example", "Admin"), Ids.New(), Ids.Sha256(Ids.NewSecret()));
                actor = i == 0 ? admin.Id : actor;
            }

            var hot = orgs[0];
            var auditBefore = await CountAuditUpdatesAsync(storage);
            long writes = 0;
            Task Write(IOrganizationGrain org, int caller)
            {
                var n = Interlocked.Increment(ref writes);
                // A name no earlier call used, so every call changes the state: one real write and one audit row each.
                return org.UpdateAsync(new OrganizationPatch($"Bench {caller}.{n}", null, null, null), actor);
            }

            // The first figure of a fresh process would otherwise pay for JIT tiering: warm both call kinds first.
            await RunForAsync(2, Callers, (c, i) => i % 2 == 0 ? orgs[(c * 8) + (int)(i % 8)].GetAsync() : Write(orgs[(c * 8) + (int)(i % 8)], c));
            var seqRead = await MeasureAsync(seconds, 1, (_, _) => hot.GetAsync());
            var seqWrite = await MeasureAsync(seconds, 1, (c, i) => Write(hot, c));
            var spreadRead = await MeasureAsync(seconds, Callers, (c, i) => orgs[(c * 8) + (int)(i % 8)].GetAsync());
            var hotRead = await MeasureAsync(seconds, Callers, (_, _) => hot.GetAsync());
            var spreadWrite = await MeasureAsync(seconds, Callers, (c, i) => Write(orgs[(c * 8) + (int)(i % 8)], c));
            var hotWrite = await MeasureAsync(seconds, Callers, (c, i) => Write(hot, c));
            var audited = await CountAuditUpdatesAsync(storage) - auditBefore;
            ok &= audited == writes;
            rows.Add(FormattableString.Invariant(
                $"| {provider} | {seqRead:N0} | {seqWrite:N0} | {spreadRead:N0} | {hotRead:N0} | {spreadWrite:N0} | {hotWrite:N0} |"));
            Console.Error.WriteLine($"{provider}: {writes:N0} write calls, {audited:N0} audit rows written{(audited == writes ? "" : " — MISMATCH")}");

            await app.StopAsync();
            Directory.Delete(directory, true);
            if (database is not null)
            {
                await Postgres.DropDatabaseAsync(database);
            }
        }

        Console.WriteLine($"calls/s, {seconds} s per figure; write = UpdateAsync (state write + audit row), read = GetAsync ([ReadOnly])");
        Console.WriteLine();
        Console.WriteLine("| provider | seq. read, 1 grain | seq. write, 1 grain | 32 callers read, 256 orgs | 32 callers read, 1 hot org | 32 callers write, 256 orgs | 32 callers write, 1 hot org |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return ok ? 0 : 1;
    }

    /// <summary>Calls per second: <paramref name="callers"/> loops each awaiting one call at a time, for the given duration, after an unmeasured warm-up of the same shape.</summary>
    private static async Task<double> MeasureAsync(double seconds, int callers, Func<int, long, Task> call)
    {
        await RunForAsync(Math.Min(1, seconds / 5), callers, call);
        return await RunForAsync(seconds, callers, call);
    }

    private static async Task<double> RunForAsync(double seconds, int callers, Func<int, long, Task> call)
    {
        var watch = Stopwatch.StartNew();
        var counts = new long[callers];
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            for (long i = 0; watch.Elapsed.TotalSeconds < seconds; i++)
            {
                await call(caller, i);
                counts[caller]++;
            }
        })));
        return counts.Sum() / watch.Elapsed.TotalSeconds;
    }

    private static async Task<long> CountAuditUpdatesAsync(StorageOptions storage)
    {
        await using DbConnection connection = storage.Provider == StorageProvider.Postgres
            ? new NpgsqlConnection(storage.ConnectionString)
            : new SqliteConnection(storage.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM audit_log WHERE action = '{AuditActions.Update}' AND setting = 'organization'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}

internal static class Postgres
{
    public static string Server => Environment.GetEnvironmentVariable("CRM_TEST_POSTGRES")
        ?? throw new InvalidOperationException("CRM_TEST_POSTGRES is not set; run scripts/bench.sh.");

    public static async Task<string> CreateDatabaseAsync()
    {
        var name = $"crm_bench_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await new NpgsqlCommand($"CREATE DATABASE {name}", connection).ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ToString();
    }

    public static async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(database).Database} WITH (FORCE)", connection).ExecuteNonQueryAsync();
    }
}

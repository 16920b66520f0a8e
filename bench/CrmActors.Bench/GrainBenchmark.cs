using System.Diagnostics;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CrmActors.Bench;

/// <summary>Grain calls per second on one node, per provider: one grain in sequence, many grains at once, and read-only calls.</summary>
public static class GrainBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0]) : 5;
        Console.WriteLine($"| provider | sequential writes, one grain (calls/s) | 32 concurrent writers, 256 grains (calls/s) | 32 concurrent read-only (calls/s) |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            var directory = Directory.CreateTempSubdirectory("crm-bench-").FullName;
            var database = provider == "postgres" ? await Postgres.CreateDatabaseAsync() : null;
            var settings = new Dictionary<string, string?> { ["Storage:Provider"] = provider, ["Storage:DataDirectory"] = directory };
            if (database is not null)
            {
                settings["ConnectionStrings:Crm"] = database;
            }

            using var host = TestSilo.Build(settings);
            await host.StartAsync();
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            var sequential = await MeasureAsync(seconds, 1, (_, _) => grains.GetGrain<ICounterGrain>("one").IncrementAsync());
            var concurrent = await MeasureAsync(seconds, 32, (worker, i) => grains.GetGrain<ICounterGrain>($"g{(worker * 8) + (i % 8)}").IncrementAsync());
            var reads = await MeasureAsync(seconds, 32, (worker, i) => grains.GetGrain<ICounterGrain>($"g{(worker * 8) + (i % 8)}").GetAsync());
            Console.WriteLine($"| {provider} | {sequential:N0} | {concurrent:N0} | {reads:N0} |");
            await host.StopAsync();
            Directory.Delete(directory, true);
        }

        return 0;
    }

    private static async Task<double> MeasureAsync(int seconds, int workers, Func<int, int, Task> call)
    {
        await call(0, 0);
        var deadline = Stopwatch.StartNew();
        var counts = new long[workers];
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; deadline.Elapsed.TotalSeconds < seconds; i++)
            {
                await call(worker, i);
                counts[worker]++;
            }
        })));
        return counts.Sum() / deadline.Elapsed.TotalSeconds;
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
}

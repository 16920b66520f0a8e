using CrmActors.Runtime.Grains;
using CrmActors.Runtime.TestHost;
using CrmActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CrmActors.Tests.Runtime;

/// <summary>Edge cases of delivering a claimed reminder: a node stopping mid-delivery, due times stored in whole milliseconds.</summary>
public sealed class ReminderDeliveryTests
{
    [Fact]
    public async Task AReminderClaimedByAStoppingHostFiresOnTheNextHostWithoutWaitingForItsLease()
    {
        await using var store = await RuntimeProvider.CreateAsync("postgres");
        store.Settings["Runtime:ReminderLease"] = "00:01:00";
        var key = Guid.NewGuid().ToString("N");
        using var first = TestSilo.Build(store.Settings);
        await first.StartAsync();
        await first.Services.GetRequiredService<IGrainFactory>().GetGrain<ITickerGrain>(key).StartAsync(TimeSpan.FromSeconds(1));

        // Holding the grain's row lock keeps the first host's delivery waiting inside its turn while it stops.
        await using var connection = new NpgsqlConnection(store.Settings["ConnectionStrings:Crm"]);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Scalar(connection, "SELECT version FROM grain_state WHERE grain_key = @key FOR UPDATE", key);
        await Eventually.GetAsync(() => Scalar(connection, "SELECT count(*) FROM grain_reminders WHERE grain_key = @key AND owner IS NOT NULL", key),
            claimed => claimed == 1, TimeSpan.FromSeconds(20), "the first host to claim the reminder");
        var stopping = first.StopAsync();
        await Task.Delay(500);
        await transaction.RollbackAsync();
        await stopping;

        using var second = TestSilo.Build(store.Settings);
        await second.StartAsync();
        var ticker = second.Services.GetRequiredService<IGrainFactory>().GetGrain<ITickerGrain>(key);
        var firings = await Eventually.GetAsync(ticker.GetFiringsAsync, f => f.Count >= 1, TimeSpan.FromSeconds(15), "a firing on the second host well before the 60 s lease ends");
        await second.StopAsync();

        Assert.Equal(firings.Count, firings.Select(f => f.Occurrence).Distinct().Count());
    }

    [Fact]
    public async Task AnOccurrenceThatFallsBetweenTwoMillisecondsIsDeliveredOnce()
    {
        await using var store = await RuntimeProvider.CreateAsync("sqlite");
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(5_000);
        var clock = new FrozenClock(start);
        using var host = TestSilo.Build(store.Settings, clock);
        await host.StartAsync();
        var ticker = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ITickerGrain>(Guid.NewGuid().ToString("N"));
        await ticker.StartAsync(TimeSpan.FromSeconds(1));

        // Due times are stored in whole milliseconds: 1.000 s has passed, the occurrence at 1.0005 s not yet.
        clock.Set(start.AddSeconds(1).AddTicks(-2_000));
        await Eventually.GetAsync(ticker.GetFiringsAsync, f => f.Count >= 1, TimeSpan.FromSeconds(10), "the first firing");
        await Task.Delay(1500);
        var firings = await ticker.GetFiringsAsync();
        await host.StopAsync();

        Assert.Single(firings);
    }

    private static async Task<long> Scalar(NpgsqlConnection connection, string sql, string key)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", key);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

using CrmActors.Grains.Common;
using CrmActors.Grains.Maintenance;
using Dapper;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.GrainTests;

/// <summary>The maintenance grain starts one purge run per day, however often its reminder ticks.</summary>
[Collection(GrainCollection.Name)]
public sealed class MaintenanceGrainTests(GrainCluster silo)
{
    [Fact]
    public async Task TheDailyPurgeStartsOneRunPerDay()
    {
        var grain = silo.Grains.Grain<IMaintenanceGrain>(IMaintenanceGrain.Key);
        await grain.EnsureScheduledAsync();
        await grain.EnsureScheduledAsync();
        await using var connection = await silo.OpenDatabaseAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM OrleansRemindersTable WHERE GrainId = @id", new { id = grain.GetGrainId().ToString() }));

        var before = await PurgeRunsAsync(connection);
        await TickAsync(grain);
        await TickAsync(grain);
        Assert.Equal(before + 1, await PurgeRunsAsync(connection));
        silo.Clock.Advance(TimeSpan.FromDays(1));
        await TickAsync(grain);
        Assert.Equal(before + 2, await PurgeRunsAsync(connection));
    }

    private Task TickAsync(IMaintenanceGrain grain) => silo.Grains.DeliverAsync(grain, MaintenanceGrain.PurgeReminder, silo.Clock);

    private static Task<int> PurgeRunsAsync(System.Data.Common.DbConnection connection) =>
        connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM runs WHERE kind = @kind", new { kind = PurgeJob.JobKind });
}

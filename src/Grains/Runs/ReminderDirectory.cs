using CrmActors.Grains.Storage;
using Dapper;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CrmActors.Grains.Runs;

/// <summary>Orleans's reminders as the dashboards list them, read from its reminders table.</summary>
public sealed class ReminderDirectory(IDatabase database, IOptions<ClusterOptions> cluster)
{
    public sealed record Entry(string GrainType, string GrainKey, string Name, DateTimeOffset StartTime, TimeSpan Period)
    {
        /// <summary>The next tick after <paramref name="now"/>: the start time, then every period.</summary>
        public DateTimeOffset NextDue(DateTimeOffset now) => StartTime > now || Period <= TimeSpan.Zero
            ? StartTime
            : StartTime + Period * Math.Ceiling((now - StartTime) / Period);
    }

    /// <summary>Every reminder of the service, or (with <paramref name="grainKey"/>) those of grains keyed by it.</summary>
    public async Task<IReadOnlyList<Entry>> ListAsync(string? grainKey, int limit = 200)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string GrainId, string ReminderName, DateTime StartTime, long Period)>(
            "SELECT GrainId, ReminderName, StartTime, Period FROM OrleansRemindersTable WHERE ServiceId = @serviceId"
            + (grainKey is null ? "" : " AND GrainId LIKE @pattern") + " ORDER BY GrainId, ReminderName LIMIT @limit",
            new { serviceId = cluster.Value.ServiceId, pattern = "%/" + grainKey, limit });
        return rows.Select(r =>
        {
            var slash = r.GrainId.IndexOf('/');
            return new Entry(r.GrainId[..slash], r.GrainId[(slash + 1)..], r.ReminderName,
                new DateTimeOffset(DateTime.SpecifyKind(r.StartTime, DateTimeKind.Utc)), TimeSpan.FromMilliseconds(r.Period));
        }).ToList();
    }
}

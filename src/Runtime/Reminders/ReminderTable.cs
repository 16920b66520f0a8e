using System.Data.Common;
using System.Text.Json;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Storage;
using Dapper;

namespace CrmActors.Runtime.Reminders;

/// <summary>
/// The <c>grain_reminders</c> table. Registration happens inside a grain turn's transaction; the
/// reminder service claims due rows with a lease and advances them inside the firing turn.
/// </summary>
public sealed class ReminderTable(IDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Row(string grain_type, string grain_key, string name, string schedule, long next_due, long? last_fired);

    internal async Task RegisterAsync(GrainTurn turn, string name, ReminderSchedule schedule)
    {
        var next = schedule.NextAfter(turn.Now);
        if (next is null)
        {
            await UnregisterAsync(turn, name);
            return;
        }

        await turn.Connection.ExecuteAsync(
            """
            INSERT INTO grain_reminders (grain_type, grain_key, name, schedule, next_due, last_fired, owner, lease_until)
            VALUES (@Type, @Key, @name, @schedule, @next, NULL, NULL, NULL)
            ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET schedule = excluded.schedule, next_due = excluded.next_due, owner = NULL, lease_until = NULL
            """,
            new { turn.Grain.Type, turn.Grain.Key, name, schedule = JsonSerializer.Serialize(schedule, Json), next = next.Value.ToUnixTimeMilliseconds() },
            turn.RequireTransaction());
    }

    internal Task UnregisterAsync(GrainTurn turn, string name) =>
        turn.Connection.ExecuteAsync(
            "DELETE FROM grain_reminders WHERE grain_type = @Type AND grain_key = @Key AND name = @name",
            new { turn.Grain.Type, turn.Grain.Key, name }, turn.RequireTransaction());

    public async Task<ReminderEntry?> GetAsync(DbConnection connection, DbTransaction? transaction, GrainId grain, string name)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(
            "SELECT grain_type, grain_key, name, schedule, next_due, last_fired FROM grain_reminders WHERE grain_type = @Type AND grain_key = @Key AND name = @name",
            new { grain.Type, grain.Key, name }, transaction);
        return row is null ? null : ToEntry(row);
    }

    /// <summary>The reminders due soonest, of every grain or only of grains with key <paramref name="grainKey"/>.</summary>
    public async Task<IReadOnlyList<ReminderEntry>> ListAsync(string? grainKey = null, int limit = 500)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Row>(
            "SELECT grain_type, grain_key, name, schedule, next_due, last_fired FROM grain_reminders" +
            (grainKey is null ? "" : " WHERE grain_key = @grainKey") + " ORDER BY next_due LIMIT @limit", new { grainKey, limit });
        return rows.Select(ToEntry).ToList();
    }

    /// <summary>Leases up to <paramref name="limit"/> due reminders to <paramref name="owner"/>; other nodes skip them.</summary>
    internal async Task<IReadOnlyList<ReminderEntry>> ClaimDueAsync(string owner, DateTimeOffset now, TimeSpan lease, int limit)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var nowMs = now.ToUnixTimeMilliseconds();
        var rows = (await connection.QueryAsync<Row>(
            $"""
            UPDATE grain_reminders SET owner = @owner, lease_until = @leaseUntil
            WHERE (grain_type, grain_key, name) IN (
                SELECT grain_type, grain_key, name FROM grain_reminders
                WHERE next_due <= @nowMs AND (lease_until IS NULL OR lease_until < @nowMs)
                ORDER BY next_due LIMIT @limit {database.SkipLocked})
            RETURNING grain_type, grain_key, name, schedule, next_due, last_fired
            """,
            new { owner, nowMs, leaseUntil = (now + lease).ToUnixTimeMilliseconds(), limit }, transaction)).ToList();
        await transaction.CommitAsync();
        return rows.Select(ToEntry).ToList();
    }

    /// <summary>
    /// Inside the firing turn: moves the reminder past now (missed occurrences collapse into the one
    /// just delivered), unless the handler re-registered or removed it.
    /// </summary>
    internal async Task CompleteFiringAsync(GrainTurn turn, ReminderEntry fired)
    {
        var key = new { turn.Grain.Type, turn.Grain.Key, fired.Name, due = fired.NextDue.ToUnixTimeMilliseconds() };
        // next_due holds whole milliseconds: the occurrence just delivered may lie up to 1 ms after it.
        var delivered = fired.NextDue.AddMilliseconds(1).AddTicks(-1);
        var after = turn.Now > delivered ? turn.Now : delivered;
        var next = fired.Schedule.NextAfter(after);
        if (next is null)
        {
            await turn.Connection.ExecuteAsync(
                "DELETE FROM grain_reminders WHERE grain_type = @Type AND grain_key = @Key AND name = @Name AND next_due = @due", key, turn.RequireTransaction());
            return;
        }

        await turn.Connection.ExecuteAsync(
            """
            UPDATE grain_reminders SET next_due = @next, last_fired = @due, owner = NULL, lease_until = NULL
            WHERE grain_type = @Type AND grain_key = @Key AND name = @Name AND next_due = @due
            """,
            new { key.Type, key.Key, key.Name, key.due, next = next.Value.ToUnixTimeMilliseconds() }, turn.RequireTransaction());
    }

    /// <summary>Gives a claimed reminder back after a failed delivery, to be retried after <paramref name="retryAt"/>.</summary>
    internal async Task ReleaseAsync(ReminderEntry entry, DateTimeOffset retryAt)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE grain_reminders SET owner = NULL, lease_until = @retry WHERE grain_type = @GrainType AND grain_key = @GrainKey AND name = @Name",
            new { entry.GrainType, entry.GrainKey, entry.Name, retry = retryAt.ToUnixTimeMilliseconds() });
    }

    private static ReminderEntry ToEntry(Row row) => new(
        row.grain_type, row.grain_key, row.name,
        JsonSerializer.Deserialize<ReminderSchedule>(row.schedule, Json)!,
        DateTimeOffset.FromUnixTimeMilliseconds(row.next_due),
        row.last_fired is { } fired ? DateTimeOffset.FromUnixTimeMilliseconds(fired) : null);
}

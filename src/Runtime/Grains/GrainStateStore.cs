using System.Data.Common;
using Dapper;
using CrmActors.Runtime.Storage;

namespace CrmActors.Runtime.Grains;

/// <summary>The <c>grain_state</c> table: one versioned row per grain, also the grain's lock.</summary>
public sealed class GrainStateStore(IDatabase database)
{
    public sealed record StoredState(long Version, string? Payload);

    /// <summary>Reads the row and holds its lock until the transaction ends (creating the row if needed).</summary>
    public async Task<StoredState> LockAsync(DbConnection connection, DbTransaction transaction, GrainId grain, long now)
    {
        var sql = $"SELECT version AS Version, payload AS Payload FROM grain_state WHERE grain_type = @Type AND grain_key = @Key {database.ForUpdate}";
        var row = await connection.QuerySingleOrDefaultAsync<StoredState>(sql, new { grain.Type, grain.Key }, transaction);
        if (row is not null)
        {
            return row;
        }

        await connection.ExecuteAsync(
            "INSERT INTO grain_state (grain_type, grain_key, version, payload, modified_on) VALUES (@Type, @Key, 0, NULL, @now) ON CONFLICT DO NOTHING",
            new { grain.Type, grain.Key, now }, transaction);
        return await connection.QuerySingleAsync<StoredState>(sql, new { grain.Type, grain.Key }, transaction);
    }

    public static Task<long?> ReadVersionAsync(DbConnection connection, GrainId grain) =>
        connection.QuerySingleOrDefaultAsync<long?>(
            "SELECT version FROM grain_state WHERE grain_type = @Type AND grain_key = @Key", new { grain.Type, grain.Key });

    public static Task<StoredState?> ReadAsync(DbConnection connection, GrainId grain) =>
        connection.QuerySingleOrDefaultAsync<StoredState>(
            "SELECT version AS Version, payload AS Payload FROM grain_state WHERE grain_type = @Type AND grain_key = @Key", new { grain.Type, grain.Key });

    /// <summary>Writes a new version; a row at another version than <paramref name="expectedVersion"/> is a conflict.</summary>
    public static async Task<long> WriteAsync(DbConnection connection, DbTransaction transaction, GrainId grain, long expectedVersion, string payload, long now)
    {
        var changed = await connection.ExecuteAsync(
            "UPDATE grain_state SET version = @expectedVersion + 1, payload = @payload, modified_on = @now WHERE grain_type = @Type AND grain_key = @Key AND version = @expectedVersion",
            new { grain.Type, grain.Key, expectedVersion, payload, now }, transaction);
        return changed == 1 ? expectedVersion + 1 : throw new GrainStateConflictException(grain, expectedVersion);
    }
}

using System.Data.Common;
using Dapper;
using CrmActors.Runtime.Storage;

namespace CrmActors.Runtime.Grains;

/// <summary>The <c>grain_state</c> table: one versioned row per grain, also the grain's lock.</summary>
public sealed class GrainStateStore(IDatabase database)
{
    public sealed record StoredState(long Version, string? Payload);

    private const string SelectIfChanged =
        "SELECT version AS Version, CAST(CASE WHEN version = @cachedVersion THEN NULL ELSE payload END AS TEXT) AS Payload " +
        "FROM grain_state WHERE grain_type = @Type AND grain_key = @Key";

    /// <summary>
    /// Reads the row and holds its lock until the transaction ends (creating the row if needed). The
    /// payload is left out (<see cref="LockedState.Unchanged"/>) when the row is still at
    /// <paramref name="cachedVersion"/>, the version whose state the caller already holds.
    /// </summary>
    public async Task<LockedState> LockAsync(DbConnection connection, DbTransaction transaction, GrainId grain, long? cachedVersion, long now)
    {
        var sql = $"{SelectIfChanged} {database.ForUpdate}";
        var parameters = new { grain.Type, grain.Key, cachedVersion = cachedVersion ?? -1 };
        var row = await connection.QuerySingleOrDefaultAsync<LockRow>(sql, parameters, transaction);
        if (row is null)
        {
            await connection.ExecuteAsync(
                "INSERT INTO grain_state (grain_type, grain_key, version, payload, modified_on) VALUES (@Type, @Key, 0, NULL, @now) ON CONFLICT DO NOTHING",
                new { grain.Type, grain.Key, now }, transaction);
            row = await connection.QuerySingleAsync<LockRow>(sql, parameters, transaction);
        }

        return new LockedState(row.Version, row.Payload, row.Version == cachedVersion);
    }

    /// <summary>The committed row without locking it, payload left out when still at <paramref name="cachedVersion"/>; null when the grain has no row.</summary>
    public static async Task<LockedState?> ReadIfChangedAsync(DbConnection connection, GrainId grain, long? cachedVersion)
    {
        var row = await connection.QuerySingleOrDefaultAsync<LockRow>(SelectIfChanged, new { grain.Type, grain.Key, cachedVersion = cachedVersion ?? -1 });
        return row is null ? null : new LockedState(row.Version, row.Payload, row.Version == cachedVersion);
    }

    public sealed record LockedState(long Version, string? Payload, bool Unchanged);

    // Settable properties, not a constructor: SQLite reports a NULL expression column's type as a BLOB.
    private sealed class LockRow
    {
        public long Version { get; init; }

        public string? Payload { get; init; }
    }

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

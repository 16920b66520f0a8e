using System.Data.Common;
using System.Globalization;
using CrmActors.Grains.Common;
using CrmActors.Grains.Storage;
using Dapper;
using Npgsql;

namespace CrmActors.Grains.Backups;

/// <summary>
/// IDs as 128-bit keys (a restore indexes every backed-up ID, so they are kept compact), and
/// queries by ID list: one array parameter on PostgreSQL, chunked IN lists on SQLite.
/// </summary>
public static class RestoreIds
{
    public static bool TryKey(string? id, out IdKey key)
    {
        if (!Ids.IsWellFormed(id))
        {
            key = default;
            return false;
        }

        // 32 lowercase hex digits: each half parses.
        key = new IdKey(ulong.Parse(id.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
            ulong.Parse(id.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        return true;
    }

    public static string ToId(IdKey key) => string.Create(CultureInfo.InvariantCulture, $"{key.High:x16}{key.Low:x16}");

    /// <summary>Runs <paramref name="sql"/> (with "{ids}" where the ID list goes) for every chunk of <paramref name="ids"/>.</summary>
    public static async Task<List<T>> QueryByIdsAsync<T>(
        DbConnection connection, DbTransaction? transaction, string sql, object parameters, IReadOnlyCollection<string> ids)
    {
        var results = new List<T>();
        if (ids.Count == 0)
        {
            return results;
        }

        if (connection is NpgsqlConnection)
        {
            return await QueryByArrayAsync<T>(connection, transaction, sql.Replace("{ids}", "ANY(@ids)", StringComparison.Ordinal), parameters, ids);
        }

        foreach (var chunk in ids.Chunk(900))
        {
            var p = new DynamicParameters(parameters);
            var list = SqlList.Add(p, "id", chunk);
            results.AddRange(await connection.QueryAsync<T>(sql.Replace("= {ids}", $"IN ({list})", StringComparison.Ordinal), p, transaction));
        }

        return results;
    }

    /// <summary>
    /// The rows of <paramref name="table"/> whose unique key is (<paramref name="scope"/>'s columns, <paramref name="key"/>)
    /// for each of <paramref name="ids"/>: <c>SELECT {columns} FROM {table} WHERE {scope} AND {key} = id</c>. On
    /// PostgreSQL each ID is its own probe of the key, a lateral subquery whose LIMIT keeps the planner from flattening
    /// it. With <c>{key} = ANY(…)</c>, statistics taken while the table held other scopes (another job, another org)
    /// put this scope at one row; the planner then read the whole scope for each call and filtered it (43 ms for 334
    /// IDs among 100,000 rows, against 1.6 ms this way).
    /// </summary>
    public static async Task<List<T>> QueryByUniqueKeyAsync<T>(
        DbConnection connection, DbTransaction? transaction, string columns, string table, string scope, string key, object parameters, IReadOnlyCollection<string> ids)
    {
        return connection is NpgsqlConnection
            ? await QueryByArrayAsync<T>(connection, transaction,
                $"SELECT x.* FROM unnest(@ids) AS k(id) CROSS JOIN LATERAL (SELECT {columns} FROM {table} WHERE {scope} AND {key} = k.id LIMIT 1) x", parameters, ids)
            : await QueryByIdsAsync<T>(connection, transaction, $"SELECT {columns} FROM {table} WHERE {scope} AND {key} = {{ids}}", parameters, ids);
    }

    /// <summary>Runs PostgreSQL <paramref name="sql"/> with the array parameter @ids for every chunk of <paramref name="ids"/>.</summary>
    private static async Task<List<T>> QueryByArrayAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, object parameters, IReadOnlyCollection<string> ids)
    {
        var results = new List<T>();
        foreach (var chunk in ids.Chunk(10_000))
        {
            var p = new DynamicParameters(parameters);
            p.Add("ids", chunk);
            results.AddRange(await connection.QueryAsync<T>(sql, p, transaction));
        }

        return results;
    }
}

/// <summary>
/// A record or file ID as a 128-bit key of two 64-bit halves. Not <see cref="UInt128"/>: since .NET 8 that is 16-byte
/// aligned, which pads a dictionary entry of (key, int) to 48 bytes where this key's takes 32 — a restore keeps one
/// such entry per backed-up row (the 10M-row full restore peaked at 922 MB with UInt128 keys).
/// </summary>
public readonly struct IdKey(ulong high, ulong low) : IEquatable<IdKey>
{
    public ulong High => high;

    public ulong Low => low;

    public bool Equals(IdKey other) => high == other.High && low == other.Low;

    public override bool Equals(object? obj) => obj is IdKey other && Equals(other);

    // Our IDs are UUIDv7: the high half is mostly the time, the low half random.
    public override int GetHashCode() => (int)(low ^ (low >> 32) ^ (high >> 16));

    public static bool operator ==(IdKey left, IdKey right) => left.Equals(right);

    public static bool operator !=(IdKey left, IdKey right) => !left.Equals(right);
}

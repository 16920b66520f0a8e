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
    public static bool TryKey(string? id, out UInt128 key)
    {
        key = default;
        return Ids.IsWellFormed(id) && UInt128.TryParse(id, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out key);
    }

    public static string ToId(UInt128 key) => key.ToString("x32", CultureInfo.InvariantCulture);

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
            foreach (var chunk in ids.Chunk(10_000))
            {
                var p = new DynamicParameters(parameters);
                p.Add("ids", chunk);
                results.AddRange(await connection.QueryAsync<T>(sql.Replace("{ids}", "ANY(@ids)", StringComparison.Ordinal), p, transaction));
            }

            return results;
        }

        foreach (var chunk in ids.Chunk(900))
        {
            var p = new DynamicParameters(parameters);
            var list = SqlList.Add(p, "id", chunk);
            results.AddRange(await connection.QueryAsync<T>(sql.Replace("= {ids}", $"IN ({list})", StringComparison.Ordinal), p, transaction));
        }

        return results;
    }
}

using System.Data.Common;
using System.Text;
using Dapper;

namespace CrmActors.Grains.Storage;

/// <summary>
/// <c>INSERT … VALUES (…), (…), …</c> for many rows in few statements, on SQLite and PostgreSQL alike: one
/// round trip per chunk instead of one per row. A chunk holds at most <see cref="MaxParameters"/> values, under
/// SQLite's oldest limit of 999 bound parameters. Made for batches of tens to hundreds of rows; for
/// thousands, <see cref="BulkInsert"/> streams them (binary COPY on PostgreSQL).
/// </summary>
public static class MultiRowInsert
{
    private const int MaxParameters = 990;

    /// <param name="into">The table and its columns, e.g. <c>t (a, b)</c>; each row holds one value per column, in order.</param>
    /// <param name="suffix">What follows the values, e.g. an <c>ON CONFLICT</c> clause.</param>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string into, string suffix, IReadOnlyList<object?[]> rows)
    {
        foreach (var (sql, parameters) in Statements("r", into, suffix, rows))
        {
            await connection.ExecuteAsync(sql, parameters, transaction);
        }
    }

    /// <summary>
    /// The same statements appended to one command's text and parameters (names start with <paramref name="prefix"/>),
    /// for a caller that sends several tables' rows in one round trip.
    /// </summary>
    public static void Append(StringBuilder sql, DynamicParameters parameters, string prefix, string into, string suffix, IReadOnlyList<object?[]> rows)
    {
        foreach (var (statement, values) in Statements(prefix, into, suffix, rows))
        {
            sql.Append(statement).Append(";\n");
            parameters.AddDynamicParams(values);
        }
    }

    private static IEnumerable<(string Sql, DynamicParameters Parameters)> Statements(string prefix, string into, string suffix, IReadOnlyList<object?[]> rows)
    {
        if (rows.Count == 0)
        {
            yield break;
        }

        var columns = rows[0].Length;
        var c = 0;
        foreach (var chunk in rows.Chunk(Math.Max(1, MaxParameters / columns)))
        {
            var parameters = new DynamicParameters();
            var values = new List<string>(chunk.Length);
            for (var r = 0; r < chunk.Length; r++)
            {
                values.Add("(" + SqlList.Add(parameters, $"{prefix}{c}_{r}_", chunk[r]) + ")");
            }

            c++;
            yield return ($"INSERT INTO {into} VALUES {string.Join(", ", values)} {suffix}", parameters);
        }
    }
}

using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace CrmActors.Grains.Storage;

/// <summary>
/// Inserts many rows into one table inside a transaction: binary COPY on PostgreSQL, one prepared
/// statement on SQLite (no round trip per row either way). Values are text, 64-bit integers or null.
/// Made for thousands of rows; a batch of a few dozen is cheaper as one <see cref="MultiRowInsert"/>.
/// </summary>
public static class BulkInsert
{
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns,
        IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        if (connection is NpgsqlConnection postgres)
        {
            await CopyAsync(postgres, table, columns, rows, cancellationToken);
            return;
        }

        await InsertPreparedAsync(connection, transaction, table, columns, rows, "", cancellationToken);
    }

    private static async Task CopyAsync(NpgsqlConnection postgres, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var import = await postgres.BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await import.StartRowAsync(cancellationToken);
            foreach (var value in row)
            {
                await (value switch
                {
                    null => import.WriteNullAsync(cancellationToken),
                    string text => import.WriteAsync(text, NpgsqlDbType.Text, cancellationToken),
                    int number => import.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken),
                    long number => import.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken),
                    _ => throw new ArgumentException($"A bulk insert takes text and integers, not {value.GetType().Name}.", nameof(rows)),
                });
            }
        }

        await import.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// One prepared INSERT per row (SQLite's bulk path); with <paramref name="onConflict"/> " ON CONFLICT DO NOTHING", a row
    /// the table already has a key for changes nothing. Returns the indexes of the rows that changed nothing.
    /// </summary>
    public static async Task<List<int>> InsertPreparedAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns,
        IEnumerable<object?[]> rows, string onConflict, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))}){onConflict}";
        var parameters = columns.Select((_, i) =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        command.Prepare();
        var unchanged = new List<int>();
        var index = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = row[i] ?? DBNull.Value;
            }

            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                unchanged.Add(index);
            }

            index++;
        }

        return unchanged;
    }
}

using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace CrmActors.Grains.Storage;

/// <summary>
/// Inserts many rows into one table inside a transaction: binary COPY on PostgreSQL, one prepared
/// statement on SQLite. Values are text, 64-bit integers or null.
/// </summary>
public static class BulkInsert
{
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns,
        IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        if (connection is NpgsqlConnection postgres)
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
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i))})";
        var parameters = columns.Select((_, i) =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = row[i] ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

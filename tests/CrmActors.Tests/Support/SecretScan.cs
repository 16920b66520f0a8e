using System.Data.Common;
using System.Text;
using Npgsql;

namespace CrmActors.Tests.Support;

/// <summary>Looks for a secret everywhere a deployment keeps data: every file under a folder, and every row of every table (either provider).</summary>
public static class SecretScan
{
    /// <summary>The files under <paramref name="folder"/> whose bytes hold <paramref name="secret"/> (UTF-8 or UTF-16).</summary>
    public static IReadOnlyList<string> Files(string folder, string secret)
    {
        byte[][] needles = [Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret)];
        return [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => { var bytes = File.ReadAllBytes(path); return needles.Any(n => bytes.AsSpan().IndexOf(n) >= 0); })];
    }

    /// <summary>The tables of the database whose rows hold <paramref name="secret"/> in any column (bytes read as UTF-8).</summary>
    public static async Task<IReadOnlyList<string>> DatabaseAsync(DbConnection connection, string secret) =>
        [.. (await TablesAsTextAsync(connection)).Where(t => t.Text.Contains(secret, StringComparison.Ordinal)).Select(t => t.Table)];

    /// <summary>Every table's name followed by every value of its rows, as one text.</summary>
    public static async Task<string> DatabaseTextAsync(DbConnection connection) =>
        string.Join(' ', (await TablesAsTextAsync(connection)).Select(t => t.Table + " " + t.Text));

    private static async Task<IReadOnlyList<(string Table, string Text)>> TablesAsTextAsync(DbConnection connection)
    {
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = connection is NpgsqlConnection
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var result = new List<(string, string)>();
        foreach (var table in tables)
        {
            var text = new StringBuilder();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(' ').Append(reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : reader.GetValue(i).ToString());
                }
            }

            result.Add((table, text.ToString()));
        }

        return result;
    }
}

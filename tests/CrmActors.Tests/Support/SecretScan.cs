using System.Data.Common;
using System.Text;
using Dapper;
using Npgsql;

namespace CrmActors.Tests.MailAddOn;

/// <summary>Looks for a secret everywhere a deployment keeps data: every file under a folder, and every column of every PostgreSQL table.</summary>
public static class SecretScan
{
    /// <summary>The files under <paramref name="folder"/> whose bytes hold <paramref name="secret"/> (UTF-8 or UTF-16).</summary>
    public static IReadOnlyList<string> Files(string folder, string secret)
    {
        byte[][] needles = [Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret)];
        return [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => { var bytes = File.ReadAllBytes(path); return needles.Any(n => bytes.AsSpan().IndexOf(n) >= 0); })];
    }

    /// <summary>"table.column" for every PostgreSQL column of the database's public schema that holds the secret (bytea read as text).</summary>
    public static async Task<IReadOnlyList<string>> PostgresAsync(DbConnection connection, string secret)
    {
        if (connection is not NpgsqlConnection)
        {
            return [];
        }

        var found = new List<string>();
        var columns = await connection.QueryAsync<(string Table, string Column, string Type)>(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'");
        foreach (var (table, column, type) in columns)
        {
            var text = type == "bytea" ? $"encode(\"{column}\", 'escape')" : $"CAST(\"{column}\" AS TEXT)";
            if (await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM \"{table}\" WHERE strpos({text}, @secret) > 0", new { secret }) > 0)
            {
                found.Add($"{table}.{column}");
            }
        }

        return found;
    }
}

using Npgsql;

namespace CrmActors.Tests.Support;

/// <summary>
/// The PostgreSQL server the test script started (CRM_TEST_POSTGRES). Each caller gets a database of
/// its own, dropped when disposed.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    private readonly string _server;

    private TestPostgres(string server, string database)
    {
        _server = server;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ToString();
    }

    public string Database { get; }

    public string ConnectionString { get; }

    public static string Server =>
        Environment.GetEnvironmentVariable("CRM_TEST_POSTGRES")
        ?? throw new InvalidOperationException("CRM_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");

    public static async Task<TestPostgres> CreateDatabaseAsync()
    {
        var name = $"crm_test_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new TestPostgres(Server, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CrmActors.Runtime.Storage;

/// <summary>
/// The embedded provider: one file, WAL journal, one writer at a time (BEGIN IMMEDIATE), which
/// is what makes a grain turn exclusive on a single node.
/// </summary>
public sealed class SqliteDatabase : IDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = true,
            DefaultTimeout = 60,
        };
        if (builder.DataSource is { Length: > 0 } path && path != ":memory:")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }

        _connectionString = builder.ToString();
    }

    public StorageProvider Provider => StorageProvider.Sqlite;

    public string SkipLocked => "";

    public string ForUpdate => "";

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        // A non-deferred transaction starts with BEGIN IMMEDIATE: the write lock is taken up front.
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public string JsonText(string column, string memberParameter) => $"json_extract({column}, '$.' || {memberParameter})";
}

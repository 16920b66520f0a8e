using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace CrmActors.Grains.Storage;

/// <summary>
/// The embedded provider: one file, WAL journal, one writer at a time (BEGIN IMMEDIATE), which
/// is what makes a grain turn exclusive on a single node.
/// </summary>
public sealed class SqliteDatabase : IDatabase
{
    private static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(60);

    private readonly string _connectionString;

    // SQLite has one writer; queueing writers here is far cheaper than SQLite's busy-wait retries.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConditionalWeakTable<SqliteConnection, object> _writers = [];

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

    public string ForShare => "";

    public string ForUpdate => "";

    public string ForKeyShare => "";

    public Task LockNameAsync(DbConnection connection, DbTransaction transaction, string name) => Task.CompletedTask;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Waits for this process's writer slot (held until the connection closes), then begins a
    /// non-deferred transaction (BEGIN IMMEDIATE), so the write lock is taken up front.
    /// </summary>
    public async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        var sqlite = (SqliteConnection)connection;
        if (!_writers.TryGetValue(sqlite, out _))
        {
            if (!await _writer.WaitAsync(WriterWait, cancellationToken))
            {
                throw new TimeoutException("Another write held the SQLite database for 60 s.");
            }

            _writers.Add(sqlite, this);
            sqlite.StateChange += ReleaseWriter;
        }

        return sqlite.BeginTransaction(deferred: false);
    }

    private void ReleaseWriter(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState == ConnectionState.Closed && sender is SqliteConnection connection && _writers.Remove(connection))
        {
            connection.StateChange -= ReleaseWriter;
            _writer.Release();
        }
    }

    public string JsonText(string column, string memberParameter) => $"json_extract({column}, '$.' || {memberParameter})";
}

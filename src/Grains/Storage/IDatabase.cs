using System.Data.Common;

namespace CrmActors.Grains.Storage;

/// <summary>
/// The one storage interface both providers implement: connections, write transactions and the
/// few statements whose SQL differs between PostgreSQL and SQLite. Everything else is portable SQL
/// (times are Unix milliseconds, IDs and JSON are text).
/// </summary>
public interface IDatabase
{
    StorageProvider Provider { get; }

    ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Begins a transaction that will write (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED).</summary>
    ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Row-locking suffix for a SELECT that claims rows ("FOR UPDATE SKIP LOCKED" on PostgreSQL).</summary>
    string SkipLocked { get; }

    /// <summary>Row-locking suffix for a SELECT that keeps a row from changing until the transaction ends, beside other such readers ("FOR SHARE" on PostgreSQL).</summary>
    string ForShare { get; }

    /// <summary>SQL expression reading a top-level text member of a JSON text column.</summary>
    string JsonText(string column, string memberParameter);
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

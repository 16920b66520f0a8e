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

    /// <summary>Row-locking suffix for a SELECT that claims rows to change or delete, waiting for other holders ("FOR UPDATE" on PostgreSQL).</summary>
    string ForUpdate { get; }

    /// <summary>Row-locking suffix for a SELECT of rows a write links to: they cannot be deleted (locked FOR UPDATE) until it ends; edits go on ("FOR KEY SHARE").</summary>
    string ForKeyShare { get; }

    /// <summary>
    /// Holds <paramref name="name"/> until <paramref name="transaction"/> ends: a second transaction locking the same name waits.
    /// For a check-then-insert with no unique key to fall back on (PostgreSQL: an advisory lock; SQLite's writes are one at a time already).
    /// </summary>
    Task LockNameAsync(DbConnection connection, DbTransaction transaction, string name);

    /// <summary>SQL expression reading a top-level text member of a JSON text column.</summary>
    string JsonText(string column, string memberParameter);
}

public enum StorageProvider
{
    Sqlite,
    Postgres,
}

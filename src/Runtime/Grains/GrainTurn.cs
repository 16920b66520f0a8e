using System.Data.Common;
using CrmActors.Runtime.Storage;

namespace CrmActors.Runtime.Grains;

/// <summary>
/// One turn of one grain: the open transaction that holds the grain's lock. Whatever a grain writes
/// through it (its state, reminders, jobs, audit rows) commits or rolls back together.
/// </summary>
public sealed class GrainTurn
{
    private readonly List<Func<Task>> _afterCommit = [];

    internal GrainTurn(GrainId grain, IDatabase database, DbConnection connection, DbTransaction? transaction, DateTimeOffset now)
    {
        Grain = grain;
        Database = database;
        Connection = connection;
        Transaction = transaction;
        Now = now;
    }

    public GrainId Grain { get; }

    public IDatabase Database { get; }

    public DbConnection Connection { get; }

    /// <summary>Null in a read-only turn.</summary>
    public DbTransaction? Transaction { get; }

    /// <summary>The clock's time when the turn began; one value for the whole turn.</summary>
    public DateTimeOffset Now { get; }

    public bool IsReadOnly => Transaction is null;

    public DbTransaction RequireTransaction() =>
        Transaction ?? throw new InvalidOperationException($"A read-only call on {Grain} cannot write.");

    /// <summary>Runs after the turn commits (never if it rolls back): the place for signals and side effects.</summary>
    public void AfterCommit(Func<Task> action) => _afterCommit.Add(action);

    internal IReadOnlyList<Func<Task>> AfterCommitActions => _afterCommit;
}

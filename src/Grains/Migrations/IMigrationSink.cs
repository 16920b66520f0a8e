namespace CrmActors.Grains.Migrations;

/// <summary>A record to write with its Owner (tickets only; other modules leave it to the sink).</summary>
public sealed record MigrationWrite(MigrationRecord Record, OwnerChoice? Owner);

/// <summary>
/// Where a pass writes: the run grain's store. <see cref="WriteAsync"/> must write the batch's
/// records and their (module, source ID) → new ID ledger entries in one transaction, so a pass
/// that resumes after a crash finds them migrated and skips them: no row twice, none lost.
/// </summary>
public interface IMigrationSink
{
    /// <summary>
    /// Called before a batch is mapped against the ledger with every (module, source ID) it will
    /// ask about (its own rows, for the already-migrated check, and its lookups), so a sink whose
    /// ledger lives in a database can load them in one query into the ledger the pass reads.
    /// </summary>
    Task LoadLedgerAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes one module's batch; returns the new record IDs in batch order.</summary>
    Task<IReadOnlyList<string>> WriteAsync(string module, IReadOnlyList<MigrationWrite> batch, CancellationToken cancellationToken);

    /// <summary>Called after each batch's report lines are appended: rows up to <paramref name="row"/> of the part are done.</summary>
    Task CheckpointAsync(MigrationSourcePart part, long row, CancellationToken cancellationToken) => Task.CompletedTask;
}

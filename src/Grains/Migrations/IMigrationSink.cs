namespace CrmActors.Grains.Migrations;

/// <summary>A record to write with its Owner (tickets only; other modules leave it to the sink).</summary>
public sealed record MigrationWrite(MigrationRecord Record, OwnerChoice? Owner);

/// <summary>
/// Where a pass writes: the run grain's store. <see cref="WriteAsync"/> hands over a batch's records
/// (and returns their new IDs); <see cref="CheckpointAsync"/> then gets the batch's report lines and
/// must commit the records, their (module, source ID) → new ID ledger entries, the lines and the
/// resume point in one transaction, so a pass that resumes after a crash neither migrates a row twice
/// nor reports it twice, and loses none.
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

    /// <summary>Called once per batch, after <see cref="WriteAsync"/>: the batch's report lines by source row; rows up to <paramref name="row"/> of the part are done.</summary>
    Task CheckpointAsync(MigrationSourcePart part, long row, IReadOnlyList<(long Row, string Module, ReportLine Line)> lines, CancellationToken cancellationToken) => Task.CompletedTask;
}

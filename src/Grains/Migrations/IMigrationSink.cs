namespace CrmActors.Grains.Migrations;

/// <summary>A record to write with its Owner (tickets only; other modules leave it to the sink).</summary>
public sealed record MigrationWrite(MigrationRecord Record, OwnerChoice? Owner)
{
    /// <summary>The line of a record the sink wrote as <paramref name="newId"/> (null in a dry run).</summary>
    public ReportLine Migrated(string? newId) => ReportLine.Migrated(Record.SourceId, newId, Owner?.ReportNote);

    /// <summary>The line of a record whose source ID an earlier batch or pass had migrated, as <paramref name="existingId"/>.</summary>
    public ReportLine AlreadyMigrated(string? existingId) => ReportLine.Skipped(Record.SourceId, existingId, "already migrated");
}

/// <summary>A source row of a batch: its line when the runner already knows it (failed, repeated), else the record to write.</summary>
public sealed record MigrationBatchRow(long Row, ReportLine? Line, MigrationWrite? Write = null);

/// <summary>
/// Where a pass writes: the run grain's store. <see cref="CommitAsync"/> gets a batch and must commit
/// its records, their (module, source ID) → new ID ledger entries, the report lines and the resume
/// point in one transaction, so a pass that resumes after a crash neither migrates a row twice nor
/// reports it twice, and loses none. Whether a row's source ID was migrated before (an earlier
/// batch, pass or attempt) is the sink's to tell, as it writes the ledger: a sink in a database
/// learns it from the ledger insert itself, with no lookup per row beforehand.
/// </summary>
public interface IMigrationSink
{
    /// <summary>
    /// Called before a batch is mapped with every (module, source ID) its lookups name, so a sink whose
    /// ledger lives in a database can load them in one query into the ledger the pass reads.
    /// </summary>
    Task LoadLedgerAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Whether the runner may load the ledger for, and map, the next batch of <paramref name="module"/> while this sink
    /// commits one: true where its commit changes nothing the mapping reads (it writes the ledger's table, not the
    /// entries loaded).
    /// </summary>
    bool OverlapsCommits(string module) => false;

    /// <summary>
    /// Commits one batch of <paramref name="part"/>, whose rows up to <paramref name="lastRow"/> are then done: each
    /// write whose source ID the ledger does not have yet becomes a record and a ledger entry; the others are
    /// reported already migrated. Returns every row's line, in batch order.
    /// </summary>
    Task<IReadOnlyList<ReportLine>> CommitAsync(MigrationSourcePart part, long lastRow, IReadOnlyList<MigrationBatchRow> rows, CancellationToken cancellationToken);
}

using System.Diagnostics.CodeAnalysis;
using CrmActors.Grains.Common;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// The sink of a dry run: writes nothing, but remembers a made-up ID for each row it "wrote" so
/// later modules' lookups to it resolve as they would in the pass; it answers the ledger from that
/// overlay first, then from the job's real ledger. Its lines leave new_id empty. Holds one entry per
/// accepted row.
/// </summary>
public sealed class DryRunSink(IMigrationLedger? existing = null) : IMigrationSink, IMigrationLedger
{
    private readonly InMemoryMigrationLedger _overlay = new();

    public async Task<IReadOnlyList<ReportLine>> CommitAsync(MigrationSourcePart part, long lastRow, IReadOnlyList<MigrationBatchRow> rows, CancellationToken cancellationToken)
    {
        // The pass would skip what the job's real ledger has; ask it about the batch's own source IDs.
        await LoadLedgerAsync([.. rows.Where(r => r.Write is not null).Select(r => (part.Module, r.Write!.Record.SourceId))], cancellationToken);
        return [.. rows.Select(r => r.Line ?? Write(part.Module, r.Write!))];
    }

    public Task LoadLedgerAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken) =>
        existing?.LoadAsync(keys, cancellationToken) ?? Task.CompletedTask;

    public bool TryResolve(string module, string sourceId, [NotNullWhen(true)] out string? newId) =>
        _overlay.TryResolve(module, sourceId, out newId) || (existing?.TryResolve(module, sourceId, out newId) ?? false);

    private ReportLine Write(string module, MigrationWrite write)
    {
        if (TryResolve(module, write.Record.SourceId, out _))
        {
            return write.AlreadyMigrated(null);
        }

        _overlay.Add(module, write.Record.SourceId, Ids.New());
        return write.Migrated(null);
    }
}

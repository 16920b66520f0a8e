using System.Diagnostics.CodeAnalysis;
using CrmActors.Grains.Common;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// The sink of a dry run: writes nothing, but remembers a made-up ID for each row it "wrote" so
/// later modules' lookups to it resolve as they would in the pass; it answers the ledger from that
/// overlay first, then from the job's real ledger. Holds one entry per accepted row.
/// </summary>
public sealed class DryRunSink(IMigrationLedger? existing = null) : IMigrationSink, IMigrationLedger
{
    private readonly InMemoryMigrationLedger _overlay = new();

    public Task<IReadOnlyList<string>> WriteAsync(string module, IReadOnlyList<MigrationWrite> batch, CancellationToken cancellationToken)
    {
        var ids = new string[batch.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Ids.New();
            _overlay.Add(module, batch[i].Record.SourceId, ids[i]);
        }

        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    public Task LoadLedgerAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken) =>
        existing?.LoadAsync(keys, cancellationToken) ?? Task.CompletedTask;

    public bool TryResolve(string module, string sourceId, [NotNullWhen(true)] out string? newId) =>
        _overlay.TryResolve(module, sourceId, out newId) || (existing?.TryResolve(module, sourceId, out newId) ?? false);
}

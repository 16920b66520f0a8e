using System.Diagnostics.CodeAnalysis;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Storage;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// A job's ledger in the <c>migration_ledger</c> table, read through a cache that each
/// <see cref="LoadAsync"/> replaces with the entries one batch asks about: a pass of millions of
/// rows holds one batch's entries, never the whole ledger.
/// </summary>
public sealed class MigrationLedger(IDatabase database, string jobId) : IMigrationLedger
{
    private Dictionary<(string, string), string> _cache = [];

    public bool TryResolve(string module, string sourceId, [NotNullWhen(true)] out string? newId) => _cache.TryGetValue((module, sourceId), out newId);

    public async Task LoadAsync(IReadOnlyCollection<(string Module, string SourceId)> keys, CancellationToken cancellationToken)
    {
        var cache = new Dictionary<(string, string), string>(keys.Count);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var group in keys.GroupBy(k => k.Module))
        {
            foreach (var (sourceId, newId) in await RestoreIds.QueryByIdsAsync<(string, string)>(connection, null,
                "SELECT source_id, new_id FROM migration_ledger WHERE job_id = @jobId AND module = @module AND source_id = {ids}",
                new { jobId, module = group.Key }, [.. group.Select(k => k.SourceId)]))
            {
                cache[(group.Key, sourceId)] = newId;
            }
        }

        _cache = cache;
    }
}

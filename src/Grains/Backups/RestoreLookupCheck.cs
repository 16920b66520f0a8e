using System.Data.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Backups;

/// <summary>A lookup not known to be satisfied when its row was read: a forward reference, or a target outside the backup or not restorable.</summary>
public readonly record struct PendingLookup(IdKey Source, IdKey Target, string Field, string LookupModule, bool Required);

/// <summary>
/// Settles lookups that point at records that will not exist (not in the backup nor the org, purged from the bin, not
/// restorable, of another module): an optional lookup is cleared on its row, which is still restored, with a report
/// line; a required or parent lookup drops its row, and rows that need a dropped row are looked at again, until
/// nothing more drops. Pending
/// lookups are checked against the plan and against live records of the org (through the ledger's
/// remaps). Lookups that were satisfied when read are only in doubt if their target drops here; then
/// the CSV files are scanned again for rows pointing at dropped records (rare: it needs a failure).
/// </summary>
public sealed class RestoreLookupCheck(RestoreSource source, RestorePlan plan, OrganizationState org)
{
    private readonly HashSet<IdKey> _dropped = [];

    public async Task RunAsync(
        DbConnection connection, List<PendingLookup> pending, Func<DbConnection, IReadOnlyCollection<string>, RestorePlan, Task<List<string>>> applyLedger,
        CancellationToken cancellationToken)
    {
        var outside = pending.Where(p => !plan.Restorable.ContainsKey(p.Target)).Select(p => RestoreIds.ToId(p.Target)).Distinct().ToList();
        await applyLedger(connection, outside, plan);
        var live = (await RestoreIds.QueryByIdsAsync<(string Id, string Module)>(
                connection, null, "SELECT id, module FROM records WHERE org_id = @org AND deleted_at IS NULL AND id = {ids}", new { org = org.Id },
                outside.Select(plan.Final).Distinct().ToList()))
            .ToDictionary(r => r.Id, r => r.Module);
        var scanned = 0;
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var lookup in pending.Where(p => plan.Restorable.ContainsKey(p.Source)))
            {
                var target = RestoreIds.ToId(lookup.Target);
                var module = plan.Restorable.TryGetValue(lookup.Target, out var position) ? plan.Modules[position].Target!.Name : live.GetValueOrDefault(plan.Final(target));
                if ((module is null || !RestorePlanner.Matches(lookup.LookupModule, module)) && !IsCleared(lookup.Source, lookup.Field))
                {
                    var reason = module is null
                        ? $"{lookup.Field} points to record {target}, which is neither restored nor in this organization"
                        : $"{lookup.Field} points to record {target}, a {module} record; it must be a {lookup.LookupModule} record";
                    changed |= Settle(lookup.Source, lookup.Field, lookup.Required, reason);
                }
            }

            if (!changed && _dropped.Count > scanned)
            {
                scanned = _dropped.Count;
                changed = await RescanAsync(cancellationToken);
            }
        }
    }

    /// <summary>One pass over the files in scope, dropping rows that point at a dropped record; true when it dropped any.</summary>
    private async Task<bool> RescanAsync(CancellationToken cancellationToken)
    {
        var dropped = false;
        foreach (var module in plan.Modules.Where(m => m.Target is not null))
        {
            RestoreRowMapper? mapper = null;
            await foreach (var row in BackupCsvReader.ReadAsync(source, module.Backup.Files, cancellationToken))
            {
                mapper = mapper?.Header == row.Header ? mapper : new RestoreRowMapper(module.Target!, row.Header);
                if (!RestoreIds.TryKey(mapper.Id(row.Cells), out var key) || !plan.Restorable.ContainsKey(key))
                {
                    continue;
                }

                foreach (var (column, field) in mapper.Lookups)
                {
                    if (RestoreIds.TryKey(row.Cells[column], out var target) && _dropped.Contains(target) && !IsCleared(key, field.Name)
                        && Settle(key, field.Name, field.Required || field.Parent, $"{field.Name} points to record {row.Cells[column]}, which is not restored ({plan.Failures[target]})"))
                    {
                        dropped = true;
                        break;
                    }
                }
            }
        }

        return dropped;
    }

    /// <summary>Clears an optional lookup (false: nothing dropped) or drops the row of a required one (true).</summary>
    private bool Settle(IdKey key, string field, bool required, string reason)
    {
        if (required)
        {
            Drop(key, reason + ".");
            return true;
        }

        if (!plan.ClearedLookups.TryGetValue(key, out var fields))
        {
            plan.ClearedLookups[key] = fields = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        fields[field] = $"{reason}; {field} was restored empty.";
        return false;
    }

    private bool IsCleared(IdKey key, string field) => plan.ClearedLookups.TryGetValue(key, out var fields) && fields.ContainsKey(field);

    private void Drop(IdKey key, string reason)
    {
        plan.Restorable.Remove(key);
        plan.Failures[key] = reason;
        _dropped.Add(key);
    }
}

using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Backups;

/// <summary>A backed-up module and the module of this organization it restores into (null when the org has no such module).</summary>
public sealed record PlannedModule(ManifestModule Backup, ModuleDefinition? Target);

/// <summary>
/// What a restore will do, decided before anything is written: the modules in restore order, which
/// backed-up rows will be restored and why the others will not, and the IDs that need new values.
/// </summary>
public sealed class RestorePlan(IReadOnlyList<PlannedModule> modules)
{
    public IReadOnlyList<PlannedModule> Modules => modules;

    /// <summary>Backed-up record IDs whose rows will be written, with their module's position in <see cref="Modules"/>.</summary>
    public Dictionary<IdKey, int> Restorable { get; } = new((int)Math.Min(MaxPresized, modules.Where(m => m.Target is not null).Sum(m => Math.Clamp(m.Backup.Rows, 0, MaxPresized))));

    /// <summary>
    /// The manifest's row counts are the uploader's claim: they size the map only up to this, and it grows with the
    /// rows really read (a claimed 10^12 rows once asked for ~19 GB up front).
    /// </summary>
    private const int MaxPresized = 1 << 16;

    /// <summary>Backed-up record IDs whose final ID already names a record of this organization (live or in the recycle bin).</summary>
    public HashSet<IdKey> Present { get; } = [];

    /// <summary>Backed-up record IDs whose rows will not be restored, with the reason.</summary>
    public Dictionary<IdKey, string> Failures { get; } = [];

    /// <summary>
    /// Optional lookups of restorable rows that point at a record that will not exist (not restored, purged, in
    /// another module): the row is restored with that field cleared, and the report says why. Backed-up ID → field → reason.
    /// </summary>
    public Dictionary<IdKey, Dictionary<string, string>> ClearedLookups { get; } = [];

    /// <summary>Rows (module position, row ordinal) whose ID already appeared earlier in the backup.</summary>
    public HashSet<(int Module, long Ordinal)> Duplicates { get; } = [];

    /// <summary>
    /// Old ID → new ID, for records and files remapped by an earlier restore (the ledger's), and for those this restore
    /// remaps because their IDs are taken: kept apart, so this restore's own remaps (to be saved to the ledger) need no
    /// set of their own. A restore into another organization remaps every row.
    /// </summary>
    private readonly Dictionary<IdKey, IdKey> _ledgerRemaps = [];
    private readonly Dictionary<IdKey, IdKey> _newRemaps = [];

    /// <summary>Backed-up file IDs that will exist after the restore (restored from the Attachments ZIP or already present).</summary>
    public HashSet<IdKey> RestorableFiles { get; } = [];

    public int RemapCount => _ledgerRemaps.Count + _newRemaps.Count;

    /// <summary>The remaps this restore made (old ID → new ID), not yet in the ledger.</summary>
    public IEnumerable<KeyValuePair<string, string>> NewRemaps => _newRemaps.Select(r => KeyValuePair.Create(RestoreIds.ToId(r.Key), RestoreIds.ToId(r.Value)));

    public int NewRemapCount => _newRemaps.Count;

    /// <summary>The ID a backed-up record or file gets: its own, or its remap.</summary>
    public string Final(string oldId) => RestoreIds.TryKey(oldId, out var key) && TryRemap(key, out var @new) ? RestoreIds.ToId(@new) : oldId;

    public bool IsRemapped(string oldId) => RestoreIds.TryKey(oldId, out var key) && (_newRemaps.ContainsKey(key) || _ledgerRemaps.ContainsKey(key));

    public bool IsRemappedByLedger(string oldId) => RestoreIds.TryKey(oldId, out var key) && _ledgerRemaps.ContainsKey(key);

    /// <summary>
    /// The ledger's remap of <paramref name="oldId"/> to <paramref name="newId"/> (an earlier restore's, or another run's
    /// that was saved first): it replaces one this restore made. Both are well-formed IDs.
    /// </summary>
    public void RemapByLedger(string oldId, string newId)
    {
        if (RestoreIds.TryKey(oldId, out var old) && RestoreIds.TryKey(newId, out var @new))
        {
            _newRemaps.Remove(old);
            _ledgerRemaps[old] = @new;
        }
    }

    /// <summary>Gives <paramref name="oldId"/>, taken by another organization or module, a new ID.</summary>
    public void RemapAnew(string oldId)
    {
        if (RestoreIds.TryKey(oldId, out var old))
        {
            RestoreIds.TryKey(Ids.New(), out var @new);
            _newRemaps[old] = @new;
        }
    }

    private bool TryRemap(IdKey key, out IdKey @new) => _newRemaps.TryGetValue(key, out @new) || _ledgerRemaps.TryGetValue(key, out @new);

    public bool InScope(string module) => modules.Any(m => m.Target is not null && m.Backup.Name == module);
}

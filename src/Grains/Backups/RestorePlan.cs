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
    /// Old ID → new ID, for records and files whose IDs are taken or were remapped by an earlier restore, as 128-bit
    /// keys: a restore into another organization remaps every row, and 32-character strings cost five times as much.
    /// </summary>
    private readonly Dictionary<IdKey, IdKey> _remaps = [];

    /// <summary>Backed-up file IDs that will exist after the restore (restored from the Attachments ZIP or already present).</summary>
    public HashSet<IdKey> RestorableFiles { get; } = [];

    public int RemapCount => _remaps.Count;

    /// <summary>The ID a backed-up record or file gets: its own, or its remap.</summary>
    public string Final(string oldId) => RestoreIds.TryKey(oldId, out var key) && _remaps.TryGetValue(key, out var @new) ? RestoreIds.ToId(@new) : oldId;

    public bool IsRemapped(string oldId) => RestoreIds.TryKey(oldId, out var key) && _remaps.ContainsKey(key);

    /// <summary>Records that <paramref name="oldId"/> becomes <paramref name="newId"/>; both are well-formed IDs.</summary>
    public void Remap(string oldId, string newId)
    {
        if (RestoreIds.TryKey(oldId, out var old) && RestoreIds.TryKey(newId, out var @new))
        {
            _remaps[old] = @new;
        }
    }

    public bool InScope(string module) => modules.Any(m => m.Target is not null && m.Backup.Name == module);
}

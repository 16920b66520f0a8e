using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Backups;

/// <summary>The modules a restore covers, ordered so that lookup targets (and parents) come before the records that point at them.</summary>
public static class RestoreOrder
{
    public static IReadOnlyList<PlannedModule> Modules(BackupManifest manifest, OrganizationState org, string? onlyModule)
    {
        var selected = manifest.Modules
            .Where(m => onlyModule is null || string.Equals(m.Name, onlyModule, StringComparison.OrdinalIgnoreCase))
            .Select(m => new PlannedModule(m, org.Module(m.Name)))
            .ToList();
        if (onlyModule is not null && selected.Count == 0)
        {
            throw new InvalidBackupException($"The backup has no module {onlyModule}.");
        }

        // Kahn's algorithm over lookups to other selected modules; a cycle keeps the backup's order.
        var names = selected.Where(m => m.Target is not null).Select(m => m.Target!.Name).ToHashSet();
        var dependsOn = selected.ToDictionary(m => m, m => m.Target?.Fields
            .Where(f => f.Type == FieldTypes.Lookup && f.LookupModule != m.Target.Name && names.Contains(f.LookupModule!))
            .Select(f => f.LookupModule!).ToHashSet() ?? []);
        var ordered = new List<PlannedModule>();
        while (ordered.Count < selected.Count)
        {
            var done = ordered.Where(m => m.Target is not null).Select(m => m.Target!.Name).ToHashSet();
            var next = selected.Where(m => !ordered.Contains(m)).FirstOrDefault(m => dependsOn[m].IsSubsetOf(done))
                ?? selected.First(m => !ordered.Contains(m));
            ordered.Add(next);
        }

        return ordered;
    }
}

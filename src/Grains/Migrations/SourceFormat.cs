using System.Collections.Immutable;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// How one module's files of a source system map onto the generic format: source column → target
/// (a CRM field API name or one of <see cref="SourceColumns"/>), and per CRM field a map of source
/// values to CRM values. Column names and values match case-insensitively. <see cref="JobColumns"/>
/// are the columns a job's own field map names: aiming one of those at a missing field is refused,
/// while a preset column aimed at a field the org lacks (a custom "Priority") is merely unused.
/// </summary>
public sealed record ModuleFormat(
    ImmutableDictionary<string, string> Columns,
    ImmutableDictionary<string, ImmutableDictionary<string, string>> Values,
    ImmutableHashSet<string>? JobColumns = null)
{
    public static ModuleFormat Empty { get; } = new(
        ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase),
        ImmutableDictionary.Create<string, ImmutableDictionary<string, string>>(StringComparer.OrdinalIgnoreCase));

    /// <summary>This format with <paramref name="fieldMap"/> (source column → target) and <paramref name="valueMap"/> (field → source value → CRM value) laid over it.</summary>
    public ModuleFormat With(IReadOnlyDictionary<string, string>? fieldMap, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? valueMap)
    {
        fieldMap ??= ImmutableDictionary<string, string>.Empty;
        // A job's map wins over the preset: a preset column aimed at a target the job re-aims is dropped.
        var retargeted = fieldMap.Values.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var columns = Columns.RemoveRange(Columns.Where(c => retargeted.Contains(c.Value) && !fieldMap.ContainsKey(c.Key)).Select(c => c.Key))
            .SetItems(fieldMap);
        var values = Values;
        foreach (var (field, map) in valueMap ?? ImmutableDictionary<string, IReadOnlyDictionary<string, string>>.Empty)
        {
            var current = values.GetValueOrDefault(field) ?? ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);
            values = values.SetItem(field, current.SetItems(map));
        }

        return new ModuleFormat(columns, values, (JobColumns ?? ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase)).Union(fieldMap.Keys));
    }
}

/// <summary>A source system's export format: per module, its columns and values, and the file names its exports use.</summary>
public sealed record SourceFormat(string Name, ImmutableDictionary<string, ModuleFormat> Modules, ImmutableDictionary<string, string> EntryNames)
{
    public ModuleFormat For(string module) => Modules.GetValueOrDefault(module) ?? ModuleFormat.Empty;

    /// <summary>The module of a ZIP entry named <paramref name="stem"/>.csv: one of this system's file names, else a module name.</summary>
    public string? ModuleOfEntry(string stem) => EntryNames.GetValueOrDefault(stem) ?? MigrationModules.Find(stem);
}

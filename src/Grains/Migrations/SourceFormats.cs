using System.Collections.Immutable;
using CrmActors.Grains.Common;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// The source systems a job may name: <c>generic</c> (SPEC §3: columns are the CRM field API names,
/// nothing to translate) and presets that map other help desks' exports onto it. A preset lists
/// both a system's CSV export headers and its API/JSON field names (flattened JSON exports and
/// export scripts use those), so either kind of file maps without a field map.
/// </summary>
public static class SourceFormats
{
    public const string GenericName = "generic";

    public static SourceFormat Generic { get; } = new(GenericName, ImmutableDictionary<string, ModuleFormat>.Empty,
        ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase));

    public static SourceFormat Zendesk => ZendeskFormat.Format;

    public static SourceFormat Freshdesk => FreshdeskFormat.Format;

    public static IReadOnlyList<string> Names { get; } = [GenericName, ZendeskFormat.Name, FreshdeskFormat.Name];

    public static SourceFormat? Find(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        GenericName => Generic,
        ZendeskFormat.Name => Zendesk,
        FreshdeskFormat.Name => Freshdesk,
        _ => null,
    };

    public static SourceFormat Require(string? name) =>
        Find(name) ?? throw ProblemException.Validation("sourceSystem",
            $"sourceSystem '{name}' is not known; use one of: {string.Join(", ", Names)} (generic takes columns named after the CRM fields).");

    internal static SourceFormat Build(string name, IEnumerable<(string Module, ModuleFormat Format)> modules, params (string Stem, string Module)[] entryNames) =>
        new(name, modules.ToImmutableDictionary(m => m.Module, m => m.Format),
            entryNames.ToImmutableDictionary(e => e.Stem, e => e.Module, StringComparer.OrdinalIgnoreCase));

    internal static (string, ModuleFormat) Module(string module, (string Column, string Target)[] columns, params (string Field, (string From, string To)[] Map)[] values) =>
        (module, new ModuleFormat(
            columns.ToImmutableDictionary(c => c.Column, c => c.Target, StringComparer.OrdinalIgnoreCase),
            values.ToImmutableDictionary(v => v.Field, v => v.Map.ToImmutableDictionary(m => m.From, m => m.To, StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)));

    /// <summary>Maps to a module's standard field or a <see cref="SourceColumns"/> target, named once per column spelling.</summary>
    internal static (string, string)[] Columns(params (string Target, string[] Spellings)[] columns) =>
        [.. columns.SelectMany(c => c.Spellings.Select(s => (s, c.Target)))];
}

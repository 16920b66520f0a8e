using System.Collections.Immutable;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>What one header column feeds: a CRM field, or a <see cref="SourceColumns"/> target; null target = not used.</summary>
public sealed record ColumnTarget(int Index, string Column, string Target, FieldDefinition? Field);

/// <summary>
/// A source file's header resolved against its module: which column is the source ID, which feed
/// which CRM fields (a format's explicit column first, then a column named like the field, any
/// case), and which are not used (reported once, never fatal). Built once per file.
/// </summary>
public sealed class ModuleColumnPlan
{
    private ModuleColumnPlan(string module, ModuleDefinition definition, ModuleFormat format, IReadOnlyList<string> header,
        ImmutableArray<ColumnTarget> targets, ImmutableArray<string> unused)
    {
        Module = module;
        Definition = definition;
        Format = format;
        Header = header;
        Targets = targets;
        UnusedColumns = unused;
    }

    public string Module { get; }

    /// <summary>The CRM module the rows are validated against (the org's, custom fields and picklist values included).</summary>
    public ModuleDefinition Definition { get; }

    public ModuleFormat Format { get; }

    public IReadOnlyList<string> Header { get; }

    public ImmutableArray<ColumnTarget> Targets { get; }

    /// <summary>Header columns that feed nothing, for the report's one-time notice.</summary>
    public ImmutableArray<string> UnusedColumns { get; }

    public int SourceIdIndex => Targets.First(t => t.Target == SourceColumns.SourceId).Index;

    /// <summary>
    /// Resolves <paramref name="header"/>; refuses (400) a file with no source ID column and a map
    /// that aims a column at a field the module does not have, naming the file.
    /// </summary>
    public static ModuleColumnPlan Create(string fileLabel, string module, ModuleDefinition definition, ModuleFormat format, IReadOnlyList<string> header)
    {
        var targets = new List<ColumnTarget>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var unused = new List<string>();
        // Explicit map entries claim their target before columns that merely share a field's name.
        var claims = header.Select((column, index) => (column, index, target: Explicit(fileLabel, module, definition, format, column)))
            .OrderBy(c => c.target is null ? 1 : 0).ThenBy(c => c.index);
        foreach (var (column, index, explicitTarget) in claims)
        {
            var target = explicitTarget ?? Implicit(definition, column);
            if (target is null or "" || (!taken.Add(target) && target != SourceColumns.Agent))
            {
                if (target != "" && column.Length > 0)
                {
                    unused.Add(column);
                }

                continue;
            }

            targets.Add(new ColumnTarget(index, column, target, definition.Field(target)));
        }

        if (!taken.Contains(SourceColumns.SourceId))
        {
            var spellings = format.Columns.Where(c => c.Value == SourceColumns.SourceId).Select(c => c.Key).Prepend(SourceColumns.SourceId);
            throw ProblemException.BadRequest(MigrationProblemCodes.InvalidFile,
                $"{fileLabel} has no source ID column; add a column {string.Join(" or ", spellings.Select(s => $"'{s}'"))} holding each row's ID in the old system, or map one in the job's fieldMap.");
        }

        return new ModuleColumnPlan(module, definition, format, header, [.. targets.OrderBy(t => t.Index)], [.. unused.OrderBy(c => header.ToList().IndexOf(c))]);
    }

    private static string? Explicit(string fileLabel, string module, ModuleDefinition definition, ModuleFormat format, string column)
    {
        if (!format.Columns.TryGetValue(column, out var target))
        {
            return null;
        }

        if (target.Length == 0 || SourceColumns.All.Contains(target))
        {
            return target;
        }

        var field = definition.Fields.FirstOrDefault(f => string.Equals(f.Name, target, StringComparison.OrdinalIgnoreCase));
        if (field is null && format.JobColumns?.Contains(column) != true)
        {
            return null;
        }

        return field?.Name ?? throw ProblemException.BadRequest(MigrationProblemCodes.InvalidMapping,
            $"{fileLabel}: the column '{column}' is mapped to {target}, which is not a field of {definition.Name} ({module}); map it to one of: {string.Join(", ", definition.Fields.Select(f => f.Name))}.");
    }

    private static string? Implicit(ModuleDefinition definition, string column) =>
        SourceColumns.All.Take(3).FirstOrDefault(s => string.Equals(s, column, StringComparison.OrdinalIgnoreCase))
        ?? definition.Fields.FirstOrDefault(f => string.Equals(f.Name, column, StringComparison.OrdinalIgnoreCase))?.Name;
}

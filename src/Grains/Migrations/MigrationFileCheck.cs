using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>What an uploaded file holds: per module part, its data rows and the columns that feed nothing.</summary>
public sealed record FileInspection(string FileName, IReadOnlyList<PartInspection> Parts);

public sealed record PartInspection(MigrationSourcePart Part, long Rows, IReadOnlyList<string> UnusedColumns);

/// <summary>
/// Reads an uploaded file once, end to end, before it is accepted: every refusal a pass would hit
/// on the file as a whole (not UTF-8, malformed CSV, duplicate header, no source ID column, a field
/// map aimed at a missing field) surfaces at upload, while bad rows are left for the pass to report.
/// </summary>
public static class MigrationFileCheck
{
    public static async Task<FileInspection> InspectAsync(MigrationSource source, MigrationMapping mapping, IReadOnlyList<ModuleDefinition> orgModules, CancellationToken cancellationToken = default)
    {
        var parts = new List<PartInspection>();
        foreach (var part in source.Parts)
        {
            await using var csv = await source.OpenCsvAsync(part, cancellationToken);
            var plan = mapping.Plan(part.Label, part.Module, MigrationModules.DefinitionIn(orgModules, part.Module), csv.Header);
            long rows = 0;
            await foreach (var _ in csv.ReadRowsAsync(cancellationToken))
            {
                rows++;
            }

            parts.Add(new PartInspection(part, rows, plan.UnusedColumns));
        }

        return new FileInspection(source.FileName, parts);
    }
}

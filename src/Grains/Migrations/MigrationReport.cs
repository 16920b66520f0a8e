using System.Text.Json.Serialization;

namespace CrmActors.Grains.Migrations;

/// <summary>The status of a source row in a pass's report (SPEC §3).</summary>
public static class MigrationStatuses
{
    public const string Migrated = "migrated";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    public static readonly IReadOnlyList<string> All = [Migrated, Failed, Skipped];
}

/// <summary>One module's counts in a pass: the <c>counts:{&lt;module&gt;:{migrated, failed, skipped}}</c> of SPEC §3/§7.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-module-counts")]
public sealed record ModuleCounts(long Migrated, long Failed, long Skipped)
{
    public static ModuleCounts Zero { get; } = new(0, 0, 0);

    [JsonIgnore]
    public long Total => Migrated + Failed + Skipped;

    public ModuleCounts Add(string status) => status switch
    {
        MigrationStatuses.Migrated => this with { Migrated = Migrated + 1 },
        MigrationStatuses.Failed => this with { Failed = Failed + 1 },
        MigrationStatuses.Skipped => this with { Skipped = Skipped + 1 },
        _ => throw new ArgumentException($"'{status}' is not a report status; use one of: {string.Join(", ", MigrationStatuses.All)}.", nameof(status)),
    };
}

/// <summary>A line of a module's report CSV: <c>source_id,new_id,status,error</c>.</summary>
public sealed record ReportLine(string SourceId, string? NewId, string Status, string? Error)
{
    public static ReportLine Migrated(string sourceId, string? newId, string? note = null) => new(sourceId, newId, MigrationStatuses.Migrated, note);

    public static ReportLine Failed(string? sourceId, string error) => new(sourceId ?? "", null, MigrationStatuses.Failed, error);

    public static ReportLine Skipped(string sourceId, string? existingId, string reason) => new(sourceId, existingId, MigrationStatuses.Skipped, reason);

    /// <summary>A failed row's line, its error prefixed with the field and the row so a spreadsheet user finds it.</summary>
    public static ReportLine From(RowError error) => Failed(error.SourceId, $"{error.Field} (row {error.Row}): {error.Message}");
}

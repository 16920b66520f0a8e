using CrmActors.Grains.Backups;

namespace CrmActors.Api;

public static partial class BackupsApi
{
    public sealed record RestoreSummaryResponse(
        string Id, string Status, string Mode, string? Module, bool DryRun, string? BackupId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
        DateTimeOffset? FinishedAt, string? Error);

    public sealed record RestoreResponse(
        string Id, string Status, string Mode, string? Module, bool DryRun, string? BackupId, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
        DateTimeOffset? FinishedAt, string? Error, RestoreReport Report);

    /// <summary>Row counts, every row not restored with its reason, the ID remap ledger, and file counts (lists capped by ?limit=; the CSV report has every item).</summary>
    public sealed record RestoreReport(
        long Created, long Updated, long Skipped, long FailedCount, IReadOnlyList<FailedRow> Failed, long RemappedCount, IReadOnlyList<RemapRow> IdRemap,
        FileCounts Files, long WarningCount, IReadOnlyList<FailedRow> Warnings);

    public sealed record FailedRow(string? Module, string? File, long? Row, string? Id, string? Reason);

    public sealed record RemapRow(string? Module, string Kind, string OldId, string NewId);

    public sealed record FileCounts(long Created, long Updated, long Skipped, long Failed);

    public static RestoreSummaryResponse AsSummary(this RestoreRow r) =>
        new(r.Id, r.Status, r.Mode, r.Module, r.DryRun, r.BackupId, r.CreatedAt, r.StartedAt, r.FinishedAt, r.Error);

    public static RestoreResponse AsResponse(this RestoreRow r, IReadOnlyList<RestoreItem> failed, IReadOnlyList<RestoreItem> remaps, IReadOnlyList<RestoreItem> warnings) =>
        new(r.Id, r.Status, r.Mode, r.Module, r.DryRun, r.BackupId, r.CreatedAt, r.StartedAt, r.FinishedAt, r.Error,
            new RestoreReport(
                r.Counts.Created, r.Counts.Updated, r.Counts.Skipped, r.Counts.Failed + r.Counts.FilesFailed,
                [.. failed.Select(AsRow)], r.Counts.Remapped,
                [.. remaps.Select(i => new RemapRow(i.Module, RemapKind(i), i.RecordId!, i.NewId!))],
                new FileCounts(r.Counts.FilesCreated, r.Counts.FilesUpdated, r.Counts.FilesSkipped, r.Counts.FilesFailed),
                r.Counts.Warnings, [.. warnings.Select(AsRow)]));

    /// <summary>Whether a remap item's ID was a record's or a file's.</summary>
    private static string RemapKind(RestoreItem i) => i.Reason == "file" ? "file" : "record";

    private static FailedRow AsRow(RestoreItem i) => new(i.Module, i.File, i.Row, i.RecordId, i.Reason);
}

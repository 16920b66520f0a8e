namespace CrmActors.Grains.Backups;

/// <summary>A restore as stored: what it restores from, how, its status and its counts so far.</summary>
public sealed record RestoreRow(
    string Id,
    string OrgId,
    string? BackupId,
    IReadOnlyList<string> DataParts,
    IReadOnlyList<string> AttachmentParts,
    string Mode,
    string? Module,
    bool DryRun,
    string Status,
    string? Error,
    RestoreCounts Counts,
    string? Cursor,
    string RequestedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

/// <summary>Rows and files created, updated (present with other data), skipped (already identical) and failed.</summary>
public sealed record RestoreCounts(
    long Created = 0, long Updated = 0, long Skipped = 0, long Failed = 0,
    long FilesCreated = 0, long FilesUpdated = 0, long FilesSkipped = 0, long FilesFailed = 0,
    long Remapped = 0, long Warnings = 0)
{
    public RestoreCounts Plus(RestoreCounts o) => new(
        Created + o.Created, Updated + o.Updated, Skipped + o.Skipped, Failed + o.Failed,
        FilesCreated + o.FilesCreated, FilesUpdated + o.FilesUpdated, FilesSkipped + o.FilesSkipped, FilesFailed + o.FilesFailed,
        Remapped + o.Remapped, Warnings + o.Warnings);
}

/// <summary>One line of a restore report: a row not restored ("failed"), a new ID ("remap"), or a row restored without something ("warning").</summary>
public sealed record RestoreItem(string Kind, string? Module, string? File, long? Row, string? RecordId, string? NewId, string? Reason);

public static class RestoreItemKinds
{
    public const string Failed = "failed";
    public const string Remap = "remap";
    public const string Warning = "warning";
}

public static class RestoreStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

using System.Collections.Immutable;

namespace CrmActors.Grains.Migrations;

/// <summary>A migration job (SPEC §3): what it migrates, its files, its passes and the requester's notifications.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-job-state")]
public sealed record MigrationJobState
{
    public string? Id { get; init; }

    public string OrgId { get; init; } = "";

    public string Status { get; init; } = MigrationJobStatus.Draft;

    public string SourceSystem { get; init; } = SourceFormats.GenericName;

    /// <summary>The selected modules, expanded (tickets brings its threads, comments and attachments) and in migration order.</summary>
    public ImmutableList<string> Modules { get; init; } = [];

    public string? Notes { get; init; }

    public ImmutableDictionary<string, ImmutableDictionary<string, string>> FieldMap { get; init; } = ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty;

    public ImmutableDictionary<string, ImmutableDictionary<string, ImmutableDictionary<string, string>>> ValueMap { get; init; } =
        ImmutableDictionary<string, ImmutableDictionary<string, ImmutableDictionary<string, string>>>.Empty;

    public string RequestedBy { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public ImmutableList<MigrationFile> Files { get; init; } = [];

    public ImmutableList<MigrationPass> Passes { get; init; } = [];

    /// <summary>When the second pass is due (set when the first pass ends).</summary>
    public DateTimeOffset? SecondPassAt { get; init; }

    public ImmutableList<MigrationNotification> Notifications { get; init; } = [];

    /// <summary>A due pass is held back because the organization enabled a conflicting integration (the requester was told once).</summary>
    public bool WaitingForIntegrations { get; init; }

    public ImmutableList<MigrationChangeRequest> ChangeRequests { get; init; } = [];

    public string? Error { get; init; }

    public bool Exists => Id is not null;

    public long TotalBytes => Files.Sum(f => f.Size);

    public MigrationPass? CurrentPass => Passes.Count == 0 ? null : Passes[^1];
}

/// <summary>An accepted upload: where its bytes are, the modules its CSVs hold and their data rows, and the pass it is for.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-file")]
public sealed record MigrationFile(string Name, string BlobPath, long Size, int Pass, ImmutableList<MigrationFilePart> Parts, DateTimeOffset UploadedAt)
{
    /// <summary>The module of a single CSV, or "zip" listing its modules, as the status shows it.</summary>
    public string Module => Parts.Count == 1 && Parts[0].Entry is null ? Parts[0].Module : string.Join(",", Parts.Select(p => p.Module));
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-file-part")]
public sealed record MigrationFilePart(string? Entry, string Module, long Rows, ImmutableList<string> UnusedColumns);

/// <summary>One pass: its run, when it ran, its counts per module and its report blob once it ended.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-pass")]
public sealed record MigrationPass(int Pass, string RunId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    ImmutableDictionary<string, ModuleCounts> Counts, string? ReportBlob, string? Error);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-notification")]
public sealed record MigrationNotification(DateTimeOffset At, string UserId, int Pass, string Message);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-change-request")]
public sealed record MigrationChangeRequest(DateTimeOffset At, string UserId, string Text);

public static class MigrationJobStatus
{
    public const string Draft = "draft";
    public const string Pending = "pending";
    public const string FirstPassRunning = "first_pass_running";
    public const string FirstPassDone = "first_pass_done";
    public const string SecondPassRunning = "second_pass_running";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string Failed = "failed";

    /// <summary>The states in which files may be added: before submission (first pass) and between the passes (a delta export).</summary>
    public static bool TakesFiles(string status) => status is Draft or FirstPassDone;

    public static bool IsRunning(string status) => status is FirstPassRunning or SecondPassRunning;
}

using System.Collections.Immutable;
using System.Text.Json;

namespace CrmActors.Grains.Backups;

/// <summary>An organization's backup schedule, quota usage, purchases, history and backups: the backup schedule grain's state.</summary>
public sealed record BackupScheduleState
{
    public BackupSettings? Schedule { get; init; }

    /// <summary>The last schedule occurrence handled, so a re-delivered reminder starts nothing twice.</summary>
    public DateTimeOffset? LastOccurrence { get; init; }

    /// <summary>The schedule's next occurrence; its reminder is due then, and a tick or activation past it runs it once.</summary>
    public DateTimeOffset? NextOccurrence { get; init; }

    /// <summary>Included backups used, per calendar month ("yyyy-MM" in the org's time zone).</summary>
    public ImmutableSortedDictionary<string, MonthUsage> Usage { get; init; } = ImmutableSortedDictionary<string, MonthUsage>.Empty;

    /// <summary>Purchased one-time add-ons not used yet.</summary>
    public int OneTimeAddOns { get; init; }

    public bool WeeklySubscription { get; init; }

    public ImmutableList<BackupHistoryEntry> History { get; init; } = [];

    /// <summary>Newest last.</summary>
    public ImmutableList<BackupEntry> Backups { get; init; } = [];

    public MonthUsage UsageIn(string month) => Usage.GetValueOrDefault(month) ?? new MonthUsage(0, 0);

    public BackupEntry? Backup(string id) => Backups.FirstOrDefault(b => b.Id == id);
}

/// <summary>The chosen schedule, as set (time of day in <see cref="TimeZone"/>).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.backup-settings")]
public sealed record BackupSettings(
    string Frequency,
    DayOfWeek? DayOfWeek,
    int? DayOfMonth,
    bool LastDayOfMonth,
    int? WeekOfMonth,
    TimeOnly Time,
    string TimeZone,
    DateOnly? AnchorDate,
    DateTimeOffset SetAt,
    string SetBy);

/// <summary>Included backups taken in one month by scheduled runs and by immediate requests.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.month-usage")]
public sealed record MonthUsage(int Scheduled, int Immediate)
{
    public int Total => Scheduled + Immediate;
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.backup-history-entry")]
public sealed record BackupHistoryEntry(DateTimeOffset At, string Kind, string? UserId, JsonElement Details);

/// <summary>One backup: scheduled → running → ready → expired, or failed with a reason.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.backup-entry")]
public sealed record BackupEntry
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    /// <summary>"scheduled" (a schedule occurrence) or "immediate".</summary>
    public required string Trigger { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    public string? RequestedBy { get; init; }

    /// <summary>Where the backup's quota came from: included, add_on or subscription (given back if it fails).</summary>
    public required string QuotaSource { get; init; }

    public required string Month { get; init; }

    public string? JobId { get; init; }

    public string? RunId { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? ReadyAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Reason { get; init; }

    public ImmutableList<BackupFile> Files { get; init; } = [];

    /// <summary>Files whose first download is in the history: a link holder causes one entry per file, however often they fetch it.</summary>
    public ImmutableList<string> DownloadedFiles { get; init; } = [];

    public BackupManifest? Manifest { get; init; }

    public bool IsActive => Status is BackupStatuses.Scheduled or BackupStatuses.Running;

    /// <summary>Ready and not past its expiry at <paramref name="now"/> (expiry is also checked on every read, not only by the reminder).</summary>
    public bool IsDownloadable(DateTimeOffset now) => Status == BackupStatuses.Ready && ExpiresAt > now;
}

/// <summary>A published ZIP part of a backup: <see cref="Kind"/> is "data" or "attachments".</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.backup-file")]
public sealed record BackupFile(string Name, string Kind, string Path, long Size, string Sha256);

public static class QuotaSources
{
    public const string Included = "included";
    public const string AddOn = "add_on";
    public const string Subscription = "subscription";
}

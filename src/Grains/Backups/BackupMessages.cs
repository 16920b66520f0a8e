namespace CrmActors.Grains.Backups;

/// <summary>The schedule summary: frequency, current status, when the next backup is due, and the quota.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.backup-summary")]
public sealed record BackupSummary(
    string? Frequency, string Status, DateTimeOffset? NextBackupAt, BackupSettings? Schedule, BackupQuotaSummary Quota, string? LatestBackupId);

/// <summary>
/// This month's quota: <see cref="Included"/> per month by plan, <see cref="Used"/> of them,
/// <see cref="Purchased"/> unused one-time add-ons, and <see cref="Remaining"/> backups that can
/// still be taken now (included ones not reserved by the schedule, plus add-ons).
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.backup-quota-summary")]
public sealed record BackupQuotaSummary(
    string Month, int Included, int Used, int Purchased, int Remaining, int ReservedForSchedule, bool WeeklySubscription);

/// <summary>A restore to start: from a stored backup (<see cref="BackupId"/>) or from uploaded ZIP parts.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.restore-start")]
public sealed record RestoreStart(
    string RestoreId,
    string? BackupId,
    IReadOnlyList<string> DataParts,
    IReadOnlyList<string> AttachmentParts,
    string Mode,
    string? Module,
    bool DryRun);

public static class RestoreModes
{
    public const string Module = "module";
    public const string Full = "full";
}

public sealed record BackupJobPayload(string OrgId, string BackupId);

public sealed record RestoreJobPayload(string OrgId, string RestoreId);

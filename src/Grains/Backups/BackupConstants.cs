namespace CrmActors.Grains.Backups;

/// <summary>Names used by the backup feature in storage, reminders and jobs; never repeated as literals.</summary>
public static class BackupConstants
{
    public const string ScheduleReminder = "backup-schedule";
    public const string ExpiryReminderPrefix = "backup-expiry-";
    public const string BackupJobKind = "backup.run";
    public const string RestoreJobKind = "backup.restore";
    public const string ManifestEntry = "manifest.json";
    public const string FilesEntry = "files.csv";
    public const int FormatVersion = 1;

    public static string BackupFolder(string orgId, string backupId) => $"orgs/{orgId}/backups/{backupId}";

    public static string UploadFolder(string orgId, string restoreId) => $"orgs/{orgId}/restore-uploads/{restoreId}";

    public static string FileBlobPath(string orgId, string fileId) => $"orgs/{orgId}/files/{fileId}";

    /// <summary>Kept out of every backup; the manifest says so.</summary>
    public static readonly IReadOnlyList<string> ExcludedCategories =
        ["emails (bodies and attachments)", "documents", "data fetched by integrations", "IMAP e-mail"];
}

public static class BackupFrequencies
{
    public const string TwiceAMonth = "twice_a_month";
    public const string Monthly = "monthly";
    public const string Weekly = "weekly";
    public const string Now = "now";

    public static readonly IReadOnlyList<string> All = [TwiceAMonth, Monthly, Weekly, Now];
}

public static class BackupStatuses
{
    public const string Scheduled = "scheduled";
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Expired = "expired";
    public const string Failed = "failed";
}

public static class BackupHistoryKinds
{
    public const string ScheduleSet = "schedule_set";
    public const string ScheduleStopped = "schedule_stopped";
    public const string BackupRequested = "backup_requested";
    public const string BackupReady = "backup_ready";
    public const string BackupFailed = "backup_failed";
    public const string BackupExpired = "backup_expired";
    public const string DownloadStarted = "download_started";
    public const string Purchase = "purchase";
    public const string Downgrade = "downgrade";
    public const string RestoreRequested = "restore_requested";
}

public static class PurchaseKinds
{
    public const string OneTime = "one_time";
    public const string Weekly = "weekly";
}

public static class BackupFileKinds
{
    public const string Data = "data";
    public const string Attachments = "attachments";
}

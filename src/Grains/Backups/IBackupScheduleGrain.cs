
namespace CrmActors.Grains.Backups;

/// <summary>
/// An organization's backups (key: org ID): the schedule and its durable reminder, the monthly quota
/// and purchases, the history, and every backup's state from scheduled to expired. Backups and
/// restores run as jobs; they report back here, idempotently.
/// </summary>
public interface IBackupScheduleGrain : IGrainWithStringKey
{
    /// <summary>
    /// Sets (replaces) the schedule, or with frequency "now" requests an immediate backup. Refused with
    /// 402 when the quota or the weekly subscription does not cover it, saying how many add-ons are needed.
    /// </summary>
    Task<BackupSummary> SetScheduleAsync(ScheduleRequest request, string userId);

    /// <summary>Stops the schedule; refused with 409 while a backup runs or one is ready for download.</summary>
    Task StopScheduleAsync(string userId);

    [ReadOnly]
    Task<BackupSummary> GetSummaryAsync();

    /// <summary>Records a purchase (positive count) or a downgrade (negative count) of one-time add-ons or the weekly subscription.</summary>
    Task<BackupSummary> PurchaseAsync(string kind, int count, string userId);

    /// <summary>Oldest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<BackupHistoryEntry>> GetHistoryAsync();

    /// <summary>Newest first; a ready backup past its expiry is shown expired even before its reminder fires.</summary>
    [ReadOnly]
    Task<IReadOnlyList<BackupEntry>> GetBackupsAsync();

    [ReadOnly]
    Task<BackupEntry?> GetBackupAsync(string backupId);

    /// <summary>The job started run <paramref name="runId"/>; false when the backup is no longer waiting to run.</summary>
    Task<bool> MarkRunningAsync(string backupId, string runId);

    /// <summary>
    /// Publishes run <paramref name="runId"/>'s files. Only the first run to finish is published; any
    /// other run gets false and must delete its files, so there is exactly one ready backup.
    /// </summary>
    Task<bool> MarkReadyAsync(string backupId, string runId, IReadOnlyList<BackupFile> files, BackupManifest manifest);

    /// <summary>The backup failed for good: its quota is given back and the history says why.</summary>
    Task MarkFailedAsync(string backupId, string reason);

    Task RecordDownloadAsync(string backupId, string fileName);

    /// <summary>Queues a restore job; refused while another restore of the organization is queued or running.</summary>
    Task<string> StartRestoreAsync(RestoreStart request, string userId);
}

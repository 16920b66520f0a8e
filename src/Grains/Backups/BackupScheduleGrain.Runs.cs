using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Scheduling;

namespace CrmActors.Grains.Backups;

/// <summary>Backup runs: starting them (immediately or on a schedule occurrence), the job's reports, expiry, downloads and restores.</summary>
public sealed partial class BackupScheduleGrain
{
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == BackupConstants.ScheduleReminder)
        {
            await TickScheduleAsync();
        }
        else if (reminderName.StartsWith(BackupConstants.ExpiryReminderPrefix, StringComparison.Ordinal))
        {
            await TickExpiryAsync(reminderName, reminderName[BackupConstants.ExpiryReminderPrefix.Length..]);
        }
    }

    /// <summary>An occurrence missed while no silo held the reminder runs once when the grain next activates.</summary>
    protected override async Task OnActivatedAsync()
    {
        if (State.Schedule is not null && State.NextOccurrence <= Now)
        {
            await TickScheduleAsync();
            await CommitAsync();
        }
    }

    protected override async Task OnLegacyStateImportedAsync()
    {
        if (State.Schedule is { } schedule)
        {
            var next = BackupSchedules.ReminderFor(schedule)!.NextAfter(State.LastOccurrence is { } last && last > Now ? last : Now)!.Value;
            State = State with { NextOccurrence = next };
            await SetReminderAsync(BackupConstants.ScheduleReminder, next);
        }

        foreach (var backup in State.Backups.Where(b => b is { Status: BackupStatuses.Ready, ExpiresAt: not null }))
        {
            await SetReminderAsync(BackupConstants.ExpiryReminderPrefix + backup.Id, backup.ExpiresAt!.Value);
        }
    }

    private async Task TickScheduleAsync()
    {
        if (State.Schedule is not { } schedule)
        {
            ClearReminderOnCommit(BackupConstants.ScheduleReminder);
            return;
        }

        var occurrence = State.NextOccurrence ?? BackupSchedules.ReminderFor(schedule)!.NextAfter(Now)!.Value;
        if (occurrence <= Now)
        {
            // Occurrences missed while every silo was down collapse into this one run.
            await RunOccurrenceAsync(occurrence);
            schedule = State.Schedule ?? schedule;
            occurrence = BackupSchedules.ReminderFor(schedule)!.NextAfter(Now)!.Value;
            State = State with { NextOccurrence = occurrence };
        }

        await SetReminderAsync(BackupConstants.ScheduleReminder, occurrence);
    }

    private async Task TickExpiryAsync(string reminderName, string backupId)
    {
        if (State.Backup(backupId) is { Status: BackupStatuses.Ready, ExpiresAt: { } expiresAt } && expiresAt > Now)
        {
            await SetReminderAsync(reminderName, expiresAt);
            return;
        }

        if (State.Backup(backupId) is { Status: BackupStatuses.Ready } && await restores.HasAsync(this.GetPrimaryKeyString(), RestoreStore.Active, backupId))
        {
            // A restore reads the files (and one resumed after its silo died opens them again): they go once it ends. The
            // backup reads as expired meanwhile, so no new restore or download starts.
            await SetReminderAsync(reminderName, Now + ExpiryDeferral);
            return;
        }

        Expire(backupId);
        ClearReminderOnCommit(reminderName);
    }

    public Task<IReadOnlyList<BackupEntry>> GetBackupsAsync() =>
        Task.FromResult<IReadOnlyList<BackupEntry>>(State.Backups.Reverse().Select(AsOfNow).ToList());

    public Task<BackupEntry?> GetBackupAsync(string backupId) =>
        Task.FromResult(State.Backup(backupId) is { } backup ? AsOfNow(backup) : null);

    public Task<bool> MarkRunningAsync(string backupId, string runId)
    {
        if (State.Backup(backupId) is not { IsActive: true } backup)
        {
            return Task.FromResult(false);
        }

        Replace(backup with { Status = BackupStatuses.Running, StartedAt = backup.StartedAt ?? Now, RunId = runId });
        return Task.FromResult(true);
    }

    public async Task<bool> MarkReadyAsync(string backupId, string runId, IReadOnlyList<BackupFile> files, BackupManifest manifest)
    {
        switch (State.Backup(backupId))
        {
            case null or { Status: BackupStatuses.Failed }:
                return false;
            case { Status: BackupStatuses.Ready or BackupStatuses.Expired } published:
                return published.RunId == runId;
            case var backup:
                var expiresAt = Now + Options.LinkLifetime;
                Replace(backup with
                {
                    Status = BackupStatuses.Ready, RunId = runId, ReadyAt = Now, ExpiresAt = expiresAt, FinishedAt = Now,
                    Files = [.. files], Manifest = manifest,
                });
                await SetReminderAsync(BackupConstants.ExpiryReminderPrefix + backupId, expiresAt);
                AddHistory(BackupHistoryKinds.BackupReady, null, new
                {
                    backupId, expiresAt, records = manifest.Modules.Sum(m => m.Rows), attachments = manifest.Attachments.Count,
                    files = files.Select(f => f.Name),
                });
                return true;
        }
    }

    public Task MarkFailedAsync(string backupId, string reason)
    {
        if (State.Backup(backupId) is { IsActive: true } backup)
        {
            Replace(backup with { Status = BackupStatuses.Failed, Reason = reason, FinishedAt = Now });
            State = BackupQuota.Refund(State, backup);
            AddHistory(BackupHistoryKinds.BackupFailed, null, new { backupId, reason, quotaReturned = backup.QuotaSource });
        }

        return Task.CompletedTask;
    }

    public Task RecordDownloadAsync(string backupId, string fileName)
    {
        if (State.Backup(backupId) is { } backup && backup.Files.Any(f => f.Name == fileName) && !backup.DownloadedFiles.Contains(fileName))
        {
            Replace(backup with { DownloadedFiles = backup.DownloadedFiles.Add(fileName) });
            AddHistory(BackupHistoryKinds.DownloadStarted, null, new { backupId, file = fileName });
        }

        return Task.CompletedTask;
    }

    public async Task<string> StartRestoreAsync(RestoreStart request, string userId)
    {
        var org = await OrganizationAsync();
        var module = request.Mode switch
        {
            RestoreModes.Full => null,
            RestoreModes.Module => org.Module(request.Module ?? "")?.Name
                ?? throw ProblemException.Validation("module", $"A module restore needs module naming a module of this organization; '{request.Module}' is not one."),
            _ => throw ProblemException.Validation("mode", "mode must be \"module\" (one module) or \"full\" (every module with its relations)."),
        };
        IReadOnlyList<string> data = request.DataParts, attachments = request.AttachmentParts;
        if (request.BackupId is { } backupId)
        {
            var backup = State.Backup(backupId) ?? throw ProblemException.NotFound($"Backup {backupId}");
            if (!AsOfNow(backup).IsDownloadable(Now))
            {
                throw backup.Status is BackupStatuses.Expired or BackupStatuses.Ready
                    ? new ProblemException(410, ProblemCodes.Gone, $"Backup {backupId} expired and its files were deleted; restore from a downloaded copy with POST …/restores/upload.")
                    : ProblemException.Conflict(ProblemCodes.Conflict, $"Backup {backupId} is {backup.Status}; only a ready backup can be restored.");
            }

            data = backup.Files.Where(f => f.Kind == BackupFileKinds.Data).Select(f => f.Path).ToList();
            attachments = backup.Files.Where(f => f.Kind == BackupFileKinds.Attachments).Select(f => f.Path).ToList();
        }

        if (await restores.HasAsync(org.Id!, RestoreStore.Active))
        {
            throw ProblemException.Conflict(ProblemCodes.BackupBusy, "A restore of this organization is already queued or running; wait until it finishes.");
        }

        AddEffect(new RestoreQueuedEffect(new RestoreRow(
            request.RestoreId, org.Id!, request.BackupId, data, attachments, request.Mode, module, request.DryRun, RestoreStatuses.Queued, null,
            new RestoreCounts(), null, userId, Now, null, null)));
        StartRun(BackupConstants.RestoreJobKind, org.Id!, new RestoreJobPayload(org.Id!, request.RestoreId));
        AddHistory(BackupHistoryKinds.RestoreRequested, userId, new { restoreId = request.RestoreId, request.BackupId, request.Mode, module, request.DryRun });
        return request.RestoreId;
    }

    private void RequestImmediate(OrganizationState org, string userId)
    {
        if (State.Backups.FirstOrDefault(b => b.IsActive) is { } active)
        {
            throw ProblemException.Conflict(ProblemCodes.BackupBusy, $"Backup {active.Id} is already {active.Status}; request another once it is ready.");
        }

        var month = BackupSchedules.MonthOf(Now, org.TimeZone);
        var included = BackupQuota.IncludedPerMonth(Options, org.Plan);
        var source = BackupQuota.SourceForImmediate(State, included, State.UsageIn(month))
            ?? throw QuotaExceeded(1, $"The {included} backup(s) included in your plan for {month} are used or reserved by the schedule, and no one-time add-on is left.");
        StartBackup(BackupTriggers.Immediate, month, source, userId);
    }

    private async Task RunOccurrenceAsync(DateTimeOffset occurrence)
    {
        var schedule = State.Schedule!;
        if (State.LastOccurrence >= occurrence)
        {
            return;
        }

        State = State with { LastOccurrence = occurrence };
        var org = await OrganizationAsync();
        if (org.TimeZone != schedule.TimeZone)
        {
            // The org moved to another time zone: later occurrences follow it.
            schedule = schedule with { TimeZone = org.TimeZone };
            State = State with { Schedule = schedule };
        }

        var month = BackupSchedules.MonthOf(occurrence, org.TimeZone);
        if (State.Backups.FirstOrDefault(b => b.IsActive) is { } active)
        {
            AddHistory(BackupHistoryKinds.BackupFailed, null, new { occurrence, reason = $"Backup {active.Id} was still {active.Status}; this occurrence was skipped." });
            return;
        }

        var source = BackupQuota.SourceForScheduled(State, BackupQuota.IncludedPerMonth(Options, org.Plan), State.UsageIn(month));
        if (source is null)
        {
            var reason = schedule.Frequency == BackupFrequencies.Weekly
                ? "The weekly backup subscription is not active; buy it to resume weekly backups."
                : $"No included backup is left for {month} and no one-time add-on was purchased; buy 1 add-on.";
            AddBackup(new BackupEntry
            {
                Id = Ids.New(), Status = BackupStatuses.Failed, Trigger = BackupTriggers.Scheduled, RequestedAt = Now, QuotaSource = "none",
                Month = month, FinishedAt = Now, Reason = reason,
            });
            AddHistory(BackupHistoryKinds.BackupFailed, null, new { occurrence, reason });
            return;
        }

        StartBackup(BackupTriggers.Scheduled, month, source, null);
    }

    private void StartBackup(string trigger, string month, string source, string? userId)
    {
        var id = Ids.New();
        var jobId = StartRun(BackupConstants.BackupJobKind, this.GetPrimaryKeyString(), new BackupJobPayload(this.GetPrimaryKeyString(), id));
        State = BackupQuota.Consume(State, month, source, trigger == BackupTriggers.Scheduled);
        AddBackup(new BackupEntry
        {
            Id = id, Status = BackupStatuses.Scheduled, Trigger = trigger, RequestedAt = Now, RequestedBy = userId, QuotaSource = source, Month = month, JobId = jobId,
        });
        AddHistory(BackupHistoryKinds.BackupRequested, userId, new { backupId = id, trigger, quota = source });
    }

    /// <summary>How long the deletion of an expired backup's files waits for a restore that reads them.</summary>
    private static readonly TimeSpan ExpiryDeferral = TimeSpan.FromMinutes(10);

    private void Expire(string backupId)
    {
        if (State.Backup(backupId) is not { Status: BackupStatuses.Ready } backup)
        {
            return;
        }

        // Files first: if this turn fails the reminder is delivered again and deleting is idempotent.
        blobs.DeleteFolder(BackupConstants.BackupFolder(this.GetPrimaryKeyString(), backupId));
        // Nothing is left to download or restore; the history keeps what the backup held, and the state stays small.
        Replace(backup with { Status = BackupStatuses.Expired, FinishedAt = Now, Files = [], Manifest = null });
        AddHistory(BackupHistoryKinds.BackupExpired, null, new { backupId });
    }

    /// <summary>A ready backup past its expiry reads as expired, whether or not its reminder has fired yet.</summary>
    private BackupEntry AsOfNow(BackupEntry backup) =>
        backup.Status == BackupStatuses.Ready && backup.ExpiresAt <= Now ? backup with { Status = BackupStatuses.Expired } : backup;

    private void Replace(BackupEntry backup) =>
        State = State with { Backups = State.Backups.Replace(State.Backup(backup.Id)!, backup) };

    private void AddBackup(BackupEntry backup)
    {
        var backups = State.Backups.Add(backup);
        while (backups.Count > Options.BackupsKept && backups.FirstOrDefault(b => b.Status is BackupStatuses.Expired or BackupStatuses.Failed) is { } old)
        {
            backups = backups.Remove(old);
        }

        State = State with { Backups = backups };
    }
}

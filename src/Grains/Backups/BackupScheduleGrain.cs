using System.Text.Json;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Blobs;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Backups;

/// <summary>The schedule, quota and purchases; backup runs, expiry, downloads and restores are in the other part.</summary>
public sealed partial class BackupScheduleGrain(
    [PersistentState("backup-schedule", StorageNames.Crm)] IPersistentState<StoredState<BackupScheduleState>> state,
    IOptions<BackupOptions> options,
    IBlobStore blobs,
    RestoreStore restores,
    CrmGrainServices services)
    : CrmGrain<BackupScheduleState>(state, services), IBackupScheduleGrain, IRemindable
{
    private BackupOptions Options => options.Value;

    public async Task<BackupSummary> SetScheduleAsync(ScheduleRequest request, string userId)
    {
        var org = await OrganizationAsync();
        var settings = BackupSchedules.Validate(request, org.TimeZone, Now, userId);
        if (settings.Frequency == BackupFrequencies.Now)
        {
            RequestImmediate(org, userId);
            return Summary(org);
        }

        var reminder = BackupSchedules.ReminderFor(settings)!;
        if (settings.Frequency == BackupFrequencies.Weekly && !State.WeeklySubscription)
        {
            throw new ProblemException(402, ProblemCodes.SubscriptionRequired,
                "A weekly schedule needs the weekly backup subscription; buy it with POST …/backup/purchases {\"kind\":\"weekly\",\"count\":1}.");
        }

        if (settings.Frequency != BackupFrequencies.Weekly)
        {
            var included = BackupQuota.IncludedPerMonth(Options, org.Plan);
            var (month, occurrences) = BackupSchedules.OccurrencesInNextMonth(reminder, Now, org.TimeZone);
            var needed = occurrences - BackupQuota.AvailableForSchedule(State, included, month);
            if (needed > 0)
            {
                throw QuotaExceeded(needed, $"This schedule runs {occurrences} backup(s) in {month}, and your plan and add-ons cover {occurrences - needed}.");
            }
        }

        var previous = State.Schedule;
        var next = reminder.NextAfter(Now);
        State = State with { Schedule = settings, LastOccurrence = null, NextOccurrence = next };
        await SetReminderAsync(BackupConstants.ScheduleReminder, next!.Value);
        AddHistory(BackupHistoryKinds.ScheduleSet, userId, new { schedule = BackupSchedules.Describe(settings), replaced = previous?.Frequency });
        Audit(userId, previous is null ? AuditActions.Create : AuditActions.Update, "backup/schedule",
            [new("frequency", previous?.Frequency, settings.Frequency), new("schedule", previous is null ? null : Json(BackupSchedules.Describe(previous)), Json(BackupSchedules.Describe(settings)))]);
        return Summary(org);
    }

    public async Task StopScheduleAsync(string userId)
    {
        await OrganizationAsync();
        if (State.Backups.FirstOrDefault(b => b.IsActive) is { } active)
        {
            throw ProblemException.Conflict(ProblemCodes.BackupBusy,
                $"Backup {active.Id} is {active.Status}; the schedule can be stopped once it is ready and its download period has ended.");
        }

        if (State.Backups.FirstOrDefault(b => b.IsDownloadable(Now)) is { } ready)
        {
            throw ProblemException.Conflict(ProblemCodes.BackupBusy,
                $"Backup {ready.Id} is ready for download until {ready.ExpiresAt:O}; the schedule can be stopped after that.");
        }

        var previous = State.Schedule;
        State = State with { Schedule = null, LastOccurrence = null, NextOccurrence = null };
        ClearReminderOnCommit(BackupConstants.ScheduleReminder);
        AddHistory(BackupHistoryKinds.ScheduleStopped, userId, new { frequency = previous?.Frequency, weeklySubscriptionKept = State.WeeklySubscription });
        Audit(userId, AuditActions.Delete, "backup/schedule", [new("frequency", previous?.Frequency, null)]);
    }

    public async Task<BackupSummary> GetSummaryAsync() => Summary(await OrganizationAsync());

    public async Task<BackupSummary> PurchaseAsync(string kind, int count, string userId)
    {
        var org = await OrganizationAsync();
        var before = State;
        switch (kind)
        {
            case PurchaseKinds.OneTime when count > 0 && count <= 1000:
                State = State with { OneTimeAddOns = State.OneTimeAddOns + count };
                break;
            case PurchaseKinds.OneTime when count < 0 && count >= -State.OneTimeAddOns:
                State = State with { OneTimeAddOns = State.OneTimeAddOns + count };
                break;
            case PurchaseKinds.OneTime when count < 0:
                throw ProblemException.Conflict(ProblemCodes.Conflict, $"Only {State.OneTimeAddOns} one-time add-on(s) are unused; only unused add-ons can be returned.");
            case PurchaseKinds.OneTime:
                throw ProblemException.Validation("count", "count is the number of one-time add-ons to buy (1–1000), or negative to return unused ones.");
            case PurchaseKinds.Weekly when count > 0:
                State = State with { WeeklySubscription = true };
                break;
            case PurchaseKinds.Weekly when count < 0 && State.Schedule?.Frequency == BackupFrequencies.Weekly:
                throw ProblemException.Conflict(ProblemCodes.Conflict, "The weekly schedule uses the subscription; change or stop the schedule before cancelling it.");
            case PurchaseKinds.Weekly when count < 0:
                State = State with { WeeklySubscription = false };
                break;
            default:
                throw ProblemException.Validation(kind is PurchaseKinds.Weekly ? "count" : "kind",
                    "Send {\"kind\":\"one_time\",\"count\":n} or {\"kind\":\"weekly\",\"count\":1}; a negative count downgrades.");
        }

        if (State != before)
        {
            AddHistory(count > 0 ? BackupHistoryKinds.Purchase : BackupHistoryKinds.Downgrade, userId,
                new { kind, count, oneTimeAddOns = State.OneTimeAddOns, weeklySubscription = State.WeeklySubscription });
            Audit(userId, AuditActions.Update, "backup/purchases",
                [new("oneTimeAddOns", before.OneTimeAddOns, State.OneTimeAddOns), new("weeklySubscription", before.WeeklySubscription, State.WeeklySubscription)]);
        }

        return Summary(org);
    }

    public Task<IReadOnlyList<BackupHistoryEntry>> GetHistoryAsync() => Task.FromResult<IReadOnlyList<BackupHistoryEntry>>(State.History);

    private BackupSummary Summary(OrganizationState org)
    {
        var included = BackupQuota.IncludedPerMonth(Options, org.Plan);
        var month = BackupSchedules.MonthOf(Now, org.TimeZone);
        var usage = State.UsageIn(month);
        var reserved = BackupQuota.Reserved(State.Schedule, included);
        var quota = new BackupQuotaSummary(month, included, usage.Total, State.OneTimeAddOns,
            BackupQuota.ImmediatePool(included, reserved, usage) + State.OneTimeAddOns, reserved, State.WeeklySubscription);
        var next = State.Schedule is null ? null : State.NextOccurrence;
        var status = State.Backups.Any(b => b.Status == BackupStatuses.Running) ? BackupStatuses.Running
            : State.Backups.Any(b => b.Status == BackupStatuses.Scheduled) ? BackupStatuses.Scheduled
            : State.Backups.Any(b => b.IsDownloadable(Now)) ? BackupStatuses.Ready
            : State.Schedule is not null ? BackupStatuses.Scheduled
            : "idle";
        return new BackupSummary(State.Schedule?.Frequency, status, next, State.Schedule, quota, State.Backups.LastOrDefault()?.Id);
    }

    private async Task<OrganizationState> OrganizationAsync()
    {
        var org = await GrainFactory.Grain<IOrganizationGrain>(this.GetPrimaryKeyString()).GetAsync();
        return org.Exists ? org : throw ProblemException.NotFound("Organization");
    }

    private static ProblemException QuotaExceeded(int needed, string why) =>
        new(402, ProblemCodes.QuotaExceeded,
            $"{why} Buy {needed} one-time backup add-on(s) with POST …/backup/purchases {{\"kind\":\"one_time\",\"count\":{needed}}}.",
            new Dictionary<string, object?> { ["needed"] = needed });

    private void AddHistory(string kind, string? userId, object details)
    {
        var history = State.History.Add(new BackupHistoryEntry(Now, kind, userId, JsonSerializer.SerializeToElement(details, JsonSerializerOptions.Web)));
        State = State with { History = history.Count > Options.HistoryLimit ? history.RemoveRange(0, history.Count - Options.HistoryLimit) : history };
    }

    private void Audit(string? userId, string action, string setting, IEnumerable<FieldChange> changes) =>
        Audit(this.GetPrimaryKeyString(), userId, action, setting, changes);

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}

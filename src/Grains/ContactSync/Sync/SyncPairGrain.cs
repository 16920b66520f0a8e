using CrmActors.Grains.Common;
using CrmActors.Grains.Runs;

namespace CrmActors.Grains.ContactSync.Sync;

public sealed class SyncPairGrain(
    [PersistentState("sync-pair", StorageNames.Crm)] IPersistentState<StoredState<SyncPairState>> state,
    CrmGrainServices services)
    : CrmGrain<SyncPairState>(state, services), ISyncPairGrain, IRemindable
{
    public const string ScheduleReminder = "contact-sync";

    public async Task<SyncPairState> CreateAsync(SyncPairState settings)
    {
        if (State.Id is not null)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"Sync pair {State.Id} already exists.");
        }

        // The first run starts at once; later ones at the pair's frequency.
        State = settings with { Id = this.GetPrimaryKeyString(), Enabled = true, Deleted = false, CreatedAt = Now };
        State = State with { NextRunAt = Now + Frequency };
        await StartRunIfIdleAsync();
        await ScheduleAsync();
        return State;
    }

    public Task<SyncPairState> GetAsync() => Task.FromResult(State);

    public async Task<SyncPairState> RunNowAsync()
    {
        Require();
        await StartRunIfIdleAsync();
        return State;
    }

    public async Task<SyncPairState> UpdateAsync(SyncPairState settings)
    {
        Require();
        if (settings.Revision != State.Revision)
        {
            // The settings were built from a read (and a remote check that may take a minute) another change overtook.
            throw ProblemException.Conflict(ProblemCodes.Conflict,
                $"Sync pair {State.Id} was changed by another request while this change was being checked; read it again and repeat the change.");
        }

        var rescheduled = settings.FrequencyMinutes != State.FrequencyMinutes;
        State = State with
        {
            Direction = settings.Direction, ConflictPolicy = settings.ConflictPolicy, FrequencyMinutes = settings.FrequencyMinutes,
            View = settings.View, FieldMap = settings.FieldMap, Defaults = settings.Defaults, Remote = settings.Remote, Revision = State.Revision + 1,
        };
        if (rescheduled && State.Enabled)
        {
            var next = (State.LastSyncAt ?? State.CreatedAt) + Frequency;
            State = State with { NextRunAt = next > Now ? next : Now };
            await ScheduleAsync();
        }

        return State;
    }

    public Task<SyncPairState> DisableAsync()
    {
        Require();
        State = State with { Enabled = false, NextRunAt = null };
        ClearReminderOnCommit(ScheduleReminder);
        return Task.FromResult(State);
    }

    public async Task<SyncPairState> EnableAsync()
    {
        Require();
        if (!State.Enabled)
        {
            State = State with { Enabled = true, NextRunAt = Now + Frequency };
            await StartRunIfIdleAsync();
            await ScheduleAsync();
        }

        return State;
    }

    public Task DeleteAsync()
    {
        if (State.Exists)
        {
            State = State with { Deleted = true, Enabled = false, NextRunAt = null };
            AddEffect(new SyncLinksDroppedEffect(State.OrgId, State.Id!));
            ClearReminderOnCommit(ScheduleReminder);
        }

        return Task.CompletedTask;
    }

    public Task<SyncPairState?> BeginRunAsync(string runId) =>
        Task.FromResult(State.Exists && State.ActiveRunId == runId ? State : null);

    public Task CompleteRunAsync(SyncRunOutcome outcome)
    {
        if (State.ActiveRunId != outcome.RunId)
        {
            return Task.CompletedTask;
        }

        var failed = outcome.Failure is not null;
        var report = new SyncRunReport
        {
            RunId = outcome.RunId, Status = failed ? SyncRunStatuses.Failed : SyncRunStatuses.Completed, FinishedAt = Now, Counts = outcome.Counts,
            ChangeSource = outcome.ChangeSource, FallbackReason = outcome.FallbackReason, Limits = outcome.Limits,
            Errors = failed ? outcome.Errors.Insert(0, outcome.Failure!) : outcome.Errors,
        };
        State = State with
        {
            ActiveRunId = null,
            LastRun = report,
            Totals = State.Totals.Add(outcome.Counts),
            PushedTotal = State.PushedTotal + outcome.Pushed,
            LastSyncAt = failed ? State.LastSyncAt : Now,
            CompletedRuns = failed ? State.CompletedRuns : State.CompletedRuns + 1,
            SyncToken = failed ? State.SyncToken : outcome.SyncToken,
        };
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ScheduleReminder)
        {
            return;
        }

        if (!State.Exists || !State.Enabled)
        {
            ClearReminderOnCommit(ScheduleReminder);
            return;
        }

        if (State.NextRunAt <= Now)
        {
            await StartRunIfIdleAsync();
            State = State with { NextRunAt = Now + Frequency };
        }

        await ScheduleAsync();
    }

    /// <summary>A run that ended without reporting (it failed for good) no longer blocks the next one.</summary>
    private async Task StartRunIfIdleAsync()
    {
        if (State.ActiveRunId is { } active)
        {
            var run = await GrainFactory.Grain<IRunGrain>(active).GetAsync();
            if (RunStatuses.IsActive(run.Status) || run.Status == RunStatuses.None)
            {
                return;
            }

            State = State with
            {
                ActiveRunId = null,
                LastRun = new SyncRunReport { RunId = active, Status = SyncRunStatuses.Failed, FinishedAt = Now, Errors = [run.Error ?? "The run ended without a report."] },
            };
        }

        var runId = StartRun(ContactSyncJob.JobKind, State.OrgId, new ContactSyncJob.Payload(State.Id!));
        State = State with { ActiveRunId = runId };
    }

    private TimeSpan Frequency => TimeSpan.FromMinutes(Math.Max(1, State.FrequencyMinutes));

    private Task ScheduleAsync() => SetReminderAsync(ScheduleReminder, State.NextRunAt ?? Now + Frequency);

    private void Require()
    {
        if (!State.Exists)
        {
            throw ProblemException.NotFound($"Sync pair {this.GetPrimaryKeyString()}");
        }
    }
}

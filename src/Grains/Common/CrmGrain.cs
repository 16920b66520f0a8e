using CrmActors.Grains.Common;
using System.Collections.Immutable;
using System.Text.Json;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Runs;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Common;

/// <summary>What every <see cref="CrmGrain{TState}"/> needs from the silo.</summary>
public sealed class CrmGrainServices(TimeProvider clock, SideEffectApplier effects, IOptions<ScheduleOptions> schedules)
{
    public TimeProvider Clock => clock;

    public SideEffectApplier Effects => effects;

    public ScheduleOptions Schedules => schedules.Value;
}

/// <summary>
/// A grain whose calls each commit at most once. A call changes <see cref="State"/> by assigning new
/// immutable values and queues its side effects; when it returns, the state is written once with
/// those effects in its outbox, and the effects are applied. A call that throws leaves the stored
/// state and the outside world as they were. A write that meets a newer version
/// (<see cref="InconsistentStateException"/>) means another activation took over: this one deactivates.
/// </summary>
public abstract class CrmGrain<TState>(IPersistentState<StoredState<TState>> store, CrmGrainServices services) : Grain, IIncomingGrainCallFilter, ILegacyStateImport
    where TState : class, new()
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private TState? _working;
    private List<SideEffect> _effects = [];
    private List<string> _remindersToClear = [];
    private DateTimeOffset? _now;

    /// <summary>The state as this call has changed it so far.</summary>
    protected TState State
    {
        get => _working ?? store.State.Value;
        set => _working = value;
    }

    /// <summary>The clock's time when the call began; one value for the whole call.</summary>
    protected DateTimeOffset Now => _now ?? services.Clock.GetUtcNow();

    protected CrmGrainServices Services => services;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (store.State.Outbox.Count > 0)
        {
            // The last write's effects may not all have been applied before the previous activation died.
            await services.Effects.ApplyAsync(store.State.Outbox);
            store.State = store.State with { Outbox = [] };
        }

        await OnActivatedAsync();
    }

    /// <summary>Runs after activation, outside any call: the place to catch up on missed reminders.</summary>
    protected virtual Task OnActivatedAsync() => Task.CompletedTask;

    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        var outer = _now is null;
        if (outer)
        {
            _now = services.Clock.GetUtcNow();
        }

        try
        {
            await context.Invoke();
            if (outer)
            {
                await CommitAsync();
            }
        }
        catch
        {
            _working = null;
            _effects = [];
            _remindersToClear = [];
            throw;
        }
        finally
        {
            if (outer)
            {
                _now = null;
            }
        }
    }

    /// <summary>Writes the state this call produced (if it changed) with its effects, then applies them.</summary>
    protected async Task CommitAsync()
    {
        var effects = _effects;
        var remindersToClear = _remindersToClear;
        _effects = [];
        _remindersToClear = [];
        var changed = _working is not null && !ReferenceEquals(_working, store.State.Value);
        if (changed)
        {
            var committed = store.State;
            store.State = new StoredState<TState> { Value = _working!, Outbox = [.. effects] };
            _working = null;
            try
            {
                await store.WriteStateAsync();
            }
            catch (InconsistentStateException)
            {
                store.State = committed;
                DeactivateOnIdle();
                throw;
            }
        }
        else
        {
            _working = null;
        }

        if (effects.Count > 0)
        {
            await services.Effects.ApplyAsync(effects);
            if (changed)
            {
                store.State = store.State with { Outbox = [] };
            }
        }

        foreach (var name in remindersToClear)
        {
            if (await this.GetReminder(name) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
    }

    public async Task<bool> ImportLegacyStateAsync(string json)
    {
        if (store.RecordExists)
        {
            return false;
        }

        State = JsonSerializer.Deserialize<TState>(json, Json) ?? new TState();
        await OnLegacyStateImportedAsync();
        return true;
    }

    /// <summary>After a legacy import: register what the old runtime kept outside the state (reminders, directory rows).</summary>
    protected virtual Task OnLegacyStateImportedAsync() => Task.CompletedTask;

    protected void AddEffect(SideEffect effect) => _effects.Add(effect);

    protected void Audit(string orgId, string? userId, string action, string setting, IEnumerable<FieldChange> changes) =>
        AddEffect(new AuditRowEffect(Ids.New(), orgId, Now, userId, action, AuditTargets.Setting, null, null, setting, JsonSerializer.Serialize(changes, Json)));

    /// <summary>Queues a run; it starts once this call's state is written. Returns the run's ID.</summary>
    protected string StartRun(string kind, string ownerKey, object payload)
    {
        var runId = Ids.New();
        AddEffect(new RunStartedEffect(new RunRequest(runId, kind, ownerKey, JsonSerializer.Serialize(payload, payload.GetType(), Json), Now)));
        return runId;
    }

    /// <summary>
    /// A reminder due at <paramref name="dueAt"/> and then every <see cref="ScheduleOptions.RetryPeriod"/>
    /// until cleared: the deadline or occurrence itself is kept in state and checked on each tick.
    /// </summary>
    protected Task SetReminderAsync(string name, DateTimeOffset dueAt)
    {
        var due = dueAt - Now;
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > services.Schedules.MaxDueTime ? services.Schedules.MaxDueTime : due;
        return this.RegisterOrUpdateReminder(name, due, services.Schedules.RetryPeriod);
    }

    /// <summary>
    /// Unregisters the reminder once this call's state is written, never before: a call that fails
    /// keeps it, and a reminder left behind by a crash just ticks once more and finds nothing to do.
    /// </summary>
    protected void ClearReminderOnCommit(string name) => _remindersToClear.Add(name);
}

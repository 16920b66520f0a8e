using CrmActors.Grains.Common;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
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
/// immutable values and queues its side effects; when it returns, the state is written with those
/// effects in its outbox, the effects are applied, and only then does the call answer. A call that
/// throws leaves the stored state and the outside world as they were. A write that meets a newer
/// version (<see cref="InconsistentStateException"/>) means another activation took over: this one deactivates.
/// <para>
/// <b>Group commit.</b> Calls compute one at a time (a gate), but a call does not hold the gate while its
/// write is in flight. In a <c>[Reentrant]</c> grain the next calls compute meanwhile, on top of the state
/// staged before them, and one write then covers all of them: under concurrent callers a grain writes
/// once per round trip instead of once per call. Each call still answers only once its own change is
/// durable; if that write fails, it fails every call staged on it, and the state goes back to the
/// durable one. <c>[ReadOnly]</c> calls skip the gate and see the durable state, never a staged one.
/// Grains that are not reentrant behave as before: one call, one write.
/// </para>
/// </summary>
public abstract class CrmGrain<TState>(IPersistentState<StoredState<TState>> store, CrmGrainServices services) : Grain, IIncomingGrainCallFilter, ILegacyStateImport
    where TState : class, new()
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ConcurrentDictionary<MethodInfo, bool> ReadOnlyMethods = new();

    // The grain whose call runs in this async flow, and what that call may do: read the durable state, or change it
    // (holding the gate). Keyed by the grain, so that a flow that reaches another grain of this type means nothing there.
    private static readonly AsyncLocal<(object? Grain, CallKind Kind)> Current = new();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private TState? _durable;
    private TState? _working;
    private List<SideEffect> _effects = [];
    private List<string> _remindersToClear = [];
    private DateTimeOffset? _now;

    // Staged by calls that returned, not yet durable: the newest state and everything to do once it is.
    private TState? _staged;
    private List<SideEffect> _stagedEffects = [];
    private List<string> _stagedReminders = [];
    // The calls staged since the last write began, and those of the write in flight: each completes once its write has.
    private TaskCompletionSource? _open;
    private TaskCompletionSource? _writing;
    private int _generation;
    private int _callGeneration;
    private Exception? _lastFailure;

    private enum CallKind { None, Reading, Writing }

    /// <summary>The state as this call has changed it so far (a <c>[ReadOnly]</c> call: the durable state).</summary>
    protected TState State
    {
        get => CurrentCall == CallKind.Reading ? Durable : _working ?? _staged ?? Durable;
        set => _working = CurrentCall != CallKind.Reading ? value : throw new InvalidOperationException("A [ReadOnly] grain call cannot change the state.");
    }

    // The state as last written (until the first write: as loaded); a write in flight has already replaced store.State.
    private TState Durable => _durable ??= store.State.Value;

    private CallKind CurrentCall => Current.Value.Grain == this ? Current.Value.Kind : CallKind.None;

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
        if (CurrentCall != CallKind.None)
        {
            await context.Invoke();
            return;
        }

        if (ReadOnlyMethods.GetOrAdd(context.InterfaceMethod, m => m.IsDefined(typeof(ReadOnlyAttribute), true)))
        {
            Current.Value = (this, CallKind.Reading);
            await context.Invoke();
            return;
        }

        Current.Value = (this, CallKind.Writing);
        await _gate.WaitAsync();
        Task written;
        try
        {
            _now = services.Clock.GetUtcNow();
            _callGeneration = _generation;
            await context.Invoke();
            written = Stage();
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
            _now = null;
            _gate.Release();
        }

        await written;
    }

    /// <summary>Writes the state this call produced so far (if it changed) with its effects, applies them, and waits for both.</summary>
    protected Task CommitAsync() => Stage();

    // Hands this call's changes to the next write; the task completes once they are durable and applied.
    // A call that changed nothing still waits for what it read of the staged state to become durable.
    private Task Stage()
    {
        if (_callGeneration != _generation)
        {
            // A write this call built on failed while it ran.
            throw _lastFailure!;
        }

        var changed = _working is not null && !ReferenceEquals(_working, _staged ?? Durable);
        _staged = changed ? _working : _staged;
        _working = null;
        if (!changed && _effects.Count == 0 && _remindersToClear.Count == 0)
        {
            return (_open ?? _writing)?.Task ?? Task.CompletedTask;
        }

        _stagedEffects.AddRange(_effects);
        _stagedReminders.AddRange(_remindersToClear);
        _effects = [];
        _remindersToClear = [];
        var batch = _open ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_writing is null)
        {
            _ = WriteStagedAsync();
        }

        return batch.Task;
    }

    private async Task WriteStagedAsync()
    {
        while (_open is { } batch)
        {
            (_open, _writing) = (null, batch);
            var (state, effects, reminders) = (_staged, _stagedEffects, _stagedReminders);
            (_stagedEffects, _stagedReminders) = ([], []);
            try
            {
                await WriteAsync(state, effects, reminders);
                if (ReferenceEquals(_staged, state))
                {
                    _staged = null;
                }

                batch.SetResult();
            }
            catch (Exception e)
            {
                // Calls staged after this write (or computing now) built on a state that never became durable.
                (_staged, _stagedEffects, _stagedReminders, _lastFailure) = (null, [], [], e);
                _generation++;
                _open?.SetException(e);
                _open = null;
                batch.SetException(e);
            }
            finally
            {
                _writing = null;
            }
        }
    }

    private async Task WriteAsync(TState? state, List<SideEffect> effects, List<string> remindersToClear)
    {
        var outbox = (IReadOnlyList<SideEffect>)effects;
        if (state is not null)
        {
            var committed = store.State;
            // Effects whose application failed after an earlier write stay in the outbox until applied.
            store.State = new StoredState<TState> { Value = state, Outbox = [.. committed.Outbox, .. effects] };
            try
            {
                await store.WriteStateAsync();
            }
            catch (Exception e)
            {
                store.State = committed;
                if (e is InconsistentStateException)
                {
                    DeactivateOnIdle();
                }

                throw;
            }

            _durable = state;
            outbox = store.State.Outbox;
        }

        if (outbox.Count > 0)
        {
            await services.Effects.ApplyAsync(outbox);
            if (state is not null)
            {
                store.State = store.State with { Outbox = [] };
            }
        }

        foreach (var name in remindersToClear.Distinct())
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

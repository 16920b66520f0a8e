using CrmActors.Runtime.Jobs;
using CrmActors.Runtime.Reminders;

namespace CrmActors.Runtime.Grains;

/// <summary>
/// Base class of every grain. An instance lives for one turn; its state is loaded before the call
/// and written by the runtime after it, in the same transaction.
/// </summary>
public abstract class Grain
{
    private GrainTurn? _turn;
    private GrainRuntime? _runtime;

    protected GrainTurn Turn => _turn ?? throw new InvalidOperationException("The grain is not in a turn.");

    protected IGrainFactory GrainFactory => Runtime.Factory;

    private GrainRuntime Runtime => _runtime ?? throw new InvalidOperationException("The grain is not in a turn.");

    public string GetPrimaryKeyString() => Turn.Grain.Key;

    internal virtual Type? StateType => null;

    internal virtual object? StateObject { get => null; set { } }

    internal void Attach(GrainTurn turn, GrainRuntime runtime)
    {
        _turn = turn;
        _runtime = runtime;
    }

    protected Task RegisterOrUpdateReminderAsync(string reminderName, ReminderSchedule schedule) =>
        Runtime.Reminders.RegisterAsync(Turn, reminderName, schedule);

    protected Task UnregisterReminderAsync(string reminderName) =>
        Runtime.Reminders.UnregisterAsync(Turn, reminderName);

    protected Task<ReminderEntry?> GetReminderAsync(string reminderName) =>
        Runtime.Reminders.GetAsync(Turn.Connection, Turn.Transaction, Turn.Grain, reminderName);

    /// <summary>Queues long work in the same transaction as this turn's state change.</summary>
    protected Task<string> StartJobAsync(string kind, object payload) =>
        Runtime.Jobs.EnqueueAsync(Turn, kind, Turn.Grain.Key, payload);
}

/// <summary>A grain with persisted state; change it by assigning a new record (<c>State = State with { … }</c>).</summary>
public abstract class Grain<TState> : Grain where TState : class, new()
{
    protected TState State { get; set; } = new();

    internal override Type? StateType => typeof(TState);

    internal override object? StateObject
    {
        get => State;
        set => State = (TState?)value ?? new TState();
    }
}

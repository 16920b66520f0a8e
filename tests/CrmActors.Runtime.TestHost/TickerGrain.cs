using System.Collections.Immutable;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Reminders;

namespace CrmActors.Runtime.TestHost;

public interface ITickerGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan period);

    Task StopAsync();

    [ReadOnly]
    Task<ImmutableList<Firing>> GetFiringsAsync();
}

public sealed record Firing(DateTimeOffset Occurrence, DateTimeOffset FiredAt);

public sealed record TickerState
{
    public ImmutableList<Firing> Firings { get; init; } = [];
}

public sealed class TickerGrain(TimeProvider clock) : Grain<TickerState>, ITickerGrain, IRemindable
{
    public const string ReminderName = "tick";

    public Task StartAsync(TimeSpan period) =>
        RegisterOrUpdateReminderAsync(ReminderName, ReminderSchedule.Every(period, clock.GetUtcNow() + period));

    public Task StopAsync() => UnregisterReminderAsync(ReminderName);

    public Task<ImmutableList<Firing>> GetFiringsAsync() => Task.FromResult(State.Firings);

    public Task ReceiveReminderAsync(string reminderName, TickStatus status)
    {
        State = State with { Firings = State.Firings.Add(new Firing(status.Occurrence, status.Now)) };
        return Task.CompletedTask;
    }
}

using CrmActors.Runtime.Grains;

namespace CrmActors.Runtime.TestHost;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task IncrementThenFailAsync();

    [ReadOnly]
    Task<int> GetAsync();
}

public sealed record CounterState
{
    public int Value { get; init; }
}

public sealed class CounterGrain(TurnProbe probe) : Grain<CounterState>, ICounterGrain
{
    public async Task<int> IncrementAsync()
    {
        var started = probe.Enter(GetPrimaryKeyString());
        await Task.Yield();
        State = State with { Value = State.Value + 1 };
        probe.Leave(GetPrimaryKeyString(), started);
        return State.Value;
    }

    public Task IncrementThenFailAsync()
    {
        State = State with { Value = State.Value + 1 };
        throw new InvalidOperationException("failed after changing state");
    }

    public Task<int> GetAsync() => Task.FromResult(State.Value);
}

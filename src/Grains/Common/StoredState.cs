using CrmActors.Grains.Common;
using System.Collections.Immutable;

namespace CrmActors.Grains.Common;

/// <summary>What a <see cref="CrmGrain{TState}"/> stores: its state and the side effects of the write that produced it.</summary>
public sealed record StoredState<TState> where TState : class, new()
{
    public TState Value { get; init; } = new();

    public ImmutableList<SideEffect> Outbox { get; init; } = [];
}

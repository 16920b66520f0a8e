namespace CrmActors.Runtime.Grains;

/// <summary>A state write found another version than the one the turn read: nothing was written.</summary>
public sealed class GrainStateConflictException(GrainId grain, long expectedVersion)
    : Exception($"Grain {grain} was changed by someone else (expected version {expectedVersion}); the write was refused.")
{
    public GrainId Grain { get; } = grain;
}

/// <summary>A call waited longer than the configured limit for the grain's turn.</summary>
public sealed class GrainCallTimeoutException(GrainId grain, TimeSpan waited)
    : TimeoutException($"Grain {grain} stayed busy for {waited.TotalSeconds:0.#} s; the call was abandoned.");

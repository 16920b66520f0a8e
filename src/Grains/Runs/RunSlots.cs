using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Runs;

/// <summary>The silo's run slots (<see cref="RunOptions.MaxConcurrentPerSilo"/>): a run waits, queued, until one is free.</summary>
public sealed class RunSlots(IOptions<RunOptions> options)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentPerSilo));

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();
}

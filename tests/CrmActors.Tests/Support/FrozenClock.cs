namespace CrmActors.Tests.Support;

/// <summary>A clock that stands still until the test sets it.</summary>
public sealed class FrozenClock(DateTimeOffset now) : TimeProvider
{
    private long _ticks = now.UtcTicks;

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
}

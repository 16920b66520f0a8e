namespace CrmActors.Grains.Runs;

/// <summary>Limits and timings of runs (<c>Runs:*</c>).</summary>
public sealed class RunOptions
{
    /// <summary>Runs working at once on one silo; more wait, queued, for a slot.</summary>
    public int MaxConcurrentPerSilo { get; set; } = 2;

    /// <summary>
    /// Attempts before a run fails for good. An attempt whose silo died under it counts (a run that brings its silo down
    /// is not tried on every silo in turn); one whose silo shut down in order does not.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Period of the resume reminder a run holds while active; Orleans's minimum is 1 minute unless lowered.</summary>
    public TimeSpan ResumePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Delay before a failed attempt is retried.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a running run writes its progress and heartbeat to the <c>runs</c> table the dashboards read.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a deactivating run waits for its attempt to stop at a checkpoint or fence before it lets go.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

namespace CrmActors.Grains.Runs;

public sealed record RunState
{
    public RunRequest? Request { get; init; }

    public string Status { get; init; } = RunStatuses.None;

    /// <summary>Attempts started so far; the current attempt's number is its fencing token.</summary>
    public int Attempts { get; init; }

    /// <summary>Attempts that ended because their silo shut down in order; they do not count towards <see cref="RunOptions.MaxAttempts"/>.</summary>
    public int Stopped { get; init; }

    public string? Checkpoint { get; init; }

    public double Progress { get; init; }

    public string? Silo { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Error { get; init; }

    public string? Result { get; init; }

    public DateTimeOffset? RetryAt { get; init; }
}

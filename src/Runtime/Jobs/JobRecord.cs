namespace CrmActors.Runtime.Jobs;

/// <summary>
/// A job as stored: what to do (kind, payload), who is doing it (owner node, the run's fencing token
/// <see cref="RunId"/>, lease) and how far it got.
/// </summary>
public sealed record JobRecord(
    string Id,
    string Kind,
    string GrainKey,
    string Payload,
    string Status,
    string? Owner,
    string? RunId,
    DateTimeOffset? LeaseUntil,
    DateTimeOffset? HeartbeatAt,
    string? Checkpoint,
    double Progress,
    string? Result,
    string? Error,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

namespace CrmActors.Grains.Runs;

/// <summary>
/// One piece of long work (key: run ID): a backup export, a restore, a purge, a configuration apply.
/// It runs in the background of its activation on whichever silo holds it, checkpoints into its
/// state, and holds a resume reminder until it ends, so a silo's death moves it to another silo,
/// which resumes from the last checkpoint. Each resumption is a new attempt; an attempt that
/// another has superseded can no longer write its state or pass its fence.
/// </summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Starts the run; calling it again for a started run does nothing.</summary>
    Task StartAsync(RunRequest request);

    [ReadOnly]
    Task<RunStatus> GetAsync();

    /// <summary>Saves attempt <paramref name="attempt"/>'s checkpoint; throws <see cref="RunSupersededException"/> if a later attempt took over.</summary>
    Task SaveCheckpointAsync(int attempt, string checkpoint, double progress);
}

[GenerateSerializer, Alias("crm.run-request")]
public sealed record RunRequest(
    [property: Id(0)] string RunId,
    [property: Id(1)] string Kind,
    [property: Id(2)] string OwnerKey,
    [property: Id(3)] string Payload,
    [property: Id(4)] DateTimeOffset RequestedAt);

[GenerateSerializer, Alias("crm.run-status")]
public sealed record RunStatus(
    [property: Id(0)] string RunId,
    [property: Id(1)] string? Kind,
    [property: Id(2)] string Status,
    [property: Id(3)] double Progress,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string? Silo,
    [property: Id(6)] string? Error,
    [property: Id(7)] string? Result);

public static class RunStatuses
{
    public const string None = "none";
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static bool IsActive(string status) => status is Queued or Running;
}

/// <summary>This attempt of a run was superseded by a later one (its silo was declared dead and the run resumed elsewhere).</summary>
[GenerateSerializer, Alias("crm.run-superseded")]
public sealed class RunSupersededException(string message) : OperationCanceledException(message);

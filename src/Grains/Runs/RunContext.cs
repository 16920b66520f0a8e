using System.Data.Common;
using System.Text.Json;

namespace CrmActors.Grains.Runs;

/// <summary>What a running attempt sees: its request, its checkpoint, its fence, and a token cancelled when the silo stops.</summary>
public sealed class RunContext(RunRequest request, int attempt, string? checkpoint, IRunGrain grain, RunTable table, CancellationToken cancellationToken)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private double _progress;

    public RunRequest Request => request;

    public string RunId => request.RunId;

    /// <summary>This attempt's number, its fencing token: a later attempt has a higher one.</summary>
    public int Attempt => attempt;

    public CancellationToken CancellationToken => cancellationToken;

    public double Progress => Volatile.Read(ref _progress);

    public T Payload<T>() => JsonSerializer.Deserialize<T>(request.Payload, Json)!;

    public T? Checkpoint<T>() => checkpoint is null ? default : JsonSerializer.Deserialize<T>(checkpoint, Json);

    /// <summary>Saves progress durably; an attempt that resumes this run starts from here.</summary>
    public async Task SaveCheckpointAsync<T>(T value, double progress)
    {
        cancellationToken.ThrowIfCancellationRequested();
        checkpoint = JsonSerializer.Serialize(value, Json);
        await grain.SaveCheckpointAsync(attempt, checkpoint, progress);
        Volatile.Write(ref _progress, progress);
    }

    /// <summary>Progress for the dashboards; written with the next heartbeat, not durably.</summary>
    public Task ReportProgressAsync(double progress)
    {
        Volatile.Write(ref _progress, progress);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Call inside a transaction before it writes the run's output: share-locks the run's fence row and
    /// stops this attempt if a later attempt has claimed the run, so two attempts never both commit. A claim
    /// waits for every transaction inside the fence; an attempt's own writers (a restore's records and files)
    /// pass it together.
    /// </summary>
    public async Task FenceAsync(DbConnection connection, DbTransaction transaction)
    {
        if (!await table.HoldsAsync(connection, transaction, request.RunId, attempt))
        {
            throw new RunSupersededException($"Run {request.RunId} attempt {attempt} was superseded by a later attempt; it stops.");
        }
    }
}

using System.Data.Common;
using System.Text.Json;

namespace CrmActors.Runtime.Jobs;

/// <summary>What a running job sees: its record, its checkpoint, and a token cancelled when its lease is lost.</summary>
public sealed class JobContext(JobRecord job, JobStore store, CancellationToken cancellationToken)
{
    public JobRecord Job => job;

    public CancellationToken CancellationToken => cancellationToken;

    public T Payload<T>() => JsonSerializer.Deserialize<T>(job.Payload, JobStore.Json)!;

    public T? Checkpoint<T>() => job.Checkpoint is null ? default : JsonSerializer.Deserialize<T>(job.Checkpoint, JobStore.Json);

    /// <summary>Saves progress durably; a node that resumes this job starts from here.</summary>
    public async Task SaveCheckpointAsync<T>(T checkpoint, double progress)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!await store.SaveCheckpointAsync(job.Id, job.RunId!, JsonSerializer.Serialize(checkpoint, JobStore.Json), progress))
        {
            throw new OperationCanceledException($"Job {job.Id} is no longer leased to this node.");
        }
    }

    /// <summary>
    /// Call inside a transaction before it writes the job's output: locks the job's row and stops this
    /// run if another claim has taken the job over (its lease lapsed), so two runs never both commit.
    /// </summary>
    public async Task FenceAsync(DbConnection connection, DbTransaction transaction)
    {
        if (!await store.HoldsRunAsync(connection, transaction, job.Id, job.RunId!))
        {
            throw new OperationCanceledException($"Job {job.Id} was taken over by another run; this run stops.");
        }
    }

    public Task ReportProgressAsync(double progress) => store.ReportProgressAsync(job.Id, job.RunId!, progress);
}

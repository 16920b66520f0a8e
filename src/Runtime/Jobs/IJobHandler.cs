namespace CrmActors.Runtime.Jobs;

/// <summary>
/// Long work of one kind. <see cref="RunAsync"/> may run more than once for the same job (its node
/// died): it resumes from the last checkpoint and publishes its output idempotently.
/// </summary>
public interface IJobHandler
{
    string Kind { get; }

    /// <summary>Does the work; returns a result (JSON) stored with the completed job.</summary>
    Task<string?> RunAsync(JobContext context);

    /// <summary>Called once when the job has failed for good, with the reason.</summary>
    Task OnFailedAsync(JobRecord job, string error);
}

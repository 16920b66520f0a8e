namespace CrmActors.Grains.Runs;

/// <summary>
/// Long work of one kind. <see cref="RunAsync"/> may run more than once for the same run (its silo
/// died): it resumes from the last checkpoint and publishes its output idempotently.
/// </summary>
public interface IRunHandler
{
    string Kind { get; }

    /// <summary>Does the work; returns a result (JSON) kept with the completed run.</summary>
    Task<string?> RunAsync(RunContext context);

    /// <summary>Called once when the run has failed for good, with the reason.</summary>
    Task OnFailedAsync(RunContext context, string error);
}

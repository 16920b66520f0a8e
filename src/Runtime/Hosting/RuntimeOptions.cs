namespace CrmActors.Runtime.Hosting;

/// <summary>Timings of the runtime; every one is a setting (<c>Runtime:*</c>).</summary>
public sealed class RuntimeOptions
{
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReminderLease { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan ReminderRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(30);

    public int JobMaxAttempts { get; set; } = 3;

    public int MaxConcurrentJobs { get; set; } = 2;

    public TimeSpan SiloHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);
}

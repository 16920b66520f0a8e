namespace CrmActors.Grains.Migrations;

/// <summary>Limits and timings of help-desk migrations (<c>Migration:*</c>, SPEC §8); each refusal names its key.</summary>
public sealed class MigrationOptions
{
    private const long GB = 1L << 30;

    /// <summary>Files a job may hold per pass (a ZIP counts as one).</summary>
    public int MaxFiles { get; set; } = 5;

    public long MaxFileBytes { get; set; } = 2 * GB;

    /// <summary>Bytes of all of a job's files together.</summary>
    public long MaxTotalBytes { get; set; } = 10 * GB;

    /// <summary>Bytes a trial organization may migrate in total, over all its jobs.</summary>
    public long TrialMaxTotalBytes { get; set; } = 2 * GB;

    /// <summary>Time from the end of the first pass to the start of the second.</summary>
    public TimeSpan SecondPassDelay { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long after a first-pass report change requests are accepted.</summary>
    public TimeSpan ChangeRequestWindow { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Change requests a job takes (each up to 10,000 characters; they are kept in the job's state).</summary>
    public int MaxChangeRequests { get; set; } = 50;

    /// <summary>Time from submission to the first pass; the job can be cancelled (it is pending) until then.</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How often a due pass held back by an enabled CRM or Salesforce integration looks again.</summary>
    public TimeSpan IntegrationsRecheck { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Source rows written per transaction.</summary>
    public int BatchSize { get; set; } = 1000;

    public static string Key(string name) => $"Migration__{name}";
}

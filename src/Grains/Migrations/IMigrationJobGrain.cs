using System.Collections.Immutable;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// One help-desk migration job (key: job ID) through its lifecycle: <c>draft → pending →
/// first_pass_running → first_pass_done → second_pass_running → completed</c>, or cancelled / failed.
/// Every call names the organization; a job of another organization is not found. A refused
/// transition is a 409 naming the job's state; a refused file a 413/409 naming the limit's setting.
/// </summary>
public interface IMigrationJobGrain : IGrainWithStringKey
{
    /// <summary>Creates the job as a draft; refused on the free plan or for an unknown source system or module.</summary>
    Task<MigrationJobState> CreateAsync(string orgId, NewMigration request, string actorId);

    [ReadOnly]
    Task<MigrationJobState> GetAsync(string orgId);

    /// <summary>
    /// Before an upload streams: refuses a job that takes no files now or already holds as many as a
    /// pass may, and answers how many bytes the file may have and which setting bounds it.
    /// </summary>
    [ReadOnly]
    Task<UploadAllowance> AllowUploadAsync(string orgId, string fileName);

    /// <summary>Records a stored, inspected upload (the limits checked again); returns the blob of a file it replaced, to delete.</summary>
    Task<string?> AddFileAsync(string orgId, MigrationFile file, string actorId);

    /// <summary>draft → pending; refused with no files, or while the crm or salesforce integration is on.</summary>
    Task<MigrationJobState> SubmitAsync(string orgId, string actorId);

    /// <summary>pending → cancelled; a job in any other state refuses, naming it.</summary>
    Task<MigrationJobState> CancelAsync(string orgId, string actorId);

    /// <summary>
    /// A change request on the first pass's report (SPEC §3): accepted while the job is first_pass_done
    /// and within <c>Migration__ChangeRequestWindow</c> of the first pass's end.
    /// </summary>
    Task<MigrationChangeRequest> RequestChangeAsync(string orgId, string? text, string actorId);

    /// <summary>Called by a pass's run when it ends: records its counts and report, notifies the requester, moves the job on.</summary>
    Task PassEndedAsync(int pass, string runId, MigrationPassOutcome outcome);
}

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.new-migration")]
public sealed record NewMigration(
    string? SourceSystem,
    ImmutableList<string>? Modules,
    string? Notes,
    ImmutableDictionary<string, ImmutableDictionary<string, string>>? FieldMap,
    ImmutableDictionary<string, ImmutableDictionary<string, ImmutableDictionary<string, string>>>? ValueMap);

/// <summary>How many bytes an upload may have, and the setting whose limit that is (for the 413).</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-upload-allowance")]
public sealed record UploadAllowance(long MaxBytes, string Limit, string Detail, int Pass);

/// <summary>How a pass ended: counts per module and the report blob, or the error that failed it.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.migration-pass-outcome")]
public sealed record MigrationPassOutcome(ImmutableDictionary<string, ModuleCounts> Counts, string? ReportBlob, string? Error);

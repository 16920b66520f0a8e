using System.Collections.Immutable;
using System.Data.Common;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Storage;
using Dapper;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Migrations;

public sealed class MigrationJobGrain(
    [PersistentState("migration-job", StorageNames.Crm)] IPersistentState<StoredState<MigrationJobState>> state,
    CrmGrainServices services,
    IDatabase database,
    IOptions<MigrationOptions> options)
    : CrmGrain<MigrationJobState>(state, services), IMigrationJobGrain, IRemindable
{
    /// <summary>The job's one reminder: due when the first pass may start (after submission) and when the second pass is due.</summary>
    public const string PassReminder = "migration-pass";

    private static readonly TimeSpan MinimumDue = TimeSpan.FromSeconds(1);

    private MigrationOptions Options => options.Value;

    public async Task<MigrationJobState> CreateAsync(string orgId, NewMigration request, string actorId)
    {
        if (State.Exists)
        {
            return Require(orgId);
        }

        var org = await GrainFactory.Grain<IOrganizationGrain>(orgId).GetAsync();
        MigrationRules.RequirePlan(org);
        if (request.Modules is not { Count: > 0 })
        {
            throw ProblemException.Validation("modules", $"modules lists what to migrate; use some of: {MigrationModules.AllowedList}.");
        }

        var modules = MigrationModules.Expand(request.Modules);
        var fieldMap = request.FieldMap ?? ImmutableDictionary<string, ImmutableDictionary<string, string>>.Empty;
        var valueMap = request.ValueMap ?? ImmutableDictionary<string, ImmutableDictionary<string, ImmutableDictionary<string, string>>>.Empty;
        // Refuses an unknown source system or a map naming an unknown module, before anything is stored.
        var mapping = MigrationRules.Mapping(request.SourceSystem ?? "", fieldMap, valueMap);
        State = new MigrationJobState
        {
            Id = this.GetPrimaryKeyString(),
            OrgId = orgId,
            SourceSystem = mapping.Format.Name,
            Modules = [.. modules],
            Notes = request.Notes,
            FieldMap = fieldMap,
            ValueMap = valueMap,
            RequestedBy = actorId,
            CreatedAt = Now,
        };
        Changed(actorId, AuditActions.Create, null);
        return State;
    }

    public Task<MigrationJobState> GetAsync(string orgId) => Task.FromResult(Require(orgId));

    public async Task<UploadAllowance> AllowUploadAsync(string orgId, string fileName) => (await AllowanceAsync(orgId, fileName)).Allowance;

    /// <summary>The upload's allowance, with the organization it was reckoned against.</summary>
    private async Task<(UploadAllowance Allowance, OrganizationState Org)> AllowanceAsync(string orgId, string fileName)
    {
        var job = Require(orgId);
        RequireTakesFiles(job, "take files");
        var pass = job.Status == MigrationJobStatus.Draft ? 1 : 2;
        var replaces = job.Files.FirstOrDefault(f => f.Name == fileName);
        if (replaces is not null && replaces.Pass != pass)
        {
            throw ProblemException.Conflict(MigrationProblemCodes.InvalidState,
                $"{fileName} belongs to the first pass, which has run; upload the delta export under another name.");
        }

        if (replaces is null && job.Files.Count(f => f.Pass == pass) >= Options.MaxFiles)
        {
            throw Limit(409, "MaxFiles", $"The job holds {Options.MaxFiles} files for this pass, the most a pass may have ({MigrationOptions.Key("MaxFiles")}); put several modules' CSVs in one ZIP, or replace a file by uploading it under the same name.");
        }

        var others = job.TotalBytes - (replaces?.Size ?? 0);
        List<(long Bytes, string Limit, string Detail)> bounds =
        [
            (Options.MaxFileBytes, "MaxFileBytes", $"A file may have at most {Options.MaxFileBytes:N0} bytes ({MigrationOptions.Key("MaxFileBytes")}); split the export into several files."),
            (Options.MaxTotalBytes - others, "MaxTotalBytes", $"A job's files may have at most {Options.MaxTotalBytes:N0} bytes together ({MigrationOptions.Key("MaxTotalBytes")}); {others:N0} are taken."),
        ];
        var org = await GrainFactory.Grain<IOrganizationGrain>(orgId).GetAsync();
        if (org.Trial)
        {
            var elsewhere = await OtherJobsBytesAsync(orgId);
            bounds.Add((Options.TrialMaxTotalBytes - elsewhere - others, "TrialMaxTotalBytes",
                $"A trial organization may migrate at most {Options.TrialMaxTotalBytes:N0} bytes in total ({MigrationOptions.Key("TrialMaxTotalBytes")}); {elsewhere + others:N0} are taken. Upgrade to a paid plan to migrate more."));
        }

        var bound = bounds.MinBy(b => b.Bytes);
        if (bound.Bytes <= 0)
        {
            throw Limit(413, bound.Limit, bound.Detail);
        }

        return (new UploadAllowance(bound.Bytes, bound.Limit, bound.Detail, pass), org);
    }

    public async Task<string?> AddFileAsync(string orgId, MigrationFile file, string actorId)
    {
        var (allowance, org) = await AllowanceAsync(orgId, file.Name);
        if (file.Size > allowance.MaxBytes)
        {
            throw Limit(413, allowance.Limit, allowance.Detail);
        }

        var replaced = State.Files.FirstOrDefault(f => f.Name == file.Name);
        var added = file with { Pass = allowance.Pass, UploadedAt = Now };
        var next = State with { Files = replaced is null ? State.Files.Add(added) : State.Files.Replace(replaced, added) };
        if (org.Trial)
        {
            await ReserveTrialBytesAsync(next);
        }

        State = next;
        Audit(orgId, actorId, AuditActions.Update, Setting, [new FieldChange("file", replaced?.Name, $"{file.Name} ({file.Size} bytes, {added.Module})")]);
        Index();
        return replaced?.BlobPath;
    }

    public async Task<MigrationJobState> SubmitAsync(string orgId, string actorId)
    {
        var job = Require(orgId);
        RequireStatus(job, "be submitted", MigrationJobStatus.Draft);
        if (job.Files.Count == 0)
        {
            throw ProblemException.Conflict(MigrationProblemCodes.NoFiles, $"The job has no files; upload them with PUT /api/orgs/{orgId}/migrations/{job.Id}/files/{{name}}, then submit.");
        }

        var org = await GrainFactory.Grain<IOrganizationGrain>(orgId).GetAsync();
        MigrationRules.RequirePlan(org);
        MigrationRules.RequireNoIntegrations(org);
        State = job with { Status = MigrationJobStatus.Pending, SubmittedAt = Now };
        Changed(actorId, AuditActions.Update, job.Status);
        await DueAtAsync(Now + Options.StartDelay);
        return State;
    }

    public Task<MigrationJobState> CancelAsync(string orgId, string actorId)
    {
        var job = Require(orgId);
        RequireStatus(job, "be cancelled", MigrationJobStatus.Pending);
        State = job with { Status = MigrationJobStatus.Cancelled };
        Changed(actorId, AuditActions.Update, job.Status);
        ClearReminderOnCommit(PassReminder);
        return Task.FromResult(State);
    }

    public Task<MigrationChangeRequest> RequestChangeAsync(string orgId, string? text, string actorId)
    {
        var job = Require(orgId);
        RequireStatus(job, "take change requests", MigrationJobStatus.FirstPassDone);
        if (string.IsNullOrWhiteSpace(text) || text.Length > 10_000)
        {
            throw ProblemException.Validation("text", "text says what to change in the first pass's report (1 to 10,000 characters).");
        }

        if (job.ChangeRequests.Count >= Options.MaxChangeRequests)
        {
            throw Limit(409, "MaxChangeRequests", $"The job holds {Options.MaxChangeRequests} change requests, the most it takes ({MigrationOptions.Key("MaxChangeRequests")}); say several things in one request.");
        }

        var closes = job.Passes[0].FinishedAt!.Value + Options.ChangeRequestWindow;
        if (Now > closes)
        {
            throw new ProblemException(409, MigrationProblemCodes.ChangeWindowClosed,
                $"Change requests on the first pass's report were accepted until {closes:u} ({MigrationOptions.Key("ChangeRequestWindow")} after it); the second pass migrates what it did not.",
                new Dictionary<string, object?> { ["limit"] = MigrationOptions.Key("ChangeRequestWindow") });
        }

        var request = new MigrationChangeRequest(Now, actorId, text.Trim());
        State = job with { ChangeRequests = job.ChangeRequests.Add(request) };
        Audit(orgId, actorId, AuditActions.Create, Setting, [new FieldChange("changeRequest", null, request.Text)]);
        return Task.FromResult(request);
    }

    public async Task PassEndedAsync(int pass, string runId, MigrationPassOutcome outcome)
    {
        var job = State;
        if (job.CurrentPass is not { } current || current.Pass != pass || current.RunId != runId || current.FinishedAt is not null)
        {
            return;
        }

        var ended = current with { FinishedAt = Now, Counts = outcome.Counts, ReportBlob = outcome.ReportBlob, Error = outcome.Error };
        var passes = job.Passes.SetItem(job.Passes.Count - 1, ended);
        var name = pass == 1 ? "first" : "second";
        if (outcome.Error is not null)
        {
            State = job with { Passes = passes, Status = MigrationJobStatus.Failed, Error = outcome.Error };
            Notify(pass, $"The {name} pass of migration {job.Id} failed: {outcome.Error}");
            ClearReminderOnCommit(PassReminder);
        }
        else if (pass == 1)
        {
            var secondAt = Now + Options.SecondPassDelay;
            State = job with { Passes = passes, Status = MigrationJobStatus.FirstPassDone, SecondPassAt = secondAt };
            Notify(pass, $"The first pass of migration {job.Id} ended: {Summary(outcome.Counts)}. The report is at GET /api/orgs/{job.OrgId}/migrations/{job.Id}/report?pass=1; "
                + $"send change requests by {Now + Options.ChangeRequestWindow:u}. Delta files may be added until the second pass starts at {secondAt:u}.");
            await DueAtAsync(secondAt);
        }
        else
        {
            State = job with { Passes = passes, Status = MigrationJobStatus.Completed };
            Notify(pass, $"The second pass of migration {job.Id} ended: {Summary(outcome.Counts)}; the job is completed. The report is at GET /api/orgs/{job.OrgId}/migrations/{job.Id}/report?pass=2.");
            ClearReminderOnCommit(PassReminder);
        }

        Changed(null, AuditActions.Update, job.Status);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != PassReminder)
        {
            return;
        }

        var job = State;
        var due = (job.Status == MigrationJobStatus.Pending && Now >= job.SubmittedAt + Options.StartDelay) ? 1
            : (job.Status == MigrationJobStatus.FirstPassDone && Now >= job.SecondPassAt) ? 2
            : 0;
        if (due > 0 && await IntegrationsInTheWayAsync() is { } blocked)
        {
            // SPEC §3: the integrations are off before the job starts; one enabled since the submission holds the pass back.
            if (!job.WaitingForIntegrations)
            {
                Notify(due, $"The {(due == 1 ? "first" : "second")} pass of migration {job.Id} waits: {blocked}. Disable them and the pass starts within {Options.IntegrationsRecheck.TotalMinutes:0.#} minutes.");
                State = State with { WaitingForIntegrations = true };
            }

            await DueAtAsync(Now + Options.IntegrationsRecheck);
            return;
        }

        if (due == 1)
        {
            StartPass(1, MigrationJobStatus.FirstPassRunning);
        }
        else if (due == 2)
        {
            StartPass(2, MigrationJobStatus.SecondPassRunning);
        }
        else if (job.Status is MigrationJobStatus.Pending or MigrationJobStatus.FirstPassDone)
        {
            // Early (a tick of the retry period, or a clock moved by an operator): wait for the due time.
            await DueAtAsync(job.Status == MigrationJobStatus.Pending ? job.SubmittedAt!.Value + Options.StartDelay : job.SecondPassAt!.Value);
            return;
        }

        ClearReminderOnCommit(PassReminder);
    }

    /// <summary>The pass reminder at <paramref name="at"/>; Orleans fires one registered with no due time only after its first period, so it always gets one.</summary>
    private Task DueAtAsync(DateTimeOffset at) => SetReminderAsync(PassReminder, at < Now + MinimumDue ? Now + MinimumDue : at);

    /// <summary>The conflicting integrations the organization has enabled, said as a sentence; null when none is.</summary>
    private async Task<string?> IntegrationsInTheWayAsync() =>
        MigrationRules.EnabledConflicting(await GrainFactory.Grain<IOrganizationGrain>(State.OrgId).GetAsync()) is { Count: > 0 } enabled
            ? string.Join(", ", enabled) + " enabled again since the job was submitted"
            : null;

    private void StartPass(int pass, string status)
    {
        var runId = StartRun(MigrationPassJob.JobKind, State.OrgId, new MigrationPassJob.Payload(State.OrgId, State.Id!, pass));
        var before = State.Status;
        State = State with
        {
            Status = status,
            WaitingForIntegrations = false,
            Passes = State.Passes.Add(new MigrationPass(pass, runId, Now, null, ImmutableDictionary<string, ModuleCounts>.Empty, null, null)),
        };
        Changed(null, AuditActions.Update, before);
    }

    private void Notify(int pass, string message) =>
        State = State with { Notifications = State.Notifications.Add(new MigrationNotification(Now, State.RequestedBy, pass, message)) };

    private static string Summary(IReadOnlyDictionary<string, ModuleCounts> counts) =>
        $"{counts.Values.Sum(c => c.Migrated)} rows migrated, {counts.Values.Sum(c => c.Failed)} failed, {counts.Values.Sum(c => c.Skipped)} skipped";

    private string Setting => $"migrations/{State.Id}";

    /// <summary>Audits a status change and refreshes the job's row in the index.</summary>
    private void Changed(string? actorId, string action, string? before)
    {
        Audit(State.OrgId, actorId, action, Setting, [new FieldChange("status", before, State.Status)]);
        Index();
    }

    private void Index() => AddEffect(Indexed(State));

    private MigrationIndexedEffect Indexed(MigrationJobState job) =>
        new(job.Id!, job.OrgId, job.Status, job.SourceSystem, job.TotalBytes, job.CurrentPass?.RunId, job.CreatedAt, Now);

    private async Task<long> OtherJobsBytesAsync(string orgId)
    {
        await using var connection = await database.OpenAsync();
        return await OtherJobsBytesAsync(connection, null, orgId);
    }

    private Task<long> OtherJobsBytesAsync(DbConnection connection, DbTransaction? transaction, string orgId) =>
        connection.ExecuteScalarAsync<long>(
            "SELECT COALESCE(SUM(total_bytes), 0) FROM migration_jobs WHERE org_id = @orgId AND id <> @id AND status <> @cancelled",
            new { orgId, id = this.GetPrimaryKeyString(), cancelled = MigrationJobStatus.Cancelled }, transaction);

    /// <summary>
    /// A trial organization's bytes are over all its jobs, which are other grains: the check and this job's new total go into
    /// <c>migration_jobs</c> together, under a lock on the organization's name, so two uploads to two jobs at once cannot both
    /// pass. The row is written ahead of the job's own write; if that write fails the row over-counts until the next change.
    /// </summary>
    private async Task ReserveTrialBytesAsync(MigrationJobState next)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await database.LockNameAsync(connection, transaction, $"migration-trial-bytes:{next.OrgId}");
        var elsewhere = await OtherJobsBytesAsync(connection, transaction, next.OrgId);
        if (elsewhere + next.TotalBytes > Options.TrialMaxTotalBytes)
        {
            throw Limit(413, "TrialMaxTotalBytes",
                $"A trial organization may migrate at most {Options.TrialMaxTotalBytes:N0} bytes in total ({MigrationOptions.Key("TrialMaxTotalBytes")}); its other jobs hold {elsewhere:N0} and this one would hold {next.TotalBytes:N0}. Upgrade to a paid plan to migrate more.");
        }

        await MigrationIndexedEffect.ApplyAsync(connection, transaction, Indexed(next));
        await transaction.CommitAsync();
    }

    private MigrationJobState Require(string orgId) =>
        State.Exists && State.OrgId == orgId ? State : throw ProblemException.NotFound($"Migration {this.GetPrimaryKeyString()}");

    private static void RequireTakesFiles(MigrationJobState job, string verb)
    {
        if (!MigrationJobStatus.TakesFiles(job.Status))
        {
            throw InvalidState(job, verb, "draft (before submission) or first_pass_done (a delta export for the second pass)");
        }
    }

    private static void RequireStatus(MigrationJobState job, string verb, string status)
    {
        if (job.Status != status)
        {
            throw InvalidState(job, verb, status);
        }
    }

    private static ProblemException InvalidState(MigrationJobState job, string verb, string allowed) =>
        new(409, MigrationProblemCodes.InvalidState, $"The migration is {job.Status}; it can {verb} only while {allowed}.",
            new Dictionary<string, object?> { ["status"] = job.Status });

    private static ProblemException Limit(int status, string limit, string detail) =>
        new(status, MigrationProblemCodes.LimitExceeded, detail + " Nothing was stored.", new Dictionary<string, object?> { ["limit"] = MigrationOptions.Key(limit) });
}

using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Runtime.Grains;

namespace CrmActors.Grains.ConfigCopy;

public sealed class ConfigTransferGrain : Grain<ConfigTransferState>, IConfigTransferGrain
{
    public async Task<ConfigTransferState> ReceiveAsync(IncomingTransfer transfer)
    {
        if (State.Exists)
        {
            return State;
        }

        var target = await GrainFactory.GetGrain<IOrganizationGrain>(transfer.TargetOrgId).GetAsync();
        State = new ConfigTransferState
        {
            Id = GetPrimaryKeyString(),
            SourceOrgId = transfer.SourceOrgId,
            SourceOrgName = transfer.SourceOrgName,
            SentBy = transfer.SentBy,
            TargetOrgId = transfer.TargetOrgId,
            ReceivedAt = Turn.Now,
            Package = transfer.Package,
            Preview = ConfigurationPreview.Compute(transfer.Package, target),
        };
        await AuditAsync(State.SourceOrgId, State.SentBy, AuditActions.Create, $"config-copy/sent/{State.Id}", [new("targetOrgId", null, State.TargetOrgId)]);
        await AuditAsync(State.TargetOrgId, null, AuditActions.Create, $"config-copy/transfers/{State.Id}",
            [new("sourceOrgId", null, State.SourceOrgId), new("status", null, State.Status)]);
        return State;
    }

    public Task<ConfigTransferState> GetAsync() => Task.FromResult(State);

    public async Task<ConfigTransferState> ApproveAsync(string targetOrgId, string actorId)
    {
        RequirePending(targetOrgId, "approved");
        var target = await GrainFactory.GetGrain<IOrganizationGrain>(targetOrgId).GetAsync();
        ConfigCopyRules.RequireAvailable(target);
        ConfigCopyRules.RequireNoIntegrations(target);
        var preview = ConfigurationPreview.Compute(State.Package!, target);
        var conflicts = preview.Where(p => p.Change == PreviewChanges.Conflict).ToList();
        if (conflicts.Count > 0)
        {
            throw new ProblemException(409, ProblemCodes.Conflict,
                $"The copy has {conflicts.Count} unresolvable conflict(s), e.g. {conflicts[0].Component} {conflicts[0].Name}: {conflicts[0].Detail} "
                + "Resolve them here or in the source organization (then send a new copy); nothing was changed.",
                new Dictionary<string, object?> { ["conflicts"] = conflicts });
        }

        State = State with { Status = TransferStatus.Applying, Preview = preview, DecidedAt = Turn.Now, DecidedBy = actorId };
        await StartJobAsync(ConfigCopyApplyJob.JobKind, new ConfigCopyApplyJob.Payload(State.Id!));
        await AuditStatusAsync(actorId, TransferStatus.Pending);
        return State;
    }

    public async Task<ConfigTransferState> RejectAsync(string targetOrgId, string actorId)
    {
        RequirePending(targetOrgId, "rejected");
        State = State with { Status = TransferStatus.Rejected, DecidedAt = Turn.Now, DecidedBy = actorId };
        await AuditStatusAsync(actorId, TransferStatus.Pending);
        return State;
    }

    public async Task<ConfigTransferState> CompleteAsync(TransferOutcome outcome)
    {
        if (State.Status != TransferStatus.Applying)
        {
            return State;
        }

        State = outcome.Applied is { } applied
            ? State with { Status = TransferStatus.Applied, AppliedChanges = applied.Changes, CompletedAt = Turn.Now }
            : State with { Status = TransferStatus.Failed, FailureReason = outcome.FailureReason, CompletedAt = Turn.Now };
        await AuditStatusAsync(State.DecidedBy, TransferStatus.Applying);
        return State;
    }

    private void RequirePending(string targetOrgId, string verb)
    {
        if (!State.Exists || State.TargetOrgId != targetOrgId)
        {
            throw ProblemException.NotFound($"Incoming transfer {GetPrimaryKeyString()}");
        }

        if (State.Status != TransferStatus.Pending)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"This transfer is {State.Status} already; only a pending transfer can be {verb}.");
        }
    }

    private Task AuditStatusAsync(string? actorId, string before)
    {
        List<FieldChange> changes = [new("status", before, State.Status)];
        if (State.FailureReason is { } reason)
        {
            changes.Add(new("failureReason", null, reason));
        }

        return AuditAsync(State.TargetOrgId, actorId, AuditActions.Update, $"config-copy/transfers/{State.Id}", changes);
    }

    private Task AuditAsync(string orgId, string? actorId, string action, string setting, IEnumerable<FieldChange> changes) =>
        AuditLog.WriteAsync(Turn.Connection, Turn.RequireTransaction(), orgId, Turn.Now, actorId, action, AuditTargets.Setting, null, null, setting, changes);
}

using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.ConfigCopy;

public sealed class ConfigTransferGrain(
    [PersistentState("config-transfer", StorageNames.Crm)] IPersistentState<StoredState<ConfigTransferState>> state,
    CrmGrainServices services)
    : CrmGrain<ConfigTransferState>(state, services), IConfigTransferGrain
{
    public async Task<ConfigTransferState> ReceiveAsync(IncomingTransfer transfer)
    {
        if (State.Exists)
        {
            return State;
        }

        var target = await GrainFactory.Grain<IOrganizationGrain>(transfer.TargetOrgId).GetAsync();
        State = new ConfigTransferState
        {
            Id = this.GetPrimaryKeyString(),
            SourceOrgId = transfer.SourceOrgId,
            SourceOrgName = transfer.SourceOrgName,
            SentBy = transfer.SentBy,
            TargetOrgId = transfer.TargetOrgId,
            ReceivedAt = Now,
            Package = transfer.Package,
            Preview = ConfigurationPreview.Compute(transfer.Package, target),
        };
        Audit(State.SourceOrgId, State.SentBy, AuditActions.Create, $"config-copy/sent/{State.Id}", [new("targetOrgId", null, State.TargetOrgId)]);
        Audit(State.TargetOrgId, null, AuditActions.Create, $"config-copy/transfers/{State.Id}",
            [new("sourceOrgId", null, State.SourceOrgId), new("status", null, State.Status)]);
        return State;
    }

    public Task<ConfigTransferState> GetAsync() => Task.FromResult(State);

    public async Task<ConfigTransferState> ApproveAsync(string targetOrgId, string actorId)
    {
        RequirePending(targetOrgId, "approved");
        var target = await GrainFactory.Grain<IOrganizationGrain>(targetOrgId).GetAsync();
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

        State = State with { Status = TransferStatus.Applying, Preview = preview, DecidedAt = Now, DecidedBy = actorId };
        StartRun(ConfigCopyApplyJob.JobKind, targetOrgId, new ConfigCopyApplyJob.Payload(State.Id!));
        AuditStatus(actorId, TransferStatus.Pending);
        return State;
    }

    public Task<ConfigTransferState> RejectAsync(string targetOrgId, string actorId)
    {
        RequirePending(targetOrgId, "rejected");
        State = State with { Status = TransferStatus.Rejected, DecidedAt = Now, DecidedBy = actorId };
        AuditStatus(actorId, TransferStatus.Pending);
        return Task.FromResult(State);
    }

    public Task<ConfigTransferState> CompleteAsync(TransferOutcome outcome)
    {
        if (State.Status != TransferStatus.Applying)
        {
            return Task.FromResult(State);
        }

        State = outcome.Applied is { } applied
            ? State with { Status = TransferStatus.Applied, AppliedChanges = applied.Changes, CompletedAt = Now }
            : State with { Status = TransferStatus.Failed, FailureReason = outcome.FailureReason, CompletedAt = Now };
        AuditStatus(State.DecidedBy, TransferStatus.Applying);
        return Task.FromResult(State);
    }

    private void RequirePending(string targetOrgId, string verb)
    {
        if (!State.Exists || State.TargetOrgId != targetOrgId)
        {
            throw ProblemException.NotFound($"Incoming transfer {this.GetPrimaryKeyString()}");
        }

        if (State.Status != TransferStatus.Pending)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"This transfer is {State.Status} already; only a pending transfer can be {verb}.");
        }
    }

    private void AuditStatus(string? actorId, string before)
    {
        List<FieldChange> changes = [new("status", before, State.Status)];
        if (State.FailureReason is { } reason)
        {
            changes.Add(new("failureReason", null, reason));
        }

        Audit(State.TargetOrgId, actorId, AuditActions.Update, $"config-copy/transfers/{State.Id}", changes);
    }
}

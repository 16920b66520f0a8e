using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Runs;
using Microsoft.Extensions.Logging;

namespace CrmActors.Grains.ConfigCopy;

/// <summary>
/// Applies an approved transfer: the target organization's grain applies it in one turn (all or
/// nothing), then the transfer records the outcome. Runs on any node and again if its node dies;
/// the organization applies a transfer at most once, so a rerun only records the outcome.
/// </summary>
public sealed class ConfigCopyApplyJob(IGrainFactory grains, ILogger<ConfigCopyApplyJob> logger) : IRunHandler
{
    public const string JobKind = "config-copy.apply";

    public sealed record Payload(string TransferId);

    public string Kind => JobKind;

    public async Task<string?> RunAsync(RunContext context)
    {
        var id = context.Payload<Payload>().TransferId;
        var transfer = grains.Grain<IConfigTransferGrain>(id);
        var state = await transfer.GetAsync();
        if (state.Status != TransferStatus.Applying)
        {
            return JsonSerializer.Serialize(new { state.Status });
        }

        TransferOutcome outcome;
        try
        {
            var applied = await grains.Grain<IOrganizationGrain>(state.TargetOrgId)
                .ApplyConfigurationAsync(id, state.SourceOrgId, state.Package!, state.DecidedBy!);
            outcome = new TransferOutcome(applied, null);
        }
        catch (ProblemException problem)
        {
            logger.LogInformation("Configuration copy {Transfer} into {Org} was refused: {Reason}", id, state.TargetOrgId, problem.Message);
            outcome = new TransferOutcome(null, problem.Message);
        }

        var completed = await transfer.CompleteAsync(outcome);
        return JsonSerializer.Serialize(new { completed.Status, completed.AppliedChanges });
    }

    public async Task OnFailedAsync(RunContext context, string error)
    {
        var id = context.Payload<Payload>().TransferId;
        await grains.Grain<IConfigTransferGrain>(id).CompleteAsync(new TransferOutcome(null, $"The copy could not be applied: {error}"));
    }
}


namespace CrmActors.Grains.ConfigCopy;

/// <summary>
/// One configuration copy on its way into a target organization (key: transfer ID). It holds the
/// source's package; the target's administrator approves or rejects it; approval queues the apply.
/// </summary>
public interface IConfigTransferGrain : IGrainWithStringKey
{
    /// <summary>Stores the package with a first preview against the target and audits the send in both organizations.</summary>
    Task<ConfigTransferState> ReceiveAsync(IncomingTransfer transfer);

    [ReadOnly]
    Task<ConfigTransferState> GetAsync();

    /// <summary>
    /// Approves a pending transfer of <paramref name="targetOrgId"/> and queues its apply. Refused (and nothing
    /// changed) when it is not pending, the target has integrations enabled, or the preview has a conflict.
    /// One approval at a time: a second one finds the transfer no longer pending.
    /// </summary>
    Task<ConfigTransferState> ApproveAsync(string targetOrgId, string actorId);

    Task<ConfigTransferState> RejectAsync(string targetOrgId, string actorId);

    /// <summary>Records how the apply ended; a transfer that is not applying is left as it is.</summary>
    Task<ConfigTransferState> CompleteAsync(TransferOutcome outcome);
}

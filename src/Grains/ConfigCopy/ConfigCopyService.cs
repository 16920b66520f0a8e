using CrmActors.Grains.Common;
using CrmActors.Grains.Records;

namespace CrmActors.Grains.ConfigCopy;

/// <summary>
/// The configuration-copy steps that involve several grains: generating a key (target), sending with
/// it (source), and reading transfers. Each grain call is its own transaction. They are ordered so that
/// an interruption never leaves two usable keys, and a key is spent and the target's inbox holds the
/// transfer's ID before the transfer exists (an interruption in between spends the key without a transfer,
/// and the inbox lists only transfers that exist; the target then generates a new key). A transfer the
/// target cannot see never exists.
/// </summary>
public sealed class ConfigCopyService(IGrainFactory grains)
{
    public sealed record IssuedKey(string Key, DateTimeOffset ExpiresAt);

    /// <summary>A new key for the actor's organization; the previous key stops working.</summary>
    public async Task<IssuedKey> IssueKeyAsync(Actor actor)
    {
        ConfigCopyRules.RequireAvailable(actor.Org);
        var key = Ids.NewSecret();
        var hash = Ids.Sha256(key);
        var issued = await grains.Grain<ICopyKeyGrain>(hash).IssueAsync(actor.OrgId, actor.User.Id);

        // Until the inbox points at the new key it is unusable (redeeming checks the pointer), and the
        // old key stops at the moment the pointer moves even if revoking it below is interrupted.
        var previous = await grains.Grain<IConfigCopyInboxGrain>(actor.OrgId).ReplaceKeyAsync(hash, issued.ExpiresAt, actor.User.Id);
        if (previous is not null)
        {
            await grains.Grain<ICopyKeyGrain>(previous).RevokeAsync();
        }

        return new IssuedKey(key, issued.ExpiresAt);
    }

    public async Task<CopyKeyState?> CurrentKeyAsync(Actor actor) =>
        (await grains.Grain<IConfigCopyInboxGrain>(actor.OrgId).GetAsync()).CurrentKeyHash is { } hash
            ? await grains.Grain<ICopyKeyGrain>(hash).GetAsync()
            : null;

    /// <summary>Sends the actor's organization's whole customization to the organization the key identifies; returns the transfer ID.</summary>
    public async Task<string> SendAsync(Actor actor, string? key)
    {
        ConfigCopyRules.RequireAvailable(actor.Org);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw ProblemException.Validation("key", "key is required: the copy key the target organization's administrator generated.");
        }

        var copyKey = grains.Grain<ICopyKeyGrain>(Ids.Sha256(key.Trim()));
        if (!(await copyKey.GetAsync()).Exists)
        {
            // Checked read-only first, so guessing keys does not create grains.
            throw ConfigCopyRules.UnknownKey();
        }

        var transferId = Ids.New();
        var redeemed = await copyKey.RedeemAsync(actor.OrgId, transferId);
        var target = redeemed.TargetOrgId!;
        await grains.Grain<IConfigCopyInboxGrain>(target).AddTransferAsync(transferId);
        await grains.Grain<IConfigTransferGrain>(transferId)
            .ReceiveAsync(new IncomingTransfer(actor.OrgId, actor.Org.Name, actor.User.Id, target, ConfigurationPackage.Of(actor.Org)));
        return transferId;
    }

    public async Task<ConfigTransferState> ApproveAsync(Actor actor, string transferId)
    {
        await GetIncomingAsync(actor, transferId);
        return await grains.Grain<IConfigTransferGrain>(transferId).ApproveAsync(actor.OrgId, actor.User.Id);
    }

    public async Task<ConfigTransferState> RejectAsync(Actor actor, string transferId)
    {
        await GetIncomingAsync(actor, transferId);
        return await grains.Grain<IConfigTransferGrain>(transferId).RejectAsync(actor.OrgId, actor.User.Id);
    }

    /// <summary>The most transfers a list shows; older ones stay readable by their ID.</summary>
    public const int MaxListed = 100;

    /// <summary>The transfers the actor's organization received, newest first (at most <see cref="MaxListed"/>).</summary>
    public async Task<IReadOnlyList<ConfigTransferState>> ListIncomingAsync(Actor actor)
    {
        var inbox = await grains.Grain<IConfigCopyInboxGrain>(actor.OrgId).GetAsync();
        var transfers = await Task.WhenAll(inbox.TransferIds.Reverse().Take(MaxListed).Select(id => grains.Grain<IConfigTransferGrain>(id).GetAsync()));
        return [.. transfers.Where(t => t.Exists)];
    }

    public Task<ConfigTransferState> GetIncomingAsync(Actor actor, string transferId) =>
        GetAsync(transferId, t => t.TargetOrgId == actor.OrgId, "Incoming transfer");

    public Task<ConfigTransferState> GetSentAsync(Actor actor, string transferId) =>
        GetAsync(transferId, t => t.SourceOrgId == actor.OrgId, "Sent transfer");

    private async Task<ConfigTransferState> GetAsync(string transferId, Func<ConfigTransferState, bool> visible, string what)
    {
        var transfer = Ids.IsWellFormed(transferId) ? await grains.Grain<IConfigTransferGrain>(transferId).GetAsync() : null;
        return transfer is { Exists: true } && visible(transfer) ? transfer : throw ProblemException.NotFound($"{what} {transferId}");
    }
}

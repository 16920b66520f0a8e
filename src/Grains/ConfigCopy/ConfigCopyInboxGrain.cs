using CrmActors.Grains.Common;
using CrmActors.Grains.Audit;

namespace CrmActors.Grains.ConfigCopy;

public sealed class ConfigCopyInboxGrain(
    [PersistentState("config-copy-inbox", StorageNames.Crm)] IPersistentState<StoredState<ConfigCopyInboxState>> state,
    CrmGrainServices services)
    : CrmGrain<ConfigCopyInboxState>(state, services), IConfigCopyInboxGrain
{
    public Task<string?> ReplaceKeyAsync(string keyHash, DateTimeOffset expiresAt, string actorId)
    {
        var previous = State.CurrentKeyHash;
        State = State with { CurrentKeyHash = keyHash };
        Audit(this.GetPrimaryKeyString(), actorId, AuditActions.Create, "config-copy/keys",
            [new("expiresAt", null, expiresAt), new("replacedPreviousKey", null, previous is not null)]);
        return Task.FromResult(previous);
    }

    public Task AddTransferAsync(string transferId)
    {
        if (!State.TransferIds.Contains(transferId))
        {
            State = State with { TransferIds = State.TransferIds.Add(transferId) };
        }

        return Task.CompletedTask;
    }

    public Task<ConfigCopyInboxState> GetAsync() => Task.FromResult(State);
}

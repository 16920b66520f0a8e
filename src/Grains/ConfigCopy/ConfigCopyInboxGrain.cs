using CrmActors.Grains.Audit;
using CrmActors.Runtime.Grains;

namespace CrmActors.Grains.ConfigCopy;

public sealed class ConfigCopyInboxGrain : Grain<ConfigCopyInboxState>, IConfigCopyInboxGrain
{
    public async Task<string?> ReplaceKeyAsync(string keyHash, DateTimeOffset expiresAt, string actorId)
    {
        var previous = State.CurrentKeyHash;
        State = State with { CurrentKeyHash = keyHash };
        await AuditLog.WriteAsync(Turn.Connection, Turn.RequireTransaction(), GetPrimaryKeyString(), Turn.Now, actorId, AuditActions.Create,
            AuditTargets.Setting, null, null, "config-copy/keys", [new("expiresAt", null, expiresAt), new("replacedPreviousKey", null, previous is not null)]);
        return previous;
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

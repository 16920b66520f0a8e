using CrmActors.Grains.Common;
using CrmActors.Grains.Scheduling;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.ConfigCopy;

public sealed class CopyKeyGrain(
    [PersistentState("copy-key", StorageNames.Crm)] IPersistentState<StoredState<CopyKeyState>> state,
    IOptions<ConfigCopyOptions> options,
    CrmGrainServices services)
    : CrmGrain<CopyKeyState>(state, services), ICopyKeyGrain, IRemindable
{
    public const string ExpiryReminder = "expiry";

    public async Task<CopyKeyState> IssueAsync(string targetOrgId, string issuedBy)
    {
        if (State.Exists)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, "This copy key was issued already; generate a new one.");
        }

        State = new CopyKeyState
        {
            TargetOrgId = targetOrgId,
            IssuedBy = issuedBy,
            IssuedAt = Now,
            ExpiresAt = Now + options.Value.KeyValidity,
        };
        await SetReminderAsync(ExpiryReminder, State.ExpiresAt);
        return State;
    }

    public Task RevokeAsync()
    {
        if (State.Exists && State.StatusAt(Now) == CopyKeyStatus.Active)
        {
            State = State with { Status = CopyKeyStatus.Revoked, ClosedAt = Now };
            ClearReminderOnCommit(ExpiryReminder);
        }

        return Task.CompletedTask;
    }

    public async Task<CopyKeyState> RedeemAsync(string sourceOrgId, string transferId)
    {
        var status = State.Exists ? State.StatusAt(Now) : null;
        if (status == CopyKeyStatus.Active
            && (await GrainFactory.Grain<IConfigCopyInboxGrain>(State.TargetOrgId!).GetAsync()).CurrentKeyHash != this.GetPrimaryKeyString())
        {
            // A newer key replaced this one, and the replacement did not get as far as revoking it.
            status = CopyKeyStatus.Revoked;
        }

        switch (status)
        {
            case null:
                throw ConfigCopyRules.UnknownKey();
            case CopyKeyStatus.Expired:
                throw ConfigCopyRules.KeyInvalid("expired", $"This copy key expired at {State.ExpiresAt:O}; keys are valid for {options.Value.KeyValidity.TotalHours:0.#} hours. Ask the target organization for a new key.");
            case CopyKeyStatus.Used:
                throw ConfigCopyRules.KeyInvalid("used", "This copy key was used already; a key admits one copy. Ask the target organization for a new key.");
            case CopyKeyStatus.Revoked:
                throw ConfigCopyRules.KeyInvalid("revoked", "This copy key was revoked because the target organization generated a newer one; use the newest key.");
        }

        if (State.TargetOrgId == sourceOrgId)
        {
            throw ConfigCopyRules.KeyInvalid("own-organization", "This copy key belongs to your own organization; an organization cannot send its configuration to itself. Use the key in the source organization.");
        }

        State = State with { Status = CopyKeyStatus.Used, ClosedAt = Now, SourceOrgId = sourceOrgId, TransferId = transferId };
        ClearReminderOnCommit(ExpiryReminder);
        return State;
    }

    public Task<CopyKeyState> GetAsync() => Task.FromResult(State);

    protected override async Task OnLegacyStateImportedAsync()
    {
        if (State.Exists && State.Status == CopyKeyStatus.Active)
        {
            await SetReminderAsync(ExpiryReminder, State.ExpiresAt);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder)
        {
            return;
        }

        if (State.Exists && State.Status == CopyKeyStatus.Active && State.StatusAt(Now) != CopyKeyStatus.Expired)
        {
            // Ticked early (a due time is capped): wait for the deadline itself.
            await SetReminderAsync(ExpiryReminder, State.ExpiresAt);
            return;
        }

        if (State.StatusAt(Now) == CopyKeyStatus.Expired && State.Status == CopyKeyStatus.Active)
        {
            State = State with { Status = CopyKeyStatus.Expired, ClosedAt = State.ExpiresAt };
        }

        ClearReminderOnCommit(ExpiryReminder);
    }
}

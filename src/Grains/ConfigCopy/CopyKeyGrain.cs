using CrmActors.Grains.Common;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Reminders;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.ConfigCopy;

public sealed class CopyKeyGrain(IOptions<ConfigCopyOptions> options) : Grain<CopyKeyState>, ICopyKeyGrain, IRemindable
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
            IssuedAt = Turn.Now,
            ExpiresAt = Turn.Now + options.Value.KeyValidity,
        };
        await RegisterOrUpdateReminderAsync(ExpiryReminder, ReminderSchedule.Once(State.ExpiresAt));
        return State;
    }

    public async Task RevokeAsync()
    {
        if (State.Exists && State.StatusAt(Turn.Now) == CopyKeyStatus.Active)
        {
            State = State with { Status = CopyKeyStatus.Revoked, ClosedAt = Turn.Now };
            await UnregisterReminderAsync(ExpiryReminder);
        }
    }

    public async Task<CopyKeyState> RedeemAsync(string sourceOrgId, string transferId)
    {
        var status = State.Exists ? State.StatusAt(Turn.Now) : null;
        if (status == CopyKeyStatus.Active
            && (await GrainFactory.GetGrain<IConfigCopyInboxGrain>(State.TargetOrgId!).GetAsync()).CurrentKeyHash != GetPrimaryKeyString())
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

        State = State with { Status = CopyKeyStatus.Used, ClosedAt = Turn.Now, SourceOrgId = sourceOrgId, TransferId = transferId };
        await UnregisterReminderAsync(ExpiryReminder);
        return State;
    }

    public Task<CopyKeyState> GetAsync() => Task.FromResult(State);

    public Task ReceiveReminderAsync(string reminderName, TickStatus status)
    {
        if (reminderName == ExpiryReminder && State.StatusAt(status.Now) == CopyKeyStatus.Expired && State.Status == CopyKeyStatus.Active)
        {
            State = State with { Status = CopyKeyStatus.Expired, ClosedAt = State.ExpiresAt };
        }

        return Task.CompletedTask;
    }
}

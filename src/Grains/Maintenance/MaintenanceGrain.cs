using CrmActors.Grains.Common;

namespace CrmActors.Grains.Maintenance;

/// <summary>Turns each daily purge occurrence into a purge run, so the grain's turn stays short.</summary>
public sealed class MaintenanceGrain(
    [PersistentState("maintenance", StorageNames.Crm)] IPersistentState<StoredState<MaintenanceState>> state,
    CrmGrainServices services)
    : CrmGrain<MaintenanceState>(state, services), IMaintenanceGrain, IRemindable
{
    public const string PurgeReminder = "purge";

    public static readonly TimeSpan PurgePeriod = TimeSpan.FromDays(1);

    public async Task EnsureScheduledAsync()
    {
        if (await this.GetReminder(PurgeReminder) is null)
        {
            await this.RegisterOrUpdateReminder(PurgeReminder, TimeSpan.FromMinutes(1), PurgePeriod);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // One purge per UTC day: a tick delivered twice (a silo died mid-call) starts no second run.
        var day = DateOnly.FromDateTime(Now.UtcDateTime);
        if (reminderName == PurgeReminder && State.LastPurgeDay != day)
        {
            State = State with { LastPurgeDay = day };
            StartRun(PurgeJob.JobKind, IMaintenanceGrain.Key, new PurgeJob.Payload(Now));
        }

        return Task.CompletedTask;
    }
}

public sealed record MaintenanceState
{
    public DateOnly? LastPurgeDay { get; init; }
}

using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Reminders;

namespace CrmActors.Grains.Maintenance;

/// <summary>Turns each daily purge occurrence into a purge job, so the grain's turn stays short.</summary>
public sealed class MaintenanceGrain : Grain, IMaintenanceGrain, IRemindable
{
    public const string PurgeReminder = "purge";

    public async Task EnsureScheduledAsync()
    {
        if (await GetReminderAsync(PurgeReminder) is null)
        {
            await RegisterOrUpdateReminderAsync(PurgeReminder, ReminderSchedule.Every(TimeSpan.FromDays(1), Turn.Now.AddMinutes(1)));
        }
    }

    public async Task ReceiveReminderAsync(string reminderName, TickStatus status)
    {
        if (reminderName == PurgeReminder)
        {
            await StartJobAsync(PurgeJob.JobKind, new PurgeJob.Payload(status.Occurrence));
        }
    }
}

namespace CrmActors.Runtime.Grains;

/// <summary>A grain that receives durable reminders, as Orleans's <c>IRemindable</c>.</summary>
public interface IRemindable
{
    /// <summary>
    /// Called once per occurrence in normal operation, at least once under failures: use
    /// <see cref="TickStatus.Occurrence"/> to make the handler idempotent.
    /// </summary>
    Task ReceiveReminderAsync(string reminderName, TickStatus status);
}

/// <summary>The occurrence being delivered and the time it was delivered.</summary>
public readonly record struct TickStatus(DateTimeOffset Occurrence, DateTimeOffset Now);

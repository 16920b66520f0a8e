namespace CrmActors.Grains.Common;

/// <summary>How grains drive schedules and deadlines with Orleans reminders (<c>Schedules:*</c>).</summary>
public sealed class ScheduleOptions
{
    /// <summary>
    /// After a reminder's due time, how often it ticks again until the grain clears it: the safety net
    /// that catches an occurrence missed while no silo held the reminder. Orleans's minimum is 1 minute.
    /// </summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest due time registered at once; a later deadline is re-registered when this one ticks.</summary>
    public TimeSpan MaxDueTime { get; set; } = TimeSpan.FromDays(30);
}

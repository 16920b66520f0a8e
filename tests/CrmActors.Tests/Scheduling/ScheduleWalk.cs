using System.Globalization;
using CrmActors.Grains.Scheduling;

namespace CrmActors.Tests.Scheduling;

/// <summary>Helpers for schedule tests: UTC instants from text, and the runs a reminder would make.</summary>
public static class ScheduleWalk
{
    public static DateTimeOffset Utc(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Every run from <paramref name="from"/> to <paramref name="until"/>, each found from the one before, as the reminder service does.</summary>
    public static List<DateTimeOffset> Runs(ReminderSchedule schedule, DateTimeOffset from, DateTimeOffset until)
    {
        var runs = new List<DateTimeOffset>();
        for (var next = schedule.NextAfter(from); next is { } run && run < until; next = schedule.NextAfter(run))
        {
            runs.Add(run);
        }

        return runs;
    }
}

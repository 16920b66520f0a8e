using CrmActors.Grains.Scheduling;
using static CrmActors.Tests.Scheduling.ScheduleWalk;

namespace CrmActors.Tests.Scheduling;

/// <summary>
/// Calendar schedules across New York's 2026 clock changes (8 March, 1 November): a run is never
/// skipped or doubled. Tokyo, without daylight saving, keeps its UTC times.
/// </summary>
public sealed class ReminderScheduleDaylightSavingTests
{
    private const string Tokyo = "Asia/Tokyo";
    private const string NewYork = "America/New_York";

    [Fact]
    public void ARunInTheSpringForwardGapFiresOnceAnHourLater()
    {
        foreach (var schedule in SchedulesOn(new DateOnly(2026, 3, 8), new TimeOnly(2, 30)))
        {
            var runs = Runs(schedule, Utc("2026-03-07T00:00Z"), Utc("2026-03-09T00:00Z"));

            Assert.Equal([Utc("2026-03-08T07:30Z")], runs);
            Assert.Equal(Utc("2026-03-08T07:30Z"), schedule.NextAfter(Utc("2026-03-08T07:00Z")));
        }

        var weekly = ReminderSchedule.Weekly(NewYork, DayOfWeek.Sunday, new TimeOnly(2, 30));
        Assert.Equal(
            [Utc("2026-03-01T07:30Z"), Utc("2026-03-08T07:30Z"), Utc("2026-03-15T06:30Z")],
            Runs(weekly, Utc("2026-02-28T00:00Z"), Utc("2026-03-16T00:00Z")));
    }

    [Fact]
    public void ARunInTheRepeatedFallBackHourFiresOnceAtTheEarlierInstant()
    {
        foreach (var schedule in SchedulesOn(new DateOnly(2026, 11, 1), new TimeOnly(1, 30)))
        {
            var runs = Runs(schedule, Utc("2026-10-31T00:00Z"), Utc("2026-11-02T00:00Z"));

            Assert.Equal([Utc("2026-11-01T05:30Z")], runs);
            Assert.True(schedule.NextAfter(Utc("2026-11-01T06:00Z")) > Utc("2026-11-02T00:00Z"), "the repeated 01:30 must not run again");
        }

        var weekly = ReminderSchedule.Weekly(NewYork, DayOfWeek.Sunday, new TimeOnly(1, 30));
        Assert.Equal(
            [Utc("2026-10-25T05:30Z"), Utc("2026-11-01T05:30Z"), Utc("2026-11-08T06:30Z")],
            Runs(weekly, Utc("2026-10-24T00:00Z"), Utc("2026-11-09T00:00Z")));
    }

    [Fact]
    public void TokyoHasNoDaylightSavingSoItsRunsKeepTheirUtcTime()
    {
        var weekly = ReminderSchedule.Weekly(Tokyo, DayOfWeek.Sunday, new TimeOnly(2, 30));

        Assert.Equal(
            [Utc("2026-03-07T17:30Z"), Utc("2026-03-14T17:30Z"), Utc("2026-10-31T17:30Z"), Utc("2026-11-07T17:30Z")],
            [.. Runs(weekly, Utc("2026-03-01T00:00Z"), Utc("2026-03-15T00:00Z")), .. Runs(weekly, Utc("2026-10-25T00:00Z"), Utc("2026-11-08T00:00Z"))]);
    }

    /// <summary>Three New York schedules whose run falls on <paramref name="date"/>: weekly, monthly by date and by weekday.</summary>
    private static ReminderSchedule[] SchedulesOn(DateOnly date, TimeOnly time) =>
    [
        ReminderSchedule.Weekly(NewYork, date.DayOfWeek, time),
        ReminderSchedule.MonthlyOnDay(NewYork, date.Day, time),
        ReminderSchedule.MonthlyOnWeekday(NewYork, (date.Day + 6) / 7, date.DayOfWeek, time),
    ];
}

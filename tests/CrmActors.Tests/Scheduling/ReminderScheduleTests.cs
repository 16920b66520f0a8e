using CrmActors.Grains.Scheduling;
using static CrmActors.Tests.Scheduling.ScheduleWalk;

namespace CrmActors.Tests.Scheduling;

/// <summary>Exact next instants of every schedule kind, in zones with and without daylight saving time.</summary>
public sealed class ReminderScheduleTests
{
    private const string Tokyo = "Asia/Tokyo";
    private const string NewYork = "America/New_York";

    [Fact]
    public void AWeeklyScheduleFiresOnTheNextMatchingWeekdayInItsZone()
    {
        var schedule = ReminderSchedule.Weekly(Tokyo, DayOfWeek.Monday, new TimeOnly(9, 0));

        Assert.Equal(Utc("2026-01-12T00:00Z"), schedule.NextAfter(Utc("2026-01-07T00:00Z")));
        // Sunday 23:30 UTC is already Monday 08:30 in Tokyo: that Monday's run is still ahead.
        Assert.Equal(Utc("2026-01-12T00:00Z"), schedule.NextAfter(Utc("2026-01-11T23:30Z")));
        Assert.Equal(Utc("2026-01-19T00:00Z"), schedule.NextAfter(Utc("2026-01-12T00:00Z")));
    }

    [Fact]
    public void EveryOtherWeekCountsWeeksFromTheAnchorDateEvenAfterALateRun()
    {
        var schedule = ReminderSchedule.Weekly(NewYork, DayOfWeek.Tuesday, new TimeOnly(10, 0), 2, new DateOnly(2026, 1, 4));

        Assert.Equal(Utc("2026-01-06T15:00Z"), schedule.NextAfter(Utc("2026-01-01T00:00Z")));
        Assert.Equal(Utc("2026-01-20T15:00Z"), schedule.NextAfter(Utc("2026-01-06T15:00Z")));
        Assert.Equal(Utc("2026-02-03T15:00Z"), schedule.NextAfter(Utc("2026-01-29T12:00Z")));
        // 3 March is in standard time, 17 March in daylight time: same 10:00 local, one hour earlier in UTC.
        Assert.Equal(Utc("2026-03-17T14:00Z"), schedule.NextAfter(Utc("2026-03-03T15:00Z")));
    }

    [Fact]
    public void TwiceAMonthSkipsAThirdFortnightlyDateInOneMonthAndKeepsItsPhase()
    {
        // 1, 15 and 29 March 2027 are Mondays a fortnight apart: the 29th would be March's third run.
        var anchor = new DateOnly(2027, 3, 1);
        var capped = ReminderSchedule.Weekly(Tokyo, DayOfWeek.Monday, new TimeOnly(9, 0), 2, anchor, maxPerMonth: 2);
        var uncapped = ReminderSchedule.Weekly(Tokyo, DayOfWeek.Monday, new TimeOnly(9, 0), 2, anchor);

        Assert.Equal(Utc("2027-03-01T00:00Z"), capped.NextAfter(Utc("2027-02-26T00:00Z")));
        Assert.Equal(Utc("2027-03-15T00:00Z"), capped.NextAfter(Utc("2027-03-01T00:00Z")));
        Assert.Equal(Utc("2027-03-29T00:00Z"), uncapped.NextAfter(Utc("2027-03-15T00:00Z")));
        Assert.Equal(Utc("2027-04-12T00:00Z"), capped.NextAfter(Utc("2027-03-15T00:00Z")));
        Assert.Equal(Utc("2027-04-26T00:00Z"), capped.NextAfter(Utc("2027-04-12T00:00Z")));

        // Over two years, never a third run in a month, and every fortnightly date kept in months with two.
        var runs = new List<DateTimeOffset>();
        for (var at = capped.NextAfter(Utc("2027-01-01T00:00Z")); at < Utc("2029-01-01T00:00Z"); at = capped.NextAfter(at!.Value))
        {
            runs.Add(at!.Value);
        }

        Assert.All(runs.GroupBy(r => (r.Year, r.Month)), month => Assert.InRange(month.Count(), 1, 2));
        Assert.All(runs, r => Assert.Equal(0, (r - runs[0]).Days % 14));
        Assert.Equal(48, runs.Count);
    }

    [Fact]
    public void EveryOtherWeekWithoutAnAnchorKeepsOnePhaseWhenItIsEvaluated()
    {
        var schedule = ReminderSchedule.Weekly(NewYork, DayOfWeek.Tuesday, new TimeOnly(10, 0), 2);
        var first = schedule.NextAfter(Utc("2026-01-01T00:00Z"))!.Value;

        Assert.Equal(first.AddDays(14), schedule.NextAfter(first));
        // Delivered two days late, or evaluated on any day of the fortnight: the next run stays in phase.
        Assert.Equal(first.AddDays(14), schedule.NextAfter(first.AddDays(2)));
        Assert.Equal(first.AddDays(14), schedule.NextAfter(first.AddDays(9)));
        Assert.Equal(first, schedule.NextAfter(first.AddDays(-1)));
    }

    [Fact]
    public void AMonthlyScheduleFiresOnItsDayOfTheMonth()
    {
        var fifteenth = ReminderSchedule.MonthlyOnDay(Tokyo, 15, new TimeOnly(8, 0));
        var first = ReminderSchedule.MonthlyOnDay(Tokyo, 1, new TimeOnly(0, 30));
        var twentyEighth = ReminderSchedule.MonthlyOnDay(NewYork, 28, new TimeOnly(12, 0));

        Assert.Equal(Utc("2026-02-14T23:00Z"), fifteenth.NextAfter(Utc("2026-01-20T00:00Z")));
        Assert.Equal(Utc("2026-03-14T23:00Z"), fifteenth.NextAfter(Utc("2026-02-14T23:00Z")));
        Assert.Equal(Utc("2026-12-31T15:30Z"), first.NextAfter(Utc("2026-12-15T00:00Z")));
        Assert.Equal(Utc("2026-02-28T17:00Z"), twentyEighth.NextAfter(Utc("2026-01-28T17:00Z")));
    }

    [Fact]
    public void AMonthlyScheduleWithoutADayFiresOnTheLastDayOfEachMonth()
    {
        var schedule = ReminderSchedule.MonthlyOnDay(NewYork, null, new TimeOnly(18, 0));

        Assert.Equal(
            [Utc("2026-02-28T23:00Z"), Utc("2026-03-31T22:00Z"), Utc("2026-04-30T22:00Z")],
            Runs(schedule, Utc("2026-01-31T23:00Z"), Utc("2026-05-01T00:00Z")));
        Assert.Equal(Utc("2028-02-29T23:00Z"), schedule.NextAfter(Utc("2028-02-01T00:00Z")));
    }

    [Fact]
    public void AMonthlyScheduleOnTheNthWeekdayFiresOnThatWeekday()
    {
        var firstMonday = ReminderSchedule.MonthlyOnWeekday(NewYork, 1, DayOfWeek.Monday, new TimeOnly(9, 0));
        var lastFriday = ReminderSchedule.MonthlyOnWeekday(Tokyo, 5, DayOfWeek.Friday, new TimeOnly(17, 0));

        Assert.Equal(
            [Utc("2026-01-05T14:00Z"), Utc("2026-02-02T14:00Z"), Utc("2026-03-02T14:00Z"), Utc("2026-04-06T13:00Z")],
            Runs(firstMonday, Utc("2026-01-01T00:00Z"), Utc("2026-04-30T00:00Z")));
        // January 2026 has five Fridays, February four: "last" is the 30th, then the 27th.
        Assert.Equal(
            [Utc("2026-01-30T08:00Z"), Utc("2026-02-27T08:00Z")],
            Runs(lastFriday, Utc("2026-01-01T00:00Z"), Utc("2026-03-01T00:00Z")));
    }

    [Fact]
    public void AOneShotScheduleFiresOnceAndThenNever()
    {
        var at = Utc("2026-06-01T12:34:56Z");
        var schedule = ReminderSchedule.Once(at);

        Assert.Equal(at, schedule.NextAfter(at.AddTicks(-1)));
        Assert.Null(schedule.NextAfter(at));
        Assert.Null(schedule.NextAfter(at.AddDays(3)));
    }

    [Fact]
    public void AFixedPeriodCountsWholePeriodsFromItsAnchorRegardlessOfDaylightSaving()
    {
        var anchor = Utc("2026-03-07T12:00Z");
        var schedule = ReminderSchedule.Every(TimeSpan.FromMinutes(90), anchor);

        Assert.Equal(anchor, schedule.NextAfter(anchor.AddHours(-5)));
        Assert.Equal(anchor.AddMinutes(90), schedule.NextAfter(anchor));
        Assert.Equal(anchor.AddMinutes(180), schedule.NextAfter(anchor.AddMinutes(100)));
        Assert.Equal(anchor.AddDays(3).AddMinutes(90), schedule.NextAfter(anchor.AddDays(3).AddTicks(1)));
    }
}

using System.Text.Json.Serialization;
using NodaTime;

namespace CrmActors.Grains.Scheduling;

/// <summary>
/// When a reminder is due: once, every fixed period, weekly (every N weeks), monthly on a date, on the
/// last day, or on the nth weekday. Calendar rules are evaluated in an IANA time zone with NodaTime;
/// a local time that a DST change skips moves forward by the gap and one that repeats fires once
/// (the earlier instant), so a change never skips or doubles a run.
/// </summary>
public sealed record ReminderSchedule
{
    private static readonly LocalDate UnanchoredWeeksStart = new(1970, 1, 1);

    public ScheduleKind Kind { get; init; }

    public DateTimeOffset? At { get; init; }

    public TimeSpan? Period { get; init; }

    public string TimeZone { get; init; } = "UTC";

    public TimeOnly TimeOfDay { get; init; }

    public DayOfWeek? DayOfWeek { get; init; }

    public int IntervalWeeks { get; init; } = 1;

    public DateOnly? AnchorDate { get; init; }

    /// <summary>At most this many weekly dates in one calendar month (a month's later ones are skipped); null for no cap.</summary>
    public int? MaxPerMonth { get; init; }

    public int? DayOfMonth { get; init; }

    public int? WeekOfMonth { get; init; }

    public static ReminderSchedule Once(DateTimeOffset at) => new() { Kind = ScheduleKind.Once, At = at };

    public static ReminderSchedule Every(TimeSpan period, DateTimeOffset anchor) =>
        period > TimeSpan.Zero ? new() { Kind = ScheduleKind.Every, Period = period, At = anchor } : throw new ArgumentOutOfRangeException(nameof(period));

    /// <summary>
    /// Every <paramref name="intervalWeeks"/> weeks on <paramref name="day"/>, counting weeks from <paramref name="anchorDate"/>
    /// (from 1970-01-01 when there is none, so give an anchor whenever the interval is more than one week), and at most
    /// <paramref name="maxPerMonth"/> times in a calendar month: every other week is twice a month, and a month with
    /// a third such date skips it.
    /// </summary>
    public static ReminderSchedule Weekly(string timeZone, DayOfWeek day, TimeOnly time, int intervalWeeks = 1, DateOnly? anchorDate = null, int? maxPerMonth = null) =>
        intervalWeeks is >= 1 and <= 52 && maxPerMonth is null or >= 1
            ? new()
            {
                Kind = ScheduleKind.Weekly, TimeZone = timeZone, DayOfWeek = day, TimeOfDay = time, IntervalWeeks = intervalWeeks, AnchorDate = anchorDate,
                MaxPerMonth = maxPerMonth,
            }
            : throw new ArgumentOutOfRangeException(intervalWeeks is >= 1 and <= 52 ? nameof(maxPerMonth) : nameof(intervalWeeks));

    /// <summary>Monthly on day 1–28, or on the last day when <paramref name="day"/> is null.</summary>
    public static ReminderSchedule MonthlyOnDay(string timeZone, int? day, TimeOnly time) =>
        day is null or (>= 1 and <= 31)
            ? new() { Kind = ScheduleKind.MonthlyOnDay, TimeZone = timeZone, DayOfMonth = day, TimeOfDay = time }
            : throw new ArgumentOutOfRangeException(nameof(day));

    /// <summary>Monthly on the nth (1–4) weekday of the month, or the last one when <paramref name="week"/> is 5.</summary>
    public static ReminderSchedule MonthlyOnWeekday(string timeZone, int week, DayOfWeek day, TimeOnly time) =>
        week is >= 1 and <= 5
            ? new() { Kind = ScheduleKind.MonthlyOnWeekday, TimeZone = timeZone, WeekOfMonth = week, DayOfWeek = day, TimeOfDay = time }
            : throw new ArgumentOutOfRangeException(nameof(week));

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        switch (Kind)
        {
            case ScheduleKind.Once:
                return At > after ? At : null;
            case ScheduleKind.Every:
                var anchor = At!.Value;
                if (anchor > after)
                {
                    return anchor;
                }

                var periods = (after - anchor).Ticks / Period!.Value.Ticks + 1;
                return anchor + TimeSpan.FromTicks(periods * Period.Value.Ticks);
        }

        var zone = DateTimeZoneProviders.Tzdb[TimeZone];
        var afterInstant = Instant.FromDateTimeOffset(after);
        var startDate = afterInstant.InZone(zone).Date.PlusDays(-1);
        var time = new LocalTime(TimeOfDay.Hour, TimeOfDay.Minute, TimeOfDay.Second);
        foreach (var date in Candidates(startDate))
        {
            var instant = zone.AtLeniently(date + time).ToInstant();
            if (instant > afterInstant)
            {
                return instant.ToDateTimeOffset();
            }
        }

        return null;
    }

    private IEnumerable<LocalDate> Candidates(LocalDate from)
    {
        switch (Kind)
        {
            case ScheduleKind.Weekly:
                var weekday = ToIso(DayOfWeek!.Value);
                // Without an anchor the weeks still count from one fixed date: counting from the date being
                // evaluated would move the phase with every late run or re-evaluation.
                var anchor = AnchorDate is { } a ? new LocalDate(a.Year, a.Month, a.Day) : UnanchoredWeeksStart;
                for (var date = from.With(DateAdjusters.NextOrSame(weekday)); ; date = date.PlusWeeks(1))
                {
                    var weeks = NodaTime.Period.Between(anchor.With(DateAdjusters.NextOrSame(weekday)), date, PeriodUnits.Days).Days / 7;
                    // The dates of one month lie 7 × IntervalWeeks days apart and the first falls within that many days
                    // of the 1st, so a date's place in its month is (day − 1) / (7 × IntervalWeeks).
                    if (((weeks % IntervalWeeks) + IntervalWeeks) % IntervalWeeks == 0 && (MaxPerMonth is null || (date.Day - 1) / (7 * IntervalWeeks) < MaxPerMonth))
                    {
                        yield return date;
                    }
                }

            case ScheduleKind.MonthlyOnDay:
                for (var month = new LocalDate(from.Year, from.Month, 1); ; month = month.PlusMonths(1))
                {
                    var last = month.Calendar.GetDaysInMonth(month.Year, month.Month);
                    yield return new LocalDate(month.Year, month.Month, Math.Min(DayOfMonth ?? last, last));
                }

            case ScheduleKind.MonthlyOnWeekday:
                var isoDay = ToIso(DayOfWeek!.Value);
                for (var month = new LocalDate(from.Year, from.Month, 1); ; month = month.PlusMonths(1))
                {
                    yield return WeekOfMonth == 5
                        ? month.With(DateAdjusters.EndOfMonth).With(DateAdjusters.PreviousOrSame(isoDay))
                        : month.With(DateAdjusters.NextOrSame(isoDay)).PlusWeeks(WeekOfMonth!.Value - 1);
                }

            default:
                throw new InvalidOperationException($"Unknown schedule kind {Kind}.");
        }
    }

    private static IsoDayOfWeek ToIso(DayOfWeek day) => day == System.DayOfWeek.Sunday ? IsoDayOfWeek.Sunday : (IsoDayOfWeek)(int)day;

    /// <summary>True when <paramref name="timeZone"/> is a known IANA zone.</summary>
    public static bool IsKnownTimeZone(string? timeZone) => timeZone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone) is not null;
}

[JsonConverter(typeof(JsonStringEnumConverter<ScheduleKind>))]
public enum ScheduleKind
{
    Once,
    Every,
    Weekly,
    MonthlyOnDay,
    MonthlyOnWeekday,
}

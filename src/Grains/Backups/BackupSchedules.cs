using System.Globalization;
using CrmActors.Grains.Common;
using CrmActors.Grains.Scheduling;
using NodaTime;

namespace CrmActors.Grains.Backups;

/// <summary>A schedule as an admin asks for it (strings as sent); <see cref="BackupSchedules.Validate"/> checks it.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.schedule-request")]
public sealed record ScheduleRequest(string? Frequency, string? DayOfWeek, string? DayOfMonth, string? WeekOfMonth, string? Time);

/// <summary>Schedule validation and the calendar: which reminder schedule a frequency is, and calendar months in the org's zone.</summary>
public static class BackupSchedules
{
    /// <summary>The settings for <paramref name="request"/>, or a 400 naming the field to fix.</summary>
    public static BackupSettings Validate(ScheduleRequest request, string timeZone, DateTimeOffset now, string userId)
    {
        var frequency = request.Frequency?.Trim().ToLowerInvariant();
        if (frequency is null || !BackupFrequencies.All.Contains(frequency))
        {
            throw ProblemException.Validation("frequency", $"frequency must be one of {string.Join(", ", BackupFrequencies.All)}.");
        }

        var time = ParseTime(request.Time);
        var day = ParseDayOfWeek(request.DayOfWeek);
        var settings = new BackupSettings(frequency, day, null, false, null, time, timeZone, null, now, userId);
        switch (frequency)
        {
            case BackupFrequencies.Weekly or BackupFrequencies.TwiceAMonth:
                if (day is null)
                {
                    throw ProblemException.Validation("dayOfWeek", $"A {frequency} schedule needs dayOfWeek, such as \"monday\".");
                }

                return frequency == BackupFrequencies.Weekly ? settings : settings with { AnchorDate = LocalDate(FirstWeekly(settings, now), timeZone) };
            case BackupFrequencies.Monthly when request.WeekOfMonth is { Length: > 0 } week:
                if (day is null)
                {
                    throw ProblemException.Validation("dayOfWeek", "A monthly schedule on an nth weekday needs dayOfWeek as well as weekOfMonth.");
                }

                return settings with { WeekOfMonth = ParseWeekOfMonth(week) };
            case BackupFrequencies.Monthly:
                return request.DayOfMonth?.Trim().ToLowerInvariant() switch
                {
                    "last" => settings with { LastDayOfMonth = true },
                    var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var date) && date is >= 1 and <= 28 => settings with { DayOfMonth = date },
                    _ => throw ProblemException.Validation("dayOfMonth",
                        "A monthly schedule needs dayOfMonth 1–28 or \"last\", or weekOfMonth (1–4 or \"last\") with dayOfWeek."),
                };
            default:
                return settings;
        }
    }

    /// <summary>The durable reminder schedule of a recurring frequency; null for "now".</summary>
    public static ReminderSchedule? ReminderFor(BackupSettings settings) => settings.Frequency switch
    {
        BackupFrequencies.Weekly => ReminderSchedule.Weekly(settings.TimeZone, settings.DayOfWeek!.Value, settings.Time),
        BackupFrequencies.TwiceAMonth => ReminderSchedule.Weekly(settings.TimeZone, settings.DayOfWeek!.Value, settings.Time, 2, settings.AnchorDate, maxPerMonth: 2),
        BackupFrequencies.Monthly when settings.WeekOfMonth is { } week => ReminderSchedule.MonthlyOnWeekday(settings.TimeZone, week, settings.DayOfWeek!.Value, settings.Time),
        BackupFrequencies.Monthly => ReminderSchedule.MonthlyOnDay(settings.TimeZone, settings.LastDayOfMonth ? null : settings.DayOfMonth, settings.Time),
        _ => null,
    };

    /// <summary>The calendar month of <paramref name="at"/> in <paramref name="timeZone"/>, as "yyyy-MM".</summary>
    public static string MonthOf(DateTimeOffset at, string timeZone)
    {
        var date = Instant.FromDateTimeOffset(at).InZone(DateTimeZoneProviders.Tzdb[timeZone]).Date;
        return $"{date.Year:D4}-{date.Month:D2}";
    }

    /// <summary>Occurrences of <paramref name="schedule"/> from <paramref name="now"/> to the end of the month of the next one.</summary>
    public static (string Month, int Count) OccurrencesInNextMonth(ReminderSchedule schedule, DateTimeOffset now, string timeZone)
    {
        var next = schedule.NextAfter(now);
        if (next is null)
        {
            return (MonthOf(now, timeZone), 0);
        }

        var month = MonthOf(next.Value, timeZone);
        var count = 0;
        for (var at = next; at is not null && MonthOf(at.Value, timeZone) == month; at = schedule.NextAfter(at.Value))
        {
            count++;
        }

        return (month, count);
    }

    public static object Describe(BackupSettings settings) => new
    {
        frequency = settings.Frequency,
        dayOfWeek = settings.DayOfWeek?.ToString().ToLowerInvariant(),
        dayOfMonth = settings.LastDayOfMonth ? "last" : settings.DayOfMonth?.ToString(CultureInfo.InvariantCulture),
        weekOfMonth = settings.WeekOfMonth switch { 5 => "last", var w => w?.ToString(CultureInfo.InvariantCulture) },
        time = settings.Time.ToString("HH:mm", CultureInfo.InvariantCulture),
        timeZone = settings.TimeZone,
    };

    private static DateTimeOffset FirstWeekly(BackupSettings settings, DateTimeOffset now) =>
        ReminderSchedule.Weekly(settings.TimeZone, settings.DayOfWeek!.Value, settings.Time).NextAfter(now)!.Value;

    private static DateOnly LocalDate(DateTimeOffset at, string timeZone)
    {
        var date = Instant.FromDateTimeOffset(at).InZone(DateTimeZoneProviders.Tzdb[timeZone]).Date;
        return new DateOnly(date.Year, date.Month, date.Day);
    }

    private static TimeOnly ParseTime(string? time) =>
        string.IsNullOrWhiteSpace(time) ? new TimeOnly(0, 0)
        : TimeOnly.TryParseExact(time.Trim(), ["HH:mm", "HH:mm:ss", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed
        : throw ProblemException.Validation("time", "time must be a time of day such as \"02:30\" (24-hour, in the organization's time zone).");

    private static DayOfWeek? ParseDayOfWeek(string? day) =>
        string.IsNullOrWhiteSpace(day) ? null
        : Enum.TryParse<DayOfWeek>(day.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(day.Trim()[0]) ? parsed
        : throw ProblemException.Validation("dayOfWeek", "dayOfWeek must be a day name such as \"monday\".");

    private static int ParseWeekOfMonth(string week) =>
        week.Trim().ToLowerInvariant() switch
        {
            "last" => 5,
            var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 4 => n,
            _ => throw ProblemException.Validation("weekOfMonth", "weekOfMonth must be 1–4 (first to fourth) or \"last\"."),
        };
}

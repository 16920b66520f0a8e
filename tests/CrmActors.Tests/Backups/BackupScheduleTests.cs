using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Grains.Backups;
using CrmActors.Tests.Support;
using NodaTime;

namespace CrmActors.Tests.Backups;

/// <summary>
/// When the next backup is due for each frequency, in Asia/Tokyo (no DST) and America/New_York across
/// both DST changes, and that the reminder's tick at that moment starts one backup, once.
/// </summary>
public abstract class BackupScheduleTests(CrmApplication app)
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    [Fact]
    public async Task NextRunsFollowTheOrgsTimeZoneAcrossDaylightSavingChanges()
    {
        // The next spring-forward and fall-back Sundays in New York, at least two weeks away.
        var (spring, fall) = NextTransitions(app.Clock.GetUtcNow().AddDays(14));
        MoveClockTo(Utc(spring.PlusDays(-3), 16, 0));
        var ny = await app.CreateOrgAsync(plan: "ultimate", timeZone: "America/New_York");
        var tokyo = await app.CreateOrgAsync(plan: "ultimate", timeZone: "Asia/Tokyo");
        var twice = await app.CreateOrgAsync(plan: "ultimate", timeZone: "America/New_York");
        await ny.PurchaseAsync("weekly", 1);
        await tokyo.PurchaseAsync("weekly", 1);

        // 02:30 does not exist on the spring-forward Sunday: the run moves forward by the gap, to 03:30 EDT (07:30Z).
        Assert.Equal(Utc(spring, 7, 30), await NextAsync(twice, new { frequency = "twice_a_month", dayOfWeek = "sunday", time = "02:30" }));
        Assert.Equal(Utc(spring, 7, 30), await NextAsync(ny, new { frequency = "monthly", weekOfMonth = 2, dayOfWeek = "sunday", time = "02:30" }));
        Assert.Equal(Utc(spring, 7, 30), await NextAsync(ny, new { frequency = "monthly", dayOfMonth = spring.Day, time = "02:30" }));
        var lastDay = spring.With(DateAdjusters.EndOfMonth);
        Assert.Equal(Utc(lastDay.PlusDays(1), 3, 0), await NextAsync(ny, new { frequency = "monthly", dayOfMonth = "last", time = "23:00" }));
        Assert.Equal(Utc(spring, 7, 30), await NextAsync(ny, new { frequency = "weekly", dayOfWeek = "sunday", time = "02:30" }));
        Assert.Equal(Utc(spring.PlusDays(-1), 17, 30), await NextAsync(tokyo, new { frequency = "weekly", dayOfWeek = "sunday", time = "02:30" }));

        // The reminder fires at that instant; the following runs are at 02:30 EDT (06:30Z).
        MoveClockTo(Utc(spring, 7, 31));
        await TickAsync(ny, twice, tokyo);
        await WaitForNextAsync(ny, Utc(spring.PlusDays(7), 6, 30));
        await WaitForNextAsync(twice, Utc(spring.PlusDays(14), 6, 30));
        await WaitForNextAsync(tokyo, Utc(spring.PlusDays(6), 17, 30));
        Assert.Equal(1, await ScheduledBackupsAsync(ny));
        Assert.Equal(1, await ScheduledBackupsAsync(twice));
        // Those runs finish before the clock jumps to autumn: an occurrence that finds a backup still running is skipped.
        foreach (var org in new[] { ny, twice, tokyo })
        {
            foreach (var id in await ScheduledBackupIdsAsync(org))
            {
                await org.WaitForBackupAsync(id);
            }
        }

        // 01:30 happens twice on the fall-back Sunday: the run is at the first, 01:30 EDT (05:30Z), and not again at 01:30 EST.
        MoveClockTo(Utc(fall.PlusDays(-1), 16, 0));
        Assert.Equal(Utc(fall, 5, 30), await NextAsync(ny, new { frequency = "weekly", dayOfWeek = "sunday", time = "01:30" }));
        Assert.Equal(Utc(fall, 5, 30), await NextAsync(twice, new { frequency = "monthly", weekOfMonth = 1, dayOfWeek = "sunday", time = "01:30" }));
        // By ID, not by count: the spring backup may expire and leave the list while the clock moves on.
        var before = await ScheduledBackupIdsAsync(ny);
        MoveClockTo(Utc(fall, 5, 31));
        await TickAsync(ny, twice);
        await WaitForNextAsync(ny, Utc(fall.PlusDays(7), 6, 30));
        await WaitForNextAsync(twice, Utc(fall.With(DateAdjusters.StartOfMonth).PlusMonths(1).With(DateAdjusters.NextOrSame(IsoDayOfWeek.Sunday)), 6, 30));
        MoveClockTo(Utc(fall, 6, 31));
        await TickAsync(ny);
        Assert.Single((await ScheduledBackupIdsAsync(ny)).Except(before));
    }

    private async Task<DateTimeOffset> NextAsync(OrgSession org, object schedule)
    {
        var response = await org.PutScheduleAsync(schedule);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextBackupAt").GetDateTimeOffset();
    }

    private static Task WaitForNextAsync(OrgSession org, DateTimeOffset expected) =>
        Eventually.GetAsync(async () => (await org.GetJsonAsync("backup")).GetProperty("nextBackupAt").GetDateTimeOffset(), next => next == expected,
            BackupCalls.Patience, $"the next backup of {org.OrgId} to be due at {expected:O}");

    private static async Task<int> ScheduledBackupsAsync(OrgSession org) => (await ScheduledBackupIdsAsync(org)).Count;

    private static async Task<HashSet<string>> ScheduledBackupIdsAsync(OrgSession org) =>
        [.. (await org.GetJsonAsync("backups")).EnumerateArray().Where(b => b.GetProperty("trigger").GetString() == "scheduled").Select(b => b.GetProperty("id").GetString()!)];

    /// <summary>The schedule reminder's tick at the moved clock, as Orleans delivers it when the occurrence is due.</summary>
    private async Task TickAsync(params OrgSession[] orgs)
    {
        foreach (var org in orgs)
        {
            await app.DeliverAsync<IBackupScheduleGrain>(org.OrgId, BackupConstants.ScheduleReminder);
        }
    }

    private void MoveClockTo(DateTimeOffset target)
    {
        var now = app.Clock.GetUtcNow();
        Assert.True(target > now, $"the clock only moves forward ({now:O} → {target:O})");
        app.Clock.Advance(target - now);
    }

    private static DateTimeOffset Utc(LocalDate date, int hour, int minute) => new(date.Year, date.Month, date.Day, hour, minute, 0, TimeSpan.Zero);

    private static (LocalDate Spring, LocalDate Fall) NextTransitions(DateTimeOffset after)
    {
        LocalDate? spring = null, fall = null;
        var interval = NewYork.GetZoneInterval(Instant.FromDateTimeOffset(after));
        while (spring is null || fall is null || fall < spring)
        {
            var next = NewYork.GetZoneInterval(interval.End);
            var day = next.Start.InZone(NewYork).Date;
            if (next.Savings > Offset.Zero)
            {
                spring ??= day;
            }
            else if (spring is not null)
            {
                fall ??= day;
            }

            interval = next;
        }

        return (spring.Value, fall.Value);
    }
}

public sealed class SqliteBackupScheduleTests(SqliteScheduleApplication app) : BackupScheduleTests(app), IClassFixture<SqliteScheduleApplication>;

public sealed class PostgresBackupScheduleTests(PostgresScheduleApplication app) : BackupScheduleTests(app), IClassFixture<PostgresScheduleApplication>;

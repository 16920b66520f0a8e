using System.Globalization;
using CrmActors.Grains.Common;
using CrmActors.Tests.Backups;
using CrmActors.Tests.Support;
using Dapper;
using NodaTime;

namespace CrmActors.Tests.Reminders;

/// <summary>
/// Orleans's ADO.NET reminders on each provider (PostgreSQL's vendored script, and our SQLite script
/// with the same query keys) deliver on real time: a schedule's occurrence starts its backup, and a
/// key's expiry tick clears its own reminder row.
/// </summary>
public abstract class ReminderDeliveryTests(CrmApplication app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task AScheduleOccurrenceFiresItsBackupOnTime()
    {
        var org = await app.CreateOrgAsync(plan: "ultimate", timeZone: "Asia/Tokyo");
        await org.PurchaseAsync("weekly", 1);
        var local = Instant.FromDateTimeOffset(app.Clock.GetUtcNow().AddSeconds(4)).InZone(DateTimeZoneProviders.Tzdb["Asia/Tokyo"]);
        var set = await org.PutScheduleAsync(new
        {
            frequency = "weekly", dayOfWeek = local.DayOfWeek.ToString().ToLowerInvariant(), time = local.TimeOfDay.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        Assert.Contains(await RemindersAsync(org.OrgId), r => r == "backup-schedule");

        var backups = await Eventually.GetAsync(() => org.GetJsonAsync("backups"), list => list.GetArrayLength() > 0, Patience, "the scheduled backup");
        Assert.Equal("scheduled", Assert.Single(backups.EnumerateArray()).GetProperty("trigger").GetString());
        var next = (await org.GetJsonAsync("backup")).GetProperty("nextBackupAt").GetDateTimeOffset();
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(local.ToDateTimeOffset().ToUnixTimeSeconds()).AddDays(7), next);
    }

    [Fact]
    public async Task AKeysExpiryTickClearsItsReminder()
    {
        var target = await app.CreateOrgAsync();
        var key = await target.IssueKeyAsync();
        var grainKey = Ids.Sha256(key);
        Assert.Contains(await RemindersAsync(grainKey), r => r == "expiry");

        await Eventually.GetAsync(() => RemindersAsync(grainKey), rows => rows.Count == 0, Patience, "the expiry tick to clear the key's reminder");
        Assert.Equal("expired", (await target.GetJsonAsync("config-copy/keys/current")).GetProperty("status").GetString());
    }

    private async Task<IReadOnlyList<string>> RemindersAsync(string grainKey)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return (await connection.QueryAsync<string>("SELECT ReminderName FROM OrleansRemindersTable WHERE GrainId LIKE @pattern", new { pattern = "%/" + grainKey })).ToList();
    }
}

public sealed class SqliteReminderApplication : CrmApplication
{
    public SqliteReminderApplication() : base("sqlite") => Settings["ConfigCopy:KeyValidity"] = "00:00:03";
}

public sealed class PostgresReminderApplication : CrmApplication
{
    public PostgresReminderApplication() : base("postgres") => Settings["ConfigCopy:KeyValidity"] = "00:00:03";
}

public sealed class SqliteReminderDeliveryTests(SqliteReminderApplication app) : ReminderDeliveryTests(app), IClassFixture<SqliteReminderApplication>;

public sealed class PostgresReminderDeliveryTests(PostgresReminderApplication app) : ReminderDeliveryTests(app), IClassFixture<PostgresReminderApplication>;

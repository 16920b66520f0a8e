using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Backups;

/// <summary>Included backups per plan, add-ons, the weekly subscription, and stopping the schedule.</summary>
public abstract class BackupQuotaTests(CrmApplication app)
{
    [Fact]
    public async Task TheThirdImmediateBackupOfAMonthOnAStandardPlanNeedsAnAddOn()
    {
        var org = await app.CreateOrgAsync(plan: "standard");
        await org.BackupNowAsync();
        await org.BackupNowAsync();

        var refused = await (await org.PutScheduleAsync(new { frequency = "now" })).AssertProblemAsync(HttpStatusCode.PaymentRequired, "quota-exceeded");
        Assert.Equal(1, refused.GetProperty("needed").GetInt32());
        var quota = (await org.GetJsonAsync("backup")).GetProperty("quota");
        Assert.Equal((2, 2, 0, 0), Quota(quota));

        await org.PurchaseAsync("one_time", 1);
        Assert.Equal((2, 2, 1, 1), Quota((await org.GetJsonAsync("backup")).GetProperty("quota")));
        await org.BackupNowAsync();
        Assert.Equal((2, 2, 0, 0), Quota((await org.GetJsonAsync("backup")).GetProperty("quota")));
        var purchase = (await org.HistoryAsync()).EnumerateArray().Single(h => h.GetProperty("kind").GetString() == "purchase");
        Assert.Equal(1, purchase.GetProperty("details").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task ASchedulesReservedBackupsAreNotAvailableForImmediateOnes()
    {
        var org = await app.CreateOrgAsync(plan: "professional");
        var set = await org.PutScheduleAsync(new { frequency = "twice_a_month", dayOfWeek = "monday", time = "03:00" });
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        var summary = await set.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, summary.GetProperty("quota").GetProperty("reservedForSchedule").GetInt32());

        var refused = await (await org.PutScheduleAsync(new { frequency = "now" })).AssertProblemAsync(HttpStatusCode.PaymentRequired, "quota-exceeded");
        Assert.Equal(1, refused.GetProperty("needed").GetInt32());

        Assert.True((await org.PutScheduleAsync(new { frequency = "monthly", dayOfMonth = "last" })).IsSuccessStatusCode);
        await org.BackupNowAsync();
        Assert.Equal("monthly", (await org.GetJsonAsync("backup")).GetProperty("frequency").GetString());
        var history = (await org.HistoryAsync()).EnumerateArray().Where(h => h.GetProperty("kind").GetString() == "schedule_set").ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal("twice_a_month", history[1].GetProperty("details").GetProperty("replaced").GetString());
        Assert.Equal("last", history[1].GetProperty("details").GetProperty("schedule").GetProperty("dayOfMonth").GetString());
    }

    [Fact]
    public async Task AFreePlanNeedsAnAddOnAndAWeeklyScheduleNeedsTheSubscription()
    {
        var org = await app.CreateOrgAsync(plan: "free");
        var refused = await (await org.PutScheduleAsync(new { frequency = "now" })).AssertProblemAsync(HttpStatusCode.PaymentRequired, "quota-exceeded");
        Assert.Equal(1, refused.GetProperty("needed").GetInt32());
        var monthly = await (await org.PutScheduleAsync(new { frequency = "monthly", weekOfMonth = 1, dayOfWeek = "monday" }))
            .AssertProblemAsync(HttpStatusCode.PaymentRequired, "quota-exceeded");
        Assert.Equal(1, monthly.GetProperty("needed").GetInt32());
        await (await org.PutScheduleAsync(new { frequency = "weekly", dayOfWeek = "friday" })).AssertProblemAsync(HttpStatusCode.PaymentRequired, "subscription-required");

        await org.PurchaseAsync("one_time", 3);
        await org.BackupNowAsync();
        await org.PurchaseAsync("weekly", 1);
        var weekly = await org.PutScheduleAsync(new { frequency = "weekly", dayOfWeek = "friday", time = "22:15" });
        Assert.True(weekly.IsSuccessStatusCode, await weekly.Content.ReadAsStringAsync());
        Assert.Equal((0, 0, 2, 2), Quota((await weekly.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quota")));

        await (await org.Admin.DeleteAsync(org.Url("backup/purchases?kind=weekly"))).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await org.Admin.DeleteAsync(org.Url("backup/purchases?kind=one_time&count=3"))).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        var downgraded = await org.Admin.DeleteAsync(org.Url("backup/purchases?kind=one_time&count=2"));
        Assert.Equal(0, (await downgraded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quota").GetProperty("purchased").GetInt32());
        Assert.Contains((await org.HistoryAsync()).EnumerateArray(), h => h.GetProperty("kind").GetString() == "downgrade");
    }

    [Fact]
    public async Task StoppingIsRefusedWhileABackupRunsOrIsReadyAndWorksWhenIdle()
    {
        var org = await app.CreateOrgAsync(plan: "ultimate");
        Assert.True((await org.PutScheduleAsync(new { frequency = "monthly", dayOfMonth = 15, time = "01:00" })).IsSuccessStatusCode);
        var backupId = await org.RequestBackupAsync();
        var whileRunning = await (await org.Admin.DeleteAsync(org.Url("backup/schedule"))).AssertProblemAsync(HttpStatusCode.Conflict, "backup-busy");
        Assert.Contains(backupId, whileRunning.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await org.WaitForBackupAsync(backupId);
        var whileReady = await (await org.Admin.DeleteAsync(org.Url("backup/schedule"))).AssertProblemAsync(HttpStatusCode.Conflict, "backup-busy");
        Assert.Contains("ready", whileReady.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ready", (await org.GetJsonAsync("backup")).GetProperty("status").GetString());

        var idle = await app.CreateOrgAsync(plan: "ultimate");
        Assert.True((await idle.PutScheduleAsync(new { frequency = "monthly", dayOfMonth = 15, time = "01:00" })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await idle.Admin.DeleteAsync(idle.Url("backup/schedule"))).StatusCode);
        var summary = await idle.GetJsonAsync("backup");
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("frequency").ValueKind);
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("nextBackupAt").ValueKind);
        Assert.Equal("idle", summary.GetProperty("status").GetString());
        var stopped = (await idle.HistoryAsync()).EnumerateArray().Last();
        Assert.Equal("schedule_stopped", stopped.GetProperty("kind").GetString());
        Assert.Equal("monthly", stopped.GetProperty("details").GetProperty("frequency").GetString());
    }

    [Fact]
    public async Task AnInvalidScheduleIsRefusedNamingTheField()
    {
        var org = await app.CreateOrgAsync();
        foreach (var (body, field) in new (object, string)[]
        {
            (new { frequency = "daily" }, "frequency"),
            (new { frequency = "weekly" }, "dayOfWeek"),
            (new { frequency = "monthly", dayOfMonth = 31 }, "dayOfMonth"),
            (new { frequency = "monthly", weekOfMonth = 6, dayOfWeek = "monday" }, "weekOfMonth"),
            (new { frequency = "twice_a_month", dayOfWeek = "funday" }, "dayOfWeek"),
            (new { frequency = "monthly", dayOfMonth = 3, time = "25:00" }, "time"),
        })
        {
            var problem = await (await org.PutScheduleAsync(body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    private static (int Included, int Used, int Purchased, int Remaining) Quota(JsonElement quota) =>
        (quota.GetProperty("included").GetInt32(), quota.GetProperty("used").GetInt32(), quota.GetProperty("purchased").GetInt32(), quota.GetProperty("remaining").GetInt32());
}

public sealed class SqliteBackupQuotaTests(SqliteCrmApplication app) : BackupQuotaTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresBackupQuotaTests(PostgresCrmApplication app) : BackupQuotaTests(app), IClassFixture<PostgresCrmApplication>;

using System.Net;
using CrmActors.Grains.Maintenance;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Api;

/// <summary>The daily purge reminder removes audit entries and recycled records after 60 days.</summary>
public abstract class RetentionTests(CrmApplication app)
{
    [Fact]
    public async Task AfterSixtyDaysTheDailyPurgeRemovesOldAuditEntriesAndRecycledRecords()
    {
        var org = await app.CreateOrgAsync();
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Old" });
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Leads/records/{lead}"))).StatusCode);
        Assert.NotEmpty((await org.GetJsonAsync("audit-log")).EnumerateArray());

        app.Clock.Advance(TimeSpan.FromDays(61));
        await app.DeliverAsync<IMaintenanceGrain>(IMaintenanceGrain.Key, MaintenanceGrain.PurgeReminder);

        await Eventually.GetAsync(async () => (await org.GetJsonAsync("recycle-bin")).GetArrayLength(), n => n == 0, TimeSpan.FromSeconds(30), "the recycle bin to be purged");
        await Eventually.GetAsync(async () => (await org.GetJsonAsync("audit-log")).GetArrayLength(), n => n == 0, TimeSpan.FromSeconds(30), "old audit entries to be purged");
        await (await org.Admin.PostAsync(org.Url($"recycle-bin/{lead}/restore"), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}

public sealed class SqliteRetentionTests(SqliteCrmApplication app) : RetentionTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresRetentionTests(PostgresCrmApplication app) : RetentionTests(app), IClassFixture<PostgresCrmApplication>;

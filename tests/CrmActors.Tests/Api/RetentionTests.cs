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

/// <summary>The periods and included backups are settings: an operator's values replace the specified defaults.</summary>
public abstract class ConfiguredRetentionTests(CrmApplication app)
{
    [Fact]
    public async Task ConfiguredRetentionPeriodsAndIncludedBackupsReplaceTheDefaults()
    {
        var org = await app.CreateOrgAsync(plan: "standard");
        Assert.Equal(3, (await org.GetJsonAsync("backup")).GetProperty("quota").GetProperty("included").GetInt32());
        Assert.Equal(0, (await (await app.CreateOrgAsync(plan: "ultimate")).GetJsonAsync("backup")).GetProperty("quota").GetProperty("included").GetInt32());

        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Old" });
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Leads/records/{lead}"))).StatusCode);
        var entry = (await org.GetJsonAsync("recycle-bin"))[0];
        Assert.Equal(entry.GetProperty("deletedAt").GetDateTimeOffset().AddDays(20), entry.GetProperty("purgeAt").GetDateTimeOffset());

        // Past the audit log's 10 days, not the bin's 20: only the audit entries go.
        app.Clock.Advance(TimeSpan.FromDays(11));
        await app.DeliverAsync<IMaintenanceGrain>(IMaintenanceGrain.Key, MaintenanceGrain.PurgeReminder);
        await Eventually.GetAsync(async () => (await org.GetJsonAsync("audit-log")).GetArrayLength(), n => n == 0, TimeSpan.FromSeconds(30), "audit entries past 10 days to be purged");
        Assert.Equal(1, (await org.GetJsonAsync("recycle-bin")).GetArrayLength());

        app.Clock.Advance(TimeSpan.FromDays(10));
        await app.DeliverAsync<IMaintenanceGrain>(IMaintenanceGrain.Key, MaintenanceGrain.PurgeReminder);
        await Eventually.GetAsync(async () => (await org.GetJsonAsync("recycle-bin")).GetArrayLength(), n => n == 0, TimeSpan.FromSeconds(30), "the bin past 20 days to be purged");
    }
}

public abstract class ConfiguredRetentionApplication : CrmApplication
{
    protected ConfiguredRetentionApplication(string provider)
        : base(provider)
    {
        Settings["AuditLog:Retention"] = "10.00:00:00";
        Settings["RecycleBin:Retention"] = "20.00:00:00";
        Settings["Backups:IncludedPerMonth:standard"] = "3";
        Settings["Backups:IncludedPerMonth:ultimate"] = "0";
    }
}

public sealed class SqliteConfiguredRetentionApplication() : ConfiguredRetentionApplication("sqlite");

public sealed class PostgresConfiguredRetentionApplication() : ConfiguredRetentionApplication("postgres");

public sealed class SqliteConfiguredRetentionTests(SqliteConfiguredRetentionApplication app) : ConfiguredRetentionTests(app), IClassFixture<SqliteConfiguredRetentionApplication>;

public sealed class PostgresConfiguredRetentionTests(PostgresConfiguredRetentionApplication app) : ConfiguredRetentionTests(app), IClassFixture<PostgresConfiguredRetentionApplication>;

public sealed class SqliteRetentionTests(SqliteCrmApplication app) : RetentionTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresRetentionTests(PostgresCrmApplication app) : RetentionTests(app), IClassFixture<PostgresCrmApplication>;

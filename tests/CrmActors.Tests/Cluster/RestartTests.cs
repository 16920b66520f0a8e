using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace CrmActors.Tests.Cluster;

/// <summary>
/// Whole deployments stopped and started again, as real processes: what was accepted survives, and a
/// schedule whose occurrences passed while no silo ran catches up exactly once.
/// </summary>
public sealed class RestartTests
{
    private const string OperatorKey = "restart-operator-key";

    [Fact]
    public async Task TwoOccurrencesMissedWhileEverySiloWasDownRunOnceAfterTheRestart()
    {
        await using var deployment = new SiloDeployment("postgres", OperatorKey);
        var first = await deployment.StartAsync();
        await deployment.StartAsync();
        var (orgId, token) = await deployment.CreateOrgAsync(first, "Restart Org", plan: "ultimate", domain: "restart.example");
        using (var admin = first.Client(token))
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/orgs/{orgId}/backup/purchases", new { kind = "weekly", count = 1 })).StatusCode);
            var local = Instant.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(8)).InZone(DateTimeZoneProviders.Tzdb["Asia/Tokyo"]);
            var set = await admin.PutAsJsonAsync($"/api/orgs/{orgId}/backup/schedule", new
            {
                frequency = "weekly", dayOfWeek = local.DayOfWeek.ToString().ToLowerInvariant(), time = local.TimeOfDay.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            });
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
            var occurrence = (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextBackupAt").GetDateTimeOffset();

            // Every silo dies before the occurrence; they come back "a week later" (the clock offset), so the
            // occurrence and the next one have both passed.
            foreach (var silo in deployment.Silos)
            {
                silo.Kill();
            }

            await Task.Delay(occurrence - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2));
            var week = new Dictionary<string, string> { ["Testing:ClockOffset"] = "7.00:00:00" };
            var restarted = await deployment.StartAsync(week);
            await deployment.StartAsync(week);

            using var after = restarted.Client(token);
            var backups = await Eventually.JsonAsync(after, $"/api/orgs/{orgId}/backups", list => list.GetArrayLength() > 0, TimeSpan.FromSeconds(60), "the catch-up backup");
            await Task.Delay(TimeSpan.FromSeconds(8));
            backups = await Eventually.JsonAsync(after, $"/api/orgs/{orgId}/backups", _ => true, TimeSpan.FromSeconds(30), "the backups");
            Assert.Equal("scheduled", Assert.Single(backups.EnumerateArray()).GetProperty("trigger").GetString());
            var summary = await Eventually.JsonAsync(after, $"/api/orgs/{orgId}/backup", _ => true, TimeSpan.FromSeconds(30), "the summary");
            Assert.Equal(occurrence.AddDays(14), summary.GetProperty("nextBackupAt").GetDateTimeOffset());
        }
    }

    [Fact]
    public async Task AnEmbeddedNodeKilledAndStartedAgainKeepsOrgsTokensSchedulesAndReminders()
    {
        await using var deployment = new SiloDeployment("sqlite", OperatorKey);
        var node = await deployment.StartAsync();
        var (orgId, token) = await deployment.CreateOrgAsync(node, "Restart Org", plan: "ultimate", domain: "restart.example");
        string userToken, copyKey;
        JsonElement summary;
        using (var admin = node.Client(token))
        {
            var user = await admin.PostAsJsonAsync($"/api/orgs/{orgId}/users", new { email = "staff@restart.example", name = "Staff", role = "standard" });
            userToken = (await user.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            var set = await admin.PutAsJsonAsync($"/api/orgs/{orgId}/backup/schedule", new { frequency = "monthly", dayOfMonth = "last", time = "04:00" });
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
            summary = await set.Content.ReadFromJsonAsync<JsonElement>();
            var key = await admin.PostAsync($"/api/orgs/{orgId}/config-copy/keys", null);
            copyKey = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        }

        node.Kill();
        var again = await deployment.StartAsync();

        using var admin2 = again.Client(token);
        Assert.Equal("Restart Org", (await admin2.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}")).GetProperty("name").GetString());
        using var staff = again.Client(userToken);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/orgs/{orgId}/modules")).StatusCode);
        var after = await admin2.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/backup");
        Assert.Equal(("monthly", summary.GetProperty("nextBackupAt").GetDateTimeOffset()),
            (after.GetProperty("frequency").GetString(), after.GetProperty("nextBackupAt").GetDateTimeOffset()));
        Assert.Equal("active", (await admin2.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/config-copy/keys/current")).GetProperty("status").GetString());

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(deployment.DataDirectory, "crm.db")}");
        await connection.OpenAsync();
        var reminders = (await connection.QueryAsync<string>("SELECT GrainId || ' ' || ReminderName FROM OrleansRemindersTable")).ToList();
        Assert.Contains($"backupschedule/{orgId} backup-schedule", reminders);
        Assert.Contains($"copykey/{Ids.Sha256(copyKey)} expiry", reminders);
    }
}

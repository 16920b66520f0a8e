using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace CrmActors.Tests.Cluster;

/// <summary>
/// Whole deployments stopped and started again, as real processes: what was accepted survives, and a
/// schedule whose occurrences passed while no silo ran catches up exactly once.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private const string OperatorKey = "restart-operator-key";

    private readonly TempDirectory _directory = new();
    private readonly List<SiloProcess> _silos = [];
    private TestPostgres? _postgres;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task TwoOccurrencesMissedWhileEverySiloWasDownRunOnceAfterTheRestart()
    {
        _postgres = await TestPostgres.CreateDatabaseAsync();
        var first = await StartAsync("postgres");
        await StartAsync("postgres");
        var (orgId, token) = await CreateOrgAsync(first);
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
            foreach (var silo in _silos)
            {
                silo.Kill();
            }

            await Task.Delay(occurrence - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(2));
            var week = new Dictionary<string, string> { ["Testing:ClockOffset"] = "7.00:00:00" };
            var restarted = await StartAsync("postgres", week);
            await StartAsync("postgres", week);

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
        var node = await StartAsync("sqlite");
        var (orgId, token) = await CreateOrgAsync(node);
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
        var again = await StartAsync("sqlite");

        using var admin2 = again.Client(token);
        Assert.Equal("Restart Org", (await admin2.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}")).GetProperty("name").GetString());
        using var staff = again.Client(userToken);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/orgs/{orgId}/modules")).StatusCode);
        var after = await admin2.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/backup");
        Assert.Equal(("monthly", summary.GetProperty("nextBackupAt").GetDateTimeOffset()),
            (after.GetProperty("frequency").GetString(), after.GetProperty("nextBackupAt").GetDateTimeOffset()));
        Assert.Equal("active", (await admin2.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgId}/config-copy/keys/current")).GetProperty("status").GetString());

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "data", "crm.db")}");
        await connection.OpenAsync();
        var reminders = (await connection.QueryAsync<string>("SELECT GrainId || ' ' || ReminderName FROM OrleansRemindersTable")).ToList();
        Assert.Contains($"backupschedule/{orgId} backup-schedule", reminders);
        Assert.Contains($"copykey/{Ids.Sha256(copyKey)} expiry", reminders);
    }

    private async Task<SiloProcess> StartAsync(string provider, IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(SiloCluster.FastTimings)
        {
            ["Storage:Provider"] = provider,
            ["Storage:DataDirectory"] = Path.Combine(_directory.Path, "data"),
            ["Blobs:Root"] = Path.Combine(_directory.Path, "blobs"),
            ["Operator:Key"] = OperatorKey,
        };
        if (_postgres is not null)
        {
            settings["ConnectionStrings:Crm"] = _postgres.ConnectionString;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var silo = await SiloProcess.StartAsync($"silo-{_silos.Count + 1}", settings);
        _silos.Add(silo);
        return silo;
    }

    private static async Task<(string OrgId, string Token)> CreateOrgAsync(SiloProcess silo)
    {
        using var client = silo.Client();
        client.DefaultRequestHeaders.Add("X-Operator-Key", OperatorKey);
        var response = await client.PostAsJsonAsync("/api/orgs", new
        {
            name = "Restart Org", plan = "ultimate", timeZone = "Asia/Tokyo", domain = "restart.example", admin = new { email = "admin@restart.example", name = "Admin" },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetString()!, created.GetProperty("adminToken").GetString()!);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CrmActors.Tests.Upgrade;

/// <summary>
/// A database (and blob folder) made by the build before the Orleans port, at commit 4fb17a2 (see
/// Fixtures/README.md), is upgraded in place by today's silo: organizations, users and their tokens,
/// configuration, records, files, backups, the schedule and its quota, and a copy key all survive,
/// their reminders are registered with Orleans, and the old runtime's tables are retired.
/// </summary>
public sealed class UpgradeFromPreviousBuildTests
{
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Fixture("expected.json"))).RootElement;

    [Fact]
    public async Task AnEmbeddedDatabaseOfThePreviousBuildIsUpgradedInPlace()
    {
        await using var deployment = new SiloDeployment("sqlite", Expected.GetProperty("operatorKey").GetString()!);
        var data = Directory.CreateDirectory(deployment.DataDirectory).FullName;
        File.Copy(Fixture("sqlite", "crm.db"), Path.Combine(data, "crm.db"));
        CopyFolder(Fixture("sqlite", "blobs"), deployment.BlobRoot);
        await UpgradesAsync(deployment, () => new SqliteConnection($"Data Source={Path.Combine(data, "crm.db")}"));
    }

    [Fact]
    public async Task APostgresDatabaseOfThePreviousBuildIsUpgradedInPlace()
    {
        await using var deployment = await new SiloDeployment("postgres", Expected.GetProperty("operatorKey").GetString()!).PrepareAsync();
        await using (var connection = new NpgsqlConnection(deployment.ConnectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync(await File.ReadAllTextAsync(Fixture("postgres.sql")));
        }

        CopyFolder(Fixture("postgres-blobs"), deployment.BlobRoot);
        await UpgradesAsync(deployment, () => new NpgsqlConnection(deployment.ConnectionString));
    }

    private static async Task UpgradesAsync(SiloDeployment deployment, Func<System.Data.Common.DbConnection> database)
    {
        var provider = deployment.Provider;
        var fixture = Expected.GetProperty("providers").GetProperty(provider);
        var a = fixture.GetProperty("orgA");
        var b = fixture.GetProperty("orgB");
        var silo = await deployment.StartAsync();
        var orgA = Text(a, "orgId");
        using var admin = silo.Client(Text(a, "adminToken"));

        // The organization and its users, with every token they had.
        var org = await Eventually.JsonAsync(admin, $"/api/orgs/{orgA}", o => o.TryGetProperty("name", out _), TimeSpan.FromSeconds(30), "the upgraded organization");
        Assert.Equal((Text(a, "name"), Text(a, "plan"), Text(a, "timeZone")), (Text(org, "name"), Text(org, "plan"), Text(org, "timeZone")));
        using var second = silo.Client(Text(a, "adminSecondToken"));
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync($"/api/orgs/{orgA}/users")).StatusCode);
        using var bob = silo.Client(Text(a, "bobToken"));
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync($"/api/orgs/{orgA}/modules")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"/api/orgs/{orgA}/users")).StatusCode);

        // Configuration, records, the recycle bin and files.
        var modules = await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgA}/modules");
        var leads = modules.EnumerateArray().Single(m => Text(m, "name") == "Leads");
        Assert.Contains(leads.GetProperty("fields").EnumerateArray(), f => Text(f, "name") == a.GetProperty("customField").GetProperty("name").GetString());
        Assert.Contains(modules.EnumerateArray(), m => Text(m, "name") == a.GetProperty("customModule").GetProperty("name").GetString());
        var export = (await admin.GetStringAsync($"/api/orgs/{orgA}/settings/export"));
        foreach (var name in new[] { a.GetProperty("layout").GetProperty("name").GetString()!, Text(a, "workflowRule"), Text(a, "role"), Text(a, "profile") })
        {
            Assert.Contains(name, export, StringComparison.Ordinal);
        }

        foreach (var (module, count) in a.GetProperty("recordCounts").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())))
        {
            Assert.Equal(count, (await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgA}/modules/{module}/records")).GetProperty("total").GetInt32());
        }

        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgA}/recycle-bin")).EnumerateArray(), e => e.ToString().Contains(Text(a, "binnedRecordId"), StringComparison.Ordinal));
        var attachment = a.GetProperty("attachment");
        var bytes = await admin.GetByteArrayAsync($"/api/orgs/{orgA}/modules/{Text(attachment, "module")}/records/{Text(attachment, "recordId")}/attachments/{Text(attachment, "id")}");
        Assert.Equal(Text(attachment, "sha256"), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        // Backups: the ready backup still downloads through its signed link until it expires; schedule, quota and history are kept.
        var now = DateTimeOffset.UtcNow;
        var backup = await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgA}/backups/{Text(a, "backupId")}");
        if (DateTimeOffset.Parse(Text(a, "backupExpiresAt"), System.Globalization.CultureInfo.InvariantCulture) > now)
        {
            Assert.Equal("ready", Text(backup, "status"));
            using var anonymous = silo.Client();
            var zip = await anonymous.GetAsync(backup.GetProperty("data")[0].GetString()!);
            Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
        }
        else
        {
            Assert.Equal("expired", Text(backup, "status"));
        }

        var summary = await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgA}/backup");
        Assert.Equal("monthly", Text(summary, "frequency"));
        var next = a.GetProperty("schedule").GetProperty("nextBackupAt").GetDateTimeOffset();
        Assert.Equal(next > now ? next : summary.GetProperty("nextBackupAt").GetDateTimeOffset(), summary.GetProperty("nextBackupAt").GetDateTimeOffset());
        Assert.True(summary.GetProperty("nextBackupAt").GetDateTimeOffset() > now);
        if (next > now)
        {
            var quota = a.GetProperty("quota");
            Assert.Equal((quota.GetProperty("purchased").GetInt32(), quota.GetProperty("reservedForSchedule").GetInt32()),
                (summary.GetProperty("quota").GetProperty("purchased").GetInt32(), summary.GetProperty("quota").GetProperty("reservedForSchedule").GetInt32()));
        }

        var history = (await admin.GetFromJsonAsync<JsonElement>($"/api/orgs/{orgA}/backup/history")).EnumerateArray().Select(h => Text(h, "kind")).ToList();
        Assert.Equal(a.GetProperty("historyKinds").EnumerateArray().Select(k => k.GetString()!), history.Take(a.GetProperty("historyKinds").GetArrayLength()));

        // The copy key org B issued is still the one org A can use until it expires.
        var sent = await admin.PostAsJsonAsync($"/api/orgs/{orgA}/config-copy/send", new { key = Text(b, "copyKey") });
        var keyLive = DateTimeOffset.Parse(Text(b, "copyKeyExpiresAt"), System.Globalization.CultureInfo.InvariantCulture) > now;
        if (keyLive)
        {
            Assert.True(sent.StatusCode == HttpStatusCode.Accepted, await sent.Content.ReadAsStringAsync());
        }
        else
        {
            await sent.AssertProblemAsync(HttpStatusCode.BadRequest, "key-invalid");
        }

        // Orleans now holds the reminders; the old runtime's tables are gone (its grain state kept aside).
        await using var connection = database();
        await connection.OpenAsync();
        var reminders = (await connection.QueryAsync<string>("SELECT GrainId || ' ' || ReminderName FROM OrleansRemindersTable")).ToList();
        Assert.Contains($"backupschedule/{orgA} backup-schedule", reminders);
        Assert.Contains($"maintenance/cluster purge", reminders);
        var tables = (await connection.QueryAsync<string>(provider == "postgres"
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            : "SELECT name FROM sqlite_master WHERE type = 'table'")).Select(t => t.ToLowerInvariant()).ToList();
        Assert.Contains("legacy_grain_state", tables);
        Assert.DoesNotContain("grain_state", tables);
        Assert.DoesNotContain("jobs", tables);
        Assert.DoesNotContain("grain_reminders", tables);
        // The key's expiry reminder was registered on import and cleared when the send used the key. (Once the fixture's
        // key has expired, the send is refused instead and the reminder, due at once, clears itself when it fires.)
        if (keyLive)
        {
            Assert.DoesNotContain($"copykey/{Ids.Sha256(Text(b, "copyKey"))} expiry", reminders);
        }

        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM legacy_grain_state WHERE grain_key = @key", new { key = Ids.Sha256(Text(b, "copyKey")) }));
    }

    private static string Text(JsonElement element, string property) => element.GetProperty(property).ToString();

    private static string Fixture(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Upgrade", "Fixtures", .. parts]);

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

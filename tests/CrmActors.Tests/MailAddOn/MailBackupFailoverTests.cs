using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;
using Dapper;
using Microsoft.Playwright;
using Npgsql;

namespace CrmActors.Tests.MailAddOn;

/// <summary>
/// A silo is killed (SIGKILL) while it backs up a 1,500-message mailbox; the other silo of the PostgreSQL
/// cluster resumes the run from the messages already written, and the backup completes with every
/// message stored exactly once. The password appears in no silo's log.
/// </summary>
public sealed class MailBackupFailoverTests : IAsyncLifetime
{
    private const string OperatorKey = "mail-failover-operator-key";
    private const string MailUser = "cluster";

    private readonly SiloDeployment _deployment = new("postgres", OperatorKey);

    private static readonly Dictionary<string, string> MailSettings = new()
    {
        ["Outbound:AllowPrivateNetworks"] = "true",
        ["MailAddOn:BatchSize"] = "20",
        ["Logging:LogLevel:Default"] = "Information",
    };

    public async Task InitializeAsync() => await _deployment.PrepareAsync();

    public async Task DisposeAsync() => await _deployment.DisposeAsync();

    [Pop3Fact]
    public async Task ASiloKilledMidBackupLeavesItToAnotherSiloAndNoMessageIsStoredTwice()
    {
        var first = await _deployment.StartAsync(MailSettings);
        var second = await _deployment.StartAsync(MailSettings);
        var (orgId, token) = await _deployment.CreateOrgAsync(first, "Mail failover", domain: "example.test");
        using var admin = first.Client(token);
        var created = await admin.PostAsJsonAsync($"/api/orgs/{orgId}/users", new { email = "leaver@example.test", name = "Leaver", role = "standard" });
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        var userId = user.GetProperty("id").GetString()!;
        using (var own = first.Client(user.GetProperty("token").GetString()))
        {
            var saved = await own.PutAsJsonAsync($"/api/orgs/{orgId}/users/{userId}/mailbox", MailSteps.Settings(MailUser, "share_all"));
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/orgs/{orgId}/users/{userId}/deactivate", null)).StatusCode);
        var onServer = await MailSteps.MessagesOnServerAsync(MailUser);
        var started = await admin.PostAsync($"/api/orgs/{orgId}/mail-addon/users/{userId}/backup", null);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());

        // Caught once it has written some messages and long before it has all of them.
        var runner = await Eventually.GetAsync(RunningAsync, r => r is { Written: > 0 }, TimeSpan.FromSeconds(60), "the backup to write its first messages");
        Assert.True(runner!.Written < onServer, $"the backup had already written {runner.Written} of {onServer} messages");
        var victim = _deployment.Silos.Single(s => s.Name == runner.Silo);
        victim.Kill();
        var survivor = _deployment.Silos.Single(s => s != victim);

        using var admin2 = survivor.Client(token);
        var entry = await Eventually.JsonAsync(admin2, $"/api/orgs/{orgId}/mail-addon/users/{userId}",
            u => u.GetProperty("backup").GetProperty("status").GetString() is "completed" or "failed", TimeSpan.FromSeconds(180), "the other silo to finish the backup");
        var backup = entry.GetProperty("backup");
        Assert.True(backup.GetProperty("status").GetString() == "completed", backup.GetRawText());
        Assert.Equal(onServer, backup.GetProperty("messages").GetInt32());

        await using var connection = await OpenDatabaseAsync();
        var (rows, keys) = await connection.QuerySingleAsync<(long, long)>(
            "SELECT COUNT(*), COUNT(DISTINCT message_key) FROM mail_messages WHERE org_id = @orgId", new { orgId });
        Assert.Equal((onServer, onServer), ((int)rows, (int)keys));
        Assert.Equal(onServer, Directory.GetFiles(Path.Combine(_deployment.BlobRoot, "orgs", orgId, "mail", userId), "*.eml").Length);
        // The backup is recorded a moment before its run is.
        var run = await Eventually.GetAsync(async () => await RunRows.OfAsync(connection, "mail.backup", orgId), r => r.Status != "running", TimeSpan.FromSeconds(30), "the run to end");
        Assert.True(run is { Status: "completed", Attempts: >= 2 } && run.Silo != victim.Name, $"{run}");
        Assert.Equal(onServer, await MailSteps.MessagesOnServerAsync(MailUser));
        foreach (var silo in _deployment.Silos)
        {
            Assert.DoesNotContain($"{MailUser}-secret", silo.Output, StringComparison.Ordinal);
        }

        // The admin's dashboard, served by the survivor, shows the backup completed with its counts.
        await using var dashboard = await DashboardPage.AsAdminAsync(survivor.Address, token);
        var row = await dashboard.RowAsync("mail-backups", "leaver@example.test");
        await Assertions.Expect(row.Locator("td.completed")).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td.num").First).ToHaveTextAsync(onServer.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(dashboard.Errors);
    }

    private sealed record Runner(string Silo, long Written);

    private async Task<Runner?> RunningAsync()
    {
        await using var connection = await OpenDatabaseAsync();
        var running = await RunRows.RunningAsync(connection, "mail.backup");
        return running is null ? null : new Runner(running.Silo, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM mail_messages"));
    }

    private async Task<DbConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(_deployment.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}

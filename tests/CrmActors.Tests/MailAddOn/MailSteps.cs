using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.MailAddOn;

/// <summary>The calls the mail add-on API tests make: users who set up a mailbox, deactivation, backups and their end.</summary>
public sealed class MailSteps(CrmApplication app, OrgSession org)
{
    public OrgSession Org => org;

    /// <summary>The settings of a Dovecot user's mailbox, as the CRM user would enter them.</summary>
    public static object Settings(string login, string accountType = "share_all", string? password = null, string protocol = "pop3",
        string? host = null, int? port = null, string address = "owner@example.test") => new
    {
        protocol, host = host ?? TestDovecot.Host, port = port ?? TestDovecot.Port, tls = "none", login,
        password = password ?? $"{login}-secret", address, accountType,
    };

    /// <summary>Adds a user (standard unless <paramref name="role"/> says otherwise) who saves <paramref name="settings"/>.</summary>
    public async Task<(string Id, HttpClient Client)> AddMailUserAsync(object settings, string role = "standard")
    {
        var (id, token) = await org.AddUserAsync(role);
        var client = app.ClientFor(token);
        var saved = await client.PutAsJsonAsync(org.Url($"users/{id}/mailbox"), settings);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        return (id, client);
    }

    public Task<HttpResponseMessage> SaveAsync(HttpClient client, string userId, object settings) =>
        client.PutAsJsonAsync(org.Url($"users/{userId}/mailbox"), settings);

    public async Task SetActiveAsync(string userId, bool active)
    {
        var response = await org.Admin.PostAsync(org.Url($"users/{userId}/{(active ? "activate" : "deactivate")}"), null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public Task<HttpResponseMessage> PostAsync(string userId, string action, HttpClient? client = null) =>
        (client ?? org.Admin).PostAsync(org.Url($"mail-addon/users/{userId}/{action}"), null);

    /// <summary>Starts a backup (<c>backup</c> or <c>backup/latest</c>) and waits until it completes or fails.</summary>
    public async Task<JsonElement> BackupAsync(string userId, string action = "backup")
    {
        var started = await PostAsync(userId, action);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var backupId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var entry = await Eventually.JsonAsync(org.Admin, org.Url($"mail-addon/users/{userId}"),
            u => u.GetProperty("backup") is { ValueKind: JsonValueKind.Object } b && b.GetProperty("id").GetString() == backupId
                && b.GetProperty("status").GetString() is "completed" or "failed",
            TimeSpan.FromSeconds(90), $"backup {backupId} to end");
        return entry.GetProperty("backup");
    }

    /// <summary>How many messages the Dovecot user's mailbox holds, asked with a plain MailKit session.</summary>
    public static async Task<int> MessagesOnServerAsync(string user)
    {
        using var client = await TestDovecot.ConnectPlainAsync(user);
        var count = await client.GetMessageCountAsync();
        await client.DisconnectAsync(true);
        return count;
    }
}

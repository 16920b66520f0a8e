using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Backups;

/// <summary>The backup calls tests make through the HTTP API.</summary>
public static class BackupCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static Task<HttpResponseMessage> PutScheduleAsync(this OrgSession org, object schedule) =>
        org.Admin.PutAsJsonAsync(org.Url("backup/schedule"), schedule);

    /// <summary>Requests an immediate backup and returns its ID.</summary>
    public static async Task<string> RequestBackupAsync(this OrgSession org)
    {
        var response = await org.PutScheduleAsync(new { frequency = "now" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("latestBackupId").GetString()!;
    }

    public static Task<JsonElement> WaitForBackupAsync(this OrgSession org, string backupId, string status = "ready") =>
        Eventually.GetAsync(() => org.GetJsonAsync($"backups/{backupId}"), b => b.GetProperty("status").GetString() == status || b.GetProperty("status").GetString() == "failed",
            Patience, $"backup {backupId} to be {status}");

    public static async Task<JsonElement> BackupNowAsync(this OrgSession org)
    {
        var backup = await org.WaitForBackupAsync(await org.RequestBackupAsync());
        Assert.True(backup.GetProperty("status").GetString() == "ready", backup.ToString());
        return backup;
    }

    public static async Task<string> PurchaseAsync(this OrgSession org, string kind, int count)
    {
        var response = await org.Admin.PostAsJsonAsync(org.Url("backup/purchases"), new { kind, count });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }

    public static async Task<string> StartRestoreAsync(this OrgSession org, object body)
    {
        var response = await org.Admin.PostAsJsonAsync(org.Url("restores"), body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> WaitForRestoreAsync(this OrgSession org, string restoreId)
    {
        var restore = await Eventually.GetAsync(() => org.GetJsonAsync($"restores/{restoreId}"),
            r => r.GetProperty("status").GetString() is "completed" or "failed", Patience, $"restore {restoreId} to finish");
        Assert.True(restore.GetProperty("status").GetString() == "completed", restore.ToString());
        return restore;
    }

    public static async Task<JsonElement> RestoreAsync(this OrgSession org, object body) =>
        await org.WaitForRestoreAsync(await org.StartRestoreAsync(body));

    public static async Task<JsonElement> HistoryAsync(this OrgSession org) => await org.GetJsonAsync("backup/history");

    public static async Task<string> UploadAsync(this OrgSession org, string module, string recordId, string fileName, byte[] content, string? field = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(field is null ? "application/octet-stream" : "image/png");
        form.Add(file, "file", fileName);
        var response = field is null
            ? await org.Admin.PostAsync(org.Url($"modules/{module}/records/{recordId}/attachments"), form)
            : await org.Admin.PutAsync(org.Url($"modules/{module}/records/{recordId}/files/{field}"), form);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<List<JsonElement>> AllRecordsAsync(this OrgSession org, string module)
    {
        var records = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var items = (await org.GetJsonAsync($"modules/{module}/records?page={page}&perPage=200")).GetProperty("items").EnumerateArray().ToList();
            records.AddRange(items);
            if (items.Count < 200)
            {
                return records;
            }
        }
    }
}

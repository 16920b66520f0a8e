using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.ContactSync;

/// <summary>The calls the contact-sync tests make over HTTP.</summary>
public static class SyncSteps
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Creates a pair (its first run starts at once) and waits for that run; returns the pair's status after it.</summary>
    public static async Task<JsonElement> CreatePairAsync(this OrgSession org, object body, HttpClient? client = null)
    {
        var response = await (client ?? org.Admin).PostAsJsonAsync(org.Url("sync-pairs"), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST sync-pairs: {(int)response.StatusCode} {text}");
        var pair = JsonDocument.Parse(text).RootElement;
        Assert.DoesNotContain(RadicaleServer.Password, text, StringComparison.Ordinal);
        return await org.WaitForRunAsync(pair.GetProperty("id").GetString()!, pair.GetProperty("runId").GetString()!, client);
    }

    /// <summary>Runs the pair now and returns its status once that run reported.</summary>
    public static async Task<JsonElement> RunPairAsync(this OrgSession org, string pairId, HttpClient? client = null)
    {
        var response = await (client ?? org.Admin).PostAsync(org.Url($"sync-pairs/{pairId}/run"), null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        return await org.WaitForRunAsync(pairId, runId, client);
    }

    public static Task<JsonElement> WaitForRunAsync(this OrgSession org, string pairId, string runId, HttpClient? client = null) =>
        Eventually.JsonAsync(client ?? org.Admin, org.Url($"sync-pairs/{pairId}"),
            p => p.GetProperty("runId").ValueKind == JsonValueKind.Null && p.GetProperty("lastRun") is { ValueKind: JsonValueKind.Object } last
                && last.GetProperty("runId").GetString() == runId,
            RunTimeout, $"sync run {runId} of pair {pairId}");

    public static int Count(this JsonElement pair, string name) => pair.GetProperty("counts").GetProperty(name).GetInt32();

    public static string Id(this JsonElement pair) => pair.GetProperty("id").GetString()!;

    public static async Task<IReadOnlyList<JsonElement>> RecordsAsync(this OrgSession org, string module)
    {
        var page = await org.GetJsonAsync($"modules/{module}/records?perPage=200");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    public static async Task<JsonElement> RecordWithEmailAsync(this OrgSession org, string module, string email) =>
        Assert.Single(await org.RecordsAsync(module), r => r.TryGetProperty("Email", out var e) && string.Equals(e.GetString(), email, StringComparison.OrdinalIgnoreCase));

    public static string? Text(this JsonElement record, string field) => record.TryGetProperty(field, out var value) ? value.GetString() : null;
}

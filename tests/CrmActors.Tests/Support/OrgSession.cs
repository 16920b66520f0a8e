using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CrmActors.Tests.Support;

/// <summary>An organization and its administrator's client, with helpers for the calls most tests make.</summary>
public sealed class OrgSession(CrmApplication app, string orgId, string adminUserId, string adminToken)
{
    public string OrgId => orgId;

    public string AdminUserId => adminUserId;

    public string AdminToken => adminToken;

    public HttpClient Admin { get; } = app.ClientFor(adminToken);

    /// <summary>A JSON body whose property names are kept as written (field API names are not camel-cased).</summary>
    public static JsonContent Fields(object fields) => JsonContent.Create(fields, options: new JsonSerializerOptions());

    public string Url(string path) => $"/api/orgs/{orgId}/{path.TrimStart('/')}";

    /// <summary>Adds a user and returns (id, token).</summary>
    public async Task<(string Id, string Token)> AddUserAsync(string role = "standard", object? permissions = null)
    {
        var response = await Admin.PostAsJsonAsync(Url("users"), new { email = $"{Guid.NewGuid():N}@example.test", name = "User", role, permissions });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (user.GetProperty("id").GetString()!, user.GetProperty("token").GetString()!);
    }

    public async Task<string> CreateRecordAsync(string module, object fields, HttpClient? client = null)
    {
        var response = await (client ?? Admin).PostAsync(Url($"modules/{module}/records"), Fields(fields));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetJsonAsync(string path, HttpClient? client = null)
    {
        var response = await (client ?? Admin).GetAsync(Url(path));
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

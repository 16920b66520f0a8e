using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Migrations;

/// <summary>The calls a migration test makes over HTTP, as an organization's administrator.</summary>
public static class MigrationSteps
{
    public static async Task<string> CreateMigrationAsync(this OrgSession org, string sourceSystem, params string[] modules)
    {
        var response = await org.Admin.PostAsJsonAsync(org.Url("migrations"), new { sourceSystem, modules });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("draft", created.GetProperty("status").GetString());
        return created.GetProperty("id").GetString()!;
    }

    public static Task<HttpResponseMessage> UploadAsync(this OrgSession org, string jobId, string name, string text, string? module = null) =>
        org.UploadAsync(jobId, name, Encoding.UTF8.GetBytes(text), module);

    public static Task<HttpResponseMessage> UploadAsync(this OrgSession org, string jobId, string name, byte[] bytes, string? module = null)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(module is null ? "application/zip" : "text/csv");
        return org.UploadAsync(jobId, name, content, module);
    }

    public static Task<HttpResponseMessage> UploadAsync(this OrgSession org, string jobId, string name, HttpContent content, string? module)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, org.Url($"migrations/{jobId}/files/{Uri.EscapeDataString(name)}")) { Content = content };
        if (module is not null)
        {
            request.Headers.Add("X-Module", module);
        }

        return org.Admin.SendAsync(request);
    }

    public static async Task UploadOkAsync(this OrgSession org, string jobId, string name, string text, string? module = null) =>
        await Created(await org.UploadAsync(jobId, name, text, module));

    public static async Task UploadOkAsync(this OrgSession org, string jobId, string name, byte[] bytes) =>
        await Created(await org.UploadAsync(jobId, name, bytes));

    public static Task<HttpResponseMessage> PostAsync(this OrgSession org, string jobId, string action) =>
        org.Admin.PostAsync(org.Url($"migrations/{jobId}/{action}"), null);

    public static Task<JsonElement> StatusAsync(this OrgSession org, string jobId) => org.GetJsonAsync($"migrations/{jobId}");

    public static Task<JsonElement> WaitForStatusAsync(this OrgSession org, string jobId, string status, int seconds = 90) =>
        Eventually.JsonAsync(org.Admin, org.Url($"migrations/{jobId}"), j => j.GetProperty("status").GetString() == status || j.GetProperty("status").GetString() == "failed",
            TimeSpan.FromSeconds(seconds), $"migration {jobId} to be {status}");

    public static async Task<ReportZip> ReportAsync(this OrgSession org, string jobId, int pass)
    {
        var response = await org.Admin.GetAsync(org.Url($"migrations/{jobId}/report?pass={pass}"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        return ReportZip.Read(await response.Content.ReadAsByteArrayAsync());
    }

    public static async Task<JsonElement> RecordAsync(this OrgSession org, string module, string id) => await org.GetJsonAsync($"modules/{module}/records/{id}");

    public static async Task<long> TotalAsync(this OrgSession org, string module) =>
        (await org.GetJsonAsync($"modules/{module}/records?perPage=1")).GetProperty("total").GetInt64();

    /// <summary>A ZIP of text entries, as an export tool writes one.</summary>
    public static byte[] Zip(params (string Entry, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (entry, text) in entries)
            {
                using var stream = zip.CreateEntry(entry).Open();
                stream.Write(Encoding.UTF8.GetBytes(text));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// <paramref name="zip"/> with <paramref name="entry"/>'s compression method set to <paramref name="method"/> in its
    /// local and central headers (12: BZip2, which .NET cannot read), as an export tool with other settings writes it.
    /// </summary>
    public static byte[] WithCompressionMethod(byte[] zip, string entry, ushort method)
    {
        var bytes = (byte[])zip.Clone();
        for (var at = 0; at + 46 <= bytes.Length; at++)
        {
            if (BitConverter.ToUInt32(bytes, at) != 0x02014b50 || Encoding.UTF8.GetString(bytes, at + 46, BitConverter.ToUInt16(bytes, at + 28)) != entry)
            {
                continue;
            }

            BitConverter.TryWriteBytes(bytes.AsSpan(at + 10), method);
            BitConverter.TryWriteBytes(bytes.AsSpan((int)BitConverter.ToUInt32(bytes, at + 42) + 8), method);
            return bytes;
        }

        throw new ArgumentException($"{entry} is not in the ZIP.", nameof(entry));
    }

    public static async Task<(string Id, string Email)> AddUserWithEmailAsync(this OrgSession org, string email, bool active = true)
    {
        var response = await org.Admin.PostAsJsonAsync(org.Url("users"), new { email, name = email.Split('@')[0], role = "standard" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        if (!active)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.PostAsync(org.Url($"users/{id}/deactivate"), null)).StatusCode);
        }

        return (id, email);
    }

    private static async Task Created(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}

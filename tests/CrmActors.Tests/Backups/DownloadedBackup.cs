using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace CrmActors.Tests.Backups;

/// <summary>A backup's ZIP parts fetched through their signed links with a client that sends no token.</summary>
public sealed class DownloadedBackup
{
    public List<(string Url, byte[] Bytes)> Data { get; } = [];

    public List<(string Url, byte[] Bytes)> Attachments { get; } = [];

    public static async Task<DownloadedBackup> FetchAsync(HttpClient anonymous, JsonElement backup)
    {
        var downloaded = new DownloadedBackup();
        foreach (var (kind, parts) in new[] { ("data", downloaded.Data), ("attachments", downloaded.Attachments) })
        {
            foreach (var url in backup.GetProperty(kind).EnumerateArray().Select(u => u.GetString()!))
            {
                var response = await anonymous.GetAsync(url);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
                parts.Add((url, await response.Content.ReadAsByteArrayAsync()));
            }
        }

        return downloaded;
    }

    /// <summary>Every entry of the Data parts by name, as raw bytes.</summary>
    public Dictionary<string, byte[]> DataEntries() => Entries(Data);

    public Dictionary<string, byte[]> AttachmentEntries() => Entries(Attachments);

    public JsonElement Manifest() => JsonDocument.Parse(DataEntries()["manifest.json"]).RootElement;

    /// <summary>A CSV entry as header plus rows (cells as written, neutralization kept).</summary>
    public static (string[] Header, List<string[]> Rows) ReadCsv(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add(csv.Parser.Record!);
        }

        return (csv.HeaderRecord!, rows);
    }

    private static Dictionary<string, byte[]> Entries(List<(string Url, byte[] Bytes)> parts)
    {
        var entries = new Dictionary<string, byte[]>();
        foreach (var (_, bytes) in parts)
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                var content = new MemoryStream();
                stream.CopyTo(content);
                Assert.True(entries.TryAdd(entry.FullName, content.ToArray()), $"{entry.FullName} is in two parts");
            }
        }

        return entries;
    }
}

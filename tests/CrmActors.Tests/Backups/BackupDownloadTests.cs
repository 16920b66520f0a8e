using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Backups;

/// <summary>An immediate backup end to end over HTTP: the ZIPs, their CSV files, the manifest and the signed links.</summary>
public abstract class BackupDownloadTests(SmallPartsApplication app)
{
    [Fact]
    public async Task AnImmediateBackupIsDownloadedWithoutATokenAndHoldsEveryRecordAndFile()
    {
        var org = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(org);

        var backup = await org.BackupNowAsync();
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), backup);

        Assert.True(downloaded.Data.Count > 1, "the small part limit should split the Data ZIP");
        Assert.True(downloaded.Attachments.Count > 1, "the small part limit should split the Attachments ZIP");
        Assert.All(downloaded.Data.Concat(downloaded.Attachments), part => Assert.InRange(part.Bytes.Length, 1, SmallPartsApplication.MaxPartBytes));
        var names = backup.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Equal(["Data_001.zip", "Data_002.zip"], names.Where(n => n!.StartsWith("Data_", StringComparison.Ordinal)).Take(2));

        var entries = downloaded.DataEntries();
        var manifest = downloaded.Manifest();
        Assert.Equal(1, manifest.GetProperty("formatVersion").GetInt32());
        var excluded = string.Join(" | ", manifest.GetProperty("excluded").EnumerateArray().Select(e => e.GetString()));
        foreach (var category in new[] { "emails", "documents", "integrations", "IMAP" })
        {
            Assert.Contains(category, excluded, StringComparison.OrdinalIgnoreCase);
        }

        foreach (var file in manifest.GetProperty("files").EnumerateArray())
        {
            var bytes = entries[file.GetProperty("name").GetString()!];
            Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(file.GetProperty("bytes").GetInt64(), bytes.Length);
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
            Assert.Contains("\r\n", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }

        var rows = new Dictionary<string, List<Dictionary<string, string>>>();
        foreach (var module in manifest.GetProperty("modules").EnumerateArray())
        {
            var name = module.GetProperty("name").GetString()!;
            rows[name] = [];
            foreach (var file in module.GetProperty("files").EnumerateArray().Select(f => f.GetString()!))
            {
                var (header, fileRows) = DownloadedBackup.ReadCsv(entries[file]);
                Assert.Equal("id", header[0]);
                Assert.Equal(["Owner", "Created_By", "Created_Time", "Modified_By", "Modified_Time"], header[^5..]);
                Assert.InRange(fileRows.Count, 0, SmallPartsApplication.RowsPerCsv);
                rows[name].AddRange(fileRows.Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second)));
            }

            Assert.Equal(module.GetProperty("rows").GetInt64(), rows[name].Count);
            Assert.Equal((await org.AllRecordsAsync(name)).Count, rows[name].Count);
        }

        Assert.Equal(2, manifest.GetProperty("modules").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "Contacts").GetProperty("files").GetArrayLength());
        Assert.Equal(sample.RecordCount, rows.Values.Sum(r => r.Count));
        var acme = rows["Accounts"].Single(r => r["id"] == sample.Ids["acme"]);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"x\")", acme["Account_Name"]);
        Assert.Equal("'+81 3 1234 5678", acme["Phone"]);
        var acmeRecord = await org.GetJsonAsync($"modules/Accounts/records/{sample.Ids["acme"]}");
        foreach (var system in new[] { "Owner", "Created_By", "Created_Time", "Modified_By", "Modified_Time" })
        {
            Assert.Equal(acmeRecord.GetProperty(system).GetString(), acme[system]);
        }

        Assert.Equal("Globex, \"Inc.\"", rows["Accounts"].Single(r => r["id"] == sample.Ids["globex"])["Account_Name"]);
        var deal = rows["Deals"].Single(r => r["id"] == sample.Ids["deal"]);
        Assert.Equal(("'-5% discount", "-1234.50", sample.Ids["acme"]), (deal["Deal_Name"], deal["Amount"], deal["Account_Name"]));
        var lead = rows["Leads"].Single(r => r["id"] == sample.Ids["lead"]);
        Assert.Equal(("'@SUM(A1)", "''=already quoted", "'\tTabbed"), (lead["First_Name"], lead["Last_Name"], lead["Company"]));
        Assert.Equal("Line one\r\nline two", rows["Leads"].Single(r => r["id"] == sample.Ids["lead2"])["Last_Name"]);
        Assert.Equal("'=cmd|' /C calc'!A0", rows["Notes"].Single()["Note_Content"]);
        Assert.Equal("'+1 it is still burning", rows["TicketThreads"].Single()["Content"]);
        Assert.Equal("山田 0", rows["Contacts"].Single(r => r["id"] == sample.Ids["contact0"])["Last_Name"]);

        var attachments = downloaded.AttachmentEntries();
        var linkFiles = manifest.GetProperty("files").EnumerateArray().Where(f => f.GetProperty("kind").GetString() == "files").Select(f => f.GetProperty("name").GetString()!).ToList();
        Assert.Equal(["files.csv", "files.2.csv"], linkFiles);
        var (linkHeader, _) = DownloadedBackup.ReadCsv(entries["files.csv"]);
        var links = linkFiles.SelectMany(f => DownloadedBackup.ReadCsv(entries[f]).Rows).ToList();
        Assert.Equal(["record_id", "module", "field", "file_id", "file_name"], linkHeader[..5]);
        Assert.Equal(sample.Files.Count, links.Count);
        foreach (var link in links.Select(l => linkHeader.Zip(l).ToDictionary(p => p.First, p => p.Second)))
        {
            Assert.Equal(sample.Files[link["file_id"]], attachments[link["path"]]);
        }

        Assert.Contains(links, l => l[2] == "Contract" && l[0] == sample.Ids["project"]);
        Assert.Contains(links, l => l[4] == "'=evil.txt");
        var parts = manifest.GetProperty("attachments").GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(downloaded.Attachments.Count, parts.Count);
        Assert.All(parts.Zip(downloaded.Attachments), p => Assert.Equal(p.First.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(p.Second.Bytes))));

        var history = (await org.HistoryAsync()).EnumerateArray().Select(h => h.GetProperty("kind").GetString()).ToList();
        Assert.Contains("backup_requested", history);
        Assert.Contains("backup_ready", history);
        Assert.Contains("download_started", history);
    }

    [Fact]
    public async Task DownloadLinksNeverTakeTheRequestsHostHeader()
    {
        var org = await app.CreateOrgAsync();
        var backup = await org.BackupNowAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, org.Url($"backups/{backup.GetProperty("id").GetString()}"));
        request.Headers.Host = "attacker.example";
        var forged = await (await org.Admin.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("/api/downloads/", forged, StringComparison.Ordinal);
        Assert.DoesNotContain("attacker.example", forged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLinkSigningKeyIsStoredEncryptedNotInPlainText()
    {
        var org = await app.CreateOrgAsync();
        await org.BackupNowAsync();
        await using var database = await app.OpenDatabaseAsync();
        await using var command = database.CreateCommand();
        command.CommandText = "SELECT value FROM backup_keys WHERE name = 'download-signing'";
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.StartsWith("dp1:", stored, StringComparison.Ordinal);
        // A protected 32-byte key is far longer than the key itself (header, IV, MAC).
        Assert.True(Convert.FromBase64String(stored[4..]).Length > 64);
    }

    [Fact]
    public async Task RepeatedDownloadsRecordOneEntryPerFileAndRewriteNothing()
    {
        var org = await app.CreateOrgAsync();
        await SampleData.CreateAsync(org);
        var backup = await org.BackupNowAsync();
        var urls = backup.GetProperty("data").EnumerateArray().Concat(backup.GetProperty("attachments").EnumerateArray()).Select(u => u.GetString()!).ToList();
        using var anonymous = app.ClientFor(null);
        await using var database = await app.OpenDatabaseAsync();
        // The backup's own last writes (its run, its effects) may still land just after it reads ready: start counting once quiet.
        var before = await VersionAsync();
        for (long settled = -1; settled != before; before = await VersionAsync())
        {
            settled = before;
            await Task.Delay(1000);
        }

        for (var i = 0; i < 30; i++)
        {
            foreach (var url in urls)
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
            }
        }

        var history = (await org.HistoryAsync()).EnumerateArray().Where(h => h.GetProperty("kind").GetString() == "download_started").ToList();
        Assert.Equal(urls.Count, history.Count);
        Assert.Contains((await org.HistoryAsync()).EnumerateArray(), h => h.GetProperty("kind").GetString() == "backup_requested");
        // One state write per file's first download; the other 29 rounds wrote nothing.
        Assert.Equal(before + urls.Count, await VersionAsync());

        async Task<long> VersionAsync()
        {
            await using var command = database.CreateCommand();
            // Every grain state write bumps its row's version; nothing else of this class runs meanwhile.
            command.CommandText = "SELECT COALESCE(SUM(Version), 0) FROM OrleansStorage";
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task ALinkServesRangesAndIsRefusedWhenTamperedWith()
    {
        var org = await app.CreateOrgAsync();
        await SampleData.CreateAsync(org);
        var backup = await org.BackupNowAsync();
        var url = backup.GetProperty("attachments")[0].GetString()!;
        using var anonymous = app.ClientFor(null);
        var whole = await anonymous.GetByteArrayAsync(url);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(100, 1099);
        var partial = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(whole[100..1100], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal(whole.Length, partial.Content.Headers.ContentRange!.Length);
        var tampered = url[..^3] + (url[^3] == 'A' ? "B" : "A") + url[^2..];
        await (await anonymous.GetAsync(tampered)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task BackupRoutesAreForAdminsOfTheOrganizationOnly()
    {
        var org = await app.CreateOrgAsync();
        var other = await app.CreateOrgAsync();
        var (_, token) = await org.AddUserAsync();
        using var user = app.ClientFor(token);

        await (await user.GetAsync(org.Url("backup"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.PutAsync(org.Url("backup/schedule"), OrgSession.Fields(new { frequency = "now" }))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.GetAsync(org.Url("backups"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await user.PostAsync(org.Url("restores"), OrgSession.Fields(new { backupId = "x", mode = "full" }))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await other.Admin.GetAsync(org.Url("backup/history"))).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await app.ClientFor(null).GetAsync(org.Url("backups"))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        var backupId = await org.RequestBackupAsync();
        await org.WaitForBackupAsync(backupId);
        await (await other.Admin.GetAsync(other.Url($"backups/{backupId}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
    }
}

public sealed class SqliteBackupDownloadTests(SqliteSmallPartsApplication app) : BackupDownloadTests(app), IClassFixture<SqliteSmallPartsApplication>;

public sealed class PostgresBackupDownloadTests(PostgresSmallPartsApplication app) : BackupDownloadTests(app), IClassFixture<PostgresSmallPartsApplication>;

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Backups;

/// <summary>Restores from a downloaded backup uploaded again, and uploads that are refused.</summary>
public abstract class BackupUploadTests(SmallPartsApplication app)
{
    [Fact]
    public async Task AnUploadedBackupRestoresIntoAnotherOrgWithNewIdsAndEveryReferenceRewritten()
    {
        var source = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(source);
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await source.BackupNowAsync());
        var target = await app.CreateOrgAsync();
        await SampleData.CreateProjectsModuleAsync(target);

        var restore = await target.WaitForRestoreAsync(await UploadAsync(target, downloaded.Data.Concat(downloaded.Attachments).Select(p => p.Bytes), "mode=full"));

        var report = BackupRestoreTests.Report(restore);
        Assert.Equal((sample.RecordCount, 0, sample.RecordCount + sample.Files.Count), (report.Created, report.Failed, report.Remapped));
        Assert.Equal(sample.Files.Count, report.FilesCreated);
        var remap = restore.GetProperty("report").GetProperty("idRemap").EnumerateArray()
            .ToDictionary(r => r.GetProperty("oldId").GetString()!, r => r.GetProperty("newId").GetString()!);
        var contact = await target.GetJsonAsync($"modules/Contacts/records/{remap[sample.Ids["contact0"]]}");
        Assert.Equal(remap[sample.Ids["acme"]], contact.GetProperty("Account_Name").GetString());
        Assert.Equal(remap[sample.Ids["ticket"]], (await target.GetJsonAsync($"modules/TicketThreads/records/{remap[sample.Ids["thread"]]}")).GetProperty("Ticket_Id").GetString());
        Assert.Equal(remap[sample.Ids["contact1"]], (await target.GetJsonAsync($"modules/Tasks/records/{remap[sample.Ids["task"]]}")).GetProperty("What_Id").GetString());
        var project = await target.GetJsonAsync($"modules/Projects/records/{remap[sample.Ids["project"]]}");
        var contractId = project.GetProperty("Contract").GetString()!;
        var oldContract = sample.Files.Keys.Single(k => remap.TryGetValue(k, out var n) && n == contractId);
        Assert.Equal(sample.Files[oldContract], await target.Admin.GetByteArrayAsync(target.Url($"modules/Projects/records/{project.GetProperty("id").GetString()}/attachments/{contractId}")));
        Assert.Equal(2, (await source.AllRecordsAsync("Accounts")).Count);

        var again = BackupRestoreTests.Report(await target.WaitForRestoreAsync(await UploadAsync(target, downloaded.Data.Select(p => p.Bytes), "mode=full")));
        Assert.Equal((0, 0, sample.RecordCount), (again.Created, again.Updated, again.Skipped));
    }

    [Fact]
    public async Task RowsThatCannotBeRestoredTakeDownEveryRowThatPointsAtThemAndSayWhy()
    {
        var source = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(source);
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await source.BackupNowAsync());
        var target = await app.CreateOrgAsync();
        await SampleData.CreateProjectsModuleAsync(target);
        var field = await target.Admin.PostAsJsonAsync(target.Url("modules/Accounts/fields"), new { name = "Tax_Id", type = "text", required = true });
        Assert.True(field.IsSuccessStatusCode, await field.Content.ReadAsStringAsync());

        var restore = await target.WaitForRestoreAsync(await UploadAsync(target, downloaded.Data.Concat(downloaded.Attachments).Select(p => p.Bytes), "mode=full"));

        // Accounts lack the required Tax_Id; contacts, deals and projects point at accounts; tickets at contacts;
        // threads and comments at tickets; the task at a contact; the note at a deal. Only the leads are left.
        var report = BackupRestoreTests.Report(restore);
        var leads = (await source.AllRecordsAsync("Leads")).Count;
        Assert.Equal((leads, sample.RecordCount - leads + sample.Files.Count), (report.Created, report.Failed));
        var failed = restore.GetProperty("report").GetProperty("failed").EnumerateArray()
            .Where(f => f.GetProperty("file").GetString() != "files.csv")
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("reason").GetString()!);
        Assert.Contains("Tax_Id is required", failed[sample.Ids["acme"]], StringComparison.Ordinal);
        Assert.Contains("Account_Name", failed[sample.Ids["contact0"]], StringComparison.Ordinal);
        Assert.Contains("Contact_Name", failed[sample.Ids["ticket"]], StringComparison.Ordinal);
        Assert.Contains("Ticket_Id", failed[sample.Ids["thread"]], StringComparison.Ordinal);
        Assert.Contains("Ticket_Id", failed[sample.Ids["comment"]], StringComparison.Ordinal);
        Assert.Contains("What_Id", failed[sample.Ids["task"]], StringComparison.Ordinal);
        Assert.Contains("Parent_Id", failed[sample.Ids["note"]], StringComparison.Ordinal);
        Assert.Equal(sample.Files.Count, restore.GetProperty("report").GetProperty("files").GetProperty("failed").GetInt64());
        foreach (var module in SampleData.Modules.Where(m => m != "Leads"))
        {
            Assert.Empty(await target.AllRecordsAsync(module));
        }
    }

    [Fact]
    public async Task AZipWithAnEscapingEntryABadChecksumOrNoManifestIsRefused()
    {
        var org = await app.CreateOrgAsync();
        await (await Post(org, Zip(("../../evil.csv", "id\r\n")), "mode=full")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await Post(org, Zip(("/etc/cron.d/x", "x")), "mode=full")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await Post(org, Zip(("Leads_001.csv", "id,Last_Name\r\n")), "mode=full")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await Post(org, Encoding.UTF8.GetBytes("not a zip"), "mode=full")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");

        await SampleData.CreateAsync(org);
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await org.BackupNowAsync());
        var entries = downloaded.DataEntries();
        var tampered = entries.Select(e => (e.Key, e.Key == "Leads_001.csv" ? Encoding.UTF8.GetString(e.Value).Replace("Bulk", "Fake", StringComparison.Ordinal) : Encoding.UTF8.GetString(e.Value))).ToArray();
        var refused = await (await Post(org, Zip(tampered), "mode=full")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("SHA-256", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await org.GetJsonAsync("restores")).EnumerateArray());
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "restore-uploads"))
            && Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "restore-uploads"), "*", SearchOption.AllDirectories).Any());
    }

    /// <summary>Uploads ZIP parts as multipart file parts; returns the restore ID.</summary>
    private static async Task<string> UploadAsync(OrgSession org, IEnumerable<byte[]> parts, string query)
    {
        using var form = new MultipartFormDataContent();
        var n = 0;
        foreach (var part in parts)
        {
            var content = new ByteArrayContent(part);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            form.Add(content, "file", $"part{++n}.zip");
        }

        var response = await org.Admin.PostAsync(org.Url($"restores/upload?{query}"), form);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static Task<HttpResponseMessage> Post(OrgSession org, byte[] zip, string query)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return org.Admin.PostAsync(org.Url($"restores/upload?{query}"), content);
    }

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }
}

public sealed class SqliteBackupUploadTests(SqliteSmallPartsApplication app) : BackupUploadTests(app), IClassFixture<SqliteSmallPartsApplication>;

public sealed class PostgresBackupUploadTests(PostgresSmallPartsApplication app) : BackupUploadTests(app), IClassFixture<PostgresSmallPartsApplication>;

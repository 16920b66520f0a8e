using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CrmActors.Grains.Backups;
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
    public async Task ChildrenOfARowThatCannotBeRestoredAreRestoredWithTheLookupClearedAndReported()
    {
        var (sample, target, restoreId) = await RestoreIntoAnOrgThatRequiresATaxIdOfAccountsAsync(app);
        var restore = await target.WaitForRestoreAsync(restoreId);

        // Accounts lack the required Tax_Id and are not restored, nor their three files. Contacts, deals and the
        // project point at accounts through optional lookups: they are restored with the lookup cleared, each
        // with a report line; everything that points at them (tickets, threads, the task, the note) follows.
        var report = BackupRestoreTests.Report(restore);
        var accountFiles = 3;
        Assert.Equal((sample.RecordCount - 2, 2L + accountFiles), (report.Created, report.Failed));
        var failed = restore.GetProperty("report").GetProperty("failed").EnumerateArray()
            .Where(f => f.GetProperty("file").GetString() != "files.csv")
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("reason").GetString()!);
        Assert.Equal([sample.Ids["acme"], sample.Ids["globex"]], failed.Keys.Order());
        Assert.Contains("Tax_Id is required", failed[sample.Ids["acme"]], StringComparison.Ordinal);
        var warnings = restore.GetProperty("report").GetProperty("warnings").EnumerateArray()
            .ToLookup(w => w.GetProperty("id").GetString()!, w => w.GetProperty("reason").GetString()!);
        foreach (var name in new[] { "contact0", "contact5", "deal", "deal2", "project" })
        {
            Assert.Contains(warnings[sample.Ids[name]], w => w.Contains(name == "project" ? "Client" : "Account_Name", StringComparison.Ordinal) && w.Contains("restored empty", StringComparison.Ordinal));
        }

        var remap = restore.GetProperty("report").GetProperty("idRemap").EnumerateArray()
            .ToDictionary(r => r.GetProperty("oldId").GetString()!, r => r.GetProperty("newId").GetString()!);
        var contact = await target.GetJsonAsync($"modules/Contacts/records/{remap[sample.Ids["contact0"]]}");
        Assert.False(contact.TryGetProperty("Account_Name", out _));
        Assert.Equal(remap[sample.Ids["contact0"]], (await target.GetJsonAsync($"modules/Tickets/records/{remap[sample.Ids["ticket"]]}")).GetProperty("Contact_Name").GetString());
        Assert.Equal(remap[sample.Ids["deal"]], (await target.GetJsonAsync($"modules/Notes/records/{remap[sample.Ids["note"]]}")).GetProperty("Parent_Id").GetString());
        Assert.Empty(await target.AllRecordsAsync("Accounts"));
    }

    [Fact]
    public async Task ARowTheDatabaseRefusesIsReportedAndTheRestoreStillFinishes()
    {
        var source = await app.CreateOrgAsync();
        var leads = Enumerable.Range(0, 12).Select(i => new Dictionary<string, object> { ["Last_Name"] = i == 5 ? "Refused by the database" : $"Kept {i}" }).ToList();
        Assert.True((await source.Admin.PostAsync(source.Url("modules/Leads/records/bulk"), OrgSession.Fields(leads))).IsSuccessStatusCode);
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await source.BackupNowAsync());

        // A trigger stands in for anything the database may refuse mid-restore (a constraint, a full disk…).
        await using var database = await app.OpenDatabaseAsync();
        var postgres = database is Npgsql.NpgsqlConnection;
        await Execute(postgres
            ? """
              CREATE OR REPLACE FUNCTION crm_test_refuse() RETURNS trigger AS $$
              BEGIN IF NEW.data LIKE '%Refused by the database%' THEN RAISE EXCEPTION 'the test refuses this row'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
              CREATE TRIGGER crm_test_refuse BEFORE INSERT ON records FOR EACH ROW EXECUTE FUNCTION crm_test_refuse();
              """
            : "CREATE TRIGGER crm_test_refuse BEFORE INSERT ON records WHEN NEW.data LIKE '%Refused by the database%' BEGIN SELECT RAISE(ABORT, 'the test refuses this row'); END;");
        try
        {
            var target = await app.CreateOrgAsync();
            var restore = await target.WaitForRestoreAsync(await UploadAsync(target, downloaded.Data.Select(p => p.Bytes), "mode=module&module=Leads"));

            Assert.Equal("completed", restore.GetProperty("status").GetString());
            Assert.Equal((11L, 1L), (BackupRestoreTests.Report(restore).Created, BackupRestoreTests.Report(restore).Failed));
            var failed = Assert.Single(restore.GetProperty("report").GetProperty("failed").EnumerateArray());
            Assert.Contains("refuses this row", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(11, (await target.AllRecordsAsync("Leads")).Count);
        }
        finally
        {
            await Execute(postgres ? "DROP TRIGGER crm_test_refuse ON records; DROP FUNCTION crm_test_refuse();" : "DROP TRIGGER crm_test_refuse;");
        }

        async Task Execute(string sql)
        {
            await using var command = database.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task ARepeatedIdAndRowsThatNeedARowThatIsNotRestoredAreReportedEachWithItsReason()
    {
        var source = await app.CreateOrgAsync();
        var acme = await source.CreateRecordAsync("Accounts", new { Account_Name = "Acme" });
        var globex = await source.CreateRecordAsync("Accounts", new { Account_Name = "Globex" });
        var contact = await source.CreateRecordAsync("Contacts", new { Last_Name = "Broken", Account_Name = acme });
        var ticket = await source.CreateRecordAsync("Tickets", new { Subject = "Emptied", Contact_Name = contact });
        var thread = await source.CreateRecordAsync("TicketThreads", new { Ticket_Id = ticket, Content = "Needs its ticket" });
        var threadNote = await source.CreateRecordAsync("Notes", new { Note_Title = "Needs the thread", Parent_Id = thread });
        var contactNote = await source.CreateRecordAsync("Notes", new { Note_Title = "Needs the contact", Parent_Id = contact });
        var task = await source.CreateRecordAsync("Tasks", new { Subject = "Points at the contact", What_Id = contact });
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await source.BackupNowAsync());

        // The contact's e-mail and the ticket's subject are made invalid; Globex's row appears twice.
        var data = WithCsv(downloaded.Data.Select(p => p.Bytes), "Contacts_001.csv", SetCell(contact, "Email", "not an address"));
        data = WithCsv(data, "Tickets_001.csv", SetCell(ticket, "Subject", ""));
        data = WithCsv(data, "Accounts_001.csv", (header, rows) =>
        {
            var again = (string[])rows.Single(r => r[Array.IndexOf(header, "id")] == globex).Clone();
            again[Array.IndexOf(header, "Account_Name")] = "Globex again";
            rows.Add(again);
        });

        // Into another org (every ID remapped), then again into the same org (the ledger's remaps, every row present).
        var target = await app.CreateOrgAsync();
        foreach (var (created, skipped) in new[] { (3L, 0L), (0L, 3L) })
        {
            var restore = await target.WaitForRestoreAsync(await UploadAsync(target, data, "mode=full"));
            var report = BackupRestoreTests.Report(restore);
            Assert.Equal((created, 0L, skipped, 6L), (report.Created, report.Updated, report.Skipped, report.Failed));
            var failed = restore.GetProperty("report").GetProperty("failed").EnumerateArray()
                .ToLookup(f => f.GetProperty("id").GetString()!, f => f.GetProperty("reason").GetString()!);
            Assert.Equal(new[] { globex, contact, ticket, thread, threadNote, contactNote }.Order(), failed.Select(f => f.Key).Order());
            Assert.Contains("appears earlier", Assert.Single(failed[globex]), StringComparison.Ordinal);
            Assert.Contains("Email", Assert.Single(failed[contact]), StringComparison.Ordinal);
            Assert.Contains("Subject is required", Assert.Single(failed[ticket]), StringComparison.Ordinal);
            // A required lookup to a row that is not restored drops its row, and the rows that need that one in turn.
            Assert.Contains($"Ticket_Id points to record {ticket}, which is not restored", Assert.Single(failed[thread]), StringComparison.Ordinal);
            Assert.Contains($"Parent_Id points to record {thread}, which is not restored", Assert.Single(failed[threadNote]), StringComparison.Ordinal);
            Assert.Contains($"Parent_Id points to record {contact}, which is not restored", Assert.Single(failed[contactNote]), StringComparison.Ordinal);
            // An optional one is cleared, and the row restored.
            Assert.Contains(restore.GetProperty("report").GetProperty("warnings").EnumerateArray(),
                w => w.GetProperty("id").GetString() == task && w.GetProperty("reason").GetString()!.Contains("What_Id was restored empty", StringComparison.Ordinal));
        }

        var accounts = await target.AllRecordsAsync("Accounts");
        Assert.Equal(["Acme", "Globex"], accounts.Select(a => a.GetProperty("Account_Name").GetString()).Order());
        var tasks = await target.AllRecordsAsync("Tasks");
        Assert.False(Assert.Single(tasks).TryGetProperty("What_Id", out _));
        Assert.Empty(await target.AllRecordsAsync("Notes"));
        Assert.Empty(await target.AllRecordsAsync("TicketThreads"));
    }

    [Fact]
    public async Task ALookupToARecordPurgedFromTheBinIsClearedAndTheBackupStillRestores()
    {
        var org = await app.CreateOrgAsync();
        var account = await org.CreateRecordAsync("Accounts", new { Account_Name = "Going away" });
        var contact = await org.CreateRecordAsync("Contacts", new { Last_Name = "Stays", Account_Name = account });
        var before = await DownloadedBackup.FetchAsync(app.ClientFor(null), await org.BackupNowAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Accounts/records/{account}"))).StatusCode);
        Assert.True((await org.Admin.DeleteAsync(org.Url("recycle-bin"))).IsSuccessStatusCode);

        // Emptying the bin cleared the contact's lookup to the purged account, and said so in the audit log.
        Assert.False((await org.GetJsonAsync($"modules/Contacts/records/{contact}")).TryGetProperty("Account_Name", out _));
        var audit = (await org.GetJsonAsync("audit-log?module=Contacts")).EnumerateArray().ToList();
        Assert.Contains(audit, e => e.GetProperty("recordId").GetString() == contact && e.GetProperty("action").GetString() == "update" && e.ToString().Contains(account, StringComparison.Ordinal));

        // The backup taken before still restores whole: the dangling lookup is a cleared field with a report line.
        var restore = await org.WaitForRestoreAsync(await UploadAsync(org, before.Data.Select(p => p.Bytes), "mode=module&module=Contacts"));
        Assert.Equal("completed", restore.GetProperty("status").GetString());
        Assert.Equal(0, BackupRestoreTests.Report(restore).Failed);
        Assert.Contains(restore.GetProperty("report").GetProperty("warnings").EnumerateArray(), w => w.GetProperty("reason").GetString()!.Contains("Account_Name", StringComparison.Ordinal));
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

    [Fact]
    public async Task AHandEditedManifestAndAMultipartBodyCutOffMidwayAreRefusedAndLeaveNothing()
    {
        var org = await app.CreateOrgAsync();
        var noFiles = await (await Post(org, Zip(("manifest.json", $$"""{"formatVersion":{{BackupConstants.FormatVersion}}}""")), "mode=full"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("\"files\"", noFiles.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var unnamed = await (await Post(org, Zip(("manifest.json", $$"""{"formatVersion":{{BackupConstants.FormatVersion}},"files":[{"kind":"records"}],"modules":[]}""")), "mode=full"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("files[0]", unnamed.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A real backup's ZIP as a file part, the body cut off before the closing boundary.
        await SampleData.CreateAsync(org);
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await org.BackupNowAsync());
        var body = new MemoryStream();
        body.Write(Encoding.ASCII.GetBytes("--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.zip\"\r\nContent-Type: application/zip\r\n\r\n"));
        body.Write(Zip([.. downloaded.DataEntries().Select(e => (e.Key, Encoding.UTF8.GetString(e.Value)))]));
        var cut = new ByteArrayContent(body.ToArray());
        cut.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");
        var problem = await (await org.Admin.PostAsync(org.Url("restores/upload?mode=full"), cut)).AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-body");
        Assert.Contains("'--cut--'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Empty((await org.GetJsonAsync("restores")).EnumerateArray());
        var uploads = Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "restore-uploads");
        Assert.False(Directory.Exists(uploads) && Directory.EnumerateFiles(uploads, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task AFilesCsvWithAnEscapingNameAFalseTypeAndAFalseSizeIsStoredSanitized()
    {
        var source = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(source);
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await source.BackupNowAsync());

        // An uploader's own files.csv, its manifest checksum updated so the upload is accepted.
        var crafted = WithCsv(downloaded.Data.Select(p => p.Bytes), "files.csv", (header, rows) =>
        {
            foreach (var row in rows)
            {
                row[Array.IndexOf(header, "file_name")] = "../../evil.txt";
                row[Array.IndexOf(header, "content_type")] = "text/html\r\nX-Injected: 1";
                row[Array.IndexOf(header, "size")] = "999999999";
            }
        });

        var target = await app.CreateOrgAsync();
        await SampleData.CreateProjectsModuleAsync(target);
        var restore = await target.WaitForRestoreAsync(await UploadAsync(target, crafted.Concat(downloaded.Attachments.Select(p => p.Bytes)), "mode=full"));
        Assert.Equal(sample.Files.Count, BackupRestoreTests.Report(restore).FilesCreated);

        var remap = restore.GetProperty("report").GetProperty("idRemap").EnumerateArray()
            .ToDictionary(r => r.GetProperty("oldId").GetString()!, r => r.GetProperty("newId").GetString()!);
        var note = await target.GetJsonAsync($"modules/Notes/records/{remap[sample.Ids["note"]]}/attachments");
        var stored = Assert.Single(note.EnumerateArray());
        Assert.Equal("evil.txt", stored.GetProperty("fileName").GetString());
        Assert.Equal("application/octet-stream", stored.GetProperty("contentType").GetString());
        Assert.Equal(sample.Files[sample.Files.Keys.Single(k => remap.GetValueOrDefault(k) == stored.GetProperty("id").GetString())].Length, stored.GetProperty("size").GetInt64());

        // The next backup of the target holds only safe entry names, and restores.
        var next = await DownloadedBackup.FetchAsync(app.ClientFor(null), await target.BackupNowAsync());
        Assert.All(next.AttachmentEntries().Keys, name => Assert.True(CrmActors.Grains.Backups.ZipEntryNames.IsSafe(name) && !name.Contains(".."), name));
    }

    [Fact]
    public async Task CraftedUploadsAreBoundedByTheirRealSize()
    {
        var org = await app.CreateOrgAsync();
        await SampleData.CreateAsync(org);
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await org.BackupNowAsync());

        // A manifest that claims 10^12 rows per module: the restore sizes nothing by the claim and finishes.
        var claimed = downloaded.Data.Select(p => RewriteEntry(p.Bytes, "manifest.json", json =>
        {
            var manifest = System.Text.Json.Nodes.JsonNode.Parse(json)!;
            foreach (var module in manifest["modules"]!.AsArray())
            {
                module!["rows"] = 1_000_000_000_000L;
            }

            return Encoding.UTF8.GetBytes(manifest.ToJsonString());
        })).ToList();
        var restore = await org.WaitForRestoreAsync(await UploadAsync(org, claimed, "mode=full"));
        Assert.Equal("completed", restore.GetProperty("status").GetString());

        // A CSV entry that inflates 1,000 times (a ZIP bomb) is refused before anything is read.
        var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("Leads_001.csv", CompressionLevel.SmallestSize).Open();
            entry.Write(new byte[64 << 20]);
        }

        var refused = await (await Post(org, bomb.ToArray(), "mode=full")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("expands", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A form field is an option, not a payload.
        using var form = new MultipartFormDataContent { { new StringContent(new string('x', 1 << 20)), "mode" }, { new ByteArrayContent(downloaded.Data[0].Bytes), "file", "data.zip" } };
        var field = await (await org.Admin.PostAsync(org.Url("restores/upload"), form)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal("mode", field.GetProperty("field").GetString());
    }

    [Fact]
    public async Task AnUploadThatIsNotAZipIsNamedByTheUsersFileName()
    {
        var org = await app.CreateOrgAsync();
        using var form = new MultipartFormDataContent { { new ByteArrayContent("not a zip"u8.ToArray()), "file", "crm-backup-march.zip" } };
        var problem = await (await org.Admin.PostAsync(org.Url("restores/upload?mode=full"), form)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("crm-backup-march.zip", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("part-0", detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// Data parts with one CSV entry edited by <paramref name="change"/>, and its SHA-256 and size in manifest.json
    /// updated to match: an uploader's own edit, which the upload accepts.
    /// </summary>
    private static List<byte[]> WithCsv(IEnumerable<byte[]> parts, string name, Action<string[], List<string[]>> change)
    {
        string? sha = null;
        long size = 0;
        var edited = parts.Select(p => RewriteEntry(p, name, csv =>
        {
            var (header, rows) = DownloadedBackup.ReadCsv(csv);
            change(header, rows);
            var bytes = WriteCsv(header, rows);
            (sha, size) = (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), bytes.Length);
            return bytes;
        })).ToList();
        Assert.NotNull(sha);
        return [.. edited.Select(part => RewriteEntry(part, "manifest.json", json =>
        {
            var manifest = System.Text.Json.Nodes.JsonNode.Parse(json)!;
            var entry = manifest["files"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == name)!;
            entry["sha256"] = sha;
            entry["bytes"] = size;
            return Encoding.UTF8.GetBytes(manifest.ToJsonString());
        }))];
    }

    /// <summary>Sets the cell of <paramref name="column"/> in the row of record <paramref name="id"/>.</summary>
    private static Action<string[], List<string[]>> SetCell(string id, string column, string value) =>
        (header, rows) => rows.Single(r => r[Array.IndexOf(header, "id")] == id)[Array.IndexOf(header, column)] = value;

    private static byte[] RewriteEntry(byte[] zipBytes, string name, Func<byte[], byte[]> change)
    {
        var input = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        if (input.GetEntry(name) is null)
        {
            return zipBytes;
        }

        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                using var read = entry.Open();
                var bytes = new MemoryStream();
                read.CopyTo(bytes);
                using var write = zip.CreateEntry(entry.FullName).Open();
                write.Write(entry.FullName == name ? change(bytes.ToArray()) : bytes.ToArray());
            }
        }

        return output.ToArray();
    }

    private static byte[] WriteCsv(string[] header, List<string[]> rows)
    {
        var text = new StringWriter();
        using (var csv = new CsvHelper.CsvWriter(text, System.Globalization.CultureInfo.InvariantCulture))
        {
            foreach (var row in rows.Prepend(header))
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell);
                }

                csv.NextRecord();
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// Starts a full restore of a sample org's downloaded backup into another org whose accounts need a Tax_Id the
    /// backup lacks; returns the sample, the target and the restore's ID.
    /// </summary>
    internal static async Task<(SampleData Sample, OrgSession Target, string RestoreId)> RestoreIntoAnOrgThatRequiresATaxIdOfAccountsAsync(CrmApplication app)
    {
        var source = await app.CreateOrgAsync();
        var sample = await SampleData.CreateAsync(source);
        var downloaded = await DownloadedBackup.FetchAsync(app.ClientFor(null), await source.BackupNowAsync());
        var target = await app.CreateOrgAsync();
        await SampleData.CreateProjectsModuleAsync(target);
        var field = await target.Admin.PostAsJsonAsync(target.Url("modules/Accounts/fields"), new { name = "Tax_Id", type = "text", required = true });
        Assert.True(field.IsSuccessStatusCode, await field.Content.ReadAsStringAsync());
        return (sample, target, await UploadAsync(target, downloaded.Data.Concat(downloaded.Attachments).Select(p => p.Bytes), "mode=full"));
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

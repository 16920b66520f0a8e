using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CrmActors.Tests.Api;

/// <summary>The recycle bin and the audit log over HTTP, on each storage provider.</summary>
public abstract class RecycleBinAndAuditTests(CrmApplication app)
{
    [Fact]
    public async Task RestoringFromTheRecycleBinBringsBackTheRecordItsDependentsAndFilesWithTheSameIds()
    {
        var org = await app.CreateOrgAsync();
        var ticket = await org.CreateRecordAsync("Tickets", new { Subject = "Printer on fire" });
        var thread = await org.CreateRecordAsync("TicketThreads", new { Ticket_Id = ticket, Content = "Any update?" });
        var comment = await org.CreateRecordAsync("TicketComments", new { Ticket_Id = ticket, Comment = "Extinguisher sent" });
        var note = await org.CreateRecordAsync("Notes", new { Parent_Id = ticket, Note_Content = "VIP" });
        var attachment = await UploadAsync(org, "Tickets", ticket, "photo.txt", "smoke");

        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Tickets/records/{ticket}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Admin.GetAsync(org.Url($"modules/TicketThreads/records/{thread}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Admin.GetAsync(org.Url($"modules/Notes/records/{note}"))).StatusCode);
        var bin = (await org.GetJsonAsync("recycle-bin")).EnumerateArray().Single();
        Assert.Equal(ticket, bin.GetProperty("recordId").GetString());
        Assert.Equal(4, bin.GetProperty("recordCount").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await org.Admin.PostAsync(org.Url($"recycle-bin/{ticket}/restore"), null)).StatusCode);

        Assert.Equal("Printer on fire", (await org.GetJsonAsync($"modules/Tickets/records/{ticket}")).GetProperty("Subject").GetString());
        Assert.Equal(ticket, (await org.GetJsonAsync($"modules/TicketThreads/records/{thread}")).GetProperty("Ticket_Id").GetString());
        Assert.Equal(ticket, (await org.GetJsonAsync($"modules/TicketComments/records/{comment}")).GetProperty("Ticket_Id").GetString());
        Assert.Equal(ticket, (await org.GetJsonAsync($"modules/Notes/records/{note}")).GetProperty("Parent_Id").GetString());
        Assert.Equal("smoke", await org.Admin.GetStringAsync(org.Url($"modules/Tickets/records/{ticket}/attachments/{attachment}")));
        Assert.Empty((await org.GetJsonAsync("recycle-bin")).EnumerateArray());
    }

    [Fact]
    public async Task ADependentBinnedBeforeItsParentComesBackOnlyAfterTheParent()
    {
        var org = await app.CreateOrgAsync();
        var ticket = await org.CreateRecordAsync("Tickets", new { Subject = "Parent" });
        var thread = await org.CreateRecordAsync("TicketThreads", new { Ticket_Id = ticket, Content = "Child" });
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/TicketThreads/records/{thread}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Tickets/records/{ticket}"))).StatusCode);

        var refused = await (await org.Admin.PostAsync(org.Url($"recycle-bin/{thread}/restore"), null)).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Contains(ticket, refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await org.Admin.GetAsync(org.Url($"modules/TicketThreads/records/{thread}"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await org.Admin.PostAsync(org.Url($"recycle-bin/{ticket}/restore"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await org.Admin.PostAsync(org.Url($"recycle-bin/{thread}/restore"), null)).StatusCode);
        Assert.Equal(ticket, (await org.GetJsonAsync($"modules/TicketThreads/records/{thread}")).GetProperty("Ticket_Id").GetString());
    }

    [Fact]
    public async Task TheBinIsListedInPages()
    {
        var org = await app.CreateOrgAsync();
        var rows = Enumerable.Range(0, 7).Select(i => new Dictionary<string, object> { ["Last_Name"] = $"Binned {i}" }).ToList();
        Assert.True((await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), OrgSession.Fields(rows))).IsSuccessStatusCode);
        foreach (var lead in (await org.GetJsonAsync("modules/Leads/records")).GetProperty("items").EnumerateArray())
        {
            await org.Admin.DeleteAsync(org.Url($"modules/Leads/records/{lead.GetProperty("id").GetString()}"));
        }

        var first = await org.Admin.GetAsync(org.Url("recycle-bin?perPage=3"));
        Assert.Equal("7", first.Headers.GetValues("X-Total-Count").Single());
        Assert.Contains("page=2", first.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        Assert.Equal(3, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
        var last = await org.Admin.GetAsync(org.Url("recycle-bin?page=3&perPage=3"));
        Assert.Equal(1, (await last.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
        Assert.False(last.Headers.Contains("Link"));
        await (await org.Admin.GetAsync(org.Url("recycle-bin?perPage=100000"))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task EmptyingTheBinRemovesRecordsAndFilesForGood()
    {
        var org = await app.CreateOrgAsync();
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Gone" });
        await UploadAsync(org, "Leads", lead, "cv.txt", "resume");
        await org.Admin.DeleteAsync(org.Url($"modules/Leads/records/{lead}"));

        var emptied = await (await org.Admin.DeleteAsync(org.Url("recycle-bin"))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(1, emptied.GetProperty("purgedRecords").GetInt32());
        await (await org.Admin.PostAsync(org.Url($"recycle-bin/{lead}/restore"), null)).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "files"))
            && Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "files")).Any());
    }

    [Fact]
    public async Task TheBinIsNotPurgedWhileARestoreOfItsOrganizationWrites()
    {
        var org = await app.CreateOrgAsync();
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Kept" });
        await org.Admin.DeleteAsync(org.Url($"modules/Leads/records/{lead}"));
        var restoreId = CrmActors.Grains.Common.Ids.New();
        await SetRestoreAsync(restoreId, "running", insert: true);

        var refused = await (await org.Admin.DeleteAsync(org.Url("recycle-bin"))).AssertProblemAsync(HttpStatusCode.Conflict, "backup-busy");
        Assert.Contains("restore", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The daily purge, long after the retention period, leaves this organization's bin for the next day.
        var bin = app.Services.GetRequiredService<CrmActors.Grains.RecycleBin.RecycleBinService>();
        await bin.PurgeExpiredAsync(app.Clock.GetUtcNow().AddDays(400));
        Assert.Equal(1, (await org.GetJsonAsync("recycle-bin")).GetArrayLength());

        await SetRestoreAsync(restoreId, "completed", insert: false);
        Assert.Equal(1, (await (await org.Admin.DeleteAsync(org.Url("recycle-bin"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purgedRecords").GetInt32());

        async Task SetRestoreAsync(string id, string status, bool insert)
        {
            var database = app.Services.GetRequiredService<CrmActors.Grains.Storage.IDatabase>();
            await using var connection = await database.OpenAsync();
            await using var transaction = await database.BeginWriteAsync(connection);
            if (insert)
            {
                await CrmActors.Grains.Backups.RestoreStore.InsertAsync(connection, transaction, new CrmActors.Grains.Backups.RestoreRow(
                    id, org.OrgId, null, [], [], "full", null, false, status, null, new CrmActors.Grains.Backups.RestoreCounts(), null, org.AdminUserId, DateTimeOffset.UtcNow, null, null));
            }
            else
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"UPDATE backup_restores SET status = '{status}' WHERE id = '{id}'";
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    [Fact]
    public async Task TheAuditLogShowsOldAndNewValuesOfAnUpdateAndExportsCsv()
    {
        var org = await app.CreateOrgAsync();
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Sato", Company = "Old KK" });
        var patch = await org.Admin.PatchAsync(org.Url($"modules/Leads/records/{lead}"), OrgSession.Fields(new { Company = "=New KK", Phone = "03-1111-2222" }));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);

        var entries = await org.GetJsonAsync("audit-log?module=Leads&action=update");
        var update = entries.EnumerateArray().Single();
        Assert.Equal(org.AdminUserId, update.GetProperty("userId").GetString());
        Assert.Equal(lead, update.GetProperty("recordId").GetString());
        var changes = update.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("field").GetString()!, c => (c.GetProperty("old").ToString(), c.GetProperty("new").ToString()));
        Assert.Equal(("Old KK", "=New KK"), changes["Company"]);
        Assert.Equal(("", "03-1111-2222"), changes["Phone"]);

        var request = new HttpRequestMessage(HttpMethod.Get, org.Url("audit-log?module=Leads"));
        request.Headers.Accept.ParseAdd("text/csv");
        var csv = await (await org.Admin.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.StartsWith("at,userId,action", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains("update", csv, StringComparison.Ordinal);
        Assert.Equal(3, csv.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task TheAuditLogExportsEveryEntryAsCsvReadInPagesWhileJsonListsTheFirstThousand()
    {
        var org = await app.CreateOrgAsync();
        var before = (await org.GetJsonAsync("audit-log")).GetArrayLength();
        // 1,200 entries, ten to a millisecond: pages must break ties on the ID.
        await using (var database = await app.OpenDatabaseAsync())
        await using (var transaction = await database.BeginTransactionAsync())
        {
            var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            for (var i = 0; i < 1200; i++)
            {
                await using var insert = database.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = $"INSERT INTO audit_log (id, org_id, at, user_id, action, target_type, module, record_id, setting, changes) " +
                    $"VALUES ('{Guid.NewGuid():N}', '{org.OrgId}', {start + i / 10}, NULL, 'update', 'record', 'Leads', 'r{i}', NULL, '[]')";
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        Assert.Equal(1000, (await org.GetJsonAsync("audit-log")).GetArrayLength());
        var request = new HttpRequestMessage(HttpMethod.Get, org.Url("audit-log"));
        request.Headers.Accept.ParseAdd("text/csv");
        var csv = (await (await org.Admin.SendAsync(request)).Content.ReadAsStringAsync()).Trim().Split('\n');
        Assert.Equal(1 + before + 1200, csv.Length);

        var audit = app.Services.GetRequiredService<CrmActors.Grains.Audit.AuditLog>();
        var all = new CrmActors.Grains.Audit.AuditLog.Query(null, null, null, "Leads", null, null);
        var whole = await audit.ReadAsync(org.OrgId, all, pageSize: 5000).Select(e => e.Id).ToListAsync();
        Assert.Equal(1200, whole.Count);
        Assert.Equal(whole, await audit.ReadAsync(org.OrgId, all, pageSize: 7).Select(e => e.Id).ToListAsync());
        Assert.Equal(whole[..25], await audit.ReadAsync(org.OrgId, all with { Limit = 25 }, pageSize: 7).Select(e => e.Id).ToListAsync());
    }

    [Fact]
    public async Task SettingsChangesAreAudited()
    {
        var org = await app.CreateOrgAsync();
        await org.Admin.PatchAsJsonAsync(org.Url(""), new { plan = "enterprise" });
        await org.Admin.PostAsJsonAsync(org.Url("modules/Leads/fields"), new { name = "Score", type = "number" });

        var settings = (await org.GetJsonAsync("audit-log?action=update")).EnumerateArray().Single(e => e.GetProperty("setting").GetString() == "organization");
        var plan = settings.GetProperty("changes").EnumerateArray().Single();
        Assert.Equal(("plan", "standard", "enterprise"), (plan.GetProperty("field").GetString(), plan.GetProperty("old").GetString(), plan.GetProperty("new").GetString()));
        Assert.Contains((await org.GetJsonAsync("audit-log?action=create")).EnumerateArray(), e => e.GetProperty("setting").GetString() == "modules/Leads/fields/Score");
    }

    internal static async Task<string> UploadAsync(OrgSession org, string module, string record, string name, string content)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", name } };
        var response = await org.Admin.PostAsync(org.Url($"modules/{module}/records/{record}/attachments"), form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}

public sealed class SqliteRecycleBinAndAuditTests(SqliteCrmApplication app) : RecycleBinAndAuditTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresRecycleBinAndAuditTests(PostgresCrmApplication app) : RecycleBinAndAuditTests(app), IClassFixture<PostgresCrmApplication>;

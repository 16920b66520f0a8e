using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CrmActors.Tests.Reliability;

/// <summary>Concurrent edits, edits racing a delete, and optimistic concurrency with ETag / If-Match.</summary>
public abstract class RecordConcurrencyTests(CrmApplication app)
{
    [Fact]
    public async Task ConcurrentPatchesOfDifferentFieldsBothSurvive()
    {
        var org = await app.CreateOrgAsync();
        string[] fields = [.. Enumerable.Range(1, 10).Select(i => $"Field_{i}")];
        var module = await org.Admin.PostAsJsonAsync(org.Url("modules"), new
        {
            name = "Projects",
            fields = new object[] { new { name = "Title", type = "text", required = true } }.Concat(fields.Select(f => new { name = f, type = "text" })),
        });
        Assert.Equal(HttpStatusCode.Created, module.StatusCode);
        for (var round = 0; round < 5; round++)
        {
            var id = await org.CreateRecordAsync("Projects", new { Title = "P" });
            var patches = fields.Select(field => org.Admin.PatchAsync(org.Url($"modules/Projects/records/{id}"),
                OrgSession.Fields(new Dictionary<string, string> { [field] = $"{field}-{round}" }))).ToList();
            foreach (var response in await Task.WhenAll(patches))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var record = await org.GetJsonAsync($"modules/Projects/records/{id}");
            foreach (var field in fields)
            {
                Assert.True(record.TryGetProperty(field, out var value) && value.GetString() == $"{field}-{round}", $"{field} was lost: {record}");
            }
        }
    }

    [Fact]
    public async Task AnEditRacingADeleteNeverChangesABinnedRecord()
    {
        var org = await app.CreateOrgAsync();
        for (var round = 0; round < 10; round++)
        {
            var id = await org.CreateRecordAsync("Leads", new { Last_Name = "Sato" });
            var patch = org.Admin.PatchAsync(org.Url($"modules/Leads/records/{id}"), OrgSession.Fields(new { Company = "Late edit" }));
            var delete = org.Admin.DeleteAsync(org.Url($"modules/Leads/records/{id}"));
            var (patched, deleted) = (await patch, await delete);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            Assert.True(patched.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{patched.StatusCode}");

            // An edit that answered 200 was applied before the record was binned, never after.
            if (patched.StatusCode == HttpStatusCode.OK)
            {
                var entries = (await org.GetJsonAsync("audit-log?module=Leads")).EnumerateArray()
                    .Where(e => e.GetProperty("recordId").GetString() == id).ToList();
                var updated = entries.Single(e => e.GetProperty("action").GetString() == "update").GetProperty("at").GetDateTimeOffset();
                var binned = entries.Single(e => e.GetProperty("action").GetString() == "delete").GetProperty("at").GetDateTimeOffset();
                Assert.True(updated <= binned, $"the edit was applied at {updated:O}, after the record was binned at {binned:O}");
            }

            // A later edit is refused.
            var after = await org.Admin.PatchAsync(org.Url($"modules/Leads/records/{id}"), OrgSession.Fields(new { Company = "After delete" }));
            await after.AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
            var bin = await org.GetJsonAsync("recycle-bin");
            Assert.Contains(id, bin.ToString());
            Assert.DoesNotContain("After delete", bin.ToString());
        }
    }

    [Fact]
    public async Task ARecordLinkedToAParentBeingDeletedWaitsAndIsRefusedNeverLeftUnderABinnedParent()
    {
        var org = await app.CreateOrgAsync();
        var ticket = await org.CreateRecordAsync("Tickets", new { Subject = "Printer" });

        // Another transaction is deleting the ticket: it holds the row as a delete does (SQLite: its one writer).
        await using var database = await app.OpenDatabaseAsync();
        await using var deleting = await database.BeginTransactionAsync();
        await ExecuteAsync(database is Npgsql.NpgsqlConnection ? "SELECT id FROM records WHERE id = @id FOR UPDATE" : "UPDATE records SET id = id WHERE id = @id");

        var comment = org.Admin.PostAsync(org.Url("modules/TicketComments/records"), OrgSession.Fields(new { Ticket_Id = ticket, Comment = "Late" }));
        var single = org.Admin.PostAsync(org.Url("modules/TicketComments/records/bulk"), OrgSession.Fields(new[] { new { Ticket_Id = ticket, Comment = "Bulk" } }));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(comment.IsCompleted || single.IsCompleted, "a record linking to a parent being deleted was written without waiting for the delete");

        await ExecuteAsync("UPDATE records SET deleted_at = 1, deleted_batch = 'test' WHERE id = @id");
        await deleting.CommitAsync();

        Assert.Equal("Ticket_Id", (await (await comment).AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
        var bulk = await (await single).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((0, 1), (bulk.GetProperty("created").GetInt32(), bulk.GetProperty("failedCount").GetInt32()));
        Assert.Equal(0, (await org.GetJsonAsync("modules/TicketComments/records")).GetProperty("total").GetInt32());

        Task ExecuteAsync(string sql) => ExecuteWithIdAsync(deleting, sql, ticket);
    }

    [Fact]
    public async Task ARestoreFromTheBinRacingItsPurgeWaitsAndFindsNothingToRestore()
    {
        var org = await app.CreateOrgAsync();
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Binned" });
        Assert.Equal(HttpStatusCode.NoContent, (await org.Admin.DeleteAsync(org.Url($"modules/Leads/records/{lead}"))).StatusCode);

        // A purge is under way: it claimed the bin row and deletes the batch.
        await using var database = await app.OpenDatabaseAsync();
        await using var purging = await database.BeginTransactionAsync();
        await ExecuteAsync(database is Npgsql.NpgsqlConnection ? "SELECT batch_id FROM recycle_bin WHERE record_id = @id FOR UPDATE" : "UPDATE recycle_bin SET batch_id = batch_id WHERE record_id = @id");

        var restore = org.Admin.PostAsync(org.Url($"recycle-bin/{lead}/restore"), null);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(restore.IsCompleted, "a restore read a bin row a purge had claimed");

        await ExecuteAsync("DELETE FROM records WHERE id = @id; DELETE FROM recycle_bin WHERE record_id = @id");
        await purging.CommitAsync();

        await (await restore).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        Assert.DoesNotContain(lead, (await org.GetJsonAsync("audit-log?action=restore")).ToString(), StringComparison.Ordinal);

        Task ExecuteAsync(string sql) => ExecuteWithIdAsync(purging, sql, lead);
    }

    [Fact]
    public async Task TwoWritesHoldingOneNameRunOneAfterTheOther()
    {
        // What keeps two sync runs from each creating the account their contacts name: the second waits for the first's commit.
        var database = app.Services.GetRequiredService<CrmActors.Grains.Storage.IDatabase>();
        await using var first = await database.OpenAsync();
        await using var held = await database.BeginWriteAsync(first);
        await database.LockNameAsync(first, held, "record-name/test/Accounts/Acme");

        var second = Task.Run(async () =>
        {
            await using var connection = await database.OpenAsync();
            await using var transaction = await database.BeginWriteAsync(connection);
            await database.LockNameAsync(connection, transaction, "record-name/test/Accounts/Acme");
            await transaction.CommitAsync();
        });
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(second.IsCompleted, "a second transaction took a name the first still holds");

        await held.CommitAsync();
        await first.CloseAsync(); // SQLite's one writer is the connection, until it closes
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // A statement of the test's own transaction, standing in for another request's, with @id bound.
    private static async Task ExecuteWithIdAsync(System.Data.Common.DbTransaction transaction, string sql, string id)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        (parameter.ParameterName, parameter.Value) = ("id", id);
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task RecordsCarryAnETagAndAStaleIfMatchIsRefusedWith412()
    {
        var org = await app.CreateOrgAsync();
        var created = await org.Admin.PostAsync(org.Url("modules/Leads/records"), OrgSession.Fields(new { Last_Name = "Sato" }));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var first = created.Headers.ETag ?? throw new Xunit.Sdk.XunitException("a created record has no ETag");

        var read = await org.Admin.GetAsync(org.Url($"modules/Leads/records/{id}"));
        Assert.Equal(first, read.Headers.ETag);

        var edit = await PatchAsync(org, id!, first.Tag, new { Company = "Acme" });
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        var second = edit.Headers.ETag!;
        Assert.NotEqual(first, second);

        var stale = await PatchAsync(org, id!, first.Tag, new { Company = "Overwritten" });
        var problem = await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Contains(second.Tag, problem.GetProperty("detail").GetString());
        var staleDelete = new HttpRequestMessage(HttpMethod.Delete, org.Url($"modules/Leads/records/{id}"));
        staleDelete.Headers.IfMatch.Add(first);
        await (await org.Admin.SendAsync(staleDelete)).AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal("Acme", (await org.GetJsonAsync($"modules/Leads/records/{id}")).GetProperty("Company").GetString());

        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(org, id!, second.Tag, new { Company = "Fresh" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(org, id!, "*", new { Company = "Any version" })).StatusCode);
    }

    private static Task<HttpResponseMessage> PatchAsync(OrgSession org, string id, string ifMatch, object fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, org.Url($"modules/Leads/records/{id}")) { Content = OrgSession.Fields(fields) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return org.Admin.SendAsync(request);
    }
}

public sealed class SqliteRecordConcurrencyTests(SqliteCrmApplication app) : RecordConcurrencyTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresRecordConcurrencyTests(PostgresCrmApplication app) : RecordConcurrencyTests(app), IClassFixture<PostgresCrmApplication>;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;

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

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Reliability;

/// <summary>Every bad input a clear RFC 9457 answer with our code, in Production (what operators run).</summary>
public abstract class BadInputTests(CrmApplication app)
{
    [Fact]
    public async Task ABodyWithoutAJsonContentTypeIsRefusedWith415InOurShape()
    {
        var org = await app.CreateOrgAsync();
        var plain = await org.Admin.PostAsync(org.Url("modules/Leads/records"), new StringContent("""{"Last_Name":"Sato"}""", Encoding.UTF8, "text/plain"));
        var problem = await plain.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());

        var none = new ByteArrayContent("""{"Last_Name":"Sato"}"""u8.ToArray());
        await (await org.Admin.PostAsync(org.Url("modules/Leads/records"), none)).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task AJsonBodyOverTheLimitIsRefusedWith413InOurShape()
    {
        var org = await app.CreateOrgAsync();
        var huge = "{\"Last_Name\":\"" + new string('x', 11 * 1024 * 1024) + "\"}";
        var response = await org.Admin.PostAsync(org.Url("modules/Leads/records"), new StringContent(huge, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Equal(0, (await org.GetJsonAsync("modules/Leads/records")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task MalformedJsonNamesTheLineAndPosition()
    {
        var org = await app.CreateOrgAsync();
        var response = await org.Admin.PostAsync(org.Url("modules/Leads/records"), new StringContent("{\n  \"Last_Name\": \"Sato\",\n  \"Email\": }", Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-body");
        Assert.Equal(3, problem.GetProperty("line").GetInt32());
        Assert.StartsWith("$", problem.GetProperty("path").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("line 3", detail);
        Assert.DoesNotContain("Failed to read parameter", detail);
    }

    [Fact]
    public async Task AWronglyTypedFieldIsAValidationErrorNamingTheField()
    {
        var org = await app.CreateOrgAsync();
        var record = await org.Admin.PostAsync(org.Url("modules/Leads/records"), new StringContent("""{"Last_Name":"Sato","Email":5}""", Encoding.UTF8, "application/json"));
        Assert.Equal("Email", (await record.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());

        var user = await org.Admin.PostAsync(org.Url("users"), new StringContent("""{"email":5,"name":"U","role":"standard"}""", Encoding.UTF8, "application/json"));
        var problem = await user.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal("email", problem.GetProperty("field").GetString());
        Assert.Contains("email", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UnknownRoutesWrongMethodsAndMissingTokensAnswerInOurShape()
    {
        var org = await app.CreateOrgAsync();
        await (await org.Admin.GetAsync("/api/nothing-here")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await org.Admin.PutAsync(org.Url("modules/Leads/records"), OrgSession.Fields(new { }))).AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        using var anonymous = app.ClientFor(null);
        await (await anonymous.GetAsync(org.Url("modules/Leads/records"))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        using var wrong = app.ClientFor("not-a-token");
        await (await wrong.GetAsync(org.Url("modules/Leads/records"))).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ANullWhereABodyNeedsAnObjectIsAValidationErrorNamingWhereAndChangesNothing()
    {
        var org = await app.CreateOrgAsync();
        async Task<JsonElement> RefusedAsync(string path, string json, string code = "validation") =>
            await (await org.Admin.PostAsync(org.Url(path), new StringContent(json, Encoding.UTF8, "application/json"))).AssertProblemAsync(HttpStatusCode.BadRequest, code);

        Assert.Equal("fields[1]", (await RefusedAsync("modules", """{"name":"Projects","fields":[{"name":"Subject","type":"text"},null]}""")).GetProperty("field").GetString());
        Assert.Equal("permissions.modules.Leads",
            (await RefusedAsync("users", """{"email":"n@x.test","name":"N","role":"standard","permissions":{"modules":{"Leads":null}}}""")).GetProperty("field").GetString());
        Assert.Equal("sections[0]", (await RefusedAsync("settings/layouts", """{"module":"Leads","name":"L","sections":[null]}""")).GetProperty("field").GetString());
        Assert.Equal("conditions[0]",
            (await RefusedAsync("settings/workflow-rules", """{"name":"R","module":"Leads","trigger":"create","conditions":[null],"actions":[]}""")).GetProperty("field").GetString());
        Assert.Contains("JSON body", (await RefusedAsync("modules", "null", "malformed-body")).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var modules = await org.GetJsonAsync("modules");
        Assert.DoesNotContain(modules.EnumerateArray(), m => m.GetProperty("name").GetString() == "Projects");
        Assert.Single((await org.GetJsonAsync("users")).EnumerateArray());
    }

    [Fact]
    public async Task MapKeysThatDifferOnlyByCharactersALanguageIgnoresAreDistinctKeys()
    {
        var org = await app.CreateOrgAsync();
        // A soft hyphen is invisible to a culture's comparison: under it, both keys would be one.
        var body = new StringContent("""{"email":"s@x.test","name":"S","role":"standard","permissions":{"modules":{"Leads":["view"],"Leads\u00AD":["view"]}}}""", Encoding.UTF8, "application/json");
        var problem = await (await org.Admin.PostAsync(org.Url("users"), body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("Leads\u00AD", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single((await org.GetJsonAsync("users")).EnumerateArray());
    }

    [Fact]
    public async Task ReturningTheLeastIntegerOfAddOnsIsAConflictNotAnOverflow()
    {
        var org = await app.CreateOrgAsync();
        (await org.Admin.PostAsJsonAsync(org.Url("backup/purchases"), new { kind = "one_time", count = 2 })).EnsureSuccessStatusCode();
        await (await org.Admin.DeleteAsync(org.Url($"backup/purchases?kind=one_time&count={int.MinValue}"))).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        await (await org.Admin.PostAsJsonAsync(org.Url("backup/purchases"), new { kind = "one_time", count = int.MinValue })).AssertProblemAsync(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(2, (await org.GetJsonAsync("backup")).GetProperty("quota").GetProperty("purchased").GetInt32());
    }

    [Theory]
    [InlineData("page=2147483647&perPage=200", "page")]
    [InlineData("page=0", "page")]
    [InlineData("perPage=1000", "perPage")]
    public async Task PagesOutOfRangeAreRefusedNamingTheParameter(string query, string parameter)
    {
        var org = await app.CreateOrgAsync();
        var response = await org.Admin.GetAsync(org.Url($"modules/Leads/records?{query}"));
        Assert.Equal(parameter, (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
    }

    [Fact]
    public async Task APageThatIsNotANumberIsRefusedInOurShape()
    {
        var org = await app.CreateOrgAsync();
        await (await org.Admin.GetAsync(org.Url("modules/Leads/records?page=two"))).AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-body");
    }

    [Fact]
    public async Task CsvErrorsCountDataRowsWithTheHeaderExcluded()
    {
        var org = await app.CreateOrgAsync();
        var rows = await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), new StringContent("Last_Name,Email\nSato,sato@example.jp\nSuzuki,broken\n", Encoding.UTF8, "text/csv"));
        var failed = (await rows.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("failed");
        Assert.Equal(2, failed[0].GetProperty("row").GetInt32());

        var malformed = await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), new StringContent("Last_Name,Email\nSato,sato@example.jp\n\"Su\"zuki,x@example.jp\n", Encoding.UTF8, "text/csv"));
        Assert.Contains("data row 2", (await malformed.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-body")).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ModuleNamesInAProfileIgnoreCase()
    {
        var org = await app.CreateOrgAsync();
        var (_, token) = await org.AddUserAsync(permissions: new { modules = new Dictionary<string, string[]> { ["contacts"] = ["view", "create"] } });
        using var user = app.ClientFor(token);
        Assert.Equal(HttpStatusCode.Created, (await user.PostAsync(org.Url("modules/Contacts/records"), OrgSession.Fields(new { Last_Name = "Sato" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(org.Url("modules/Contacts/records"))).StatusCode);
        await (await user.GetAsync(org.Url("modules/Leads/records"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }
}

public sealed class SqliteBadInputTests(SqliteCrmApplication app) : BadInputTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresBadInputTests(PostgresCrmApplication app) : BadInputTests(app), IClassFixture<PostgresCrmApplication>;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Api;

/// <summary>Records, validation, bulk insert and uploads over HTTP, on each storage provider.</summary>
public abstract class RecordsApiTests(CrmApplication app)
{
    [Theory]
    [InlineData("Leads", """{"Last_Name":"Sato","Email":"not-an-email"}""", "Email")]
    [InlineData("Deals", """{"Deal_Name":"Big","Stage":"Dreaming"}""", "Stage")]
    [InlineData("Contacts", """{"Last_Name":"Sato","Account_Name":"0123456789abcdef0123456789abcdef"}""", "Account_Name")]
    [InlineData("Leads", """{"First_Name":"Only"}""", "Last_Name")]
    [InlineData("Leads", """{"Last_Name":"Sato","Favourite_Colour":"red"}""", "Favourite_Colour")]
    public async Task AnInvalidValueIsRefusedNamingTheField(string module, string body, string field)
    {
        var org = await app.CreateOrgAsync();
        var response = await org.Admin.PostAsync(org.Url($"modules/{module}/records"), new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(field, problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await org.GetJsonAsync($"modules/{module}/records")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ALookupToAnotherOrgsRecordIsRefused()
    {
        var a = await app.CreateOrgAsync();
        var b = await app.CreateOrgAsync();
        var accountOfB = await b.CreateRecordAsync("Accounts", new { Account_Name = "B Corp" });

        var response = await a.Admin.PostAsync(a.Url("modules/Contacts/records"), OrgSession.Fields(new { Last_Name = "X", Account_Name = accountOfB }));
        Assert.Equal("Account_Name", (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
    }

    [Fact]
    public async Task CustomModulesValidateEveryFieldType()
    {
        var org = await app.CreateOrgAsync();
        var created = await org.Admin.PostAsJsonAsync(org.Url("modules"), new
        {
            name = "Projects",
            fields = new object[]
            {
                new { name = "Title", type = "text", required = true },
                new { name = "Budget", type = "decimal" },
                new { name = "Seats", type = "number" },
                new { name = "Active", type = "boolean" },
                new { name = "Starts", type = "date" },
                new { name = "Kickoff", type = "datetime" },
                new { name = "Phase", type = "picklist", values = new[] { "Plan", "Build" } },
                new { name = "Client", type = "lookup", lookupModule = "Accounts" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var id = await org.CreateRecordAsync("Projects", new { Title = "P", Budget = "12.50", Seats = 3, Active = "true", Starts = "2026-04-01", Kickoff = "2026-04-01T09:00:00+09:00", Phase = "Plan" });
        var record = await org.GetJsonAsync($"modules/Projects/records/{id}");
        Assert.Equal(12.50m, record.GetProperty("Budget").GetDecimal());
        Assert.True(record.GetProperty("Active").GetBoolean());
        Assert.Equal("2026-04-01T00:00:00Z", record.GetProperty("Kickoff").GetString());

        foreach (var (field, value) in new (string, object)[] { ("Seats", "three"), ("Starts", "01/04/2026"), ("Active", "maybe"), ("Kickoff", "tomorrow") })
        {
            var bad = await org.Admin.PostAsync(org.Url("modules/Projects/records"), OrgSession.Fields(new Dictionary<string, object> { ["Title"] = "P", [field] = value }));
            Assert.Equal(field, (await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task ACsvBulkInsertKeepsTheGoodRowsAndReportsTheBadOnesByRow()
    {
        var org = await app.CreateOrgAsync();
        var csv = "\uFEFFLast_Name,Email,Phone\nSato,sato@example.jp,03-1234-5678\n,nolast@example.jp,\n\"Tanaka, Jr.\",tanaka@example.jp,\nSuzuki,broken,\n山田,yamada@example.jp,\n";

        var response = await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), new StringContent(csv, Encoding.UTF8, "text/csv"));
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, result.GetProperty("created").GetInt32());
        var failed = result.GetProperty("failed").EnumerateArray().Select(f => (f.GetProperty("row").GetInt32(), f.GetProperty("field").GetString())).ToList();
        Assert.Equal([(2, "Last_Name"), (4, "Email")], failed);
        var names = (await org.GetJsonAsync("modules/Leads/records?perPage=10")).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("Last_Name").GetString());
        Assert.Equal(["Sato", "Tanaka, Jr.", "山田"], names);
    }

    [Fact]
    public async Task ACsvBulkInsertWithAQuoteNeverClosedIsRefusedWithoutReadingTheRestAsOneCell()
    {
        var org = await app.CreateOrgAsync();
        var csv = "Last_Name,Company\nSato,\"Acme\n" + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"Name {i},Company number {i:D8}\n"));

        var response = await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), new StringContent(csv, Encoding.UTF8, "text/csv"));

        var detail = (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-body")).GetProperty("detail").GetString();
        Assert.Contains("data row 1", detail);
        Assert.Contains("longer than 1,048,576 characters", detail);
        Assert.Equal(0, (await org.GetJsonAsync("modules/Leads/records")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task BulkInsertNeedsTheImportFeaturePermissionBesidesCreate()
    {
        var org = await app.CreateOrgAsync();
        var (_, plainToken) = await org.AddUserAsync(permissions: new { modules = new { Leads = new[] { "view", "create" } }, features = Array.Empty<string>() });
        var (_, importerToken) = await org.AddUserAsync(permissions: new { modules = new { Leads = new[] { "view", "create" } }, features = new[] { "import" } });
        const string csv = "Last_Name\nSato\n";

        var refused = await app.ClientFor(plainToken).PostAsync(org.Url("modules/Leads/records/bulk"), new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Contains("'import' feature permission", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden")).GetProperty("detail").GetString());
        Assert.Equal(0, (await org.GetJsonAsync("modules/Leads/records")).GetProperty("total").GetInt32());

        // One record at a time stays allowed: create is all it needs.
        await org.CreateRecordAsync("Leads", new { Last_Name = "Kato" }, app.ClientFor(plainToken));
        var imported = await app.ClientFor(importerToken).PostAsync(org.Url("modules/Leads/records/bulk"), new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(1, (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task AJsonBulkInsertWorksTheSameWay()
    {
        var org = await app.CreateOrgAsync();
        var response = await org.Admin.PostAsync(org.Url("modules/Accounts/records/bulk"),
            new StringContent("""[{"Account_Name":"A"},{"Website":"no name"},{"Account_Name":"C"}]""", Encoding.UTF8, "application/json"));
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(2, result.GetProperty("created").GetInt32());
        Assert.Equal(2, result.GetProperty("failed")[0].GetProperty("row").GetInt32());
    }

    [Theory]
    [InlineData("Last_Name,Shoe_Size\nSato,42\n")]
    [InlineData("Last_Name\n\"Sa\"to\n")]
    public async Task ABrokenCsvCreatesNothing(string csv)
    {
        var org = await app.CreateOrgAsync();
        var response = await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await org.GetJsonAsync("modules/Leads/records")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ACsvThatIsNotUtf8CreatesNothing()
    {
        var org = await app.CreateOrgAsync();
        var rows = new StringBuilder("Last_Name\n");
        for (var i = 0; i < 3000; i++)
        {
            rows.Append("Row").Append(i).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(rows.ToString()).Concat(new byte[] { 0x83, 0x54, 0x83, 0x67, 0x0A }).ToArray(); // Shift-JIS at the end
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("text/csv");
        var response = await org.Admin.PostAsync(org.Url("modules/Leads/records/bulk"), content);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-body");
        Assert.Equal(0, (await org.GetJsonAsync("modules/Leads/records")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task AnUploadOverTheSizeLimitIsRefusedAndStoresNothing()
    {
        var org = await app.CreateOrgAsync();
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Big" });
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[(1024 * 1024) + 1]), "file", "big.bin" } };

        var response = await org.Admin.PostAsync(org.Url($"modules/Leads/records/{lead}/attachments"), form);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Empty((await org.GetJsonAsync($"modules/Leads/records/{lead}/attachments")).EnumerateArray());
        var stored = Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "blobs"), "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(org.OrgId, StringComparison.Ordinal) || f.Contains(".tmp", StringComparison.Ordinal));
        Assert.Empty(stored);
    }

    [Fact]
    public async Task AnUploadCutOffBeforeItsClosingBoundaryIsRefusedAndStoresNothing()
    {
        var org = await app.CreateOrgAsync();
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Cut" });
        foreach (var body in new[] { "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n" + new string('x', 100_000), "not multipart at all" })
        {
            var cut = new StringContent(body, Encoding.UTF8);
            cut.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
            var problem = await (await org.Admin.PostAsync(org.Url($"modules/Leads/records/{lead}/attachments"), cut)).AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-body");
            Assert.Contains("closing boundary", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty((await org.GetJsonAsync($"modules/Leads/records/{lead}/attachments")).EnumerateArray());
        var stored = Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "blobs"), "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(org.OrgId, StringComparison.Ordinal) || f.Contains(".tmp", StringComparison.Ordinal));
        Assert.Empty(stored);
    }

    [Fact]
    public async Task AnAttachmentIsStoredAndDownloadedWithRanges()
    {
        var org = await app.CreateOrgAsync();
        var lead = await org.CreateRecordAsync("Leads", new { Last_Name = "Doc" });
        var bytes = Encoding.UTF8.GetBytes("hello attachment");
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "../../hello.txt" } };

        var created = await (await org.Admin.PostAsync(org.Url($"modules/Leads/records/{lead}/attachments"), form)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("hello.txt", created.GetProperty("fileName").GetString());
        Assert.Equal(bytes.Length, created.GetProperty("size").GetInt32());

        var request = new HttpRequestMessage(HttpMethod.Get, org.Url($"modules/Leads/records/{lead}/attachments/{created.GetProperty("id").GetString()}"));
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(6, 15);
        var partial = await org.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("attachment", await partial.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnImageUploadFieldTakesAnImageAndRefusesAnythingElse()
    {
        var org = await app.CreateOrgAsync();
        Assert.Equal(HttpStatusCode.Created, (await org.Admin.PostAsJsonAsync(org.Url("modules/Contacts/fields"), new { name = "Photo", type = "imageupload" })).StatusCode);
        var contact = await org.CreateRecordAsync("Contacts", new { Last_Name = "Pic" });
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52];

        using var notImage = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("<script>")), "file", "photo.png" } };
        var refused = await org.Admin.PutAsync(org.Url($"modules/Contacts/records/{contact}/files/Photo"), notImage);
        Assert.Equal("Photo", (await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());

        using var image = new MultipartFormDataContent { { new ByteArrayContent(png), "file", "photo.png" } };
        var stored = await (await org.Admin.PutAsync(org.Url($"modules/Contacts/records/{contact}/files/Photo"), image)).Content.ReadFromJsonAsync<JsonElement>();
        var record = await org.GetJsonAsync($"modules/Contacts/records/{contact}");
        Assert.Equal(stored.GetProperty("id").GetString(), record.GetProperty("Photo").GetString());
        Assert.Equal(png, await org.Admin.GetByteArrayAsync(org.Url($"modules/Contacts/records/{contact}/attachments/{stored.GetProperty("id").GetString()}")));

        var direct = await org.Admin.PatchAsync(org.Url($"modules/Contacts/records/{contact}"), OrgSession.Fields(new { Photo = stored.GetProperty("id").GetString() }));
        Assert.Equal("Photo", (await direct.AssertProblemAsync(HttpStatusCode.BadRequest, "validation")).GetProperty("field").GetString());
    }
}

public sealed class SqliteRecordsApiTests(SqliteCrmApplication app) : RecordsApiTests(app), IClassFixture<SqliteCrmApplication>;

public sealed class PostgresRecordsApiTests(PostgresCrmApplication app) : RecordsApiTests(app), IClassFixture<PostgresCrmApplication>;

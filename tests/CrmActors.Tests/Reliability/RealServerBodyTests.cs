using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Reliability;

/// <summary>One embedded (SQLite) silo process behind Kestrel, shared by the body tests that need a real server.</summary>
public sealed class SqliteSiloFixture : IAsyncLifetime
{
    public const string OperatorKey = "body-tests-operator-key";

    private readonly SiloDeployment _deployment = new("sqlite", OperatorKey);

    public SiloProcess Silo { get; private set; } = null!;

    public string OrgId { get; private set; } = "";

    public string Token { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Silo = await _deployment.StartAsync(new Dictionary<string, string> { ["Limits:MaxJsonBodyBytes"] = "65536" });
        (OrgId, Token) = await _deployment.CreateOrgAsync(Silo, "Body Org", domain: "body.example");
    }

    public async Task DisposeAsync() => await _deployment.DisposeAsync();
}

/// <summary>The tests that need a real Kestrel server share one embedded silo process.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedSiloCollection : ICollectionFixture<SqliteSiloFixture>
{
    public const string Name = "Embedded silo process";
}

/// <summary>
/// Request bodies as real clients send them, over real sockets: trickled, split over several reads, too large.
/// (The in-process test server hands the app a body only once it is whole, so these need Kestrel.)
/// </summary>
[Collection(EmbeddedSiloCollection.Name)]
public sealed class RealServerBodyTests(SqliteSiloFixture fixture)
{
    private string Url(string path) => $"/api/orgs/{fixture.OrgId}/{path}";

    [Fact]
    public async Task ATrickledBulkInsertHoldsNoTransactionWhileItsBodyArrives()
    {
        using var admin = fixture.Silo.Client(fixture.Token);
        var other = (await (await admin.PostAsync(Url("modules/Leads/records"), OrgSession.Fields(new { Last_Name = "Other" }))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var rows = Encoding.UTF8.GetBytes("Last_Name,Email\n" + string.Concat(Enumerable.Range(0, 3000).Select(i => $"Trickle{i},trickle{i}@example.jp\n")));
        var body = new SlowContent(rows, Encoding.UTF8.GetBytes("TrickleLast,last@example.jp\n"), "text/csv").WithHeaders();
        using var uploader = fixture.Silo.Client(fixture.Token);
        var bulk = uploader.PostAsync(Url("modules/Leads/records/bulk"), body);
        await body.FirstSent.Task;
        await Task.Delay(1000);

        // While the upload waits, another write of the node goes through at once (SQLite has one writer).
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            var edit = await admin.PatchAsync(Url($"modules/Leads/records/{other}"), OrgSession.Fields(new { Company = "Meanwhile" }), timeout.Token);
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        Assert.False(bulk.IsCompleted);
        body.Release();
        var response = await bulk;
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(3001, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task AWebPWhoseSignatureArrivesInTwoReadsIsAnImage()
    {
        using var admin = fixture.Silo.Client(fixture.Token);
        var field = await admin.PostAsJsonAsync(Url("modules/Vendors/fields"), new { name = "Logo", type = "imageupload" });
        Assert.True(field.IsSuccessStatusCode, await field.Content.ReadAsStringAsync());
        var vendor = (await (await admin.PostAsync(Url("modules/Vendors/records"), OrgSession.Fields(new { Vendor_Name = "V" }))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        byte[] webp = [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8, .. new byte[64]];
        var head = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.webp\"\r\nContent-Type: image/webp\r\n\r\n");
        var body = new SlowContent([.. head, .. webp[..8]], [.. webp[8..], .. "\r\n--b--\r\n"u8], "multipart/form-data; boundary=b").WithHeaders();
        var upload = admin.PutAsync(Url($"modules/Vendors/records/{vendor}/files/Logo"), body);
        await body.FirstSent.Task;
        await Task.Delay(300);
        body.Release();
        var response = await upload;
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AJsonBodyOverTheLimitIsRefusedWith413InOurShape()
    {
        using var admin = fixture.Silo.Client(fixture.Token);
        var huge = "{\"Last_Name\":\"Huge\",\"Company\":\"" + new string('x', 100_000) + "\"}";
        var declared = await admin.PostAsync(Url("modules/Leads/records"), new StringContent(huge, Encoding.UTF8, "application/json"));
        await declared.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");

        // Without a length the server finds out while reading: it answers 413 and closes the connection, which
        // can reach the client before it finished sending (then it sees the connection end, not the answer).
        var chunked = new SlowContent(Encoding.UTF8.GetBytes(huge), [], "application/json").WithHeaders();
        chunked.Release();
        try
        {
            await (await admin.PostAsync(Url("modules/Leads/records"), chunked)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        }
        catch (HttpRequestException closed) when (closed.InnerException is System.Net.Http.HttpIOException or IOException)
        {
        }

        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>(Url("modules/Leads/records?Last_Name=Huge"))).GetProperty("total").GetInt32());
    }

    /// <summary>This silo's JSON limit is 64 KB; a file upload is bounded by its own setting (gigabytes), not by that.</summary>
    [Fact]
    public async Task FileUploadsOverTheJsonLimitAreBoundedByTheirOwnSettings()
    {
        using var admin = fixture.Silo.Client(fixture.Token);
        var created = await admin.PostAsJsonAsync(Url("migrations"), new { sourceSystem = "generic", modules = new[] { "contacts" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var csv = "Source_Id,First_Name,Last_Name,Email\n" + string.Concat(Enumerable.Range(0, 6000).Select(i => $"C{i},First{i},Last{i},contact{i}@body.example\n"));
        Assert.True(Encoding.UTF8.GetByteCount(csv) > 3 * 65536);
        using var upload = new HttpRequestMessage(HttpMethod.Put, Url($"migrations/{job}/files/contacts.csv")) { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        upload.Headers.Add("X-Module", "contacts");
        var stored = await admin.SendAsync(upload);
        Assert.True(stored.StatusCode == HttpStatusCode.Created, await stored.Content.ReadAsStringAsync());
        Assert.Equal(6000, (await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parts")[0].GetProperty("rows").GetInt64());

        // A 200 KB restore upload is read to the end and judged by what it is (not a ZIP), not refused for its size.
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[200_000]), "file", "big-backup.zip" } };
        var problem = await (await admin.PostAsync(Url("restores/upload?mode=full"), form)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("big-backup.zip", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>The README walk-through (samples/walkthrough.sh) runs as written against a real node.</summary>
[Collection(EmbeddedSiloCollection.Name)]
public sealed class WalkthroughTests(SqliteSiloFixture fixture)
{
    [Fact]
    public async Task TheReadmeWalkthroughRunsAsWrittenOnAFreshNode()
    {
        var info = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Repository.Path("samples", "walkthrough.sh"));
        info.ArgumentList.Add(fixture.Silo.Address.ToString().TrimEnd('/'));
        info.Environment["KEY"] = SqliteSiloFixture.OperatorKey;
        using var script = System.Diagnostics.Process.Start(info)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await script.WaitForExitAsync(timeout.Token);
        Assert.True(script.ExitCode == 0, $"walkthrough.sh exited {script.ExitCode}:\n{await errors}\n{await output}");
        Assert.Contains("The walk-through ran to the end.", await errors, StringComparison.Ordinal);
    }
}

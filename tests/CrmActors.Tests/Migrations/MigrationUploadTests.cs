using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Migrations;

/// <summary>Upload limits and bad files over HTTP: each refusal names what to fix, and nothing is stored.</summary>
public abstract class MigrationUploadTests(MigrationApplication app)
{
    private static string Csv(int bytes)
    {
        var text = new StringBuilder("Source_Id,Account_Name\n");
        for (var i = 0; text.Length < bytes; i++)
        {
            text.Append($"A{i},Account {i}\n");
        }

        return text.ToString()[..bytes];
    }

    [Fact]
    public async Task EachLimitIsASettingAndItsRefusalNamesIt()
    {
        var org = await app.CreateOrgAsync();
        var job = await org.CreateMigrationAsync("generic", "accounts");

        var tooBig = await (await org.UploadAsync(job, "big.csv", Csv((int)MigrationApplication.MaxFileBytes + 10), "accounts"))
            .AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "migration-limit-exceeded");
        Assert.Equal("Migration__MaxFileBytes", tooBig.GetProperty("limit").GetString());

        await org.UploadOkAsync(job, "a.csv", Csv(3500), "accounts");
        await org.UploadOkAsync(job, "b.csv", Csv(3500), "accounts");
        var total = await (await org.UploadAsync(job, "c.csv", Csv(3500), "accounts")).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "migration-limit-exceeded");
        Assert.Equal("Migration__MaxTotalBytes", total.GetProperty("limit").GetString());

        await org.UploadOkAsync(job, "c.csv", Csv(100), "accounts");
        await org.UploadOkAsync(job, "d.csv", Csv(100), "accounts");
        var count = await (await org.UploadAsync(job, "e.csv", Csv(100), "accounts")).AssertProblemAsync(HttpStatusCode.Conflict, "migration-limit-exceeded");
        Assert.Equal("Migration__MaxFiles", count.GetProperty("limit").GetString());
        // Uploading under an existing name replaces that file, within the limits.
        await org.UploadOkAsync(job, "d.csv", Csv(200), "accounts");
        var files = (await org.GetJsonAsync($"migrations/{job}/files")).EnumerateArray().ToList();
        Assert.Equal([("a.csv", 3500L), ("b.csv", 3500L), ("c.csv", 100L), ("d.csv", 200L)], files.Select(f => (f.GetProperty("name").GetString()!, f.GetProperty("size").GetInt64())));
        Assert.Equal(4, BlobFiles(org, job).Length);
    }

    [Fact]
    public async Task ATrialOrganizationMigratesAtMostItsTotalOverAllJobs()
    {
        var org = await CreateTrialOrgAsync();
        var first = await org.CreateMigrationAsync("generic", "accounts");
        await org.UploadOkAsync(first, "a.csv", Csv(2000), "accounts");
        var second = await org.CreateMigrationAsync("generic", "accounts");
        var trial = await (await org.UploadAsync(second, "b.csv", Csv(2000), "accounts")).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "migration-limit-exceeded");
        Assert.Equal("Migration__TrialMaxTotalBytes", trial.GetProperty("limit").GetString());
        Assert.Contains("trial", trial.GetProperty("detail").GetString());
        await org.UploadOkAsync(second, "b.csv", Csv(900), "accounts");
    }

    [Fact]
    public async Task AnIntegrationEnabledAfterTheSubmissionHoldsThePassBackUntilItIsDisabledAgain()
    {
        var org = await app.CreateOrgAsync(plan: "professional");
        var job = await org.CreateMigrationAsync("generic", "accounts");
        await org.UploadOkAsync(job, "accounts.csv", "Source_Id,Account_Name\nA1,Acme\n", "accounts");
        Assert.Equal(HttpStatusCode.OK, (await org.PostAsync(job, "submit")).StatusCode);
        Assert.True((await org.Admin.PatchAsJsonAsync(org.Url(""), new { integrations = new[] { "salesforce" } })).IsSuccessStatusCode);

        // Due after 2 s; it waits, and says why once, however often it looks again.
        var waiting = await Eventually.JsonAsync(org.Admin, org.Url($"migrations/{job}"), j => j.GetProperty("notifications").GetArrayLength() > 0, TimeSpan.FromSeconds(60), "the pass to say it waits");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var still = await org.StatusAsync(job);
        Assert.Equal("pending", still.GetProperty("status").GetString());
        Assert.Contains("salesforce", Assert.Single(still.GetProperty("notifications").EnumerateArray()).GetProperty("message").GetString());
        Assert.Equal(0, await org.TotalAsync("Accounts"));

        Assert.True((await org.Admin.PatchAsJsonAsync(org.Url(""), new { integrations = Array.Empty<string>() })).IsSuccessStatusCode);
        await org.WaitForStatusAsync(job, "first_pass_done");
        Assert.Equal(1, await org.TotalAsync("Accounts"));
    }

    [Fact]
    public async Task TwoUploadsAtOnceToTwoJobsOfATrialOrganizationCannotBothPassItsTotal()
    {
        // Each round: two jobs, one 2,000-byte file each at the same moment, against a 3,000-byte trial total.
        for (var round = 0; round < 5; round++)
        {
            var org = await CreateTrialOrgAsync();
            var jobs = new[] { await org.CreateMigrationAsync("generic", "accounts"), await org.CreateMigrationAsync("generic", "accounts") };
            var answers = await Task.WhenAll(jobs.Select(job => org.UploadAsync(job, "a.csv", Csv(2000), "accounts")));

            Assert.Single(answers, a => a.IsSuccessStatusCode);
            var refused = await answers.Single(a => !a.IsSuccessStatusCode).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "migration-limit-exceeded");
            Assert.Equal("Migration__TrialMaxTotalBytes", refused.GetProperty("limit").GetString());
        }
    }

    [Fact]
    public async Task BadNamesModulesEncodingsAndCsvAreRefusedAndStoreNothing()
    {
        var org = await app.CreateOrgAsync();
        var job = await org.CreateMigrationAsync("generic", "accounts", "tickets");
        const string Good = "Source_Id,Account_Name\nA1,Acme\n";

        await (await org.UploadAsync(job, "../accounts.csv", Good, "accounts")).AssertProblemAsync(HttpStatusCode.BadRequest, "migration-invalid-file-name");
        await (await org.UploadAsync(job, "..\\accounts.csv", Good, "accounts")).AssertProblemAsync(HttpStatusCode.BadRequest, "migration-invalid-file-name");
        var unknown = await (await org.UploadAsync(job, "widgets.csv", Good, "widgets")).AssertProblemAsync(HttpStatusCode.BadRequest, "migration-unknown-module");
        Assert.Contains("agents, accounts", unknown.GetProperty("detail").GetString());
        await (await org.UploadAsync(job, "accounts.csv", Good)).AssertProblemAsync(HttpStatusCode.BadRequest, "migration-unknown-module");
        var unselected = await (await org.UploadAsync(job, "kb.csv", "Source_Id,Title\nK1,x\n", "knowledge_base")).AssertProblemAsync(HttpStatusCode.BadRequest, "migration-unknown-module");
        Assert.Contains("did not select", unselected.GetProperty("detail").GetString());
        await (await org.UploadAsync(job, "latin1.csv", [.. Encoding.ASCII.GetBytes("Source_Id,Account_Name\nA1,Caf"), 0xE9, (byte)'\n'], "accounts"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "migration-invalid-encoding");
        await (await org.UploadAsync(job, "broken.csv", "Source_Id,Account_Name\nA1,\"Acme\n", "accounts")).AssertProblemAsync(HttpStatusCode.BadRequest, "migration-malformed-csv");
        await (await org.UploadAsync(job, "evil.zip", MigrationSteps.Zip(("accounts.csv", Good), ("../../etc/passwd", "x"))))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "migration-unsafe-entry");
        await (await org.UploadAsync(job, "noid.csv", "Account_Name\nAcme\n", "accounts")).AssertProblemAsync(HttpStatusCode.BadRequest, "migration-invalid-file");
        var unreadable = await (await org.UploadAsync(job, "bzip2.zip", MigrationSteps.WithCompressionMethod(MigrationSteps.Zip(("accounts.csv", Good)), "accounts.csv", 12)))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "migration-invalid-file");
        Assert.Contains("bzip2.zip", unreadable.GetProperty("detail").GetString());

        Assert.Empty((await org.GetJsonAsync($"migrations/{job}/files")).EnumerateArray());
        Assert.Empty(BlobFiles(org, job));
        Assert.Equal("draft", (await org.StatusAsync(job)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnUploadCutOffMidwayStoresNothing()
    {
        var org = await app.CreateOrgAsync();
        var job = await org.CreateMigrationAsync("generic", "accounts");
        var content = new StreamContent(new BreakingStream(Encoding.UTF8.GetBytes(Csv(3000)), breakAfter: 1500));
        content.Headers.ContentLength = 3000;
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await org.UploadAsync(job, "accounts.csv", content, "accounts");
            // The in-process server may still answer; a cut-off body is never accepted.
            Assert.NotEqual(HttpStatusCode.Created, response.StatusCode);
            throw new IOException("refused");
        });

        await Task.Delay(500);
        Assert.Empty((await org.GetJsonAsync($"migrations/{job}/files")).EnumerateArray());
        Assert.Empty(BlobFiles(org, job));
        // Whatever type the client claims (curl --data-binary says a form), the body is the file.
        var retried = await org.UploadAsync(job, "accounts.csv", new StringContent(Csv(3000), Encoding.UTF8, "application/x-www-form-urlencoded"), "accounts");
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
    }

    private string[] BlobFiles(OrgSession org, string job)
    {
        var folder = Path.Combine(app.DataDirectory, "blobs", "orgs", org.OrgId, "migrations", job, "files");
        return Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
    }

    private async Task<OrgSession> CreateTrialOrgAsync()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Operator-Key", CrmApplication.OperatorKey);
        var response = await client.PostAsJsonAsync("/api/orgs", new
        {
            name = "Trial " + Guid.NewGuid().ToString("N")[..6], plan = "professional", trial = true, timeZone = "UTC", domain = "trial.test",
            admin = new { email = "admin@trial.test", name = "Admin" },
        });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new OrgSession(app, created.GetProperty("id").GetString()!, created.GetProperty("adminUserId").GetString()!, created.GetProperty("adminToken").GetString()!);
    }

    /// <summary>A body that fails partway, as a dropped connection does.</summary>
    private sealed class BreakingStream(byte[] bytes, int breakAfter) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= breakAfter)
            {
                throw new IOException("The connection was reset.");
            }

            return await base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, breakAfter - Position)], cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class SqliteMigrationUploadTests(SqliteMigrationApplication app) : MigrationUploadTests(app), IClassFixture<SqliteMigrationApplication>;

public sealed class PostgresMigrationUploadTests(PostgresMigrationApplication app) : MigrationUploadTests(app), IClassFixture<PostgresMigrationApplication>;

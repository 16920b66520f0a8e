using System.Net;
using System.Net.Http.Json;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.Migrations;

/// <summary>A whole migration over HTTP with generic files: upload, submit, first pass, report, delta file, second pass, completed.</summary>
public abstract class MigrationFlowTests(MigrationApplication app)
{
    private const string Agents = "Source_Id,Name,Email,Department\nG1,Ann,ann@desk.test,Support\nG2,Bob,bob@desk.test,Support\n";
    private const string Accounts = "Source_Id,Account_Name,Website\nA1,Acme,acme.test\n";
    private const string Contacts = "Source_Id,First_Name,Last_Name,Email,Account_Name\nC1,Jo,Doe,jo@customer.test,A1\nC2,Al,Smith,not-an-email,A1\n";

    [Fact]
    public async Task AJobMigratesInTwoPassesWithOwnersLinksAReportAndNoDuplicates()
    {
        var org = await app.CreateOrgAsync();
        var (annId, _) = await org.AddUserWithEmailAsync("ann@desk.test");
        await org.AddUserWithEmailAsync("bob@desk.test", active: false);
        Assert.True((await org.Admin.PatchAsJsonAsync(org.Url(""), new { integrations = new[] { "crm", "suite" } })).IsSuccessStatusCode);

        var job = await org.CreateMigrationAsync("generic", "agents", "accounts", "contacts", "tickets");
        Assert.Equal(["agents", "accounts", "contacts", "tickets", "ticket_threads", "ticket_comments", "attachments"],
            (await org.StatusAsync(job)).GetProperty("modules").EnumerateArray().Select(m => m.GetString()!).ToArray());
        await org.UploadOkAsync(job, "agents.csv", Agents, "agents");
        await org.UploadOkAsync(job, "accounts.csv", Accounts, "Accounts");
        await org.UploadOkAsync(job, "contacts.csv", Contacts, "contacts");
        await org.UploadOkAsync(job, "tickets.zip", MigrationSteps.Zip(
            ("tickets.csv", "Source_Id,Subject,Description,Status,Contact_Name,Agent_Email,Created_Time\n"
                + "T1,Printer,On fire,Open,C1,ANN@desk.test,2020-01-02T03:04:05Z\n"
                + "T2,Mail,Down,Closed,C1,bob@desk.test,\n"
                + "T3,VPN,Slow,Open,,nobody@desk.test,\n"
                + "T4,,No subject,Open,,,\n"
                + "T1,Printer again,Repeated,Open,C1,ann@desk.test,\n"),
            ("ticket_threads.csv", "Source_Id,Ticket_Id,Content,Direction\nH1,T1,Hello,in\nH2,T9,Early reply,out\n"),
            ("ticket_comments.csv", "Source_Id,Ticket_Id,Comment\nK1,T1,Internal note\n"),
            ("attachments.csv", "Source_Id,Ticket_Id,File_Name,Path\nF1,T1,photo.png,files/photo.png\n"),
            ("files/photo.png", "PNG bytes")));

        var files = (await org.GetJsonAsync($"migrations/{job}/files")).EnumerateArray().ToList();
        Assert.Equal(["agents.csv", "accounts.csv", "contacts.csv", "tickets.zip"], files.Select(f => f.GetProperty("name").GetString()!).ToArray());

        // CRM and Salesforce integrations must be off to submit; the refusal names the one that is on.
        var refused = await (await org.PostAsync(job, "submit")).AssertProblemAsync(HttpStatusCode.Conflict, "integrations-enabled");
        Assert.Contains("crm", refused.GetProperty("detail").GetString());
        Assert.DoesNotContain("suite", refused.GetProperty("detail").GetString());
        Assert.True((await org.Admin.PatchAsJsonAsync(org.Url(""), new { integrations = new[] { "suite" } })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await org.PostAsync(job, "submit")).StatusCode);

        var done = await org.WaitForStatusAsync(job, "first_pass_done");
        Assert.Equal("first_pass_done", done.GetProperty("status").GetString());
        var first = Assert.Single(done.GetProperty("passes").EnumerateArray());
        Assert.Equal(3, first.GetProperty("counts").GetProperty("tickets").GetProperty("migrated").GetInt64());
        Assert.Equal(1, first.GetProperty("counts").GetProperty("tickets").GetProperty("failed").GetInt64());
        Assert.Equal(1, first.GetProperty("counts").GetProperty("tickets").GetProperty("skipped").GetInt64());
        Assert.Contains("first pass", Assert.Single(done.GetProperty("notifications").EnumerateArray()).GetProperty("message").GetString());
        Assert.True(done.TryGetProperty("secondPassAt", out var secondAt) && secondAt.ValueKind == System.Text.Json.JsonValueKind.String);

        var report = await org.ReportAsync(job, 1);
        Assert.Equal(["agents.csv", "accounts.csv", "contacts.csv", "tickets.csv", "ticket_threads.csv", "ticket_comments.csv", "attachments.csv"], report.Entries.ToArray());
        var t1 = report.Lines["tickets"].Skip(1).First(l => l[0] == "T1");
        Assert.Equal("migrated", t1[2]);
        Assert.Equal("", t1[3]);
        Assert.Contains("deactivated", report.Line("tickets", "T2")[3]);
        Assert.Contains("no user has the e-mail nobody@desk.test", report.Line("tickets", "T3")[3]);
        Assert.Equal("failed", report.Line("tickets", "T4")[2]);
        Assert.Contains("Subject", report.Line("tickets", "T4")[3]);
        Assert.Contains(report.Lines["tickets"], l => l[0] == "T1" && l[2] == "skipped");
        Assert.Equal("failed", report.Line("contacts", "C2")[2]);
        Assert.Equal("failed", report.Line("ticket_threads", "H2")[2]);
        Assert.Contains("'T9'", report.Line("ticket_threads", "H2")[3]);

        // Records: owners by e-mail or the primary contact, lookups to the new IDs, source times kept.
        var ticket = await org.RecordAsync("Tickets", t1[1]);
        Assert.Equal(annId, ticket.GetProperty("Owner").GetString());
        Assert.Equal(report.Line("contacts", "C1")[1], ticket.GetProperty("Contact_Name").GetString());
        Assert.StartsWith("2020-01-02T03:04:05", ticket.GetProperty("Created_Time").GetString());
        Assert.Equal(org.AdminUserId, (await org.RecordAsync("Tickets", report.Line("tickets", "T2")[1])).GetProperty("Owner").GetString());
        Assert.Equal(org.AdminUserId, (await org.RecordAsync("Tickets", report.Line("tickets", "T3")[1])).GetProperty("Owner").GetString());
        Assert.Equal(report.Line("accounts", "A1")[1], (await org.RecordAsync("Contacts", report.Line("contacts", "C1")[1])).GetProperty("Account_Name").GetString());
        var thread = await org.RecordAsync("TicketThreads", report.Line("ticket_threads", "H1")[1]);
        Assert.Equal((t1[1], annId), (thread.GetProperty("Ticket_Id").GetString(), thread.GetProperty("Owner").GetString()));
        var attachments = await org.GetJsonAsync($"modules/Tickets/records/{t1[1]}/attachments");
        Assert.Equal("photo.png", Assert.Single(attachments.EnumerateArray()).GetProperty("fileName").GetString());

        // A change request on the first report, within the window.
        var change = await org.Admin.PostAsJsonAsync(org.Url($"migrations/{job}/change-requests"), new { text = "T4 has a subject in the old system; please look." });
        Assert.Equal(HttpStatusCode.Created, change.StatusCode);
        await (await org.Admin.PostAsJsonAsync(org.Url($"migrations/{job}/change-requests"), new { text = " " })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        var full = await (await org.Admin.PostAsJsonAsync(org.Url($"migrations/{job}/change-requests"), new { text = "And T5 too." })).AssertProblemAsync(HttpStatusCode.Conflict, "migration-limit-exceeded");
        Assert.Equal("Migration__MaxChangeRequests", full.GetProperty("limit").GetString());

        // A delta export between the passes: the ticket the early reply waited for, and a ticket already migrated.
        await org.UploadOkAsync(job, "tickets-delta.csv", "Source_Id,Subject,Status,Agent_Email\nT9,Late ticket,Open,ann@desk.test\nT1,Printer,Open,ann@desk.test\n", "tickets");
        var completed = await org.WaitForStatusAsync(job, "completed");
        Assert.Equal(2, completed.GetProperty("passes").GetArrayLength());
        Assert.Equal(2, completed.GetProperty("notifications").GetArrayLength());

        var second = await org.ReportAsync(job, 2);
        Assert.Equal("migrated", second.Line("tickets", "T9")[2]);
        Assert.All(second.Lines["tickets"].Skip(1).Where(l => l[0] == "T1"), l => Assert.Equal(("skipped", t1[1]), (l[2], l[1])));
        Assert.Equal("migrated", second.Line("ticket_threads", "H2")[2]);
        Assert.Equal(second.Line("tickets", "T9")[1], (await org.RecordAsync("TicketThreads", second.Line("ticket_threads", "H2")[1])).GetProperty("Ticket_Id").GetString());
        Assert.Equal("skipped", second.Line("agents", "G1")[2]);
        Assert.Equal("failed", second.Line("tickets", "T4")[2]);

        // No duplicates: T1, T2, T3 from the first pass and T9 from the second.
        Assert.Equal(4, await org.TotalAsync("Tickets"));
        Assert.Equal(2, await org.TotalAsync("TicketThreads"));
        Assert.Equal(1, await org.TotalAsync("Contacts"));
        Assert.Equal(2, await org.TotalAsync("Agents"));

        // A completed job takes no more files or requests.
        (await (await org.UploadAsync(job, "more.csv", "Source_Id,Subject\nT10,x\n", "tickets")).AssertProblemAsync(HttpStatusCode.Conflict, "migration-invalid-state"))
            .GetProperty("detail").GetString()!.Contains("completed");
        await (await org.PostAsync(job, "submit")).AssertProblemAsync(HttpStatusCode.Conflict, "migration-invalid-state");
        await (await org.PostAsync(job, "cancel")).AssertProblemAsync(HttpStatusCode.Conflict, "migration-invalid-state");
        await (await org.Admin.PostAsJsonAsync(org.Url($"migrations/{job}/change-requests"), new { text = "more" })).AssertProblemAsync(HttpStatusCode.Conflict, "migration-invalid-state");
        Assert.Single((await org.StatusAsync(job)).GetProperty("changeRequests").EnumerateArray());
        var listed = Assert.Single((await org.GetJsonAsync("migrations")).EnumerateArray());
        Assert.Equal(("completed", 1.0), (listed.GetProperty("status").GetString(), listed.GetProperty("progress").GetDouble()));
    }

    [Fact]
    public async Task ADryRunReportsWithoutWritingAndCancelWorksOnlyWhilePending()
    {
        var org = await app.CreateOrgAsync();
        var job = await org.CreateMigrationAsync("generic", "accounts", "contacts");
        await org.UploadOkAsync(job, "accounts.csv", Accounts, "accounts");
        await org.UploadOkAsync(job, "contacts.csv", Contacts, "contacts");

        var dry = await org.PostAsync(job, "dry-run");
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Equal("application/zip", dry.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"contacts\":{\"migrated\":1,\"failed\":1,\"skipped\":0}", dry.Headers.GetValues("X-Migration-Counts").Single());
        var report = ReportZip.Read(await dry.Content.ReadAsByteArrayAsync());
        Assert.Equal(("migrated", ""), (report.Line("contacts", "C1")[2], report.Line("contacts", "C1")[1]));
        Assert.Equal("failed", report.Line("contacts", "C2")[2]);
        Assert.Equal(0, await org.TotalAsync("Accounts"));
        Assert.Equal(0, await org.TotalAsync("Contacts"));

        var draft = await (await org.PostAsync(job, "cancel")).AssertProblemAsync(HttpStatusCode.Conflict, "migration-invalid-state");
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await org.PostAsync(job, "submit")).StatusCode);
        var cancelled = await org.PostAsync(job, "cancel");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal("cancelled", (await org.StatusAsync(job)).GetProperty("status").GetString());
        Assert.Equal(0, await org.TotalAsync("Accounts"));
        await (await org.PostAsync(job, "submit")).AssertProblemAsync(HttpStatusCode.Conflict, "migration-invalid-state");
    }

    [Fact]
    public async Task OnlyAdminsOfPaidOrganizationsMigrateAndOtherOrganizationsSeeNothing()
    {
        var org = await app.CreateOrgAsync();
        var job = await org.CreateMigrationAsync("generic", "accounts");
        var (_, token) = await org.AddUserAsync();
        using var standard = app.ClientFor(token);
        await (await standard.PostAsJsonAsync(org.Url("migrations"), new { sourceSystem = "generic", modules = new[] { "accounts" } }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await standard.GetAsync(org.Url($"migrations/{job}"))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        var other = await app.CreateOrgAsync();
        await (await other.Admin.GetAsync(other.Url($"migrations/{job}"))).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");
        // The product dashboard lists an org's migrations to its admins only.
        var board = await org.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/dashboard/migrations");
        var listed = Assert.Single(board.EnumerateArray());
        Assert.Equal((job, "draft", 0.0), (listed.GetProperty("id").GetString(), listed.GetProperty("status").GetString(), listed.GetProperty("progress").GetDouble()));
        Assert.Empty((await other.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/dashboard/migrations")).EnumerateArray());
        await (await other.UploadAsync(job, "accounts.csv", Accounts, "accounts")).AssertProblemAsync(HttpStatusCode.NotFound, "not-found");

        var free = await app.CreateOrgAsync("free");
        var refused = await (await free.Admin.PostAsJsonAsync(free.Url("migrations"), new { sourceSystem = "generic", modules = new[] { "tickets" } }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "plan-not-allowed");
        Assert.Contains("paid plan", refused.GetProperty("detail").GetString());
        await (await org.Admin.PostAsJsonAsync(org.Url("migrations"), new { sourceSystem = "helpscout", modules = new[] { "tickets" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        await (await org.Admin.PostAsJsonAsync(org.Url("migrations"), new { sourceSystem = "generic", modules = new[] { "widgets" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "migration-unknown-module");
    }

    /// <summary>A file of the attachments ZIP that cannot be read fails its row, not the pass.</summary>
    [Fact]
    public async Task AnAttachmentTheZipCannotGiveFailsItsRowAndThePassGoesOn()
    {
        var org = await app.CreateOrgAsync();
        var job = await org.CreateMigrationAsync("generic", "tickets");
        await org.UploadOkAsync(job, "tickets.zip", MigrationSteps.WithCompressionMethod(MigrationSteps.Zip(
            ("tickets.csv", "Source_Id,Subject,Status\nT1,Printer,Open\n"),
            ("attachments.csv", "Source_Id,Ticket_Id,File_Name,Path\nF1,T1,photo.png,files/photo.png\nF2,T1,scan.pdf,files/scan.pdf\n"),
            ("files/photo.png", "PNG bytes"),
            ("files/scan.pdf", "PDF bytes")), "files/scan.pdf", 12));
        Assert.Equal(HttpStatusCode.OK, (await org.PostAsync(job, "submit")).StatusCode);

        var done = await org.WaitForStatusAsync(job, "first_pass_done");
        var counts = Assert.Single(done.GetProperty("passes").EnumerateArray()).GetProperty("counts");
        Assert.Equal((1, 1), (counts.GetProperty("attachments").GetProperty("migrated").GetInt64(), counts.GetProperty("attachments").GetProperty("failed").GetInt64()));
        Assert.Equal(1, counts.GetProperty("tickets").GetProperty("migrated").GetInt64());
        var report = await org.ReportAsync(job, 1);
        Assert.Equal("migrated", report.Line("attachments", "F1")[2]);
        Assert.Equal("failed", report.Line("attachments", "F2")[2]);
        Assert.Contains("files/scan.pdf in the ZIP cannot be read", report.Line("attachments", "F2")[3]);
        var ticket = report.Line("tickets", "T1")[1];
        Assert.Single((await org.GetJsonAsync($"modules/Tickets/records/{ticket}/attachments")).EnumerateArray());
    }
}

public sealed class SqliteMigrationFlowTests(SqliteMigrationApplication app) : MigrationFlowTests(app), IClassFixture<SqliteMigrationApplication>;

public sealed class PostgresMigrationFlowTests(PostgresMigrationApplication app) : MigrationFlowTests(app), IClassFixture<PostgresMigrationApplication>;

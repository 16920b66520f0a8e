using System.Collections.Immutable;
using System.Text;
using CrmActors.Grains.Migrations;
using CrmActors.Grains.Organizations;

namespace CrmActors.Tests.Migrations;

/// <summary>Whole passes over real files into an in-memory sink, with the report ZIP read back.</summary>
public sealed class MigrationPassTests : IDisposable
{
    private static readonly UserAccount[] Users =
    [
        User("u-ann", "ann@desk.test", active: true),
        User("u-bob", "bob@desk.test", active: false),
    ];

    private readonly MigrationFiles _files = new();

    [Fact]
    public async Task AZipOfSeveralModulesAndAttachmentsMigratesInOrderWithLinksOwnersAndAReport()
    {
        var zip = _files.WriteZip("export.zip",
            // Entries out of order on purpose: the pass orders them.
            ("ticket_threads.csv", "Source_Id,Ticket_Id,Content,Direction\nH1,T1,Hello,IN\nH2,T404,Orphan,out\n"),
            ("tickets.csv", "Source_Id,Subject,Description,Status,Contact_Name,Agent_Email,Created_Time,Mood\n"
                + "T1,Printer,On fire,open,C1,ANN@desk.test,2020-01-02T03:04:05Z,angry\n"
                + "T2,Mail,Down,Closed,C1,bob@desk.test,,\n"
                + "T3,VPN,Slow,Open,,nobody@desk.test,,\n"
                + "T4,,No subject,Open,,,,\n"
                + "T5,Status,Bad,Snoozed,,,,\n"),
            ("contacts.csv", "Source_Id,First_Name,Last_Name,Email,Account_Name\nC1,Jo,Doe,jo@customer.test,A1\nC2,Al,Smith,jo@,A1\n"),
            ("accounts.csv", "\uFEFFSource_Id,Account_Name,Website\nA1,Acme,acme.test\n"),
            ("agents.csv", "Source_Id,Name,Email,Department\nG1,Ann,ann@desk.test,Support\n"),
            ("ticket_comments.csv", "Source_Id,Ticket_Id,Comment\nK1,T1,Internal note\n"),
            ("attachments.csv", "Source_Id,Ticket_Id,File_Name,Path\nF1,T1,photo.png,files/photo.png\nF2,T1,gone.png,files/gone.png\n"),
            ("files/photo.png", "PNG"),
            ("knowledge_base.csv", "Source_Id,Title,Answer,Category\nKB1,Reset a password,Click reset,Accounts\n"));

        var outcome = await _files.RunAsync(new MigrationMapping("generic"), [zip], Users);

        Assert.Equal(MigrationModules.Order.Where(m => m != "products").ToArray(), outcome.Parts.Select(p => p.Part.Module).ToArray());
        Assert.Equal(["Mood"], outcome.Parts.Single(p => p.Part.Module == "tickets").UnusedColumns.ToArray());
        var sink = outcome.Sink;
        Assert.Equal(sink.IdOf("accounts", "A1"), sink.Record("contacts", "C1").Record.Values["Account_Name"]!.GetValue<string>());
        Assert.Equal(sink.IdOf("contacts", "C1"), sink.Record("tickets", "T1").Record.Values["Contact_Name"]!.GetValue<string>());
        Assert.Equal(sink.IdOf("tickets", "T1"), sink.Record("ticket_threads", "H1").Record.Values["Ticket_Id"]!.GetValue<string>());
        Assert.Equal("in", sink.Record("ticket_threads", "H1").Record.Values["Direction"]!.GetValue<string>());
        var attachment = sink.Record("attachments", "F1").Record.Values;
        Assert.Equal((sink.IdOf("tickets", "T1"), "photo.png", "files/photo.png"),
            (attachment["Ticket_Id"]!.GetValue<string>(), attachment["File_Name"]!.GetValue<string>(), attachment["Path"]!.GetValue<string>()));
        Assert.Equal(DateTimeOffset.Parse("2020-01-02T03:04:05Z").ToUnixTimeMilliseconds(), sink.Record("tickets", "T1").Record.CreatedAt);

        // Owners: the active user by e-mail in any case; else the primary contact, with the reason in the report.
        Assert.Equal(new OwnerChoice("u-ann", null), sink.Record("tickets", "T1").Owner);
        Assert.Equal("primary-contact", sink.Record("tickets", "T2").Owner!.OwnerId);
        Assert.Contains("deactivated", outcome.Report.Line("tickets", "T2")[3]);
        Assert.Contains("no user has the e-mail nobody@desk.test", outcome.Report.Line("tickets", "T3")[3]);

        Assert.Equal(new ModuleCounts(3, 2, 0), outcome.Counts["tickets"]);
        Assert.Equal(new ModuleCounts(1, 1, 0), outcome.Counts["contacts"]);
        Assert.Equal(new ModuleCounts(1, 1, 0), outcome.Counts["ticket_threads"]);
        Assert.Equal(new ModuleCounts(1, 1, 0), outcome.Counts["attachments"]);

        var report = outcome.Report;
        Assert.Equal(MigrationModules.Order.Where(m => m != "products").Select(m => m + ".csv").ToArray(), report.Entries.ToArray());
        Assert.Equal(["source_id", "new_id", "status", "error"], report.Lines["tickets"][0]);
        Assert.Equal(["T1", sink.IdOf("tickets", "T1"), "migrated", ""], report.Line("tickets", "T1"));
        Assert.Equal(["", "failed"], report.Line("tickets", "T4")[1..3]);
        Assert.Contains("Subject (row 4): Subject is required.", report.Line("tickets", "T4")[3]);
        Assert.Contains("Status must be one of: Open, On Hold, Escalated, Closed", report.Line("tickets", "T5")[3]);
        Assert.Contains("'T404'", report.Line("ticket_threads", "H2")[3]);
        Assert.Contains("files/gone.png", report.Line("attachments", "F2")[3]);
        Assert.Contains("Email", report.Line("contacts", "C2")[3]);
        Assert.All(report.Raw.Values, bytes => Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]));
        Assert.Contains("\r\n", Encoding.UTF8.GetString(report.Raw["tickets.csv"]));
    }

    [Fact]
    public async Task ASourceIdLongerThanAnIdCanBeIsABadRowAndTheRestMigrate()
    {
        var longId = new string('7', MigrationRowMapper.MaxSourceIdLength + 1);
        var accounts = _files.WriteCsv("accounts.csv", $"Source_Id,Account_Name\nA1,Acme\n{longId},Long\n{longId[1..]},Just fits\n");

        var outcome = await _files.RunAsync(new MigrationMapping("generic"), [accounts], Users);

        Assert.Equal(new ModuleCounts(2, 1, 0), outcome.Counts["accounts"]);
        Assert.Contains("at most 255", outcome.Report.Lines["accounts"].Single(l => l[2] == "failed")[3]);
    }

    [Fact]
    public async Task AZendeskStyleExportMigrates()
    {
        // Zendesk's organization, user and ticket CSV exports, named as Zendesk names them.
        var organizations = _files.WriteCsv("accounts.csv", "id,name,domain_names,created_at\n361,Customer Co,customer.test,2019-05-01T00:00:00Z\n");
        var users = _files.WriteCsv("contacts.csv", "id,name,email,phone,organization_id,role\n9001,Jane Roe,jane@customer.test,+1 555 0100,361,end-user\n");
        var tickets = _files.WriteCsv("tickets.csv",
            "Id,Requester,Requester id,Requester email,Assignee,Group,Subject,Tags,Status,Priority,Ticket type,Created at,Updated at,Solved at\n"
            + "17,Jane Roe,9001,jane@customer.test,ann@desk.test,Support,VPN down,vpn,Solved,normal,incident,2024-01-15 10:30:00 +0000,2024-01-16 09:00:00 +0000,2024-01-16 09:00:00 +0000\n"
            + "18,Jane Roe,9001,jane@customer.test,Ann,Support,Billing,,pending,low,question,2024-01-17 10:30:00 +0000,,\n");

        var outcome = await _files.RunAsync(new MigrationMapping("zendesk"), [tickets, users, organizations], Users);

        Assert.Equal(new ModuleCounts(2, 0, 0), outcome.Counts["tickets"]);
        var solved = outcome.Sink.Record("tickets", "17");
        Assert.Equal(("VPN down", "Closed", "u-ann"), (solved.Record.Values["Subject"]!.GetValue<string>(), solved.Record.Values["Status"]!.GetValue<string>(), solved.Owner!.OwnerId));
        Assert.Equal(outcome.Sink.IdOf("contacts", "9001"), solved.Record.Values["Contact_Name"]!.GetValue<string>());
        Assert.Equal(outcome.Sink.IdOf("accounts", "361"), outcome.Sink.Record("contacts", "9001").Record.Values["Account_Name"]!.GetValue<string>());
        Assert.Equal("On Hold", outcome.Sink.Record("tickets", "18").Record.Values["Status"]!.GetValue<string>());
        // "Ann" is a name only and no agents file came with the export: the report says so.
        Assert.Contains("the agent 'Ann' has no e-mail in the agents file", outcome.Report.Line("tickets", "18")[3]);
        Assert.Contains("Priority", outcome.Parts.Single(p => p.Part.Module == "tickets").UnusedColumns);
    }

    [Fact]
    public async Task AFreshdeskStyleExportWithStatusCodesMigratesAndFindsAgentsByName()
    {
        var agents = _files.WriteCsv("agents.csv", "Agent ID,Name,Email\n5001,Ann Agent,ann@desk.test\n");
        var companies = _files.WriteCsv("accounts.csv", "Company ID,Company Name\n77,Customer Co\n");
        var contacts = _files.WriteCsv("contacts.csv", "Contact ID,Full name,Email,Work phone,Company ID\n301,Jo Doe,jo@customer.test,555-0100,77\n");
        var tickets = _files.WriteCsv("tickets.csv",
            "Ticket ID,Subject,Description,Status,Priority,Source,Type,Agent,Group,Created time,Resolved time,Contact ID,Requester Email\n"
            + "1001,Login fails,Cannot log in,2,3,1,Problem,Ann Agent,Billing,2024-02-01 12:00:00,,301,jo@customer.test\n"
            + "1002,Invoice,Wrong total,4,1,2,Question,,Billing,2024-02-02 12:00:00,2024-02-03 12:00:00,301,jo@customer.test\n"
            + "1003,Refund,Where is it,9,1,2,Question,Ann Agent,Billing,2024-02-04 12:00:00,,301,jo@customer.test\n");
        var conversations = _files.WriteCsv("ticket_threads.csv", "id,ticket_id,body_text,incoming,private,created_at\n8001,1001,Hi there,true,false,2024-02-01T12:05:00Z\n8002,1001,Try again,false,false,2024-02-01T13:00:00Z\n");

        var outcome = await _files.RunAsync(new MigrationMapping("freshdesk"), [tickets, conversations, contacts, companies, agents], Users);

        var sink = outcome.Sink;
        Assert.Equal(("Open", "u-ann"), (sink.Record("tickets", "1001").Record.Values["Status"]!.GetValue<string>(), sink.Record("tickets", "1001").Owner!.OwnerId));
        Assert.Equal("Closed", sink.Record("tickets", "1002").Record.Values["Status"]!.GetValue<string>());
        Assert.Contains("names no agent", outcome.Report.Line("tickets", "1002")[3]);
        Assert.Contains("Status must be one of", outcome.Report.Line("tickets", "1003")[3]);
        Assert.Equal(("Jo", "Doe"), (sink.Record("contacts", "301").Record.Values["First_Name"]!.GetValue<string>(), sink.Record("contacts", "301").Record.Values["Last_Name"]!.GetValue<string>()));
        Assert.Equal(["in", "out"], new[] { "8001", "8002" }.Select(id => sink.Record("ticket_threads", id).Record.Values["Direction"]!.GetValue<string>()));
        Assert.Equal(sink.IdOf("tickets", "1001"), sink.Record("ticket_threads", "8001").Record.Values["Ticket_Id"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse("2024-02-01T12:00:00Z").ToUnixTimeMilliseconds(), sink.Record("tickets", "1001").Record.CreatedAt);

        // A second pass skips the agents the first migrated and still knows them by name.
        var delta = _files.WriteCsv("tickets-delta.csv", "Ticket ID,Subject,Status,Agent,Contact ID\n1004,Later,2,ann agent,301\n");
        var second = await _files.RunAsync(new MigrationMapping("freshdesk"), [agents, delta], Users, sink);
        Assert.Equal(new ModuleCounts(0, 0, 1), second.Counts["agents"]);
        Assert.Equal("u-ann", sink.Record("tickets", "1004").Owner!.OwnerId);
    }

    [Fact]
    public async Task ASecondPassSkipsWhatIsMigratedAndTakesFailedAndNewRows()
    {
        var mapping = new MigrationMapping("generic");
        var first = _files.WriteCsv("accounts.csv", "Source_Id,Account_Name\nA1,Acme\nA2,\nA3,Initech\nA3,Initech again\n");
        var pass1 = await _files.RunAsync(mapping, [first]);
        Assert.Equal(new ModuleCounts(2, 1, 1), pass1.Counts["accounts"]);
        var a3 = pass1.Report.Lines["accounts"].Where(l => l[0] == "A3").ToList();
        Assert.Equal(["migrated", "skipped"], a3.Select(l => l[2]));
        Assert.Equal("already migrated", a3[1][3]);

        var delta = _files.WriteCsv("accounts-delta.csv", "Source_Id,Account_Name\nA1,Acme\nA2,Fixed Corp\nA4,New Co\n");
        var pass2 = await _files.RunAsync(mapping, [first, delta], sink: pass1.Sink);

        // A2 still fails in the first file and migrates from the delta; everything migrated before is skipped.
        Assert.Equal(new ModuleCounts(2, 1, 4), pass2.Counts["accounts"]);
        Assert.Equal(["A1", "A2", "A3", "A4"], pass2.Sink.Written.Select(w => w.Write.Record.SourceId).Order().ToArray());
        Assert.Equal(pass1.Sink.IdOf("accounts", "A1"), pass2.Report.Lines["accounts"].Skip(1).First(l => l[0] == "A1")[1]);
    }

    [Fact]
    public async Task ADryRunReportsWhatAPassWouldDoAndWritesNothing()
    {
        var zip = _files.WriteZip("export.zip",
            ("accounts.csv", "Source_Id,Account_Name\nA1,Acme\n"),
            ("contacts.csv", "Source_Id,Last_Name,Account_Name\nC1,Doe,A1\nC2,Roe,A9\n"));
        var sink = new InMemorySink();

        var outcome = await _files.RunAsync(new MigrationMapping("generic"), [zip], sink: sink, dryRun: true);

        Assert.Empty(sink.Written);
        Assert.Equal(new ModuleCounts(1, 1, 0), outcome.Counts["contacts"]);
        Assert.Equal(["C1", "", "migrated", ""], outcome.Report.Line("contacts", "C1"));
        Assert.Contains("'A9'", outcome.Report.Line("contacts", "C2")[3]);
    }

    [Fact]
    public async Task ReportCellsThatASpreadsheetWouldRunAreNeutralized()
    {
        var path = _files.WriteCsv("accounts.csv", "Source_Id,Account_Name\n\"=HYPERLINK(\"\"x\"\")\",Acme\n+1,\n");

        var outcome = await _files.RunAsync(new MigrationMapping("generic"), [path]);

        Assert.Equal("'=HYPERLINK(\"x\")", outcome.Report.Lines["accounts"][1][0]);
        Assert.Equal(["'+1", "", "failed"], outcome.Report.Lines["accounts"][2][..3]);
    }

    [Fact]
    public void CountsSerializeInTheShapeOfTheStatusRoute()
    {
        var counts = new Dictionary<string, ModuleCounts> { ["tickets"] = ModuleCounts.Zero.Add("migrated").Add("failed").Add("skipped").Add("migrated") };

        Assert.Equal("""{"tickets":{"migrated":2,"failed":1,"skipped":1}}""", System.Text.Json.JsonSerializer.Serialize(counts, System.Text.Json.JsonSerializerOptions.Web));
        Assert.Throws<ArgumentException>(() => ModuleCounts.Zero.Add("done"));
    }

    [Fact]
    public async Task ARepeatedSourceIdInOneBatchIsSkippedNamingTheFile()
    {
        var path = _files.WriteCsv("products.csv", "Source_Id,Product_Name\nP1,Widget\nP1,Widget again\n");

        var outcome = await _files.RunAsync(new MigrationMapping("generic"), [path]);

        Assert.Equal(new ModuleCounts(1, 0, 1), outcome.Counts["products"]);
        Assert.Equal(["P1", "", "skipped", "the source ID appears on an earlier row of products.csv"], outcome.Report.Lines["products"][2]);
    }

    [Fact]
    public async Task APassResumedAfterACheckpointTakesOnlyTheRowsAfterIt()
    {
        var path = _files.WriteCsv("products.csv", "Source_Id,Product_Name\nP1,A\nP2,B\nP3,C\nP4,D\n");
        var sink = new InMemorySink();
        await using var source = await MigrationFiles.OpenAsync(path, "products");
        await using var report = new MigrationReportWriter(_files.Blobs);
        var runner = new MigrationPassRunner(new MigrationMapping("generic"), MigrationFiles.OrgModules, sink.Ledger, sink, report, new OwnerResolver([], "pc"));

        var result = await runner.RunPartAsync(source, source.Parts.Single(), resumeAfterRow: 2);

        Assert.Equal(4, result.LastRow);
        Assert.Equal(["P3", "P4"], sink.Written.Select(w => w.Write.Record.SourceId));
    }

    [Fact]
    public async Task AnUploadIsInspectedEndToEndBeforeItIsAccepted()
    {
        var good = _files.WriteZip("export.zip", ("companies.csv", "Company ID,Company Name,Industry\n1,A\n2,B\n"), ("tickets.csv", "Ticket ID,Subject\n9,x\n"));
        await using (var source = await MigrationFiles.OpenAsync(good, format: SourceFormats.Freshdesk))
        {
            var inspection = await MigrationFileCheck.InspectAsync(source, new MigrationMapping("freshdesk"), MigrationFiles.OrgModules);
            Assert.Equal([("accounts", 2L), ("tickets", 1L)], inspection.Parts.Select(p => (p.Part.Module, p.Rows)));
            Assert.Equal(["Industry"], inspection.Parts[0].UnusedColumns.ToArray());
        }

        var noId = _files.WriteCsv("tickets.csv", "Subject,Status\nx,Open\n");
        await using (var source = await MigrationFiles.OpenAsync(noId, "tickets"))
        {
            var problem = await Assert.ThrowsAsync<CrmActors.Grains.Common.ProblemException>(
                () => MigrationFileCheck.InspectAsync(source, new MigrationMapping("generic"), MigrationFiles.OrgModules));
            Assert.Contains("'Source_Id'", problem.Message);
        }
    }

    private static UserAccount User(string id, string email, bool active) =>
        new(id, email, id, Roles.Standard, active, Profile.Default, DateTimeOffset.UnixEpoch);

    public void Dispose() => _files.Dispose();
}

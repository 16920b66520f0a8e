using CrmActors.Tests.Support;

namespace CrmActors.Tests.Migrations;

/// <summary>Exports as Zendesk and Freshdesk write them (their documented CSV columns) migrate over HTTP.</summary>
public abstract class MigrationFormatTests(MigrationApplication app)
{
    [Fact]
    public async Task AZendeskExportMigrates()
    {
        var org = await app.CreateOrgAsync();
        var (annId, _) = await org.AddUserWithEmailAsync("ann@desk.test");
        var job = await org.CreateMigrationAsync("zendesk", "accounts", "contacts", "tickets");
        await org.UploadOkAsync(job, "zendesk.zip", MigrationSteps.Zip(
            ("organizations.csv", "id,name,domain_names,created_at\n361,Customer Co,customer.test,2019-05-01T00:00:00Z\n"),
            ("users.csv", "id,name,email,phone,organization_id,role\n9001,Jane Roe,jane@customer.test,+1 555 0100,361,end-user\n"),
            ("tickets.csv", "Id,Requester,Requester id,Requester email,Assignee,Group,Subject,Tags,Status,Priority,Ticket type,Created at,Updated at,Solved at\n"
                + "17,Jane Roe,9001,jane@customer.test,ann@desk.test,Support,VPN down,vpn,Solved,normal,incident,2024-01-15 10:30:00 +0000,2024-01-16 09:00:00 +0000,\n"
                + "18,Jane Roe,9001,jane@customer.test,Ann,Support,Billing,,pending,low,question,2024-01-17 10:30:00 +0000,,\n")));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await org.PostAsync(job, "submit")).StatusCode);
        await org.WaitForStatusAsync(job, "first_pass_done");

        var report = await org.ReportAsync(job, 1);
        var ticket = await org.RecordAsync("Tickets", report.Line("tickets", "17")[1]);
        Assert.Equal(("VPN down", "Closed", annId), (ticket.GetProperty("Subject").GetString(), ticket.GetProperty("Status").GetString(), ticket.GetProperty("Owner").GetString()));
        Assert.Equal(report.Line("contacts", "9001")[1], ticket.GetProperty("Contact_Name").GetString());
        Assert.StartsWith("2024-01-15T10:30:00", ticket.GetProperty("Created_Time").GetString());
        var contact = await org.RecordAsync("Contacts", report.Line("contacts", "9001")[1]);
        Assert.Equal(("Jane", "Roe", report.Line("accounts", "361")[1]),
            (contact.GetProperty("First_Name").GetString(), contact.GetProperty("Last_Name").GetString(), contact.GetProperty("Account_Name").GetString()));
        Assert.Equal("On Hold", (await org.RecordAsync("Tickets", report.Line("tickets", "18")[1])).GetProperty("Status").GetString());
        Assert.Contains("the agent 'Ann' has no e-mail", report.Line("tickets", "18")[3]);
    }

    [Fact]
    public async Task AFreshdeskExportWithStatusCodesMigrates()
    {
        var org = await app.CreateOrgAsync();
        var (annId, _) = await org.AddUserWithEmailAsync("ann@desk.test");
        var job = await org.CreateMigrationAsync("freshdesk", "agents", "accounts", "contacts", "tickets");
        await org.UploadOkAsync(job, "agents.csv", "Agent ID,Name,Email\n5001,Ann Agent,ann@desk.test\n", "agents");
        await org.UploadOkAsync(job, "freshdesk.zip", MigrationSteps.Zip(
            ("companies.csv", "Company ID,Company Name\n77,Customer Co\n"),
            ("contacts.csv", "Contact ID,Full name,Email,Work phone,Company ID\n301,Jo Doe,jo@customer.test,555-0100,77\n"),
            ("tickets.csv", "Ticket ID,Subject,Description,Status,Priority,Source,Type,Agent,Group,Created time,Resolved time,Contact ID,Requester Email\n"
                + "1001,Login fails,Cannot log in,2,3,1,Problem,Ann Agent,Billing,2024-02-01 12:00:00,,301,jo@customer.test\n"
                + "1002,Invoice,Wrong total,5,1,2,Question,,Billing,2024-02-02 12:00:00,2024-02-03 12:00:00,301,jo@customer.test\n"),
            ("conversations.csv", "id,ticket_id,body_text,incoming,private,created_at\n8001,1001,Hi there,true,false,2024-02-01T12:05:00Z\n")));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await org.PostAsync(job, "submit")).StatusCode);
        await org.WaitForStatusAsync(job, "first_pass_done");

        var report = await org.ReportAsync(job, 1);
        var login = await org.RecordAsync("Tickets", report.Line("tickets", "1001")[1]);
        Assert.Equal(("Open", annId), (login.GetProperty("Status").GetString(), login.GetProperty("Owner").GetString()));
        Assert.Equal("Closed", (await org.RecordAsync("Tickets", report.Line("tickets", "1002")[1])).GetProperty("Status").GetString());
        Assert.Contains("names no agent", report.Line("tickets", "1002")[3]);
        var thread = await org.RecordAsync("TicketThreads", report.Line("ticket_threads", "8001")[1]);
        Assert.Equal(("in", login.GetProperty("id").GetString(), annId),
            (thread.GetProperty("Direction").GetString(), thread.GetProperty("Ticket_Id").GetString(), thread.GetProperty("Owner").GetString()));
    }
}

public sealed class SqliteMigrationFormatTests(SqliteMigrationApplication app) : MigrationFormatTests(app), IClassFixture<SqliteMigrationApplication>;

public sealed class PostgresMigrationFormatTests(PostgresMigrationApplication app) : MigrationFormatTests(app), IClassFixture<PostgresMigrationApplication>;

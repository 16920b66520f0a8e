using System.Collections.Immutable;
using CrmActors.Grains.Common;
using CrmActors.Grains.Migrations;
using CrmActors.Grains.Organizations;

namespace CrmActors.Tests.Migrations;

/// <summary>Source columns and values onto CRM fields: the generic format, the presets, a job's field and value maps.</summary>
public sealed class MigrationMappingTests
{
    private static readonly ModuleDefinition Tickets = MigrationFiles.OrgModules.Single(m => m.Name == "Tickets");

    /// <summary>Tickets with a custom Priority picklist, as an org that tracks priority has.</summary>
    private static readonly ModuleDefinition TicketsWithPriority = Tickets with
    {
        Fields = Tickets.Fields.Add(new FieldDefinition("Priority", FieldTypes.Picklist, Values: ["Low", "Medium", "High", "Urgent"], Custom: true)),
    };

    [Fact]
    public void GenericColumnsAreTheFieldApiNamesAndLookupsAreSourceIds()
    {
        var (row, record) = MapOne("generic", Tickets, "tickets",
            ["Source_Id", "Subject", "Description", "Status", "Contact_Name", "Agent_Email", "Created_Time", "Modified_Time"],
            ["T1", "Printer on fire", "Smoke", "closed", "C7", "Ann@Example.com", "2024-03-05T10:22:31+01:00", "2024-03-06 08:00:00"],
            Ledger(("contacts", "C7", "c0ffee00c0ffee00c0ffee00c0ffee00")));

        Assert.Equal([new PendingLookup("Contact_Name", "contacts", "C7")], row.Lookups);
        Assert.Equal("T1", record.SourceId);
        Assert.Equal("Printer on fire", record.Values["Subject"]!.GetValue<string>());
        Assert.Equal("Closed", record.Values["Status"]!.GetValue<string>());
        Assert.Equal("c0ffee00c0ffee00c0ffee00c0ffee00", record.Values["Contact_Name"]!.GetValue<string>());
        Assert.Equal("Ann@Example.com", record.AgentEmail);
        Assert.Equal(DateTimeOffset.Parse("2024-03-05T09:22:31Z").ToUnixTimeMilliseconds(), record.CreatedAt);
        Assert.Equal(DateTimeOffset.Parse("2024-03-06T08:00:00Z").ToUnixTimeMilliseconds(), record.ModifiedAt);
    }

    [Fact]
    public void AZendeskTicketExportMapsOntoTickets()
    {
        // Headers of Zendesk's CSV ticket export (Admin Center → Reports → Export).
        var header = new[] { "Id", "Requester", "Requester id", "Requester email", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Ticket type", "Created at", "Updated at", "Solved at" };
        var ledger = Ledger(("contacts", "9001", "0123456789abcdef0123456789abcdef"));

        var (_, solved) = MapOne("zendesk", TicketsWithPriority, "tickets", header,
            ["17", "Jane Roe", "9001", "jane@customer.test", "Ann Agent", "Support", "VPN down", "vpn", "Solved", "normal", "incident", "2024-01-15 10:30:00 +0000", "2024-01-16 09:00:00 +0000", "2024-01-16 09:00:00 +0000"], ledger);
        var (_, hold) = MapOne("zendesk", Tickets, "tickets", header,
            ["18", "Jane Roe", "9001", "jane@customer.test", "ann@agents.test", "Support", "Billing", "", "hold", "urgent", "question", "2024-01-17 10:30:00 +0000", "", ""], ledger);

        Assert.Equal(("17", "VPN down", "Closed", "Medium"), (solved.SourceId, solved.Values["Subject"]!.GetValue<string>(), solved.Values["Status"]!.GetValue<string>(), solved.Values["Priority"]!.GetValue<string>()));
        Assert.Equal("0123456789abcdef0123456789abcdef", solved.Values["Contact_Name"]!.GetValue<string>());
        Assert.Equal(("Ann Agent", (string?)null), (solved.AgentName, solved.AgentEmail));
        Assert.Equal(DateTimeOffset.Parse("2024-01-15T10:30:00Z").ToUnixTimeMilliseconds(), solved.CreatedAt);
        Assert.Equal("On Hold", hold.Values["Status"]!.GetValue<string>());
        Assert.Equal("ann@agents.test", hold.AgentEmail);
        Assert.Equal("ann@agents.test", hold.Values["Agent_Email"]!.GetValue<string>());
        Assert.Null(hold.Values["Priority"]);
    }

    [Fact]
    public void FreshdeskStatusAndPriorityCodesMapToNamesAndOnToTheOrgsPicklist()
    {
        string[] header = ["Ticket ID", "Subject", "Description", "Status", "Priority", "Source", "Type", "Agent", "Group", "Created time", "Resolved time", "Requester Email"];
        string[] Row(string id, string status, string priority) => [id, "Subject " + id, "", status, priority, "2", "Question", "Ann Agent", "Billing", "2024-02-01 12:00:00", "", "jo@customer.test"];
        var statuses = new Dictionary<string, string>();
        var priorities = new Dictionary<string, string>();
        foreach (var (code, priority) in new[] { ("2", "1"), ("3", "2"), ("4", "3"), ("5", "4") })
        {
            var (_, record) = MapOne("freshdesk", TicketsWithPriority, "tickets", header, Row(code, code, priority), new InMemoryMigrationLedger());
            statuses[code] = record.Values["Status"]!.GetValue<string>();
            priorities[priority] = record.Values["Priority"]!.GetValue<string>();
        }

        // Standard Tickets statuses are Open, On Hold, Escalated, Closed: Pending → On Hold, Resolved → Closed.
        Assert.Equal(new Dictionary<string, string> { ["2"] = "Open", ["3"] = "On Hold", ["4"] = "Closed", ["5"] = "Closed" }, statuses);
        Assert.Equal(new Dictionary<string, string> { ["1"] = "Low", ["2"] = "Medium", ["3"] = "High", ["4"] = "Urgent" }, priorities);

        // An org whose picklist holds Freshdesk's own names keeps them.
        var freshdeskLike = TicketsWithPriority with
        {
            Fields = TicketsWithPriority.Fields.Replace(TicketsWithPriority.Field("Status")!,
                new FieldDefinition("Status", FieldTypes.Picklist, Values: ["Open", "Pending", "Resolved", "Closed"])),
        };
        var (_, pending) = MapOne("freshdesk", freshdeskLike, "tickets", header, Row("9", "3", "1"), new InMemoryMigrationLedger());
        Assert.Equal("Pending", pending.Values["Status"]!.GetValue<string>());
        var (_, named) = MapOne("freshdesk", freshdeskLike, "tickets", header, Row("10", "resolved", "1"), new InMemoryMigrationLedger());
        Assert.Equal("Resolved", named.Values["Status"]!.GetValue<string>());
    }

    [Fact]
    public void ColumnsThatFeedNoFieldAreListedOnceAndDoNotStopTheFile()
    {
        var plan = new MigrationMapping("freshdesk").Plan("tickets.csv", "tickets", Tickets,
            ["Ticket ID", "Subject", "Priority", "Source", "Type", "Group", "Resolved time", "Requester Email", "Mood"]);

        // Standard Tickets has no Priority field, so the preset's Priority column is unused there too.
        Assert.Equal(["Priority", "Source", "Type", "Group", "Resolved time", "Requester Email", "Mood"], plan.UnusedColumns.ToArray());
        Assert.Equal(["Source_Id", "Subject"], plan.Targets.Select(t => t.Target));
    }

    [Fact]
    public void AJobFieldMapOverridesThePresetAndCanIgnoreAColumn()
    {
        var mapping = new MigrationMapping("freshdesk", new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["tickets"] = new Dictionary<string, string> { ["Summary"] = "Subject", ["Requester Email"] = "Agent_Email", ["Group"] = "" },
        });

        var plan = mapping.Plan("tickets.csv", "tickets", Tickets, ["Ticket ID", "Subject", "Summary", "Requester Email", "Group"]);

        Assert.Equal([("Ticket ID", "Source_Id"), ("Summary", "Subject"), ("Requester Email", "Agent_Email")], plan.Targets.Select(t => (t.Column, t.Target)));
        Assert.Equal(["Subject"], plan.UnusedColumns.ToArray());
    }

    [Fact]
    public void AFieldMapAimedAtAFieldTheModuleLacksIsRefused()
    {
        var mapping = new MigrationMapping("generic", new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["Tickets"] = new Dictionary<string, string> { ["Summary"] = "Headline" },
        });

        var problem = Assert.Throws<ProblemException>(() => mapping.Plan("tickets.csv", "tickets", Tickets, ["Source_Id", "Summary"]));

        Assert.Equal(MigrationProblemCodes.InvalidMapping, problem.Code);
        Assert.Contains("Headline", problem.Message);
        Assert.Contains("Subject", problem.Message);
    }

    [Fact]
    public void AJobValueMapTranslatesValuesCaseInsensitively()
    {
        var mapping = new MigrationMapping("generic", valueMap: new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>
        {
            ["tickets"] = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["Status"] = new Dictionary<string, string> { ["Waiting"] = "On Hold", ["escalated!"] = "escalated" } },
        });
        var plan = mapping.Plan("tickets.csv", "tickets", Tickets, ["Source_Id", "Subject", "Status"]);
        var mapper = new MigrationRowMapper(plan);

        string? StatusOf(string value) => mapper.TryMapAndComplete(new SourceRow(2, ["T", "s", value]), new InMemoryMigrationLedger(), out var record, out _)
            ? record.Values["Status"]?.GetValue<string>() : null;

        Assert.Equal("On Hold", StatusOf("WAITING"));
        Assert.Equal("Escalated", StatusOf("Escalated!"));
        Assert.Equal("Open", StatusOf("oPEN"));
        Assert.Null(StatusOf("Snoozed"));
    }

    [Fact]
    public void ABadRowBecomesARowErrorNamingTheField()
    {
        var mapper = new MigrationRowMapper(new MigrationMapping("generic").Plan("contacts.csv", "contacts",
            MigrationFiles.OrgModules.Single(m => m.Name == "Contacts"), ["Source_Id", "Last_Name", "Email", "Account_Name", "Created_Time"]));
        var ledger = Ledger(("accounts", "A1", "0123456789abcdef0123456789abcdef"));

        RowError Error(params string?[] cells)
        {
            Assert.False(mapper.TryMapAndComplete(new SourceRow(5, cells), ledger, out _, out var error));
            return error;
        }

        Assert.Equal(("Source_Id", (string?)null), (Error(null, "Doe", null, null, null).Field, Error(null, "Doe", null, null, null).SourceId));
        Assert.Equal("Last_Name", Error("C1", null, null, null, null).Field);
        Assert.Contains("required", Error("C1", null, null, null, null).Message);
        Assert.Equal("Email", Error("C1", "Doe", "not-an-email", null, null).Field);
        Assert.Equal(("Account_Name", "C1"), (Error("C1", "Doe", null, "A404", null).Field, Error("C1", "Doe", null, "A404", null).SourceId));
        Assert.Contains("'A404'", Error("C1", "Doe", null, "A404", null).Message);
        Assert.Equal("Created_Time", Error("C1", "Doe", null, null, "last tuesday").Field);
        Assert.True(mapper.TryMapAndComplete(new SourceRow(6, ["C2", "Doe", "doe@x.test", "A1", null]), ledger, out var good, out _));
        Assert.Equal("0123456789abcdef0123456789abcdef", good.Values["Account_Name"]!.GetValue<string>());
    }

    [Fact]
    public void AFullNameSplitsIntoFirstAndLastName()
    {
        var (_, record) = MapOne("zendesk", MigrationFiles.OrgModules.Single(m => m.Name == "Contacts"), "contacts",
            ["id", "name", "email", "organization_id"], ["u1", "Mary Ann Smith", "mary@x.test", null], new InMemoryMigrationLedger());

        Assert.Equal(("Mary Ann", "Smith"), (record.Values["First_Name"]!.GetValue<string>(), record.Values["Last_Name"]!.GetValue<string>()));
    }

    [Fact]
    public void ModulesRunInTheFixedOrderAndTicketsBringTheirChildren()
    {
        Assert.Equal(["agents", "accounts", "contacts", "products", "tickets", "ticket_threads", "ticket_comments", "attachments", "knowledge_base"], MigrationModules.Order.ToArray());
        Assert.Equal(["contacts", "tickets", "ticket_threads", "ticket_comments", "attachments"], MigrationModules.Expand(["tickets", "Contacts"]).ToArray());
        Assert.Throws<ProblemException>(() => MigrationModules.Expand(["tickets", "invoices"]));

        var files = new[] { ("kb.csv", "knowledge_base"), ("threads.csv", "ticket_threads"), ("t1.csv", "tickets"), ("agents.csv", "agents"), ("t2.csv", "tickets"), ("acc.csv", "accounts") };
        Assert.Equal(["agents.csv", "acc.csv", "t1.csv", "t2.csv", "threads.csv", "kb.csv"], MigrationModules.InMigrationOrder(files, f => f.Item2).Select(f => f.Item1));
    }

    private static (MappedRow Row, MigrationRecord Record) MapOne(string system, ModuleDefinition definition, string module, string[] header, string?[] cells, IMigrationLedger ledger)
    {
        var mapper = new MigrationRowMapper(new MigrationMapping(system).Plan($"{module}.csv", module, definition, header));
        var row = new SourceRow(2, [.. cells.Select(c => c is { Length: > 0 } ? c : null)]);
        Assert.True(mapper.TryMap(row, out var mapped, out var error), error?.Message);
        Assert.True(mapper.TryComplete(mapped, ledger, out var record, out error), error?.Message);
        return (mapped, record);
    }

    private static InMemoryMigrationLedger Ledger(params (string Module, string SourceId, string Id)[] entries)
    {
        var ledger = new InMemoryMigrationLedger();
        foreach (var (module, sourceId, id) in entries)
        {
            ledger.Add(module, sourceId, id);
        }

        return ledger;
    }
}

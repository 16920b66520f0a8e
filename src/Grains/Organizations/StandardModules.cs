using System.Collections.Immutable;

namespace CrmActors.Grains.Organizations;

/// <summary>The modules every organization starts with (SPEC §0).</summary>
public static class StandardModules
{
    public static ImmutableList<ModuleDefinition> Create() =>
    [
        Module("Leads", Text("First_Name"), Text("Last_Name", true), Email("Email"), Text("Company"), Phone("Phone")),
        Module("Contacts", Text("First_Name"), Text("Last_Name", true), Email("Email"), Phone("Phone"), Lookup("Account_Name", "Accounts")),
        Module("Accounts", Text("Account_Name", true), Text("Website"), Phone("Phone")),
        Module("Deals", Text("Deal_Name", true), Lookup("Account_Name", "Accounts"),
            Picklist("Stage", "Qualification", "Needs Analysis", "Proposal", "Negotiation", "Closed Won", "Closed Lost"),
            new FieldDefinition("Amount", FieldTypes.Decimal)),
        Module("Vendors", Text("Vendor_Name", true), Email("Email")),
        Module("Products", Text("Product_Name", true)),
        Module("Tasks", Text("Subject", true), new FieldDefinition("Due_Date", FieldTypes.Date),
            Picklist("Status", "Not Started", "In Progress", "Completed"), Lookup("What_Id", FieldDefinition.AnyModule)),
        Module("Notes", Text("Note_Title"), new FieldDefinition("Note_Content", FieldTypes.TextArea),
            new FieldDefinition("Parent_Id", FieldTypes.Lookup, Required: true, LookupModule: FieldDefinition.AnyModule, Parent: true)),
        Module("Agents", Text("Name", true), Email("Email", true), Text("Department")),
        Module("Tickets", Text("Subject", true), Lookup("Contact_Name", "Contacts"), Email("Agent_Email"),
            Picklist("Status", "Open", "On Hold", "Escalated", "Closed"), new FieldDefinition("Description", FieldTypes.TextArea)),
        Module("TicketThreads", ParentLookup("Ticket_Id", "Tickets"), new FieldDefinition("Content", FieldTypes.TextArea, true),
            Picklist("Direction", "in", "out")),
        Module("TicketComments", ParentLookup("Ticket_Id", "Tickets"), new FieldDefinition("Comment", FieldTypes.TextArea, true)),
        Module("KnowledgeBase", Text("Title", true), new FieldDefinition("Answer", FieldTypes.TextArea), Text("Category")),
    ];

    private static ModuleDefinition Module(string name, params FieldDefinition[] fields) => new(name, false, [.. fields]);

    private static FieldDefinition Text(string name, bool required = false) => new(name, FieldTypes.Text, required);

    private static FieldDefinition Email(string name, bool required = false) => new(name, FieldTypes.Email, required);

    private static FieldDefinition Phone(string name) => new(name, FieldTypes.Phone);

    private static FieldDefinition Lookup(string name, string module) => new(name, FieldTypes.Lookup, LookupModule: module);

    private static FieldDefinition ParentLookup(string name, string module) => new(name, FieldTypes.Lookup, true, LookupModule: module, Parent: true);

    private static FieldDefinition Picklist(string name, params string[] values) => new(name, FieldTypes.Picklist, Values: [.. values]);
}

using static CrmActors.Grains.Migrations.MigrationModules;
using static CrmActors.Grains.Migrations.SourceColumns;
using static CrmActors.Grains.Migrations.SourceFormats;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Zendesk Support exports. Sources: the CSV ticket export of Admin Center → Account → Tools →
/// Reports → Export (Zendesk help "Exporting data to a JSON, CSV, or XML file", article
/// 4408886165402: headers "Id", "Requester", "Requester id", "Requester email", "Assignee",
/// "Group", "Subject", "Status", "Priority", "Ticket type", "Created at", "Updated at", "Solved at",
/// …; the CSV export has no description or comments), and the field names of the Tickets, Users,
/// Organizations, Ticket Comments and Help Center Articles APIs (developer.zendesk.com), which the
/// full JSON export and API export scripts write: id, subject, description, status, priority,
/// requester_id, assignee_id, organization_id, created_at, updated_at, ticket_id, body, public, title.
/// Ticket status new/open/pending/hold/solved/closed and priority urgent/high/normal/low are
/// Zendesk's fixed values; they are mapped to the CRM's standard Tickets values when the org's
/// picklist does not hold them itself.
/// </summary>
internal static class ZendeskFormat
{
    public const string Name = "zendesk";

    private static readonly string[] Id = ["Id", "id"];
    private static readonly string[] Created = ["Created at", "created_at"];
    private static readonly string[] Updated = ["Updated at", "updated_at"];

    public static SourceFormat Format { get; } = Build(Name,
    [
        Module(Agents, Columns((SourceId, Id), ("Name", ["Name", "name"]), ("Email", ["Email", "email"]),
            ("Department", ["Group", "default_group"]), (CreatedTime, Created), (ModifiedTime, Updated))),
        Module(Accounts, Columns((SourceId, Id), ("Account_Name", ["Name", "name"]), ("Website", ["Domain names", "domain_names"]),
            (CreatedTime, Created), (ModifiedTime, Updated))),
        Module(Contacts, Columns((SourceId, Id), (FullName, ["Name", "name"]), ("Email", ["Email", "email"]), ("Phone", ["Phone", "phone"]),
            ("Account_Name", ["Organization id", "organization_id"]), (CreatedTime, Created), (ModifiedTime, Updated))),
        Module(Tickets, Columns((SourceId, Id), ("Subject", ["Subject", "subject"]), ("Description", ["Description", "description"]),
                ("Status", ["Status", "status"]), ("Priority", ["Priority", "priority"]), ("Contact_Name", ["Requester id", "requester_id"]),
                (Agent, ["Assignee email", "Assignee", "assignee_email"]), (CreatedTime, Created), (ModifiedTime, Updated)),
            ("Status", [("new", "Open"), ("open", "Open"), ("pending", "On Hold"), ("hold", "On Hold"), ("solved", "Closed"), ("closed", "Closed")]),
            ("Priority", [("low", "Low"), ("normal", "Medium"), ("high", "High"), ("urgent", "Urgent")])),
        Module(TicketThreads, Columns((SourceId, Id), ("Ticket_Id", ["Ticket id", "ticket_id"]), ("Content", ["Body", "body", "plain_body"]),
            ("Direction", ["Via", "via"]), (CreatedTime, Created)),
            ("Direction", [("email", "in"), ("web", "in"), ("api", "out")])),
        Module(TicketComments, Columns((SourceId, Id), ("Ticket_Id", ["Ticket id", "ticket_id"]), ("Comment", ["Body", "body", "plain_body"]),
            (CreatedTime, Created))),
        Module(MigrationModules.Attachments, Columns((SourceId, Id), ("Ticket_Id", ["Ticket id", "ticket_id"]), ("File_Name", ["File name", "file_name"]),
            ("Path", ["Path", "path"]))),
        Module(KnowledgeBase, Columns((SourceId, Id), ("Title", ["Title", "title"]), ("Answer", ["Body", "body"]),
            ("Category", ["Section", "section"]), (CreatedTime, Created), (ModifiedTime, Updated))),
    ],
    ("organizations", Accounts), ("users", Contacts), ("comments", TicketComments), ("articles", KnowledgeBase));
}

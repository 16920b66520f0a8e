using static CrmActors.Grains.Migrations.MigrationModules;
using static CrmActors.Grains.Migrations.SourceColumns;
using static CrmActors.Grains.Migrations.SourceFormats;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Freshdesk exports. Sources: the ticket list's Export (CSV) dialog, whose headers are the field
/// labels "Ticket ID", "Subject", "Description", "Status", "Priority", "Source", "Type", "Agent",
/// "Group", "Created time", "Due by Time", "Resolved time", "Closed time", "Last updated time",
/// "Contact ID", "Full name", "Requester Email", "Company Name", … (the agent is exported by name);
/// the contact and company exports ("Contact ID", "Name", "Email", "Work phone", "Company ID";
/// "Company ID", "Company Name"); and the v2 API objects (developers.freshdesk.com/api: tickets,
/// contacts, companies, agents, conversations, solution articles) whose field names API exports
/// write: id, subject, description_text, status, priority, requester_id, responder_id, company_id,
/// created_at, updated_at, ticket_id, body_text, incoming, private, title. The API sends status as
/// 2 Open, 3 Pending, 4 Resolved, 5 Closed and priority as 1 Low, 2 Medium, 3 High, 4 Urgent; codes
/// map to those names, and names the org's picklist lacks map on to the standard Tickets values.
/// </summary>
internal static class FreshdeskFormat
{
    public const string Name = "freshdesk";

    private static readonly string[] Created = ["Created time", "Created at", "created_at"];
    private static readonly string[] Updated = ["Last updated time", "Last update time", "Updated at", "updated_at"];

    public static SourceFormat Format { get; } = Build(Name,
    [
        Module(Agents, Columns((SourceId, ["Agent ID", "id"]), ("Name", ["Name", "name"]), ("Email", ["Email", "email"]),
            ("Department", ["Group", "Groups"]), (CreatedTime, Created), (ModifiedTime, Updated))),
        Module(Accounts, Columns((SourceId, ["Company ID", "id"]), ("Account_Name", ["Company Name", "Name", "name"]),
            ("Website", ["Domains", "domains"]), (CreatedTime, Created), (ModifiedTime, Updated))),
        Module(Contacts, Columns((SourceId, ["Contact ID", "id"]), (FullName, ["Full name", "Name", "name"]), ("Email", ["Email", "email"]),
            ("Phone", ["Work phone", "Phone", "phone"]), ("Account_Name", ["Company ID", "company_id"]), (CreatedTime, Created), (ModifiedTime, Updated))),
        Module(Tickets, Columns((SourceId, ["Ticket ID", "id"]), ("Subject", ["Subject", "subject"]),
                ("Description", ["Description", "description_text"]), ("Status", ["Status", "status"]), ("Priority", ["Priority", "priority"]),
                ("Contact_Name", ["Contact ID", "Requester ID", "requester_id"]), (Agent, ["Agent Email", "Agent"]),
                (CreatedTime, Created), (ModifiedTime, Updated)),
            ("Status", [("2", "Open"), ("3", "Pending"), ("4", "Resolved"), ("5", "Closed"), ("Pending", "On Hold"), ("Resolved", "Closed"),
                ("Waiting on Customer", "On Hold"), ("Waiting on Third Party", "On Hold")]),
            ("Priority", [("1", "Low"), ("2", "Medium"), ("3", "High"), ("4", "Urgent")])),
        Module(TicketThreads, Columns((SourceId, ["Conversation ID", "id"]), ("Ticket_Id", ["Ticket ID", "ticket_id"]),
                ("Content", ["Body", "body_text"]), ("Direction", ["Incoming", "incoming"]), (CreatedTime, Created), (ModifiedTime, Updated)),
            ("Direction", [("true", "in"), ("false", "out")])),
        Module(TicketComments, Columns((SourceId, ["Note ID", "id"]), ("Ticket_Id", ["Ticket ID", "ticket_id"]),
            ("Comment", ["Body", "body_text"]), (CreatedTime, Created), (ModifiedTime, Updated))),
        Module(MigrationModules.Attachments, Columns((SourceId, ["Attachment ID", "id"]), ("Ticket_Id", ["Ticket ID", "ticket_id"]),
            ("File_Name", ["Name", "name", "File Name"]), ("Path", ["Path", "path"]))),
        Module(KnowledgeBase, Columns((SourceId, ["Article ID", "id"]), ("Title", ["Title", "title"]),
            ("Answer", ["Description", "description_text"]), ("Category", ["Category", "Folder"]), (CreatedTime, Created), (ModifiedTime, Updated))),
    ],
    ("companies", Accounts), ("conversations", TicketThreads), ("notes", TicketComments), ("solutions", KnowledgeBase), ("articles", KnowledgeBase));
}

using System.Collections.Immutable;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// The modules a help-desk migration moves, by their API names, in the order SPEC §3 fixes:
/// each module's lookups point only at modules earlier in the list, so one pass in this order
/// resolves every link to a row of the same job.
/// </summary>
public static class MigrationModules
{
    public const string Agents = "agents";
    public const string Accounts = "accounts";
    public const string Contacts = "contacts";
    public const string Products = "products";
    public const string Tickets = "tickets";
    public const string TicketThreads = "ticket_threads";
    public const string TicketComments = "ticket_comments";
    public const string Attachments = "attachments";
    public const string KnowledgeBase = "knowledge_base";

    /// <summary>The fixed migration order (SPEC §3); nothing else may reorder modules.</summary>
    public static readonly ImmutableArray<string> Order =
        [Agents, Accounts, Contacts, Products, Tickets, TicketThreads, TicketComments, Attachments, KnowledgeBase];

    /// <summary>The CRM module each migration module writes into; attachments are files on Tickets records.</summary>
    public static readonly ImmutableDictionary<string, string> CrmModules = new Dictionary<string, string>
    {
        [Agents] = "Agents",
        [Accounts] = "Accounts",
        [Contacts] = "Contacts",
        [Products] = "Products",
        [Tickets] = "Tickets",
        [TicketThreads] = "TicketThreads",
        [TicketComments] = "TicketComments",
        [Attachments] = "Tickets",
        [KnowledgeBase] = "KnowledgeBase",
    }.ToImmutableDictionary();

    /// <summary>
    /// The shape of an <c>attachments.csv</c> row (SPEC §3), as a module so its rows are validated
    /// like any other: the ticket it belongs to, the file name to store and the file's path in the ZIP.
    /// </summary>
    public static readonly ModuleDefinition AttachmentsDefinition = new("Attachments", false,
    [
        new FieldDefinition("Ticket_Id", FieldTypes.Lookup, true, LookupModule: "Tickets", Parent: true),
        new FieldDefinition("File_Name", FieldTypes.Text, true),
        new FieldDefinition("Path", FieldTypes.Text, true),
    ]);

    /// <summary>The module definition a migration module's rows are validated against, from the org's modules.</summary>
    public static ModuleDefinition DefinitionIn(IReadOnlyList<ModuleDefinition> orgModules, string module) => module == Attachments
        ? AttachmentsDefinition
        : orgModules.FirstOrDefault(m => m.Name == CrmModules[module])
            ?? throw new InvalidOperationException($"The org has no {CrmModules[module]} module.");

    public static string AllowedList => string.Join(", ", Order);

    public static bool IsModule(string? name) => name is not null && Order.Contains(name);

    /// <summary>The module a name stands for: its API name or its CRM module name, any case ("Tickets", "ticketthreads", "ticket_threads").</summary>
    public static string? Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var key = name.Trim().Replace("_", "", StringComparison.Ordinal);
        return Order.FirstOrDefault(m => string.Equals(m.Replace("_", "", StringComparison.Ordinal), key, StringComparison.OrdinalIgnoreCase)
            || (m != Attachments && string.Equals(CrmModules[m], key, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The module a caller named (the X-Module header, an entry name), or a 400 naming the allowed ones.</summary>
    public static string Require(string? name, string where) =>
        Find(name) ?? throw ProblemException.BadRequest(MigrationProblemCodes.UnknownModule,
            $"{where} names {(string.IsNullOrWhiteSpace(name) ? "no module" : $"the module '{name}'")}, which a migration does not take; use one of: {AllowedList}.");

    /// <summary>
    /// The modules a job selects, in migration order: selecting tickets also selects its threads,
    /// comments and attachments (SPEC §3). Unknown names are refused.
    /// </summary>
    public static ImmutableArray<string> Expand(IEnumerable<string> selected)
    {
        var modules = selected.Select(m => Require(m, "The job")).ToHashSet();
        if (modules.Contains(Tickets))
        {
            modules.UnionWith([TicketThreads, TicketComments, Attachments]);
        }

        return [.. Order.Where(modules.Contains)];
    }

    /// <summary>Orders the files of a pass by module (SPEC order), keeping the upload order within a module.</summary>
    public static IEnumerable<T> InMigrationOrder<T>(IEnumerable<T> items, Func<T, string> moduleOf) =>
        items.Select((item, index) => (item, index))
            .OrderBy(x => Order.IndexOf(moduleOf(x.item)) is var at and >= 0 ? at
                : throw new ArgumentException($"'{moduleOf(x.item)}' is not a migration module.", nameof(items)))
            .ThenBy(x => x.index)
            .Select(x => x.item);
}

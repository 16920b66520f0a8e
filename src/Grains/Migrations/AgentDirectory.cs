using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Migrations;

/// <summary>
/// Agent names to e-mails, learned from the agents module as it migrates (it comes first), so a
/// ticket whose export names its agent only by name (Freshdesk "Agent", Zendesk "Assignee") still
/// finds the agent's e-mail. Holds one entry per agent: help desks have hundreds, not millions.
/// </summary>
public sealed class AgentDirectory
{
    private readonly Dictionary<string, string> _emails = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _emails.Count;

    public void Add(string name, string email) => _emails.TryAdd(name.Trim(), email.Trim());

    /// <summary>
    /// Learns from an agents row (Name, Email) as mapped, before the ledger is asked about it: a
    /// second pass skips agents migrated by the first, and its tickets still need their e-mails.
    /// </summary>
    public void Add(MappedRow agent)
    {
        if (agent.Module != MigrationModules.Agents)
        {
            return;
        }

        string? name = null, email = null;
        for (var i = 0; i < agent.Columns.Count; i++)
        {
            (name, email) = agent.Columns[i] switch
            {
                "Name" => (agent.Cells[i], email),
                "Email" => (name, agent.Cells[i]),
                _ => (name, email),
            };
        }

        if (name is { Length: > 0 } && email is { Length: > 0 })
        {
            Add(name, email);
        }
    }

    public string? EmailOf(string? name) => name is not null && _emails.TryGetValue(name.Trim(), out var email) ? email : null;
}

/// <summary>The Owner a ticket gets, and when it fell back to the primary contact, why (for the report).</summary>
public sealed record OwnerChoice(string OwnerId, string? FallbackReason)
{
    /// <summary>The text for the report's error column of a migrated row, or null when the agent was found.</summary>
    public string? ReportNote => FallbackReason is null ? null : $"Owner is the primary contact: {FallbackReason}.";
}

/// <summary>
/// SPEC §3: a ticket's Owner is the org's active user whose e-mail is the ticket's agent e-mail
/// (case-insensitive); with no such user (no agent, unknown e-mail, deactivated user) it is the
/// org's primary contact, and the reason is kept so the report can list every fallback.
/// </summary>
public sealed class OwnerResolver
{
    private readonly Dictionary<string, UserAccount> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _primaryContactId;

    public OwnerResolver(IEnumerable<UserAccount> users, string primaryContactId, AgentDirectory? agents = null)
    {
        foreach (var user in users)
        {
            // Should two accounts share an address, the active one owns the tickets.
            if (!_byEmail.TryGetValue(user.Email.Trim(), out var other) || (!other.Active && user.Active))
            {
                _byEmail[user.Email.Trim()] = user;
            }
        }

        _primaryContactId = primaryContactId;
        Agents = agents ?? new AgentDirectory();
    }

    /// <summary>Agents by name, which a pass fills from the agents module before tickets come.</summary>
    public AgentDirectory Agents { get; }

    public OwnerChoice Resolve(string? agentEmail, string? agentName)
    {
        var email = agentEmail ?? Agents.EmailOf(agentName);
        if (email is null)
        {
            return Fallback(agentName is null ? "the ticket names no agent" : $"the agent '{agentName}' has no e-mail in the agents file");
        }

        if (!_byEmail.TryGetValue(email.Trim(), out var user))
        {
            return Fallback($"no user has the e-mail {email}");
        }

        return user.Active ? new OwnerChoice(user.Id, null) : Fallback($"the user with the e-mail {email} is deactivated");
    }

    private OwnerChoice Fallback(string reason) => new(_primaryContactId, reason);
}

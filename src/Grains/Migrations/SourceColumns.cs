namespace CrmActors.Grains.Migrations;

/// <summary>
/// Column targets that are not CRM fields. The generic format (SPEC §3) uses the first three as
/// column names; presets and field maps may also send a column to an agent or a full name.
/// </summary>
public static class SourceColumns
{
    /// <summary>The row's ID in the old system; lookups in other files hold it.</summary>
    public const string SourceId = "Source_Id";

    public const string CreatedTime = "Created_Time";

    public const string ModifiedTime = "Modified_Time";

    /// <summary>The ticket's agent, an e-mail or a name (help desks export the assignee's name): it sets the Owner, and Agent_Email when it is an e-mail.</summary>
    public const string Agent = "@Agent";

    /// <summary>A person's full name, split at the last space into First_Name and Last_Name.</summary>
    public const string FullName = "@Name";

    public static readonly IReadOnlyList<string> All = [SourceId, CreatedTime, ModifiedTime, Agent, FullName];
}

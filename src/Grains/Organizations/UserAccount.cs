using System.Collections.Immutable;

namespace CrmActors.Grains.Organizations;

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.user-account")]
public sealed record UserAccount(
    string Id,
    string Email,
    string Name,
    string Role,
    bool Active,
    Profile Profile,
    DateTimeOffset CreatedAt)
{
    /// <summary>When the user was last activated again after a deactivation (the mail add-on's latest-backup rule reads it).</summary>
    public DateTimeOffset? ReactivatedAt { get; init; }

    public bool IsAdmin => Role == Roles.Admin;

    public bool Can(string module, string action) => IsAdmin || Profile.Allows(module, action);

    public bool HasFeature(string feature) => IsAdmin || Profile.Features.Contains(feature);
}

/// <summary>
/// Per-module permissions (view, create, edit, delete) and feature permissions. With no module list,
/// every module is fully allowed; with one, only the listed modules and actions are.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.profile")]
public sealed record Profile(ImmutableSortedDictionary<string, ImmutableList<string>>? Modules, ImmutableList<string> Features)
{
    public static readonly IReadOnlyList<string> ModuleActions = [ModuleAction.View, ModuleAction.Create, ModuleAction.Edit, ModuleAction.Delete];

    public static readonly IReadOnlyList<string> KnownFeatures = [FeaturePermissions.ContactSync, FeaturePermissions.Import, FeaturePermissions.Export];

    public static Profile Default { get; } = new(null, []);

    /// <summary>Module names compare ignoring case, as everywhere else (profiles saved before names were normalized included).</summary>
    public bool Allows(string module, string action) =>
        Modules is null || Modules.Any(m => string.Equals(m.Key, module, StringComparison.OrdinalIgnoreCase) && m.Value.Contains(action));
}

/// <summary>Feature permissions of a profile (admins hold them all).</summary>
public static class FeaturePermissions
{
    /// <summary>Sync pairs with CardDAV address books.</summary>
    public const string ContactSync = "contact_sync";

    /// <summary>Bulk insert of records (a JSON array or a CSV file).</summary>
    public const string Import = "import";

    /// <summary>Reserved: no route exports records to a user who is not an admin (backups are admin-only).</summary>
    public const string Export = "export";
}

public static class ModuleAction
{
    public const string View = "view";
    public const string Create = "create";
    public const string Edit = "edit";
    public const string Delete = "delete";
}

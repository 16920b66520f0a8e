using System.Collections.Immutable;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Settings;

namespace CrmActors.Grains.Organizations;

/// <summary>An organization's settings, users, data schema and configuration: the organization grain's state.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.organization-state")]
public sealed record OrganizationState
{
    public string? Id { get; init; }

    public string Name { get; init; } = "";

    public string Plan { get; init; } = Plans.Free;

    public bool Trial { get; init; }

    public bool Developer { get; init; }

    public bool Sandbox { get; init; }

    public string TimeZone { get; init; } = "UTC";

    public string Domain { get; init; } = "";

    public ImmutableList<string> Integrations { get; init; } = [];

    public string PrimaryContactUserId { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public ImmutableList<UserAccount> Users { get; init; } = [];

    public ImmutableList<ModuleDefinition> Modules { get; init; } = [];

    public ImmutableList<LayoutDefinition> Layouts { get; init; } = [];

    public ImmutableList<WorkflowRule> WorkflowRules { get; init; } = [];

    public ImmutableList<Blueprint> Blueprints { get; init; } = [];

    public ImmutableList<RoleDefinition> Roles { get; init; } = [];

    public ImmutableList<ProfileDefinition> Profiles { get; init; } = [];

    /// <summary>Configuration copies applied to this organization, oldest first; applying one again is a no-op.</summary>
    public ImmutableList<AppliedCopy> AppliedCopies { get; init; } = [];

    public bool Exists => Id is not null;

    public UserAccount? User(string id) => Users.FirstOrDefault(u => u.Id == id);

    public ModuleDefinition? Module(string name) => Modules.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The organization with <paramref name="field"/> added to <paramref name="module"/>, or replacing its field of that name.</summary>
    public OrganizationState WithField(ModuleDefinition module, FieldDefinition field)
    {
        var fields = module.Field(field.Name) is { } old ? module.Fields.Replace(old, field) : module.Fields.Add(field);
        return this with { Modules = Modules.Replace(module, module with { Fields = fields }) };
    }

    public RoleDefinition? Role(string name) => Roles.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}

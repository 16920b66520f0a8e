using System.Collections.Immutable;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Settings;

namespace CrmActors.Grains.ConfigCopy;

/// <summary>
/// An organization's whole customization, free of IDs and data: custom modules, custom fields (also
/// those added to standard modules), standard fields whose values were changed, layouts, workflow
/// rules, blueprints, roles and profiles. Everything is sorted by name, so two organizations with the
/// same customization have equal packages. It is what a configuration copy sends and what export shows.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.configuration-package")]
public sealed record ConfigurationPackage(
    ImmutableList<ModuleDefinition> Modules,
    ImmutableList<LayoutDefinition> Layouts,
    ImmutableList<WorkflowRule> WorkflowRules,
    ImmutableList<Blueprint> Blueprints,
    ImmutableList<RoleDefinition> Roles,
    ImmutableList<ProfileDefinition> Profiles)
{
    private static readonly IReadOnlyList<ModuleDefinition> Standard = StandardModules.Create();

    public static ConfigurationPackage Of(OrganizationState org) => new(
        [.. org.Modules.Select(Customization).OfType<ModuleDefinition>().OrderBy(m => m.Name, StringComparer.Ordinal)],
        [.. org.Layouts.OrderBy(l => l.Module, StringComparer.Ordinal).ThenBy(l => l.Name, StringComparer.Ordinal)],
        [.. org.WorkflowRules.OrderBy(r => r.Name, StringComparer.Ordinal)],
        [.. org.Blueprints.OrderBy(b => b.Name, StringComparer.Ordinal)],
        [.. org.Roles.OrderBy(r => r.Name, StringComparer.Ordinal)],
        [.. org.Profiles.OrderBy(p => p.Name, StringComparer.Ordinal)]);

    /// <summary>A custom module whole; a standard module with only what an administrator added or changed; else null.</summary>
    private static ModuleDefinition? Customization(ModuleDefinition module)
    {
        var standard = module.Custom ? null : Standard.FirstOrDefault(s => s.Name == module.Name);
        var fields = module.Fields
            .Where(f => standard?.Field(f.Name) is not { } original || !SettingValues.Same(original, f))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToImmutableList();
        return module.Custom || fields.Count > 0 ? module with { Fields = fields } : null;
    }
}

/// <summary>A configuration copy applied to the organization: from where, when, and how many changes it made.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.applied-copy")]
public sealed record AppliedCopy(string TransferId, string SourceOrgId, DateTimeOffset AppliedAt, int Changes);

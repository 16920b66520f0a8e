using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Settings;

/// <summary>The configuration objects an organization owns beside its modules and fields.</summary>
public static class SettingKinds
{
    public static readonly SettingKind<LayoutDefinition> Layouts = new()
    {
        Component = "layout",
        Title = "layout",
        Path = "settings/layouts",
        Key = layout => $"{layout.Module}/{layout.Name}",
        Items = org => org.Layouts,
        WithItems = (org, items) => org with { Layouts = items },
        Validate = SettingsRules.ValidateLayout,
    };

    public static readonly SettingKind<WorkflowRule> WorkflowRules = new()
    {
        Component = "workflow_rule",
        Title = "workflow rule",
        Path = "settings/workflow-rules",
        Key = rule => rule.Name,
        Items = org => org.WorkflowRules,
        WithItems = (org, items) => org with { WorkflowRules = items },
        Validate = SettingsRules.ValidateWorkflowRule,
    };

    public static readonly SettingKind<Blueprint> Blueprints = new()
    {
        Component = "blueprint",
        Title = "blueprint",
        Path = "settings/blueprints",
        Key = blueprint => blueprint.Name,
        Items = org => org.Blueprints,
        WithItems = (org, items) => org with { Blueprints = items },
        Validate = SettingsRules.ValidateBlueprint,
    };

    public static readonly SettingKind<RoleDefinition> Roles = new()
    {
        Component = "role",
        Title = "role",
        Path = "settings/roles",
        Key = role => role.Name,
        Items = org => org.Roles,
        WithItems = (org, items) => org with { Roles = items },
        Validate = SettingsRules.ValidateRole,
    };

    public static readonly SettingKind<ProfileDefinition> Profiles = new()
    {
        Component = "profile",
        Title = "profile",
        Path = "settings/profiles",
        Key = profile => profile.Name,
        Items = org => org.Profiles,
        WithItems = (org, items) => org with { Profiles = items },
        Validate = SettingsRules.ValidateProfile,
    };

    /// <summary>
    /// Refuses an organization state in which any configuration object no longer fits the modules
    /// and fields (e.g. a picklist lost a value a workflow rule sets): the organization must keep working.
    /// </summary>
    public static void CheckIntegrity(OrganizationState org)
    {
        Layouts.CheckAll(org);
        WorkflowRules.CheckAll(org);
        Blueprints.CheckAll(org);
        Roles.CheckAll(org);
        Profiles.CheckAll(org);
    }
}

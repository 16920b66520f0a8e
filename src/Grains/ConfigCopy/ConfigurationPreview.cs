using System.Collections.Immutable;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Settings;

namespace CrmActors.Grains.ConfigCopy;

/// <summary>One component of an incoming copy and what it would do to the target: add, change or conflict.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.preview-item")]
public sealed record PreviewItem(string Component, string Name, string Change, string? Detail = null);

/// <summary>
/// Classifies every component of a package against a target organization. References of layouts,
/// workflow rules, blueprints and profiles are resolved by name in the target as it would be after the
/// copy's modules and fields; one that cannot be resolved, or whose values do not fit the field it
/// resolves to, is a conflict. Components the target already has identically are not listed.
/// </summary>
public static class ConfigurationPreview
{
    public static ImmutableList<PreviewItem> Compute(ConfigurationPackage package, OrganizationState target)
    {
        var items = new List<PreviewItem>();
        var projected = target;
        var landed = new List<ModuleDefinition>();
        foreach (var module in package.Modules)
        {
            var landing = SchemaMerge.Module(module, projected);
            if (landing.Change == PreviewChanges.Add)
            {
                projected = projected with { Modules = projected.Modules.Add(new ModuleDefinition(module.Name, true, [])) };
            }

            if (landing.Change is not null)
            {
                items.Add(new PreviewItem("module", module.Name, landing.Change, landing.Detail));
            }

            if (landing.Change != PreviewChanges.Conflict)
            {
                landed.Add(module);
            }
        }

        foreach (var module in landed)
        {
            foreach (var field in module.Fields)
            {
                var current = projected.Module(module.Name)!;
                var landing = SchemaMerge.Field(current, field, projected);
                if (landing.Change is null)
                {
                    continue;
                }

                items.Add(new PreviewItem("field", $"{current.Name}.{field.Name}", landing.Change, landing.Detail));
                if (landing.Field is { } definition)
                {
                    projected = projected.WithField(current, definition);
                }
            }
        }

        // Components may refer to each other (a role to the role above it), so all of them are in place first.
        projected = UpsertAll(SettingKinds.Layouts, package.Layouts, projected);
        projected = UpsertAll(SettingKinds.WorkflowRules, package.WorkflowRules, projected);
        projected = UpsertAll(SettingKinds.Blueprints, package.Blueprints, projected);
        projected = UpsertAll(SettingKinds.Roles, package.Roles, projected);
        projected = UpsertAll(SettingKinds.Profiles, package.Profiles, projected);
        Classify(SettingKinds.Layouts, package.Layouts, target, projected, items);
        Classify(SettingKinds.WorkflowRules, package.WorkflowRules, target, projected, items);
        Classify(SettingKinds.Blueprints, package.Blueprints, target, projected, items);
        Classify(SettingKinds.Roles, package.Roles, target, projected, items);
        Classify(SettingKinds.Profiles, package.Profiles, target, projected, items);
        return [.. items];
    }

    private static OrganizationState UpsertAll<T>(SettingKind<T> kind, IEnumerable<T> incoming, OrganizationState org) where T : class =>
        incoming.Aggregate(org, kind.Upsert);

    private static void Classify<T>(SettingKind<T> kind, IEnumerable<T> incoming, OrganizationState target, OrganizationState projected, List<PreviewItem> items)
        where T : class
    {
        foreach (var item in incoming)
        {
            var key = kind.Key(item);
            try
            {
                var validated = kind.Validate(item, projected);
                var existing = kind.Find(target, key);
                if (existing is null || !SettingValues.Same(existing, validated))
                {
                    items.Add(new PreviewItem(kind.Component, key, existing is null ? PreviewChanges.Add : PreviewChanges.Change));
                }
            }
            catch (ProblemException problem)
            {
                items.Add(new PreviewItem(kind.Component, key, PreviewChanges.Conflict, problem.Message));
            }
        }
    }
}

using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Settings;

namespace CrmActors.Grains.ConfigCopy;

/// <summary>
/// How a copied module or field lands on the target organization. The preview and the apply both ask
/// here, so what the preview calls an add, a change or a conflict is exactly what the apply does.
/// </summary>
public static class SchemaMerge
{
    /// <summary>The outcome for one component: <see cref="Change"/> is null when the target already matches.</summary>
    public sealed record Landing(string? Change, string? Detail = null, FieldDefinition? Field = null)
    {
        public static readonly Landing Unchanged = new(Change: null);

        public static Landing Conflict(string detail) => new(PreviewChanges.Conflict, detail);
    }

    public static Landing Module(ModuleDefinition incoming, OrganizationState target)
    {
        var existing = target.Module(incoming.Name);
        if (existing is null)
        {
            return incoming.Custom
                ? new Landing(PreviewChanges.Add)
                : Landing.Conflict($"This organization has no standard module {incoming.Name}.");
        }

        return existing.Custom == incoming.Custom
            ? Landing.Unchanged
            : Landing.Conflict($"{existing.Name} is a {(existing.Custom ? "custom" : "standard")} module here and a {(incoming.Custom ? "custom" : "standard")} one in the copy.");
    }

    /// <summary>Where <paramref name="incoming"/> lands in <paramref name="module"/> of <paramref name="target"/>; the new definition for an add or change.</summary>
    public static Landing Field(ModuleDefinition module, FieldDefinition incoming, OrganizationState target)
    {
        var name = $"{module.Name}.{incoming.Name}";
        var existing = module.Field(incoming.Name);
        try
        {
            if (existing is null)
            {
                return incoming.Custom
                    ? new Landing(PreviewChanges.Add, null, OrganizationRules.ValidateField(
                        new NewField(incoming.Name, incoming.Type, incoming.Required, incoming.Values, incoming.LookupModule), module, target))
                    : Landing.Conflict($"This organization has no standard field {name}.");
            }

            if (existing.Type != incoming.Type)
            {
                return Landing.Conflict($"{name} is a {existing.Type} field here and a {incoming.Type} field in the copy.");
            }

            if (!string.Equals(existing.LookupModule, incoming.LookupModule, StringComparison.OrdinalIgnoreCase))
            {
                return Landing.Conflict($"{name} looks up {existing.LookupModule} here and {incoming.LookupModule} in the copy.");
            }

            var changed = OrganizationRules.ChangeField(existing, incoming.Values, incoming.Required);
            return SettingValues.Same(existing, changed) ? Landing.Unchanged : new Landing(PreviewChanges.Change, Describe(existing, changed), changed);
        }
        catch (ProblemException problem)
        {
            return Landing.Conflict($"{name}: {problem.Message}");
        }
    }

    private static string Describe(FieldDefinition before, FieldDefinition after)
    {
        var parts = new List<string>();
        if (before.Required != after.Required)
        {
            parts.Add($"required {before.Required.ToString().ToLowerInvariant()} → {after.Required.ToString().ToLowerInvariant()}");
        }

        if (!SettingValues.Same(before.Values, after.Values))
        {
            parts.Add($"values [{string.Join(", ", before.Values ?? [])}] → [{string.Join(", ", after.Values ?? [])}]");
        }

        return string.Join("; ", parts);
    }
}

public static class PreviewChanges
{
    public const string Add = "add";
    public const string Change = "change";
    public const string Conflict = "conflict";
}

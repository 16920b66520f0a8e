using System.Collections.Immutable;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Settings;

/// <summary>
/// Validation of configuration objects against the organization's modules and fields. Each method
/// returns the object in canonical form (module and field names as the organization spells them,
/// values normalized) or refuses it naming what is wrong.
/// </summary>
public static partial class SettingsRules
{
    public const int NameMax = 100;

    public static string ValidateName(string? name, string path = "name")
    {
        var trimmed = name?.Trim();
        return trimmed is { Length: > 0 and <= NameMax } && !trimmed.Contains('/')
            ? trimmed
            : throw ProblemException.Validation(path, $"{path} is required, at most {NameMax} characters, without '/'.");
    }

    public static ModuleDefinition RequireModule(OrganizationState org, string? name, string path = "module") =>
        org.Module(name ?? "") ?? throw ProblemException.Validation(path, $"There is no module {name}.");

    public static FieldDefinition RequireField(ModuleDefinition module, string? name, string path) =>
        module.Field(name ?? "") ?? throw ProblemException.Validation(path, $"{module.Name} has no field {name}.");

    public static LayoutDefinition ValidateLayout(LayoutDefinition layout, OrganizationState org)
    {
        var module = RequireModule(org, layout.Module);
        if (layout.Sections.Count == 0)
        {
            throw ProblemException.Validation("sections", "A layout needs at least one section {name, fields}.");
        }

        var placed = new HashSet<string>();
        var sections = layout.Sections.Select((section, i) =>
        {
            var fields = section.Fields.Select((name, j) =>
            {
                var field = RequireField(module, name, $"sections[{i}].fields[{j}]");
                return placed.Add(field.Name)
                    ? field.Name
                    : throw ProblemException.Validation($"sections[{i}].fields[{j}]", $"{field.Name} is placed twice in layout {layout.Name}.");
            });
            return new LayoutSection(ValidateName(section.Name, $"sections[{i}].name"), [.. fields]);
        });
        return new LayoutDefinition(module.Name, ValidateName(layout.Name), [.. sections]);
    }

    public static RoleDefinition ValidateRole(RoleDefinition role, OrganizationState org)
    {
        var name = ValidateName(role.Name);
        if (role.ReportsTo is null)
        {
            return new RoleDefinition(name, null);
        }

        var above = org.Role(role.ReportsTo)?.Name
            ?? throw ProblemException.Validation("reportsTo", $"There is no role {role.ReportsTo} to report to.");

        // Walk up from the new superior with this role's new position in place: reaching it again is a cycle.
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { name };
        for (var current = above; current is not null;)
        {
            if (!seen.Add(current))
            {
                throw ProblemException.Validation("reportsTo", $"Role {name} cannot report to {above}: the hierarchy would become a cycle.");
            }

            current = org.Role(current)?.ReportsTo;
        }

        return new RoleDefinition(name, above);
    }

    public static ProfileDefinition ValidateProfile(ProfileDefinition profile, OrganizationState org)
    {
        var name = ValidateName(profile.Name);
        var permissions = OrganizationRules.ValidateProfile(profile.Permissions, org);
        var modules = permissions.Modules?
            .GroupBy(kv => org.Module(kv.Key)!.Name)
            .Select(group => group.Count() == 1
                ? (Module: group.Key, Actions: group.Single().Value)
                : throw ProblemException.Validation("permissions.modules", $"Module {group.Key} is listed more than once."))
            .ToImmutableSortedDictionary(
                m => m.Module,
                m => Profile.ModuleActions.Where(m.Actions.Contains).ToImmutableList(),
                StringComparer.Ordinal);
        var features = permissions.Features.Distinct().Order(StringComparer.Ordinal).ToImmutableList();
        return new ProfileDefinition(name, new Profile(modules, features));
    }
}

using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Settings;

public static partial class SettingsRules
{
    public static Blueprint ValidateBlueprint(Blueprint blueprint, OrganizationState org)
    {
        var name = ValidateName(blueprint.Name);
        var module = RequireModule(org, blueprint.Module);
        var field = RequireField(module, blueprint.Field, "field");
        if (field.Type != FieldTypes.Picklist)
        {
            throw ProblemException.Validation("field", $"{module.Name}.{field.Name} is a {field.Type} field; a blueprint moves a picklist field through its values.");
        }

        if (org.Blueprints.FirstOrDefault(b => b.Module == module.Name && b.Field == field.Name && !string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase)) is { } other)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"{module.Name}.{field.Name} already follows blueprint {other.Name}; change that blueprint instead.");
        }

        if (blueprint.States.Count < 2 || blueprint.States.Distinct().Count() != blueprint.States.Count)
        {
            throw ProblemException.Validation("states", "A blueprint needs at least two distinct states.");
        }

        if (blueprint.States.FirstOrDefault(s => !field.Values!.Contains(s)) is { } unknown)
        {
            throw ProblemException.Validation("states", $"'{unknown}' is not a value of {module.Name}.{field.Name}; use one of: {string.Join(", ", field.Values!)}.");
        }

        if (blueprint.Transitions.Count == 0)
        {
            throw ProblemException.Validation("transitions", "A blueprint needs at least one transition {name, from, to, requiredFields}.");
        }

        var transitions = blueprint.Transitions.Select((t, i) =>
        {
            var path = $"transitions[{i}]";
            if (!blueprint.States.Contains(t.From) || !blueprint.States.Contains(t.To) || t.From == t.To)
            {
                throw ProblemException.Validation(path, $"Transition {t.Name} must go between two different states of the blueprint ({string.Join(", ", blueprint.States)}).");
            }

            var required = t.RequiredFields.Select((f, j) => RequireField(module, f, $"{path}.requiredFields[{j}]").Name).Distinct();
            return new BlueprintTransition(ValidateName(t.Name, $"{path}.name"), t.From, t.To, [.. required]);
        }).ToList();
        if (transitions.DistinctBy(t => (t.From, t.To)).Count() != transitions.Count)
        {
            throw ProblemException.Validation("transitions", "Two transitions go between the same states; keep one.");
        }

        return new Blueprint(name, module.Name, field.Name, blueprint.States, [.. transitions]);
    }
}

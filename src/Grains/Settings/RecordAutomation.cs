using System.Globalization;
using System.Text.Json.Nodes;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Settings;

/// <summary>
/// What an organization's workflow rules and blueprints do to a record being written: matching rules
/// update fields before the record is saved, and a blueprint field may only move along a transition.
/// </summary>
public static class RecordAutomation
{
    /// <summary>Runs the rules for a new record on <paramref name="data"/> (validated values, changed in place).</summary>
    public static void OnCreate(OrganizationState org, ModuleDefinition module, JsonObject data) =>
        RunRules(org, module, WorkflowTriggers.OnCreate, data);

    /// <summary>Runs the rules for an edit, then refuses a blueprint state change that is no transition or lacks its fields.</summary>
    public static void OnEdit(OrganizationState org, ModuleDefinition module, JsonObject before, JsonObject data)
    {
        RunRules(org, module, WorkflowTriggers.OnEdit, data);
        foreach (var blueprint in org.Blueprints.Where(b => b.Module == module.Name))
        {
            CheckTransition(blueprint, before[blueprint.Field], data[blueprint.Field], data);
        }
    }

    private static void RunRules(OrganizationState org, ModuleDefinition module, string write, JsonObject data)
    {
        foreach (var rule in org.WorkflowRules.Where(r => r.Active && r.Module == module.Name && WorkflowTriggers.Fires(r.Trigger, write)))
        {
            if (rule.Conditions.All(c => Holds(module.Field(c.Field)!, c, data[c.Field])))
            {
                foreach (var action in rule.Actions)
                {
                    var field = module.Field(action.Field)!;
                    data[field.Name] = SettingValues.ToRecordValue(module, field, action.Value!);
                }
            }
        }
    }

    private static bool Holds(FieldDefinition field, RuleCondition condition, JsonNode? value) => condition.Operator switch
    {
        RuleOperators.IsEmpty => value is null,
        RuleOperators.IsNotEmpty => value is not null,
        _ when value is null => condition.Operator == RuleOperators.NotEqualTo,
        RuleOperators.EqualTo => Compare(field, value, condition.Value!) == 0,
        RuleOperators.NotEqualTo => Compare(field, value, condition.Value!) != 0,
        RuleOperators.Contains => SettingValues.Text(value).Contains(condition.Value!, StringComparison.OrdinalIgnoreCase),
        RuleOperators.GreaterThan => Compare(field, value, condition.Value!) > 0,
        RuleOperators.LessThan => Compare(field, value, condition.Value!) < 0,
        _ => false,
    };

    // Numbers compare by value; dates and times are stored in sortable ISO form, so text order is time order.
    private static int Compare(FieldDefinition field, JsonNode value, string operand) =>
        field.Type is FieldTypes.Number or FieldTypes.Decimal
            ? decimal.Parse(SettingValues.Text(value), CultureInfo.InvariantCulture).CompareTo(decimal.Parse(operand, CultureInfo.InvariantCulture))
            : string.CompareOrdinal(SettingValues.Text(value), operand);

    private static void CheckTransition(Blueprint blueprint, JsonNode? before, JsonNode? after, JsonObject data)
    {
        if (before is null || after is null)
        {
            return;
        }

        var from = SettingValues.Text(before);
        var to = SettingValues.Text(after);
        if (from == to || !blueprint.States.Contains(from) || !blueprint.States.Contains(to))
        {
            return;
        }

        var transition = blueprint.Transitions.FirstOrDefault(t => t.From == from && t.To == to)
            ?? throw ProblemException.Validation(blueprint.Field,
                $"Blueprint {blueprint.Name} has no transition from '{from}' to '{to}'; from '{from}' the record can move to: "
                + $"{string.Join(", ", blueprint.Transitions.Where(t => t.From == from).Select(t => $"'{t.To}'").DefaultIfEmpty("nowhere"))}.");
        var missing = transition.RequiredFields.Where(f => data[f] is null).ToList();
        if (missing.Count > 0)
        {
            throw ProblemException.Validation(missing[0], $"Transition {transition.Name} of blueprint {blueprint.Name} needs {string.Join(", ", missing)} filled in.");
        }
    }
}

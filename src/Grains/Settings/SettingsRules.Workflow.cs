using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;

namespace CrmActors.Grains.Settings;

public static partial class SettingsRules
{
    public static WorkflowRule ValidateWorkflowRule(WorkflowRule rule, OrganizationState org)
    {
        var name = ValidateName(rule.Name);
        var module = RequireModule(org, rule.Module);
        if (!WorkflowTriggers.All.Contains(rule.Trigger))
        {
            throw ProblemException.Validation("trigger", $"trigger must be one of {string.Join(", ", WorkflowTriggers.All)}.");
        }

        if (rule.Actions.Count == 0)
        {
            throw ProblemException.Validation("actions", "A workflow rule needs at least one action, such as {type: \"field_update\", field, value}.");
        }

        return new WorkflowRule(
            name,
            module.Name,
            rule.Trigger,
            [.. rule.Conditions.Select((c, i) => ValidateCondition(module, c, $"conditions[{i}]"))],
            [.. rule.Actions.Select((a, i) => ValidateAction(module, a, $"actions[{i}]"))],
            rule.Active);
    }

    private static RuleCondition ValidateCondition(ModuleDefinition module, RuleCondition condition, string path)
    {
        var field = RequireField(module, condition.Field, $"{path}.field");
        var op = condition.Operator;
        if (!RuleOperators.All.Contains(op))
        {
            throw ProblemException.Validation($"{path}.operator", $"operator must be one of {string.Join(", ", RuleOperators.All)}.");
        }

        if (op is RuleOperators.IsEmpty or RuleOperators.IsNotEmpty)
        {
            return condition.Value is null
                ? new RuleCondition(field.Name, op, null)
                : throw ProblemException.Validation($"{path}.value", $"{op} takes no value.");
        }

        var allowed = op switch
        {
            RuleOperators.Contains => field.Type is FieldTypes.Text or FieldTypes.TextArea or FieldTypes.Email or FieldTypes.Phone,
            RuleOperators.GreaterThan or RuleOperators.LessThan => field.Type is FieldTypes.Number or FieldTypes.Decimal or FieldTypes.Date or FieldTypes.DateTime,
            _ => field.Type is not (FieldTypes.Lookup or FieldTypes.FileUpload or FieldTypes.ImageUpload),
        };
        if (!allowed)
        {
            throw ProblemException.Validation($"{path}.operator", $"{module.Name}.{field.Name} is a {field.Type} field; '{op}' does not apply to it.");
        }

        var value = op == RuleOperators.Contains
            ? condition.Value is { Length: > 0 } text ? text : throw ProblemException.Validation($"{path}.value", "contains needs the text to look for.")
            : SettingValues.Normalize(module, field, condition.Value, $"{path}.value");
        return new RuleCondition(field.Name, op, value);
    }

    private static RuleAction ValidateAction(ModuleDefinition module, RuleAction action, string path)
    {
        if (action.Type != RuleActionTypes.FieldUpdate)
        {
            throw ProblemException.Validation($"{path}.type", $"The action type must be {RuleActionTypes.FieldUpdate}.");
        }

        var field = RequireField(module, action.Field, $"{path}.field");
        if (field.Type is FieldTypes.Lookup or FieldTypes.FileUpload or FieldTypes.ImageUpload)
        {
            throw ProblemException.Validation($"{path}.field", $"A field update cannot set {module.Name}.{field.Name}: lookups and uploads hold IDs of one organization's records and files.");
        }

        return new RuleAction(action.Type, field.Name, SettingValues.Normalize(module, field, action.Value, $"{path}.value"));
    }
}

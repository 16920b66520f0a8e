using System.Collections.Immutable;

namespace CrmActors.Grains.Settings;

/// <summary>
/// Automation on a module: when a record is created or edited (<see cref="Trigger"/>) and every
/// condition holds, the actions run on the record before it is saved. Values are stored as the
/// canonical text of the field's type, so a rule can be rebound to another organization's fields.
/// </summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.workflow-rule")]
public sealed record WorkflowRule(
    string Name,
    string Module,
    string Trigger,
    ImmutableList<RuleCondition> Conditions,
    ImmutableList<RuleAction> Actions,
    bool Active = true);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.rule-condition")]
public sealed record RuleCondition(string Field, string Operator, string? Value);

[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.rule-action")]
public sealed record RuleAction(string Type, string Field, string? Value);

public static class WorkflowTriggers
{
    public const string OnCreate = "on_create";
    public const string OnEdit = "on_edit";
    public const string OnCreateOrEdit = "on_create_or_edit";

    public static readonly IReadOnlyList<string> All = [OnCreate, OnEdit, OnCreateOrEdit];

    public static bool Fires(string trigger, string write) => trigger == write || trigger == OnCreateOrEdit;
}

public static class RuleOperators
{
    public const string EqualTo = "equals";
    public const string NotEqualTo = "not_equals";
    public const string Contains = "contains";
    public const string GreaterThan = "greater_than";
    public const string LessThan = "less_than";
    public const string IsEmpty = "is_empty";
    public const string IsNotEmpty = "is_not_empty";

    public static readonly IReadOnlyList<string> All = [EqualTo, NotEqualTo, Contains, GreaterThan, LessThan, IsEmpty, IsNotEmpty];
}

public static class RuleActionTypes
{
    public const string FieldUpdate = "field_update";
}

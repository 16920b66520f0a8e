using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Settings;

namespace CrmActors.Grains.Organizations;

public sealed partial class OrganizationGrain
{
    public Task<ModuleDefinition> ChangeFieldAsync(string module, string field, FieldPatch patch, string actorId)
    {
        RequireExisting();
        var definition = State.Module(module) ?? throw ProblemException.NotFound($"Module {module}");
        var before = definition.Field(field) ?? throw ProblemException.NotFound($"Field {definition.Name}.{field}");
        var after = OrganizationRules.ChangeField(before, patch.Values, patch.Required);
        if (SettingValues.Same(before, after))
        {
            return Task.FromResult(definition);
        }

        State = State.WithField(definition, after);
        SettingKinds.CheckIntegrity(State);
        Audit(actorId, AuditActions.Update, $"modules/{definition.Name}/fields/{before.Name}", [new("definition", before, after)]);
        return Task.FromResult(State.Module(definition.Name)!);
    }

    public Task<LayoutDefinition> SaveLayoutAsync(LayoutDefinition layout, SaveMode mode, string actorId) =>
        SaveSettingAsync(SettingKinds.Layouts, layout, mode, actorId);

    public Task<WorkflowRule> SaveWorkflowRuleAsync(WorkflowRule rule, SaveMode mode, string actorId) =>
        SaveSettingAsync(SettingKinds.WorkflowRules, rule, mode, actorId);

    public Task<Blueprint> SaveBlueprintAsync(Blueprint blueprint, SaveMode mode, string actorId) =>
        SaveSettingAsync(SettingKinds.Blueprints, blueprint, mode, actorId);

    public Task<RoleDefinition> SaveRoleAsync(RoleDefinition role, SaveMode mode, string actorId) =>
        SaveSettingAsync(SettingKinds.Roles, role, mode, actorId);

    public Task<ProfileDefinition> SaveProfileAsync(ProfileDefinition profile, SaveMode mode, string actorId) =>
        SaveSettingAsync(SettingKinds.Profiles, profile, mode, actorId);

    private Task<T> SaveSettingAsync<T>(SettingKind<T> kind, T item, SaveMode mode, string actorId) where T : class
    {
        RequireExisting();
        var validated = kind.Validate(item, State);
        var key = kind.Key(validated);
        var exists = kind.Find(State, key) is not null;
        if (mode == SaveMode.Create && exists)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"A {kind.Title} named {key} already exists; change it with PUT …/{kind.Path}/{key}.");
        }

        if (mode == SaveMode.Replace && !exists)
        {
            throw ProblemException.NotFound($"The {kind.Title} {key}");
        }

        PutSetting(kind, validated, actorId);
        return Task.FromResult(validated);
    }

    /// <summary>Stores an already validated object and audits it; false when the organization already had it exactly.</summary>
    private bool PutSetting<T>(SettingKind<T> kind, T validated, string actorId, params FieldChange[] context) where T : class
    {
        var key = kind.Key(validated);
        var existing = kind.Find(State, key);
        if (existing is not null && SettingValues.Same(existing, validated))
        {
            return false;
        }

        State = kind.Upsert(State, validated);
        Audit(actorId, existing is null ? AuditActions.Create : AuditActions.Update, $"{kind.Path}/{key}",
            [new FieldChange("definition", existing, validated), .. context]);
        return true;
    }
}

using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Settings;

namespace CrmActors.Grains.Organizations;

public sealed partial class OrganizationGrain
{
    public Task<AppliedCopy> ApplyConfigurationAsync(string transferId, string sourceOrgId, ConfigurationPackage package, string actorId)
    {
        RequireExisting();
        if (State.AppliedCopies.FirstOrDefault(c => c.TransferId == transferId) is { } done)
        {
            return Task.FromResult(done);
        }

        ConfigCopyRules.RequireNoIntegrations(State);

        // Each step changes State and queues its audit entry; a refusal at any later step throws, and the
        // call then neither writes the state nor applies the queued entries (CrmGrain).
        var marker = new FieldChange("configCopy", null, transferId);
        var changes = 0;
        foreach (var module in package.Modules)
        {
            var landing = SchemaMerge.Module(module, State);
            Refuse(landing, "module", module.Name);
            if (landing.Change == PreviewChanges.Add)
            {
                var added = new ModuleDefinition(module.Name, true, []);
                State = State with { Modules = State.Modules.Add(added) };
                Audit(actorId, AuditActions.Create, $"modules/{added.Name}", [new("definition", null, added), marker]);
                changes++;
            }
        }

        // Fields after every module exists: a lookup may point to a module this copy adds.
        foreach (var incoming in package.Modules)
        {
            foreach (var field in incoming.Fields)
            {
                var module = State.Module(incoming.Name)!;
                var landing = SchemaMerge.Field(module, field, State);
                Refuse(landing, "field", $"{module.Name}.{field.Name}");
                if (landing.Field is not { } definition)
                {
                    continue;
                }

                var before = module.Field(field.Name);
                State = State.WithField(module, definition);
                Audit(actorId, before is null ? AuditActions.Create : AuditActions.Update, $"modules/{module.Name}/fields/{field.Name}",
                    [new("definition", before, definition), marker]);
                changes++;
            }
        }

        changes += ApplySettings(SettingKinds.Layouts, package.Layouts, actorId, marker);
        changes += ApplySettings(SettingKinds.WorkflowRules, package.WorkflowRules, actorId, marker);
        changes += ApplySettings(SettingKinds.Blueprints, package.Blueprints, actorId, marker);
        changes += ApplySettings(SettingKinds.Roles, TopDown(package.Roles), actorId, marker);
        changes += ApplySettings(SettingKinds.Profiles, package.Profiles, actorId, marker);

        // The organization's own objects must still fit the schema the copy changed (e.g. a picklist's values).
        try
        {
            SettingKinds.CheckIntegrity(State);
        }
        catch (ProblemException problem)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"Applying the copy would break this organization's configuration. {problem.Message}");
        }

        var applied = new AppliedCopy(transferId, sourceOrgId, Now, changes);
        State = State with { AppliedCopies = State.AppliedCopies.Add(applied) };
        Audit(actorId, AuditActions.Create, $"config-copy/applications/{transferId}",
            [new("sourceOrgId", null, sourceOrgId), new("changes", null, changes)]);
        return Task.FromResult(applied);
    }

    private int ApplySettings<T>(SettingKind<T> kind, IEnumerable<T> incoming, string actorId, FieldChange marker) where T : class
    {
        var changes = 0;
        foreach (var item in incoming)
        {
            T validated;
            try
            {
                // Validation rebinds the object to this organization: module and field names as spelled here, values re-read by the field's type.
                validated = kind.Validate(item, State);
            }
            catch (ProblemException problem)
            {
                throw ProblemException.Conflict(ProblemCodes.Conflict, $"The copy's {kind.Title} '{kind.Key(item)}' cannot be applied: {problem.Message}");
            }

            if (PutSetting(kind, validated, actorId, marker))
            {
                changes++;
            }
        }

        return changes;
    }

    private static void Refuse(SchemaMerge.Landing landing, string component, string name)
    {
        if (landing.Change == PreviewChanges.Conflict)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"The copy's {component} {name} conflicts: {landing.Detail}");
        }
    }

    /// <summary>Roles with every role after the one it reports to, so the hierarchy never passes through a cycle while applied.</summary>
    private static IEnumerable<RoleDefinition> TopDown(IEnumerable<RoleDefinition> roles)
    {
        var pending = roles.ToList();
        while (pending.Count > 0)
        {
            var next = pending.FirstOrDefault(r => r.ReportsTo is null || !pending.Any(p => string.Equals(p.Name, r.ReportsTo, StringComparison.OrdinalIgnoreCase)))
                ?? pending[0];
            pending.Remove(next);
            yield return next;
        }
    }
}

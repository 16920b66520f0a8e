using System.Collections.Immutable;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Scheduling;

namespace CrmActors.Grains.Organizations;

/// <summary>
/// Reentrant so that concurrent changes share a write (see <see cref="CrmGrain{TState}"/>): they still
/// compute one at a time, each on the state the one before it left.
/// </summary>
[Reentrant]
public sealed partial class OrganizationGrain(
    [PersistentState("organization", StorageNames.Crm)] IPersistentState<StoredState<OrganizationState>> state,
    TokenStore tokens,
    CrmGrainServices services)
    : CrmGrain<OrganizationState>(state, services), IOrganizationGrain
{
    public Task<UserAccount> CreateAsync(CreateOrganization request, string adminUserId, string adminTokenHash)
    {
        if (State.Exists)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, "This organization already exists.");
        }

        OrganizationRules.ValidateName(request.Name);
        OrganizationRules.ValidatePlan(request.Plan);
        OrganizationRules.ValidateTimeZone(request.TimeZone);
        OrganizationRules.ValidateDomain(request.Domain);
        OrganizationRules.ValidateEmail("admin.email", request.AdminEmail);
        var admin = new UserAccount(adminUserId, request.AdminEmail.Trim().ToLowerInvariant(), request.AdminName.Trim(), Roles.Admin, true, Profile.Default, Now);
        State = new OrganizationState
        {
            Id = this.GetPrimaryKeyString(),
            Name = request.Name.Trim(),
            Plan = request.Plan,
            Trial = request.Trial,
            Developer = request.Developer,
            Sandbox = request.Sandbox,
            TimeZone = request.TimeZone,
            Domain = request.Domain.Trim().ToLowerInvariant(),
            PrimaryContactUserId = admin.Id,
            CreatedAt = Now,
            Users = [admin],
            Modules = StandardModules.Create(),
        };
        AddEffect(new TokenAddedEffect(adminTokenHash, State.Id, admin.Id, Now));
        AddEffect(new OrganizationIndexedEffect(State.Id, State.Name, Now));
        Audit(admin.Id, AuditActions.Create, "organization", [new("name", null, State.Name), new("plan", null, State.Plan)]);
        return Task.FromResult(admin);
    }

    public Task<OrganizationState> GetAsync() => Task.FromResult(State);

    public Task<OrganizationState> UpdateAsync(OrganizationPatch patch, string actorId)
    {
        var before = RequireExisting();
        var changes = new List<FieldChange>();
        var after = before;
        if (patch.Name is { } name && name != before.Name)
        {
            OrganizationRules.ValidateName(name);
            after = after with { Name = name.Trim() };
            changes.Add(new("name", before.Name, after.Name));
        }

        if (patch.Plan is { } plan && plan != before.Plan)
        {
            OrganizationRules.ValidatePlan(plan);
            after = after with { Plan = plan };
            changes.Add(new("plan", before.Plan, plan));
        }

        if (patch.TimeZone is { } zone && zone != before.TimeZone)
        {
            OrganizationRules.ValidateTimeZone(zone);
            after = after with { TimeZone = zone };
            changes.Add(new("timeZone", before.TimeZone, zone));
        }

        if (patch.Integrations is { } integrations)
        {
            var normalized = OrganizationRules.NormalizeIntegrations(integrations);
            if (!normalized.SequenceEqual(before.Integrations))
            {
                after = after with { Integrations = normalized };
                changes.Add(new("integrations", before.Integrations, normalized));
            }
        }

        State = after;
        if (changes.Count > 0)
        {
            AddEffect(new OrganizationIndexedEffect(State.Id!, State.Name, Now));
            Audit(actorId, AuditActions.Update, "organization", changes);
        }

        return Task.FromResult(State);
    }

    public Task<UserAccount> AddUserAsync(NewUser user, string tokenHash, string actorId)
    {
        RequireExisting();
        OrganizationRules.ValidateEmail("email", user.Email);
        if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Length > 100)
        {
            throw ProblemException.Validation("name", "name is required and must be at most 100 characters.");
        }

        if (!Roles.IsKnown(user.Role))
        {
            throw ProblemException.Validation("role", "role must be 'admin' or 'standard'.");
        }

        var email = user.Email.Trim().ToLowerInvariant();
        if (State.Users.Any(u => u.Email == email))
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"A user with e-mail {email} already exists in this organization.");
        }

        var profile = OrganizationRules.ValidateProfile(user.Profile ?? Profile.Default, State);
        var account = new UserAccount(Ids.New(), email, user.Name.Trim(), user.Role, true, profile, Now);
        State = State with { Users = State.Users.Add(account) };
        AddEffect(new TokenAddedEffect(tokenHash, State.Id!, account.Id, Now));
        Audit(actorId, AuditActions.Create, $"users/{account.Id}", [new("email", null, email), new("role", null, account.Role)]);
        return Task.FromResult(account);
    }

    public Task SetUserActiveAsync(string userId, bool active, string actorId)
    {
        var user = RequireUser(userId);
        if (user.Active == active)
        {
            return Task.CompletedTask;
        }

        if (!active && user.IsAdmin && State.Users.Count(u => u.IsAdmin && u.Active) == 1)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, "This is the organization's last active administrator; make another user an administrator first.");
        }

        State = State with { Users = State.Users.Replace(user, user with { Active = active, ReactivatedAt = active ? Now : user.ReactivatedAt }) };
        Audit(actorId, AuditActions.Update, $"users/{userId}", [new("active", !active, active)]);

        return Task.CompletedTask;
    }

    public Task IssueTokenAsync(string userId, string tokenHash, string actorId)
    {
        RequireUser(userId);
        AddEffect(new TokenAddedEffect(tokenHash, State.Id!, userId, Now));
        Audit(actorId, AuditActions.Create, $"users/{userId}/tokens", []);

        return Task.CompletedTask;
    }

    public async Task RevokeTokensAsync(string userId, string actorId)
    {
        RequireUser(userId);
        var revoked = await tokens.CountActiveAsync(State.Id!, userId);
        AddEffect(new TokensRevokedEffect(State.Id!, userId, Now));
        Audit(actorId, AuditActions.Delete, $"users/{userId}/tokens", [new("revoked", null, revoked)]);
    }

    public Task<ModuleDefinition> AddModuleAsync(NewModule module, string actorId)
    {
        RequireExisting();
        if (!ModuleDefinition.IsValidName(module.Name))
        {
            throw ProblemException.Validation("name", "A module name starts with a letter and holds only letters, digits and '_' (at most 50).");
        }

        if (State.Module(module.Name) is not null)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, $"A module named {module.Name} already exists.");
        }

        var definition = new ModuleDefinition(module.Name, true, []);
        foreach (var field in module.Fields ?? [])
        {
            definition = definition with { Fields = definition.Fields.Add(OrganizationRules.ValidateField(field, definition, State)) };
        }

        State = State with { Modules = State.Modules.Add(definition) };
        Audit(actorId, AuditActions.Create, $"modules/{definition.Name}",
            definition.Fields.Select(f => new FieldChange(f.Name, null, f.Type)));
        return Task.FromResult(definition);
    }

    public Task<ModuleDefinition> AddFieldAsync(string module, NewField field, string actorId)
    {
        RequireExisting();
        var definition = State.Module(module) ?? throw ProblemException.NotFound($"Module {module}");
        var added = definition with { Fields = definition.Fields.Add(OrganizationRules.ValidateField(field, definition, State)) };
        State = State with { Modules = State.Modules.Replace(definition, added) };
        Audit(actorId, AuditActions.Create, $"modules/{definition.Name}/fields/{field.Name}", [new(field.Name, null, field.Type)]);
        return Task.FromResult(added);
    }

    protected override Task OnLegacyStateImportedAsync()
    {
        if (State.Exists)
        {
            AddEffect(new OrganizationIndexedEffect(State.Id!, State.Name, Now));
        }

        return Task.CompletedTask;
    }

    private OrganizationState RequireExisting() => State.Exists ? State : throw ProblemException.NotFound("Organization");

    private UserAccount RequireUser(string userId) => RequireExisting().User(userId) ?? throw ProblemException.NotFound($"User {userId}");

    private void Audit(string? actorId, string action, string setting, IEnumerable<FieldChange> changes) =>
        Audit(State.Id!, actorId, action, setting, changes);
}

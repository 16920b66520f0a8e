using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Settings;

namespace CrmActors.Grains.Organizations;

/// <summary>
/// One organization (key: org ID): its settings, users and data schema. Every change is validated
/// here, one at a time, and audited through the outbox of the write that makes it.
/// </summary>
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>Creates the organization with its first administrator, whose token hash is stored.</summary>
    Task<UserAccount> CreateAsync(CreateOrganization request, string adminUserId, string adminTokenHash);

    /// <summary>The committed state; an organization that was never created has <see cref="OrganizationState.Exists"/> false.</summary>
    [ReadOnly]
    Task<OrganizationState> GetAsync();

    Task<OrganizationState> UpdateAsync(OrganizationPatch patch, string actorId);

    Task<UserAccount> AddUserAsync(NewUser user, string tokenHash, string actorId);

    /// <summary>Deactivating a user revokes nothing but makes every one of their tokens fail at once.</summary>
    Task SetUserActiveAsync(string userId, bool active, string actorId);

    Task IssueTokenAsync(string userId, string tokenHash, string actorId);

    Task RevokeTokensAsync(string userId, string actorId);

    Task<ModuleDefinition> AddModuleAsync(NewModule module, string actorId);

    Task<ModuleDefinition> AddFieldAsync(string module, NewField field, string actorId);

    /// <summary>
    /// Changes a field's picklist values or (custom fields only) its required flag. Refused when a
    /// layout, workflow rule or blueprint of the organization would no longer fit the field.
    /// </summary>
    Task<ModuleDefinition> ChangeFieldAsync(string module, string field, FieldPatch patch, string actorId);

    /// <summary>Creates a layout (<see cref="SaveMode.Create"/>, 409 if the module has one of that name) or replaces one (404 if missing).</summary>
    Task<LayoutDefinition> SaveLayoutAsync(LayoutDefinition layout, SaveMode mode, string actorId);

    Task<WorkflowRule> SaveWorkflowRuleAsync(WorkflowRule rule, SaveMode mode, string actorId);

    Task<Blueprint> SaveBlueprintAsync(Blueprint blueprint, SaveMode mode, string actorId);

    Task<RoleDefinition> SaveRoleAsync(RoleDefinition role, SaveMode mode, string actorId);

    Task<ProfileDefinition> SaveProfileAsync(ProfileDefinition profile, SaveMode mode, string actorId);

    /// <summary>
    /// Applies a configuration copy in this one turn, all or nothing: every component is validated
    /// against the organization as the copy has changed it so far, and the result must keep every
    /// configuration object of the organization valid. Any refusal rolls the whole turn back (no state,
    /// no audit entry). Applying the same transfer again returns the first application.
    /// </summary>
    Task<AppliedCopy> ApplyConfigurationAsync(string transferId, string sourceOrgId, ConfigurationPackage package, string actorId);
}

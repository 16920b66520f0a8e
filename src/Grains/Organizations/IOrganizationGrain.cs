using CrmActors.Runtime.Grains;

namespace CrmActors.Grains.Organizations;

/// <summary>
/// One organization (key: org ID): its settings, users and data schema. Every change is validated
/// here, one at a time, and audited in the same transaction.
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
}

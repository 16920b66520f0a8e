using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Storage;
using Dapper;

namespace CrmActors.Grains.Organizations;

/// <summary>Which organizations exist, for the operator's views: the organization grains' keys.</summary>
public sealed class OrganizationDirectory(IDatabase database)
{
    /// <summary>The IDs of the organizations changed most recently.</summary>
    public async Task<IReadOnlyList<string>> RecentAsync(int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>(
            "SELECT grain_key FROM grain_state WHERE grain_type = @type AND payload IS NOT NULL ORDER BY modified_on DESC LIMIT @limit",
            new { type = GrainTypeRegistry.NameOf(typeof(OrganizationGrain)), limit })).ToList();
    }
}

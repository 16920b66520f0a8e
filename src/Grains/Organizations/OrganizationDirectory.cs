using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Organizations;

/// <summary>Which organizations exist, for the operator's views: the <c>organizations</c> table the organization grains keep.</summary>
public sealed class OrganizationDirectory(IDatabase database)
{
    /// <summary>The IDs of the organizations changed most recently.</summary>
    public async Task<IReadOnlyList<string>> RecentAsync(int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>(
            "SELECT id FROM organizations ORDER BY modified_at DESC LIMIT @limit", new { limit })).ToList();
    }
}

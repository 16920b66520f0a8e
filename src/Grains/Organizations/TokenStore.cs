using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Organizations;

/// <summary>The <c>tokens</c> table: SHA-256 hashes of bearer tokens, never the tokens themselves.</summary>
public sealed class TokenStore(IDatabase database)
{
    [GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable, Alias("crm.token-owner")]
    public sealed record TokenOwner(string OrgId, string UserId);

    public async Task<int> CountActiveAsync(string orgId, string userId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM tokens WHERE org_id = @orgId AND user_id = @userId AND revoked_at IS NULL", new { orgId, userId });
    }

    /// <summary>The owner of the unrevoked token with this SHA-256 hash, if any.</summary>
    public async Task<TokenOwner?> FindByHashAsync(string hash)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<TokenOwner>(
            "SELECT org_id AS OrgId, user_id AS UserId FROM tokens WHERE hash = @hash AND revoked_at IS NULL", new { hash });
    }
}

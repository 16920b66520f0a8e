using System.Data.Common;
using CrmActors.Grains.Common;
using CrmActors.Runtime.Storage;
using Dapper;

namespace CrmActors.Grains.Organizations;

/// <summary>The <c>tokens</c> table: SHA-256 hashes of bearer tokens, never the tokens themselves.</summary>
public sealed class TokenStore(IDatabase database)
{
    public sealed record TokenOwner(string OrgId, string UserId);

    public static Task AddAsync(DbConnection connection, DbTransaction transaction, string hash, string orgId, string userId, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "INSERT INTO tokens (hash, org_id, user_id, created_at) VALUES (@hash, @orgId, @userId, @now)",
            new { hash, orgId, userId, now = UnixTime.Ms(now) }, transaction);

    public static Task<int> RevokeAllAsync(DbConnection connection, DbTransaction transaction, string orgId, string userId, DateTimeOffset now) =>
        connection.ExecuteAsync(
            "UPDATE tokens SET revoked_at = @now WHERE org_id = @orgId AND user_id = @userId AND revoked_at IS NULL",
            new { orgId, userId, now = UnixTime.Ms(now) }, transaction);

    public async Task<TokenOwner?> FindAsync(string token)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<TokenOwner>(
            "SELECT org_id AS OrgId, user_id AS UserId FROM tokens WHERE hash = @hash AND revoked_at IS NULL", new { hash = Ids.Sha256(token) });
    }
}

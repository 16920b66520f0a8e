using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using Dapper;

namespace CrmActors.Tests.GrainTests;

/// <summary>The organization grain: one write per call, side effects applied once, refusals leave nothing behind.</summary>
[Collection(GrainCollection.Name)]
public sealed class OrganizationGrainTests(GrainCluster silo)
{
    [Fact]
    public async Task CreatingAnOrganizationStoresItsTokenAndAuditEntryOnceEvenAfterReactivation()
    {
        var (orgId, admin, tokenHash) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.GetGrain<IOrganizationGrain>(orgId);

        // The outbox is applied again when the grain activates; its rows carry their keys, so nothing doubles.
        await silo.Cluster.DeactivateAsync(grain);
        var org = await grain.GetAsync();
        Assert.True(org.Exists);
        Assert.Equal(admin.Id, org.PrimaryContactUserId);
        await using var connection = await silo.OpenDatabaseAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM tokens WHERE hash = @tokenHash AND user_id = @id", new { tokenHash, id = admin.Id }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM audit_log WHERE org_id = @orgId", new { orgId }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM organizations WHERE id = @orgId", new { orgId }));
    }

    [Fact]
    public async Task ARefusedChangeLeavesStateAndAuditAsTheyWere()
    {
        var (orgId, admin, _) = await Orgs.CreateAsync(silo.Grains, plan: "standard");
        var grain = silo.Grains.GetGrain<IOrganizationGrain>(orgId);

        // A patch whose second change is invalid: the first (valid) change must not stick either.
        var refused = await Assert.ThrowsAsync<ProblemException>(() => grain.UpdateAsync(new OrganizationPatch("Renamed", "platinum", null, null), admin.Id));
        Assert.Equal((400, "validation"), (refused.Status, refused.Code));
        Assert.Equal("plan", refused.Field);

        await silo.Cluster.DeactivateAsync(grain);
        var org = await grain.GetAsync();
        Assert.Equal(("Grain Org", "standard"), (org.Name, org.Plan));
        await using var connection = await silo.OpenDatabaseAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM audit_log WHERE org_id = @orgId", new { orgId }));
    }

    [Fact]
    public async Task RevokingTokensRevokesOnlyThoseIssuedBefore()
    {
        var (orgId, admin, firstHash) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.GetGrain<IOrganizationGrain>(orgId);
        var firstToken = silo.Grains.GetGrain<ITokenGrain>(firstHash);
        Assert.Equal(new TokenStore.TokenOwner(orgId, admin.Id), await firstToken.GetOwnerAsync());
        await grain.RevokeTokensAsync(admin.Id, admin.Id);

        // Authentication reads the token grain: it forgot the token as soon as the revocation returned.
        Assert.Null(await firstToken.GetOwnerAsync());
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        var secondHash = Ids.Sha256(Ids.NewSecret());
        await grain.IssueTokenAsync(admin.Id, secondHash, admin.Id);

        // Re-applying the revocation (as an activation replaying its outbox would) keeps the later token.
        await silo.Cluster.DeactivateAsync(grain);
        await grain.GetAsync();
        await using var connection = await silo.OpenDatabaseAsync();
        var revoked = (await connection.QueryAsync<(string Hash, long? RevokedAt)>("SELECT hash, revoked_at FROM tokens WHERE org_id = @orgId", new { orgId }))
            .ToDictionary(t => t.Hash, t => t.RevokedAt is not null);
        Assert.True(revoked[firstHash]);
        Assert.False(revoked[secondHash]);
        Assert.Equal(new TokenStore.TokenOwner(orgId, admin.Id), await silo.Grains.GetGrain<ITokenGrain>(secondHash).GetOwnerAsync());
    }

    [Fact]
    public async Task AnUnknownOrganizationIsNotFound()
    {
        var grain = silo.Grains.GetGrain<IOrganizationGrain>(Ids.New());
        Assert.False((await grain.GetAsync()).Exists);
        var missing = await Assert.ThrowsAsync<ProblemException>(() => grain.UpdateAsync(new OrganizationPatch("x", null, null, null), "someone"));
        Assert.Equal(404, missing.Status);
    }
}

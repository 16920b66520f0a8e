using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Storage;
using CrmActors.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace CrmActors.Tests.GrainTests;

/// <summary>The organization grain: concurrent changes share writes, side effects applied once, refusals leave nothing behind.</summary>
[Collection(GrainCollection.Name)]
public sealed class OrganizationGrainTests(GrainCluster silo)
{
    [Fact]
    public async Task CreatingAnOrganizationStoresItsTokenAndAuditEntryOnceEvenAfterReactivation()
    {
        var (orgId, admin, tokenHash) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.Grain<IOrganizationGrain>(orgId);

        // The outbox is applied again when the grain activates; its rows carry their keys, so nothing doubles.
        await silo.Cluster.DeactivateAsync(grain);
        var org = await grain.GetAsync();
        Assert.True(org.Exists);
        Assert.Equal(admin.Id, org.PrimaryContactUserId);
        await using var connection = await silo.OpenDatabaseAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM tokens WHERE hash = @tokenHash AND user_id = @id", new { tokenHash, id = admin.Id }));
        Assert.Equal(1, await AuditRowsAsync(connection, orgId));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM organizations WHERE id = @orgId", new { orgId }));
    }

    [Fact]
    public async Task ARefusedChangeLeavesStateAndAuditAsTheyWere()
    {
        var (orgId, admin, _) = await Orgs.CreateAsync(silo.Grains, plan: "standard");
        var grain = silo.Grains.Grain<IOrganizationGrain>(orgId);

        // A patch whose second change is invalid: the first (valid) change must not stick either.
        var refused = await Assert.ThrowsAsync<ProblemException>(() => grain.UpdateAsync(new OrganizationPatch("Renamed", "platinum", null, null), admin.Id));
        Assert.Equal((400, "validation"), (refused.Status, refused.Code));
        Assert.Equal("plan", refused.Field);

        await silo.Cluster.DeactivateAsync(grain);
        var org = await grain.GetAsync();
        Assert.Equal(("Grain Org", "standard"), (org.Name, org.Plan));
        await using var connection = await silo.OpenDatabaseAsync();
        Assert.Equal(1, await AuditRowsAsync(connection, orgId));
    }

    [Fact]
    public async Task RevokingTokensRevokesOnlyThoseIssuedBefore()
    {
        var (orgId, admin, firstHash) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.Grain<IOrganizationGrain>(orgId);
        var firstToken = silo.Grains.Grain<ITokenGrain>(firstHash);
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
        Assert.Equal(new TokenStore.TokenOwner(orgId, admin.Id), await silo.Grains.Grain<ITokenGrain>(secondHash).GetOwnerAsync());
    }

    [Fact]
    public async Task ARevokedTokenStopsWorkingWhenItsRevocationIsReplayedOrAMinuteAfterItsGrainWasNeverTold()
    {
        var (orgId, admin, firstHash) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.Grain<IOrganizationGrain>(orgId);
        var firstToken = silo.Grains.Grain<ITokenGrain>(firstHash);
        Assert.NotNull(await firstToken.GetOwnerAsync());
        await using var connection = await silo.OpenDatabaseAsync();

        // A revocation committed, then its silo died before the token grain was told: the grain still serves the token.
        var at = silo.Clock.GetUtcNow();
        await connection.ExecuteAsync("UPDATE tokens SET revoked_at = @at WHERE hash = @firstHash", new { at = UnixTime.Ms(at), firstHash });
        Assert.NotNull(await firstToken.GetOwnerAsync());

        // The outbox's replay finds nothing left to revoke, but tells the grains of what it revoked before.
        await silo.Services.GetRequiredService<SideEffectApplier>().ApplyAsync([new TokensRevokedEffect(orgId, admin.Id, at)]);
        Assert.Null(await firstToken.GetOwnerAsync());

        // With no word at all, a token grain reads the table again after a minute.
        silo.Clock.Advance(TimeSpan.FromSeconds(1));
        var secondHash = Ids.Sha256(Ids.NewSecret());
        await grain.IssueTokenAsync(admin.Id, secondHash, admin.Id);
        var secondToken = silo.Grains.Grain<ITokenGrain>(secondHash);
        Assert.NotNull(await secondToken.GetOwnerAsync());
        await connection.ExecuteAsync("UPDATE tokens SET revoked_at = @at WHERE hash = @secondHash", new { at = UnixTime.Ms(silo.Clock.GetUtcNow()), secondHash });
        silo.Clock.Advance(TokenGrain.Freshness - TimeSpan.FromSeconds(1));
        Assert.NotNull(await secondToken.GetOwnerAsync());
        silo.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await secondToken.GetOwnerAsync());
    }

    [Fact]
    public async Task ConcurrentChangesShareWritesAndEachAnswersOnceItsOwnChangeIsDurable()
    {
        var (orgId, admin, _) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.Grain<IOrganizationGrain>(orgId);
        var names = Enumerable.Range(0, 40).Select(i => $"Concurrent {i}").ToArray();

        // The database's write lock is held while the calls arrive, so they stage behind the first one's write however the
        // machine schedules them (on a loaded run each write could otherwise finish before the next call came, and none share).
        Task<OrganizationState>[] calls;
        await using (var blocker = await silo.OpenDatabaseAsync())
        {
            await using var writeLock = await silo.Services.GetRequiredService<IDatabase>().BeginWriteAsync(blocker);
            calls = [.. names.Select(name => grain.UpdateAsync(new OrganizationPatch(name, null, null, null), admin.Id))];
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            await writeLock.RollbackAsync();
        }

        var answers = await Task.WhenAll(calls);

        // Each call computed on the state the one before it left, and answered with its own change.
        Assert.Equal(names, answers.Select(a => a.Name));
        await using var connection = await silo.OpenDatabaseAsync();
        Assert.Equal(41, await AuditRowsAsync(connection, orgId));
        // The stored version counts writes: the creation's, then fewer than one per change.
        var writes = await StoredVersionAsync(connection, orgId);
        Assert.InRange(writes, 2, 40);

        // What the last change left is what a new activation reads.
        var last = await connection.ExecuteScalarAsync<string>(
            "SELECT changes FROM audit_log WHERE org_id = @orgId AND action = 'update' ORDER BY at DESC, rowid DESC LIMIT 1", new { orgId });
        await silo.Cluster.DeactivateAsync(grain);
        var org = await grain.GetAsync();
        Assert.Contains(org.Name, names);
        Assert.Contains($"\"{org.Name}\"", last);
    }

    [Fact]
    public async Task ARefusedChangeAmongConcurrentOnesLeavesTheOthersWhole()
    {
        var (orgId, admin, _) = await Orgs.CreateAsync(silo.Grains, plan: "standard");
        var grain = silo.Grains.Grain<IOrganizationGrain>(orgId);

        // Every odd call renames and sets an unknown plan: refused whole, while the even ones around it commit.
        var calls = Enumerable.Range(0, 20)
            .Select(i => grain.UpdateAsync(new OrganizationPatch($"Mixed {i}", i % 2 == 1 ? "platinum" : null, null, null), admin.Id))
            .ToArray();
        var settled = await Task.WhenAll(calls.Select(async c => { try { return (await c).Name; } catch (ProblemException e) when (e.Status == 400) { return null; } }));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? $"Mixed {i}" : null), settled);
        await silo.Cluster.DeactivateAsync(grain);
        var org = await grain.GetAsync();
        Assert.Equal("standard", org.Plan);
        Assert.Matches("^Mixed [0-9]*[02468]$", org.Name);
        await using var connection = await silo.OpenDatabaseAsync();
        Assert.Equal(11, await AuditRowsAsync(connection, orgId));
    }

    [Fact]
    public async Task AWriteThatMeetsANewerVersionFailsEveryCallStagedOnItAndKeepsNoneOfThem()
    {
        var (orgId, admin, _) = await Orgs.CreateAsync(silo.Grains);
        var grain = silo.Grains.Grain<IOrganizationGrain>(orgId);
        await grain.GetAsync();
        await using var connection = await silo.OpenDatabaseAsync();
        // Another activation (on a silo this one lost touch with) wrote meanwhile.
        Assert.Equal(1, await connection.ExecuteAsync($"UPDATE OrleansStorage SET Version = Version + 1 WHERE {OrganizationRow}", new { orgId }));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                return (await grain.UpdateAsync(new OrganizationPatch($"Stale {i}", null, null, null), admin.Id)).Name;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        }));

        // The stale activation wrote nothing and deactivated; the next one reads the stored state.
        Assert.Contains(outcomes, o => o is null);
        var reread = await Eventually.GetAsync(() => grain.GetAsync(), o => o.Name == "Grain Org" || outcomes.Contains(o.Name), TimeSpan.FromSeconds(10), "a state some call made durable");
        Assert.True(reread.Exists);
        var audited = (await connection.QueryAsync<string>("SELECT changes FROM audit_log WHERE org_id = @orgId AND action = 'update'", new { orgId })).ToList();
        Assert.Equal(outcomes.Count(o => o is not null), audited.Count);
        var renamed = await grain.UpdateAsync(new OrganizationPatch("After", null, null, null), admin.Id);
        Assert.Equal("After", renamed.Name);
    }

    [Fact]
    public async Task AnUnknownOrganizationIsNotFound()
    {
        var grain = silo.Grains.Grain<IOrganizationGrain>(Ids.New());
        Assert.False((await grain.GetAsync()).Exists);
        var missing = await Assert.ThrowsAsync<ProblemException>(() => grain.UpdateAsync(new OrganizationPatch("x", null, null, null), "someone"));
        Assert.Equal(404, missing.Status);
    }

    // Orleans keys the row by hashes of the grain ID; the organization's ID is in its stored JSON.
    private const string OrganizationRow = "GrainTypeString = 'organization' AND CAST(PayloadBinary AS TEXT) LIKE '%\"' || @orgId || '\"%'";

    private static Task<int> StoredVersionAsync(System.Data.Common.DbConnection connection, string orgId) =>
        connection.ExecuteScalarAsync<int>($"SELECT Version FROM OrleansStorage WHERE {OrganizationRow}", new { orgId });

    private static Task<int> AuditRowsAsync(System.Data.Common.DbConnection connection, string orgId) =>
        connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM audit_log WHERE org_id = @orgId", new { orgId });
}

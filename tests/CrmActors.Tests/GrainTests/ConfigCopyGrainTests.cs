using CrmActors.Grains.Common;
using CrmActors.Grains.ConfigCopy;
using Dapper;
using CrmActors.Tests.Support;

namespace CrmActors.Tests.GrainTests;

/// <summary>Copy keys (24-hour validity, one use, revocation), the target's inbox and a transfer's decisions.</summary>
[Collection(GrainCollection.Name)]
public sealed class ConfigCopyGrainTests(GrainCluster silo)
{
    [Fact]
    public async Task AKeyAdmitsOneCopyAndExpiresByItsReminderAfterADay()
    {
        var (target, admin, _) = await Orgs.CreateAsync(silo.Grains);
        var used = await IssueAsync(target, admin.Id);
        Assert.Equal(CopyKeyStatus.Used, (await used.RedeemAsync("source-org", "transfer-1")).Status);
        Assert.Equal("used", (await Assert.ThrowsAsync<ProblemException>(() => used.RedeemAsync("source-org", "transfer-2"))).Extensions["reason"]?.ToString());

        var expiring = await IssueAsync(target, admin.Id);
        var issued = await expiring.GetAsync();
        Assert.Equal(issued.IssuedAt.AddHours(24), issued.ExpiresAt);
        Assert.Equal(1, await RemindersOfAsync(expiring));

        silo.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await silo.Grains.DeliverAsync(expiring, CopyKeyGrain.ExpiryReminder, silo.Clock);
        Assert.Equal(CopyKeyStatus.Expired, (await expiring.GetAsync()).Status);
        Assert.Equal(0, await RemindersOfAsync(expiring));
        Assert.Equal("expired", (await Assert.ThrowsAsync<ProblemException>(() => expiring.RedeemAsync("source-org", "transfer-3"))).Extensions["reason"]?.ToString());
    }

    [Fact]
    public async Task ANewKeyReplacesTheInboxsCurrentKeyAndTheOldOneCannotBeUsed()
    {
        var (target, admin, _) = await Orgs.CreateAsync(silo.Grains);
        var inbox = silo.Grains.Grain<IConfigCopyInboxGrain>(target);
        var first = Ids.Sha256(Ids.NewSecret());
        var second = Ids.Sha256(Ids.NewSecret());
        await silo.Grains.Grain<ICopyKeyGrain>(first).IssueAsync(target, admin.Id);
        Assert.Null(await inbox.ReplaceKeyAsync(first, silo.Clock.GetUtcNow().AddDays(1), admin.Id));
        await silo.Grains.Grain<ICopyKeyGrain>(second).IssueAsync(target, admin.Id);
        Assert.Equal(first, await inbox.ReplaceKeyAsync(second, silo.Clock.GetUtcNow().AddDays(1), admin.Id));

        // The replacement never revoked the first key (say its caller died): the inbox still tells it is stale.
        var stale = await Assert.ThrowsAsync<ProblemException>(() => silo.Grains.Grain<ICopyKeyGrain>(first).RedeemAsync("source-org", "t"));
        Assert.Equal("revoked", stale.Extensions["reason"]?.ToString());
        Assert.Equal(second, (await inbox.GetAsync()).CurrentKeyHash);
    }

    [Fact]
    public async Task TheInboxListsOnlyTransfersThatExistTheNewestFirst()
    {
        var (target, admin, _) = await Orgs.CreateAsync(silo.Grains);
        var inbox = silo.Grains.Grain<IConfigCopyInboxGrain>(target);
        var received = Ids.New();
        await inbox.AddTransferAsync(received);
        await silo.Grains.Grain<IConfigTransferGrain>(received)
            .ReceiveAsync(new IncomingTransfer("source-org", "Source", "someone", target, new ConfigurationPackage([], [], [], [], [], [])));

        // A send whose silo died after the inbox took the ID and before the transfer was received: the key is spent, nothing shows.
        await inbox.AddTransferAsync(Ids.New());
        var org = await silo.Grains.Grain<CrmActors.Grains.Organizations.IOrganizationGrain>(target).GetAsync();
        var listed = await new ConfigCopyService(silo.Grains).ListIncomingAsync(new CrmActors.Grains.Records.Actor(org, org.User(admin.Id)!));
        Assert.Equal([received], listed.Select(t => t.Id));
    }

    [Fact]
    public async Task ATransferIsReceivedOnceAndDecidedOnce()
    {
        var (target, admin, _) = await Orgs.CreateAsync(silo.Grains);
        var transfer = silo.Grains.Grain<IConfigTransferGrain>(Ids.New());
        var package = new ConfigurationPackage([], [], [], [], [], []);
        var received = await transfer.ReceiveAsync(new IncomingTransfer("source-org", "Source", "someone", target, package));
        var again = await transfer.ReceiveAsync(new IncomingTransfer("other-org", "Other", "someone", target, package));
        Assert.Equal(("source-org", TransferStatus.Pending), (again.SourceOrgId, again.Status));
        Assert.Equal(received.ReceivedAt, again.ReceivedAt);

        Assert.Equal(404, (await Assert.ThrowsAsync<ProblemException>(() => transfer.RejectAsync("another-target", admin.Id))).Status);
        Assert.Equal(TransferStatus.Rejected, (await transfer.RejectAsync(target, admin.Id)).Status);
        Assert.Equal(409, (await Assert.ThrowsAsync<ProblemException>(() => transfer.ApproveAsync(target, admin.Id))).Status);
    }

    /// <summary>Issues a key and makes it the target's current one, as the API does.</summary>
    private async Task<ICopyKeyGrain> IssueAsync(string target, string adminId)
    {
        var hash = Ids.Sha256(Ids.NewSecret());
        var key = silo.Grains.Grain<ICopyKeyGrain>(hash);
        var issued = await key.IssueAsync(target, adminId);
        await silo.Grains.Grain<IConfigCopyInboxGrain>(target).ReplaceKeyAsync(hash, issued.ExpiresAt, adminId);
        return key;
    }

    private async Task<int> RemindersOfAsync(ICopyKeyGrain key)
    {
        await using var connection = await silo.OpenDatabaseAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM OrleansRemindersTable WHERE GrainId = @id", new { id = key.GetGrainId().ToString() });
    }
}

using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.ContactSync.CardDav;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Outbound;
using CrmActors.Grains.Records;
using CrmActors.Grains.Runs;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// One sync run of a pair, on any silo. Everything it writes is durable as it goes (a CRM record with its
/// link in one transaction, a card's link right after its PUT), so an attempt that resumes after its
/// silo died re-reads both sides and continues without a duplicate: created cards have UIDs derived from
/// the record, and cards and records are matched by link, by that UID and by e-mail before anything is created.
/// </summary>
public sealed class ContactSyncJob(
    IGrainFactory grains,
    SyncLinkStore links,
    SyncCrmSide crm,
    ContactSyncSecrets secrets,
    OutboundTargets targets,
    IOptions<ContactSyncOptions> options,
    TimeProvider clock,
    ILogger<ContactSyncJob> logger) : IRunHandler
{
    public const string JobKind = "contact-sync.run";

    public sealed record Payload(string PairId);

    public string Kind => JobKind;

    public async Task<string?> RunAsync(RunContext context)
    {
        var pairGrain = grains.Grain<ISyncPairGrain>(context.Payload<Payload>().PairId);
        if (await pairGrain.BeginRunAsync(context.RunId) is not { } pair)
        {
            // A run resumed after its pair was deleted: an earlier attempt may have committed links after the deletion's cleanup.
            if (await pairGrain.GetAsync() is { Deleted: true, Id: { } deletedId } deleted)
            {
                await links.DeletePairAsync(deleted.OrgId, deletedId);
            }

            return JsonSerializer.Serialize(new { stale = true });
        }

        SyncPass? pass = null;
        SyncRunOutcome outcome;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(options.Value.RunTimeout);
        try
        {
            var org = await grains.Grain<IOrganizationGrain>(pair.OrgId).GetAsync();
            var actor = OwnerOf(org, pair);
            using var client = CardDavClient.Create(targets, secrets.Credentials(pair.Remote), ClientOptions);
            pass = new SyncPass(context, pair, actor, client, links, crm, options.Value, clock, async () => (await pairGrain.GetAsync()).Exists, deadline.Token);
            outcome = await pass.RunAsync();
        }
        catch (Exception e) when (e is CardDavException or ProblemException or CryptographicException
            || (e is OperationCanceledException && deadline.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested))
        {
            logger.LogInformation("Contact sync run {Run} of pair {Pair} failed: {Reason}", context.RunId, pair.Id, e.Message);
            outcome = (pass?.Outcome() ?? new SyncRunOutcome { RunId = context.RunId }) with { Failure = Describe(e) };
        }

        await pairGrain.CompleteRunAsync(outcome);
        return JsonSerializer.Serialize(outcome.Counts);
    }

    public Task OnFailedAsync(RunContext context, string error) =>
        grains.Grain<ISyncPairGrain>(context.Payload<Payload>().PairId).CompleteRunAsync(new SyncRunOutcome { RunId = context.RunId, Failure = error });

    private CardDavClientOptions ClientOptions => new() { RequestTimeout = options.Value.RequestTimeout, MaxResponseBytes = options.Value.MaxResponseBytes };

    /// <summary>The pair's owner as they are now: deactivated or without the permission, the pair stops syncing until it is fixed.</summary>
    private static Actor OwnerOf(OrganizationState org, SyncPairState pair)
    {
        var user = org.User(pair.UserId);
        if (user is not { Active: true })
        {
            throw new ProblemException(409, "sync-owner-inactive", "The pair's owner is deactivated; the pair does not sync until they are activated again.");
        }

        if (!user.HasFeature(FeaturePermissions.ContactSync) || !user.Can(pair.Module, ModuleAction.View))
        {
            throw new ProblemException(409, "sync-permission-lost", $"The pair's owner no longer has the contact_sync permission or may not view {pair.Module}.");
        }

        return new Actor(org, user);
    }

    private string Describe(Exception e) => e switch
    {
        OperationCanceledException =>
            $"sync-run-timeout: The run took longer than {options.Value.RunTimeout.TotalMinutes:0.#} minutes (ContactSync:RunTimeout) and stopped; what it wrote is kept, and the next run goes on from there.",
        CardDavException dav => $"{CardDavProblems.Code(dav.Error)}: {dav.Message}",
        ProblemException problem => $"{problem.Code}: {problem.Message}",
        _ => "The stored credentials cannot be decrypted (the Data Protection key ring changed); enter the password or token again.",
    };
}

using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Archive;
using CrmActors.Grains.MailAddOn.Linking;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.MailAddOn.Pop3;
using CrmActors.Grains.MailAddOn.Store;
using CrmActors.Grains.Outbound;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.MailAddOn.Mailboxes;

/// <summary>
/// Backs up one deactivated user's POP3 mailbox on whichever silo runs it: every message not yet recorded
/// is streamed to the blob store, parsed, linked to the records its addresses match, and written in
/// fenced batches. The <c>mail_messages</c> rows are the checkpoint: a resumed attempt skips every key
/// they hold and downloads the rest again, over any blob a crash left without its row.
/// </summary>
public sealed class MailBackupJob(
    IGrainFactory grains, MailArchive archive, MailSecrets secrets, OutboundTargets targets, StorageOptions storage,
    IOptions<MailAddOnOptions> options, TimeProvider clock, ILoggerFactory loggers) : IRunHandler
{
    public sealed record Payload(string OrgId, string UserId, string BackupId);

    public string Kind => MailboxGrain.BackupRunKind;

    /// <summary>Where an org's mail blobs live: <c>{blob root}/orgs/{org}/mail/{user}/…</c>.</summary>
    public static string StoreRoot(string blobRoot, string orgId) => Path.Combine(blobRoot, "orgs", orgId, "mail");

    public async Task<string?> RunAsync(RunContext context)
    {
        var payload = context.Payload<Payload>();
        var mailbox = grains.Grain<IMailboxGrain>(MailboxKeys.Of(payload.OrgId, payload.UserId));
        if (await mailbox.GetBackupSourceAsync(payload.BackupId) is not { } source)
        {
            return """{"backedUp":false,"reason":"the backup is no longer running"}""";
        }

        var started = (await mailbox.GetAsync()).Backups.First(b => b.Id == payload.BackupId).StartedAt;
        var row = new MailBackupRow(payload.BackupId, payload.OrgId, payload.UserId, source.Kind, MailBackupStatuses.Running, started, null,
            new MailBackupCounts(0, 0, 0, 0, 0, 0, 0, 0), null);
        async Task<bool> UserActiveAsync() => (await grains.Grain<IOrganizationGrain>(payload.OrgId).GetAsync()).User(payload.UserId) is { Active: true };
        if (await UserActiveAsync())
        {
            // Reactivated while the backup waited for its run (or between attempts): only a deactivated user's mailbox is backed up.
            const string Reactivated = "The user was reactivated before the backup ran; only a deactivated user's mailbox is backed up.";
            await FinishAsync(mailbox, row, null, Reactivated);
            return JsonSerializer.Serialize(new { backedUp = false, reason = Reactivated });
        }

        await archive.SaveBackupAsync(row, clock.GetUtcNow());

        var o = options.Value;
        // Not durable per message: the writer flushes each batch's blobs just before the batch's rows commit.
        var store = new MailFolderStore(StoreRoot(storage.ResolvedBlobRoot, payload.OrgId), durable: false);
        var fetchOptions = new Pop3FetchOptions { ConnectTimeout = o.ConnectTimeout, CommandTimeout = o.CommandTimeout, TotalTimeout = o.TotalTimeout, MaxMessageBytes = o.MaxMessageBytes };
        var fetcher = new MailboxFetcher(targets, store, fetchOptions, loggers.CreateLogger<MailboxFetcher>());
        var settings = source.Settings;
        var pop3 = new Pop3Mailbox(payload.UserId, settings.Host, settings.Port, MailboxSettingsRules.ToPop3Tls(settings.Tls), settings.Login, secrets.Unprotect(source.ProtectedPassword));
        var accountType = MailAccountTypes.FromApi(settings.AccountType)!.Value;

        var recorded = await archive.KeysAsync(payload.OrgId, payload.UserId, context.CancellationToken);
        foreach (var (key, _) in recorded.Where(r => !r.Value))
        {
            // A share_related message that matched no record: a crash may have left its bytes behind.
            File.Delete(store.PathOf(payload.UserId, MessageKey.Parse(key)));
        }

        await using var writer = new MailBackupWriter(context, archive, store, row, accountType, storage.ResolvedBlobRoot, o, clock, loggers.CreateLogger<MailBackupJob>(), UserActiveAsync);
        MailboxFetchResult result;
        try
        {
            result = await fetcher.FetchAsync(pop3, recorded.Keys.Select(MessageKey.Parse).ToHashSet(), writer.EnqueueAsync, writer.Token);
            await writer.CompleteAsync();
        }
        catch (OperationCanceledException) when (writer.Failed)
        {
            // The fetch stopped because a write failed (e.g. a later attempt took the run over): that failure is the reason.
            await writer.CompleteAsync();
            throw;
        }
        catch (MailboxFetchException failure) when (IsPermanent(failure.Failure))
        {
            // Retrying a refused login or certificate only repeats the refusal (and may lock the account): fail now.
            await writer.CompleteAsync();
            await FinishAsync(mailbox, row, null, failure.Message);
            return JsonSerializer.Serialize(new { backedUp = false, reason = failure.Message });
        }
        catch (MailboxFetchException failure)
        {
            // The run is retried; after the last attempt OnFailedAsync records this reason.
            await writer.CompleteAsync();
            throw new ProblemException(502, "mail-server-unavailable", failure.Message);
        }

        var counts = await archive.CountAsync(payload.OrgId, payload.BackupId, result.OnServer, result.Fetched, result.Refused);
        await FinishAsync(mailbox, row, counts, null);
        return JsonSerializer.Serialize(new { backedUp = true, counts });
    }

    public async Task OnFailedAsync(RunContext context, string error)
    {
        var payload = context.Payload<Payload>();
        var mailbox = grains.Grain<IMailboxGrain>(MailboxKeys.Of(payload.OrgId, payload.UserId));
        if ((await mailbox.GetAsync()).Backups.FirstOrDefault(b => b.Id == payload.BackupId) is { } backup)
        {
            await FinishAsync(mailbox, new MailBackupRow(payload.BackupId, payload.OrgId, payload.UserId, backup.Kind, backup.Status, backup.StartedAt, null,
                new MailBackupCounts(0, 0, 0, 0, 0, 0, 0, 0), null), null, error);
        }
    }

    /// <summary>
    /// The dashboards' row first, then the mailbox: a silo that dies between the two leaves the backup running in the
    /// mailbox, so the resumed run finishes it again (the row keeps its first ending). The other order left the row
    /// "running" for good, as the resumed run found the backup no longer running and stopped.
    /// </summary>
    private async Task FinishAsync(IMailboxGrain mailbox, MailBackupRow row, MailBackupCounts? counts, string? error)
    {
        await archive.SaveBackupAsync(row with
        {
            Status = error is null ? MailBackupStatuses.Completed : MailBackupStatuses.Failed,
            FinishedAt = clock.GetUtcNow(),
            Counts = counts ?? row.Counts,
            Error = error,
        }, clock.GetUtcNow());
        await mailbox.FinishBackupAsync(row.BackupId, counts, error);
    }

    private static bool IsPermanent(MailboxFetchFailure failure) =>
        failure is MailboxFetchFailure.Authentication or MailboxFetchFailure.TargetRefused or MailboxFetchFailure.Tls or MailboxFetchFailure.Protocol;
}

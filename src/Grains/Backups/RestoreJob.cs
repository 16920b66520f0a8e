using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Runs a restore: plans (first pass, no writes, every file read checked against the manifest), then writes
/// records and files in batches that each commit with the resume cursor. A resumed job re-plans and
/// continues after the last committed batch. An unusable backup fails the restore at once, untouched.
/// </summary>
public sealed class RestoreJob(
    IDatabase database, RecordStore records, RestoreStore restores, IBlobStore blobs, IGrainFactory grains, IOptions<BackupOptions> options, TimeProvider clock,
    ILogger<RestoreJob> logger)
    : IRunHandler
{
    public string Kind => BackupConstants.RestoreJobKind;

    public async Task<string?> RunAsync(RunContext context)
    {
        var payload = context.Payload<RestoreJobPayload>();
        var restore = await restores.GetAsync(payload.OrgId, payload.RestoreId);
        if (restore is null || restore.Status is RestoreStatuses.Completed or RestoreStatuses.Failed)
        {
            return null;
        }

        await restores.MarkRunningAsync(restore.OrgId, restore.Id, clock.GetUtcNow());
        var org = await grains.Grain<IOrganizationGrain>(restore.OrgId).GetAsync();
        var cancellationToken = context.CancellationToken;
        RestoreSource source;
        RestorePlan plan;
        var started = Stopwatch.GetTimestamp();
        try
        {
            source = await RestoreSource.OpenAsync(blobs, restore.DataParts, restore.AttachmentParts);
            plan = await new RestorePlanner(database, source, org, restore, clock).PlanAsync(cancellationToken);
        }
        catch (InvalidBackupException invalid)
        {
            await FinishAsync(restore, RestoreStatuses.Failed, invalid.Message);
            return null;
        }

        using (source)
        await using (plan)
        {
            var planned = Stopwatch.GetTimestamp();
            var progress = new RestoreProgress(restore, context);
            var batch = Math.Max(1, options.Value.RestoreBatchSize);
            await new RestoreRecordWriter(database, records, source, plan, org, restore, progress, clock, batch).WriteAsync(cancellationToken);
            var written = Stopwatch.GetTimestamp();
            await new RestoreFileWriter(database, blobs, source, plan, org, restore, progress, Math.Max(1, batch / 10)).WriteAsync(cancellationToken);
            await context.SaveCheckpointAsync(progress.Cursor, 1);
            var counts = progress.Counts;
            logger.LogInformation("Restore {RestoreId} of org {OrgId}: planned in {Plan:F2} s ({Restored} rows restored, {Remaps} IDs remapped), records written in {Records:F2} s, files in {Files:F2} s",
                restore.Id, restore.OrgId, Stopwatch.GetElapsedTime(started, planned).TotalSeconds, counts.Created + counts.Updated + counts.Skipped, counts.Remapped,
                Stopwatch.GetElapsedTime(planned, written).TotalSeconds, Stopwatch.GetElapsedTime(written).TotalSeconds);
        }

        if (!restore.DryRun)
        {
            await restores.DropEmptyRecycleBinEntriesAsync(restore.OrgId);
        }

        await FinishAsync(restore, RestoreStatuses.Completed, null);
        return null;
    }

    public async Task OnFailedAsync(RunContext context, string error)
    {
        var payload = context.Payload<RestoreJobPayload>();
        if (await restores.GetAsync(payload.OrgId, payload.RestoreId) is { } restore)
        {
            await FinishAsync(restore, RestoreStatuses.Failed, error);
        }
    }

    private async Task FinishAsync(RestoreRow restore, string status, string? error)
    {
        await restores.FinishAsync(restore.OrgId, restore.Id, status, error, clock.GetUtcNow());
        if (restore.BackupId is null)
        {
            // An uploaded backup served this restore only.
            blobs.DeleteFolder(BackupConstants.UploadFolder(restore.OrgId, restore.Id));
        }
    }
}

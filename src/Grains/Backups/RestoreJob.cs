using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Runs a restore: plans (first pass, no writes, every file read checked against the manifest), then writes
/// records and, at the same time, files, each in batches that commit with its part of the resume cursor. A resumed
/// job re-plans and each writer continues after its last committed batch. An unusable backup fails the restore at once, untouched.
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
            var batch = Math.Max(1, options.Value.RestoreBatchSize);
            var remapItems = Math.Max(0, options.Value.RestoreRemapItems);
            // For progress: the rows the manifest says each module and the file links have (an uploaded one may be wrong; progress stops at 99%).
            var expected = plan.Modules.Sum(m => m.Backup.Rows) + source.Manifest.Files.Where(f => f.Kind == "files").Sum(f => f.Rows);
            // The files are written beside the records, from a source of their own: a ZIP is read by one reader at a time.
            using var fileSource = await RestoreSource.OpenAsync(blobs, restore.DataParts, restore.AttachmentParts);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            async Task<double> WriteAsync(Func<Task> write)
            {
                try
                {
                    await Task.Run(write, stop.Token);
                    return Stopwatch.GetElapsedTime(planned).TotalSeconds;
                }
                catch
                {
                    // A writer that fails stops the other.
                    await stop.CancelAsync();
                    throw;
                }
            }

            var writers = new[]
            {
                WriteAsync(() => new RestoreRecordWriter(database, records, source, plan, org, restore, new RestoreProgress(restore, context, expected, remapItems), clock, batch).WriteAsync(stop.Token)),
                WriteAsync(() => new RestoreFileWriter(database, blobs, fileSource, plan, org, restore, new RestoreProgress(restore, context, expected, remapItems), Math.Max(1, batch / 10)).WriteAsync(stop.Token)),
            };
            double[] seconds;
            try
            {
                seconds = await Task.WhenAll(writers);
            }
            catch
            {
                // The writer that failed says why, not the one it stopped.
                var errors = writers.Where(w => w.IsFaulted).Select(w => w.Exception!.InnerException!).ToList();
                if (errors.FirstOrDefault(e => e is not OperationCanceledException) is { } cause)
                {
                    ExceptionDispatchInfo.Throw(cause);
                }

                throw;
            }

            var saved = (await restores.GetAsync(restore.OrgId, restore.Id))!;
            await context.SaveCheckpointAsync(RestoreCursor.Parse(saved.Cursor), 1);
            var counts = saved.Counts;
            logger.LogInformation("Restore {RestoreId} of org {OrgId}: planned in {Plan:F2} s ({Restored} rows restored, {Remaps} IDs remapped), records written in {Records:F2} s, files in {Files:F2} s beside them",
                restore.Id, restore.OrgId, Stopwatch.GetElapsedTime(started, planned).TotalSeconds, counts.Created + counts.Updated + counts.Skipped, counts.Remapped,
                seconds[0], seconds[1]);
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

        try
        {
            await restores.PruneAsync(restore.OrgId, Math.Max(1, options.Value.RestoresKept));
        }
        catch (Exception e)
        {
            // The restore is done either way; the next one to finish prunes again.
            logger.LogWarning(e, "Pruning old restores of org {OrgId} failed", restore.OrgId);
        }
    }
}

using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Runs;
using Microsoft.Extensions.Logging;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Runs one backup on whichever node claims it. Every attempt writes a fresh run folder and publishes
/// it through the grain only at the end, so a node that dies mid-way leaves nothing visible; the node
/// that resumes simply runs again, and only the first finished run becomes the ready backup.
/// </summary>
public sealed class BackupJob(IGrainFactory grains, BackupExporter exporter, IBlobStore blobs, ILogger<BackupJob> logger) : IRunHandler
{
    public sealed record Checkpoint(string RunId, int Attempt);

    public string Kind => BackupConstants.BackupJobKind;

    public async Task<string?> RunAsync(RunContext context)
    {
        var payload = context.Payload<BackupJobPayload>();
        var grain = grains.Grain<IBackupScheduleGrain>(payload.OrgId);
        var runId = Ids.New();
        if (context.Checkpoint<Checkpoint>() is { } previous)
        {
            logger.LogInformation("Backup {BackupId} resumes after run {RunId} stopped; it starts over as run {NewRun}", payload.BackupId, previous.RunId, runId);
        }

        await context.SaveCheckpointAsync(new Checkpoint(runId, context.Attempt), 0);
        if (!await grain.MarkRunningAsync(payload.BackupId, runId))
        {
            return """{"published":false,"reason":"the backup is no longer waiting to run"}""";
        }

        var org = await grains.Grain<IOrganizationGrain>(payload.OrgId).GetAsync();
        var backupFolder = BackupConstants.BackupFolder(payload.OrgId, payload.BackupId);
        var runFolder = $"{backupFolder}/{runId}";
        BackupOutput output;
        try
        {
            output = await exporter.ExportAsync(org, payload.BackupId, runFolder, progress => context.ReportProgressAsync(progress), context.CancellationToken);
        }
        catch
        {
            blobs.DeleteFolder(runFolder);
            throw;
        }

        if (!await grain.MarkReadyAsync(payload.BackupId, runId, output.Files, output.Manifest))
        {
            blobs.DeleteFolder(runFolder);
            return """{"published":false,"reason":"another run was published first"}""";
        }

        // Runs of nodes that died before finishing left their parts here (or a folder a part was being moved into);
        // only the published run stays.
        foreach (var stale in blobs.Folders(backupFolder).Where(run => run != runId).ToList())
        {
            blobs.DeleteFolder($"{backupFolder}/{stale}");
        }

        return $$"""{"published":true,"runId":"{{runId}}","records":{{output.Manifest.Modules.Sum(m => m.Rows)}},"attachments":{{output.Manifest.Attachments.Count}}}""";
    }

    public Task OnFailedAsync(RunContext context, string error)
    {
        var payload = context.Payload<BackupJobPayload>();
        return grains.Grain<IBackupScheduleGrain>(payload.OrgId).MarkFailedAsync(payload.BackupId, error);
    }
}

using CrmActors.Grains.Audit;
using CrmActors.Grains.RecycleBin;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Runs;
using Microsoft.Extensions.Logging;

namespace CrmActors.Grains.Maintenance;

/// <summary>
/// Deletes audit entries and recycle-bin batches past their 60 days, and temporary files of blob
/// writes abandoned by killed nodes. Idempotent: rerunning purges nothing more.
/// </summary>
public sealed class PurgeJob(AuditLog audit, RecycleBinService recycleBin, IBlobStore blobs, TimeProvider clock, ILogger<PurgeJob> logger) : IRunHandler
{
    public const string JobKind = "maintenance.purge";

    public sealed record Payload(DateTimeOffset Occurrence);

    public string Kind => JobKind;

    public async Task<string?> RunAsync(RunContext context)
    {
        var now = clock.GetUtcNow();
        var entries = await audit.PurgeAsync(now);
        var records = await recycleBin.PurgeExpiredAsync(now);
        var abandoned = blobs.DeleteAbandonedWrites(TimeSpan.FromDays(1));
        logger.LogInformation("Purged {Entries} audit entries, {Records} recycled records and {Abandoned} abandoned blob writes", entries, records, abandoned);
        return $"{{\"auditEntries\":{entries},\"records\":{records},\"abandonedWrites\":{abandoned}}}";
    }

    public Task OnFailedAsync(RunContext context, string error) => Task.CompletedTask;
}

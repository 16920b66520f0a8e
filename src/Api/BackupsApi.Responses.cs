using System.Text.Json;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Backups;
using Microsoft.AspNetCore.Http;

namespace CrmActors.Api;

public static partial class BackupsApi
{
    public sealed record SummaryResponse(string? Frequency, string Status, DateTimeOffset? NextBackupAt, object? Schedule, QuotaResponse Quota, string? LatestBackupId);

    public sealed record QuotaResponse(string Month, int Included, int Used, int Purchased, int Remaining, int ReservedForSchedule, bool WeeklySubscription);

    public sealed record HistoryResponse(DateTimeOffset At, string Kind, string? UserId, JsonElement Details);

    public sealed record FileResponse(string Name, string Kind, long Size, string Sha256, string? Url);

    public sealed record BackupResponse(
        string Id, string Status, string Trigger, DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? ReadyAt, DateTimeOffset? ExpiresAt,
        string? Reason, IReadOnlyList<string> Data, IReadOnlyList<string> Attachments, IReadOnlyList<FileResponse> Files, BackupManifest? Manifest);

    public static SummaryResponse AsResponse(this BackupSummary summary) => new(
        summary.Frequency, summary.Status, summary.NextBackupAt, summary.Schedule is null ? null : BackupSchedules.Describe(summary.Schedule),
        new QuotaResponse(summary.Quota.Month, summary.Quota.Included, summary.Quota.Used, summary.Quota.Purchased, summary.Quota.Remaining,
            summary.Quota.ReservedForSchedule, summary.Quota.WeeklySubscription),
        summary.LatestBackupId);

    /// <summary>The backup with a signed link per file while it can be downloaded; links end when the backup expires.</summary>
    public static async Task<BackupResponse> AsResponseAsync(this BackupEntry backup, HttpContext http, DownloadLinks links, DateTimeOffset now)
    {
        var files = new List<FileResponse>();
        foreach (var file in backup.Files)
        {
            string? url = null;
            if (backup.IsDownloadable(now))
            {
                var token = await links.CreateTokenAsync(new DownloadGrant(http.Actor().OrgId, backup.Id, file.Name, backup.ExpiresAt!.Value));
                url = $"{PublicUrls.Base(http)}/api/downloads/{token}";
            }

            files.Add(new FileResponse(file.Name, file.Kind, file.Size, file.Sha256, url));
        }

        return new BackupResponse(
            backup.Id, backup.Status, backup.Trigger, backup.RequestedAt, backup.StartedAt, backup.ReadyAt, backup.ExpiresAt, backup.Reason,
            [.. files.Where(f => f is { Kind: BackupFileKinds.Data, Url: not null }).Select(f => f.Url!)],
            [.. files.Where(f => f is { Kind: BackupFileKinds.Attachments, Url: not null }).Select(f => f.Url!)],
            files, backup.Manifest);
    }
}

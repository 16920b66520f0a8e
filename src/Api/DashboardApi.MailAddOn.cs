using CrmActors.Grains.Common;
using CrmActors.Grains.MailAddOn.Archive;
using CrmActors.Grains.MailAddOn.Mailboxes;
using CrmActors.Grains.Organizations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans;

namespace CrmActors.Api;

/// <summary>The dashboard's mailbox backups: each organization's latest backups with their state and counts.</summary>
public static partial class DashboardApi
{
    private const int MailBackupsShown = 100;

    public sealed record OrgMailBackups(string OrgId, string Name, IReadOnlyList<MailBackupEntry> Backups);

    public sealed record MailBackupEntry(
        string Id, string UserId, string? UserEmail, string Kind, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
        MailBackupCounts Counts, string? Error);

    private static async Task<Ok<List<OrgMailBackups>>> GetMailBackupsAsync(HttpContext http, MailArchive archive, OrganizationDirectory directory, IGrainFactory grains)
    {
        var orgId = ViewerOrg(http);
        var orgIds = orgId is null ? await directory.RecentAsync(OperatorOrganizations) : [orgId];
        var rows = await archive.BackupsAsync([.. orgIds], MailBackupsShown);
        var result = new List<OrgMailBackups>();
        foreach (var group in rows.GroupBy(r => r.OrgId))
        {
            var org = await grains.Grain<IOrganizationGrain>(group.Key).GetAsync();
            result.Add(new OrgMailBackups(group.Key, org.Name, [.. group.Select(r => new MailBackupEntry(
                r.BackupId, r.UserId, org.User(r.UserId)?.Email, r.Kind, r.Status, r.StartedAt, r.FinishedAt, r.Counts, r.Error))]));
        }

        return TypedResults.Ok(result);
    }
}

using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Organizations;
using Orleans;

namespace CrmActors.Api;

/// <summary>The dashboard's per-organization view: backup schedule and latest backup, incoming configuration copies.</summary>
public static partial class DashboardApi
{
    /// <summary>How many organizations (most recently changed first) the operator's dashboard lists.</summary>
    public const int OperatorOrganizations = 25;

    private const int CopiesShown = 5;

    public sealed record Organization(string Id, string Name, string Plan, BackupStatus Backup, IReadOnlyList<CopyStatus> ConfigCopies);

    public sealed record BackupStatus(
        string? Frequency, string Status, DateTimeOffset? NextBackupAt, int QuotaRemaining, string? LatestBackupId, string? LatestStatus, DateTimeOffset? LatestExpiresAt);

    public sealed record CopyStatus(string Id, string SourceOrgName, string Status, DateTimeOffset ReceivedAt, string? FailureReason);

    private static async Task<IReadOnlyList<Organization>> OrganizationsAsync(IReadOnlyList<string> orgIds, IGrainFactory grains)
    {
        var organizations = new List<Organization>();
        foreach (var orgId in orgIds)
        {
            var org = await grains.Grain<IOrganizationGrain>(orgId).GetAsync();
            if (!org.Exists)
            {
                continue;
            }

            var backups = grains.Grain<IBackupScheduleGrain>(orgId);
            var summary = await backups.GetSummaryAsync();
            var latest = summary.LatestBackupId is { } latestId ? await backups.GetBackupAsync(latestId) : null;
            var inbox = await grains.Grain<IConfigCopyInboxGrain>(orgId).GetAsync();
            var copies = new List<CopyStatus>();
            foreach (var transferId in inbox.TransferIds.TakeLast(CopiesShown).Reverse())
            {
                // The inbox may name a transfer a send did not get to create (its silo died in between): there is none to show.
                if (await grains.Grain<IConfigTransferGrain>(transferId).GetAsync() is { Exists: true } transfer)
                {
                    copies.Add(new CopyStatus(transferId, transfer.SourceOrgName, transfer.Status, transfer.ReceivedAt, transfer.FailureReason));
                }
            }

            organizations.Add(new Organization(org.Id!, org.Name, org.Plan,
                new BackupStatus(summary.Frequency, summary.Status, summary.NextBackupAt, summary.Quota.Remaining, latest?.Id, latest?.Status, latest?.ExpiresAt),
                copies));
        }

        return organizations;
    }
}

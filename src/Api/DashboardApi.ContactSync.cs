using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.ContactSync.Sync;
using CrmActors.Grains.Organizations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans;

namespace CrmActors.Api;

/// <summary>The dashboard's contact-sync section: each organization's sync pairs with their last run and errors.</summary>
public static partial class DashboardApi
{
    public sealed record SyncPairRow(
        string OrgId, string OrgName, string PairId, string Module, string Owner, string Direction, bool Enabled, bool Running,
        DateTimeOffset? LastSyncAt, string? LastRunStatus, SyncCounts? LastCounts, IReadOnlyList<string> Errors);

    private static async Task<Ok<IReadOnlyList<SyncPairRow>>> GetSyncPairsAsync(HttpContext http, OrganizationDirectory directory, IGrainFactory grains)
    {
        IReadOnlyList<string> orgIds;
        if (OperatorOptions.IsOperator(http))
        {
            orgIds = await directory.RecentAsync(OperatorOrganizations);
        }
        else
        {
            var actor = CrmAuthentication.CurrentActor(http)
                ?? throw new ProblemException(401, ProblemCodes.Unauthorized, "Sign in with the operator key or an organization administrator's token.");
            orgIds = actor.User.IsAdmin ? [actor.OrgId] : throw ProblemException.Forbidden("The dashboard is for administrators.");
        }

        var rows = new List<SyncPairRow>();
        foreach (var orgId in orgIds)
        {
            var org = await grains.Grain<IOrganizationGrain>(orgId).GetAsync();
            foreach (var entry in org.Exists ? await grains.Grain<ISyncPairDirectoryGrain>(orgId).ListAsync() : [])
            {
                var pair = await grains.Grain<ISyncPairGrain>(entry.PairId).GetAsync();
                if (pair.Exists)
                {
                    rows.Add(new SyncPairRow(orgId, org.Name, pair.Id!, pair.Module, org.User(pair.UserId)?.Email ?? pair.UserId, pair.Direction, pair.Enabled,
                        pair.ActiveRunId is not null, pair.LastSyncAt, pair.LastRun?.Status, pair.LastRun?.Counts, pair.LastRun?.Errors ?? []));
                }
            }
        }

        return TypedResults.Ok<IReadOnlyList<SyncPairRow>>(rows);
    }
}

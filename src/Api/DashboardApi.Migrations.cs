using CrmActors.Grains.Common;
using CrmActors.Grains.Migrations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans;

namespace CrmActors.Api;

/// <summary>The dashboard's migrations: each organization's jobs with state, progress and the requester's latest notification.</summary>
public static partial class DashboardApi
{
    private const int MigrationsShown = 50;

    public sealed record MigrationRow(
        string OrgId, string Id, string Status, string SourceSystem, double Progress, long TotalBytes, int Files, DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt, DateTimeOffset? SecondPassAt, string? Notification);


    private static async Task<Ok<List<MigrationRow>>> GetMigrationsAsync(HttpContext http, MigrationRunStore runs, IGrainFactory grains)
    {
        var orgId = ViewerOrg(http);
        var rows = new List<MigrationRow>();
        foreach (var job in await runs.JobsAsync(orgId is null ? null : [orgId], MigrationsShown))
        {
            var state = await grains.Grain<IMigrationJobGrain>(job.Id).GetAsync(job.OrgId);
            rows.Add(new MigrationRow(job.OrgId, job.Id, state.Status, job.SourceSystem, job.Progress, job.TotalBytes, state.Files.Count, job.CreatedAt,
                job.UpdatedAt, state.SecondPassAt, state.Notifications.LastOrDefault()?.Message));
        }

        return TypedResults.Ok(rows);
    }
}

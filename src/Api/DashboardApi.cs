using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;
using Orleans.Runtime;

namespace CrmActors.Api;

/// <summary>
/// The data behind <c>/dashboard</c>: the cluster's silos and activations as Orleans's management
/// grain reports them, reminders, runs and per-organization status. The operator (X-Operator-Key or
/// the dashboard's operator cookie) sees the whole cluster; an org admin sees the silos and
/// activations, and only their own organization's reminders and runs. Computed only when asked.
/// </summary>
public static partial class DashboardApi
{
    public sealed record Node(string Id, string Name, string Address, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, string Status);

    public sealed record GrainType(string Type, int Activations, int Silos);

    public sealed record Reminder(string GrainType, string GrainKey, string Name, DateTimeOffset NextDue, TimeSpan Period);

    public sealed record Job(
        string Id, string Kind, string OwnerKey, string Status, string? Node, double Progress, int Attempts,
        DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt, string? Error);

    public sealed record Dashboard(
        string Scope, DateTimeOffset GeneratedAt, IReadOnlyList<Node> Nodes, IReadOnlyList<GrainType> Grains,
        IReadOnlyList<Reminder> Reminders, IReadOnlyList<Job> Jobs, IReadOnlyList<Organization> Organizations);

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dashboard", GetAsync).WithTags("Dashboard").AllowAnonymous();
        app.MapPost("/api/dashboard/operator-session", OperatorSession.SignIn).WithTags("Dashboard").AllowAnonymous();
        app.MapDelete("/api/dashboard/operator-session", OperatorSession.SignOut).WithTags("Dashboard").AllowAnonymous();
        app.MapGet("/api/dashboard/mail-backups", GetMailBackupsAsync).WithTags("Dashboard").AllowAnonymous();
        app.MapGet("/api/dashboard/migrations", GetMigrationsAsync).WithTags("Dashboard").AllowAnonymous();
        app.MapGet("/api/dashboard/sync-pairs", GetSyncPairsAsync).WithTags("Dashboard").AllowAnonymous();
        app.MapGet("/dashboard", () => TypedResults.Redirect("/dashboard/")).ExcludeFromDescription();
        return app;
    }

    private static async Task<Ok<Dashboard>> GetAsync(
        HttpContext http, ReminderDirectory reminders, RunTable runs, OrganizationDirectory directory, IGrainFactory grains, TimeProvider clock)
    {
        var orgId = ViewerOrg(http);
        var now = clock.GetUtcNow();
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var nodes = hosts
            .Where(h => h.Status == SiloStatus.Active || now - h.IAmAliveTime < TimeSpan.FromMinutes(10))
            .OrderBy(h => h.SiloName)
            .Select(h => new Node(h.SiloAddress.ToParsableString(), h.SiloName, h.SiloAddress.Endpoint.ToString(), h.StartTime, h.IAmAliveTime, NodeStatus(h.Status)))
            .ToList();
        var statistics = await management.GetSimpleGrainStatistics();
        var grainTypes = statistics
            .GroupBy(s => s.GrainType)
            .Select(g => new GrainType(ShortName(g.Key), g.Sum(s => s.ActivationCount), g.Select(s => s.SiloAddress).Distinct().Count()))
            .OrderBy(g => g.Type).ToList();
        var visibleReminders = (await reminders.ListAsync(orgId))
            .Select(r => new Reminder(r.GrainType, r.GrainKey, r.Name, r.NextDue(now), r.Period)).ToList();
        var visibleJobs = (await runs.ListAsync(orgId, 100))
            .Select(j => new Job(j.RunId, j.Kind, j.OwnerKey, j.Status, j.Silo, j.Progress, j.Attempts, j.RequestedAt, j.StartedAt, j.UpdatedAt, j.FinishedAt, j.Error))
            .ToList();
        var organizations = await OrganizationsAsync(orgId is null ? await directory.RecentAsync(OperatorOrganizations) : [orgId], grains);
        return TypedResults.Ok(new Dashboard(orgId ?? "cluster", now, nodes, grainTypes, visibleReminders, visibleJobs, organizations));
    }

    /// <summary>Null for the operator (the whole cluster), else the signed-in admin's organization; anyone else is refused.</summary>
    private static string? ViewerOrg(HttpContext http)
    {
        if (OperatorOptions.IsOperator(http))
        {
            return null;
        }

        var actor = CrmAuthentication.CurrentActor(http)
            ?? throw new ProblemException(401, ProblemCodes.Unauthorized, "Sign in with the operator key or an organization administrator's token.");
        return actor.User.IsAdmin ? actor.OrgId : throw ProblemException.Forbidden("The dashboard is for administrators.");
    }

    private static string NodeStatus(SiloStatus status) => status switch
    {
        SiloStatus.Active => "healthy",
        SiloStatus.Joining or SiloStatus.Created => "joining",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "stopping",
        SiloStatus.Dead => "dead",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>"CrmActors.Grains.Backups.BackupScheduleGrain,CrmActors.Grains" → "BackupScheduleGrain".</summary>
    private static string ShortName(string type)
    {
        var name = type.Split(',')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }
}

using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Hosting;
using CrmActors.Runtime.Jobs;
using CrmActors.Runtime.Reminders;
using CrmActors.Runtime.Silos;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace CrmActors.Api;

/// <summary>
/// The data behind <c>/dashboard</c>: nodes, grain metrics summed across nodes, reminders and jobs.
/// The operator (X-Operator-Key) sees the whole cluster; an org admin sees the nodes and grain
/// metrics, and only their own organization's reminders and jobs. Computed only when asked.
/// </summary>
public static partial class DashboardApi
{
    public sealed record Node(string Id, string Name, string Address, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, string Status);

    public sealed record GrainType(string Type, int Active, long Calls, long Errors, double AverageLatencyMs);

    public sealed record Reminder(string GrainType, string GrainKey, string Name, DateTimeOffset NextDue, DateTimeOffset? LastFired);

    public sealed record Job(
        string Id, string Kind, string GrainKey, string Status, string? Node, double Progress, int Attempts,
        DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error);

    public sealed record Dashboard(
        string Scope, DateTimeOffset GeneratedAt, IReadOnlyList<Node> Nodes, IReadOnlyList<GrainType> Grains,
        IReadOnlyList<Reminder> Reminders, IReadOnlyList<Job> Jobs, IReadOnlyList<Organization> Organizations);

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dashboard", GetAsync).WithTags("Dashboard").AllowAnonymous();
        app.MapGet("/dashboard", () => TypedResults.Redirect("/dashboard/")).ExcludeFromDescription();
        return app;
    }

    private static async Task<Ok<Dashboard>> GetAsync(
        HttpContext http, SiloRegistry silos, ReminderTable reminders, JobStore jobs, OrganizationDirectory directory, IGrainFactory grainFactory,
        TimeProvider clock, IOptions<RuntimeOptions> options)
    {
        string? orgId = null;
        if (!OperatorOptions.IsOperator(http))
        {
            var actor = CrmAuthentication.CurrentActor(http)
                ?? throw new ProblemException(401, ProblemCodes.Unauthorized, "Sign in with the operator key or an organization administrator's token.");
            orgId = actor.User.IsAdmin ? actor.OrgId : throw ProblemException.Forbidden("The dashboard is for administrators.");
        }

        var now = clock.GetUtcNow();
        var heartbeat = options.Value.SiloHeartbeatInterval;
        var entries = await silos.ListAsync(TimeSpan.FromMinutes(10));
        var nodes = entries.Select(s => new Node(s.Id, s.Name, s.Address, s.StartedAt, s.HeartbeatAt,
            s.StoppedAt is not null ? "stopped" : now - s.HeartbeatAt <= heartbeat * 3 ? "healthy" : "late")).ToList();
        var live = entries.Where(s => s.StoppedAt is null).SelectMany(s => s.Grains);
        var grains = live.GroupBy(g => g.GrainType).Select(g => new GrainType(
            g.Key, g.Sum(x => x.Active), g.Sum(x => x.Calls), g.Sum(x => x.Errors),
            g.Sum(x => x.Calls) == 0 ? 0 : Math.Round(g.Sum(x => x.TotalMilliseconds) / g.Sum(x => x.Calls), 3))).OrderBy(g => g.Type).ToList();
        var names = entries.ToDictionary(s => s.Id, s => s.Name);
        var visibleReminders = (await reminders.ListAsync(orgId))
            .Select(r => new Reminder(r.GrainType, r.GrainKey, r.Name, r.NextDue, r.LastFired)).ToList();
        var visibleJobs = (await jobs.ListAsync(orgId))
            .Select(j => new Job(j.Id, j.Kind, j.GrainKey, j.Status, j.Owner is null ? null : names.GetValueOrDefault(j.Owner, j.Owner), j.Progress, j.Attempts,
                j.CreatedAt, j.StartedAt, j.FinishedAt, j.Error)).ToList();
        var organizations = await OrganizationsAsync(orgId is null ? await directory.RecentAsync(OperatorOrganizations) : [orgId], grainFactory);
        return TypedResults.Ok(new Dashboard(orgId ?? "cluster", now, nodes, grains, visibleReminders, visibleJobs, organizations));
    }
}

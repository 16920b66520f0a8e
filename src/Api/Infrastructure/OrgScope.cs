using CrmActors.Grains.Common;
using CrmActors.Grains.Records;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// The organization boundary, applied once per endpoint group: the token's org must be the route's
/// org (else 404, so another org's IDs reveal nothing), and admin groups also require the admin role.
/// </summary>
public static class OrgScope
{
    private const string ActorItem = "crm.scoped-actor";

    public static RouteGroupBuilder ForMembers(this RouteGroupBuilder group) =>
        group.RequireAuthorization().AddEndpointFilter(async (context, next) =>
        {
            Scope(context.HttpContext, adminOnly: false);
            return await next(context);
        });

    public static RouteGroupBuilder ForAdmins(this RouteGroupBuilder group) =>
        group.RequireAuthorization().AddEndpointFilter(async (context, next) =>
        {
            Scope(context.HttpContext, adminOnly: true);
            return await next(context);
        });

    /// <summary>The signed-in user of the route's organization (set by the group's filter).</summary>
    public static Actor Actor(this HttpContext context) =>
        context.Items[ActorItem] as Actor ?? throw new InvalidOperationException("The endpoint is outside an organization scope.");

    private static void Scope(HttpContext context, bool adminOnly)
    {
        var orgId = context.Request.RouteValues["orgId"] as string ?? "";
        var actor = CrmAuthentication.ActorFor(context, orgId);
        if (adminOnly && !actor.User.IsAdmin)
        {
            throw ProblemException.Forbidden("Only an administrator of this organization may do this.");
        }

        context.Items[ActorItem] = actor;
    }
}

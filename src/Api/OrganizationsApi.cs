using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

public static class OrganizationsApi
{
    public sealed record AdminRequest(string Email, string Name);

    public sealed record CreateOrgRequest(string Name, string Plan, bool? Trial, bool? Developer, bool? Sandbox, string TimeZone, string Domain, AdminRequest Admin);

    public sealed record CreatedOrg(string Id, string AdminUserId, string AdminToken);

    public sealed record PatchOrgRequest(string? Name, string? Plan, string? TimeZone, IReadOnlyList<string>? Integrations);

    public sealed record OrgResponse(
        string Id, string Name, string Plan, bool Trial, bool Developer, bool Sandbox, string TimeZone, string Domain,
        IReadOnlyList<string> Integrations, string PrimaryContactUserId, DateTimeOffset CreatedAt);

    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orgs", CreateAsync).WithTags("Organizations").AllowAnonymous();
        var members = app.MapGroup("/api/orgs/{orgId}").WithTags("Organizations").ForMembers();
        members.MapGet("", (HttpContext http) => TypedResults.Ok(http.Actor().Org.AsResponse()));
        var admins = app.MapGroup("/api/orgs/{orgId}").WithTags("Organizations").ForAdmins();
        admins.MapPatch("", PatchAsync);
        return app;
    }

    private static async Task<Created<CreatedOrg>> CreateAsync(CreateOrgRequest request, HttpContext http, IGrainFactory grains)
    {
        if (!OperatorOptions.IsOperatorKey(http))
        {
            throw new ProblemException(401, ProblemCodes.Unauthorized, "Creating an organization needs the operator key in the X-Operator-Key header.");
        }

        if (request.Admin is null)
        {
            throw ProblemException.Validation("admin", "admin {email, name} is required: the organization's first administrator.");
        }

        var orgId = Ids.New();
        var token = Ids.NewSecret();
        var admin = await grains.Grain<IOrganizationGrain>(orgId).CreateAsync(
            new CreateOrganization(request.Name, request.Plan, request.Trial ?? false, request.Developer ?? false, request.Sandbox ?? false,
                request.TimeZone, request.Domain, request.Admin.Email, request.Admin.Name ?? ""),
            Ids.New(), Ids.Sha256(token));
        return TypedResults.Created($"/api/orgs/{orgId}", new CreatedOrg(orgId, admin.Id, token));
    }

    private static async Task<Ok<OrgResponse>> PatchAsync(string orgId, PatchOrgRequest request, HttpContext http, IGrainFactory grains)
    {
        var org = await grains.Grain<IOrganizationGrain>(orgId)
            .UpdateAsync(new OrganizationPatch(request.Name, request.Plan, request.TimeZone, request.Integrations), http.Actor().User.Id);
        return TypedResults.Ok(org.AsResponse());
    }

    public static OrgResponse AsResponse(this OrganizationState org) => new(
        org.Id!, org.Name, org.Plan, org.Trial, org.Developer, org.Sandbox, org.TimeZone, org.Domain, org.Integrations, org.PrimaryContactUserId, org.CreatedAt);
}


using System.Security.Claims;
using System.Text.Encodings.Web;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using Orleans;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Api.Infrastructure;

/// <summary>
/// Bearer tokens: the token's hash names a user; the user must still be active in the organization's
/// committed state, so deactivation takes effect on the next request.
/// </summary>
public sealed class CrmAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string AdminPolicy = "admin";
    private const string ActorItem = "crm.actor";

    public const string ChallengeDetail = "Send 'Authorization: Bearer <token>' with an active user's token.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var owner = await grains.Grain<ITokenGrain>(Ids.Sha256(header["Bearer ".Length..].Trim())).GetOwnerAsync();
        if (owner is null)
        {
            return AuthenticateResult.Fail("The token is unknown or revoked.");
        }

        var org = await grains.Grain<IOrganizationGrain>(owner.OrgId).GetAsync();
        if (org.User(owner.UserId) is not { Active: true } user)
        {
            return AuthenticateResult.Fail("The user is deactivated.");
        }

        Context.Items[ActorItem] = new Actor(org, user);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim("org", owner.OrgId), new Claim(ClaimTypes.Role, user.Role)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteAsync(401, ProblemCodes.Unauthorized, ChallengeDetail);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteAsync(403, ProblemCodes.Forbidden, "Only an administrator of this organization may do this.");

    private async Task WriteAsync(int status, string code, string detail)
    {
        Response.StatusCode = status;
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(
            new ProblemDetailsContext { HttpContext = Context, ProblemDetails = ProblemMapping.Create(status, code, detail) });
    }

    /// <summary>The signed-in user and organization, if a valid bearer token came with the request.</summary>
    public static Actor? CurrentActor(HttpContext context) => context.Items[ActorItem] as Actor;

    /// <summary>The signed-in actor, checked against the route's org: another org's ID is answered with 404.</summary>
    public static Actor ActorFor(HttpContext context, string orgId) =>
        context.Items[ActorItem] is Actor actor && actor.OrgId == orgId
            ? actor
            : throw ProblemException.NotFound($"Organization {orgId}");
}

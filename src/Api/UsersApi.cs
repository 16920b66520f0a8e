using System.Collections.Immutable;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

public static class UsersApi
{
    public sealed record PermissionsRequest(Dictionary<string, List<string>>? Modules, List<string>? Features);

    public sealed record CreateUserRequest(string Email, string Name, string Role, PermissionsRequest? Permissions);

    public sealed record CreatedUser(string Id, string Token);

    public sealed record IssuedToken(string Token);

    public sealed record UserResponse(string Id, string Email, string Name, string Role, bool Active, object Permissions, DateTimeOffset CreatedAt);

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var admins = app.MapGroup("/api/orgs/{orgId}/users").WithTags("Users").ForAdmins();
        admins.MapPost("", CreateAsync);
        admins.MapGet("", (HttpContext http) => TypedResults.Ok(http.Actor().Org.Users.Select(AsResponse).ToList()));
        admins.MapPost("{userId}/deactivate", (string orgId, string userId, HttpContext http, IGrainFactory grains) => SetActiveAsync(orgId, userId, false, http, grains));
        admins.MapPost("{userId}/activate", (string orgId, string userId, HttpContext http, IGrainFactory grains) => SetActiveAsync(orgId, userId, true, http, grains));
        admins.MapPost("{userId}/tokens", IssueTokenAsync);
        admins.MapDelete("{userId}/tokens", async (string orgId, string userId, HttpContext http, IGrainFactory grains) =>
        {
            await grains.Grain<IOrganizationGrain>(orgId).RevokeTokensAsync(userId, http.Actor().User.Id);
            return TypedResults.NoContent();
        });
        return app;
    }

    private static async Task<Created<CreatedUser>> CreateAsync(string orgId, CreateUserRequest request, HttpContext http, IGrainFactory grains)
    {
        var token = Ids.NewSecret();
        var profile = request.Permissions is null
            ? null
            : new Profile(
                request.Permissions.Modules?.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableList(), StringComparer.Ordinal),
                request.Permissions.Features?.ToImmutableList() ?? []);
        var user = await grains.Grain<IOrganizationGrain>(orgId)
            .AddUserAsync(new NewUser(request.Email ?? "", request.Name ?? "", request.Role ?? "", profile), Ids.Sha256(token), http.Actor().User.Id);
        return TypedResults.Created($"/api/orgs/{orgId}/users/{user.Id}", new CreatedUser(user.Id, token));
    }

    private static async Task<NoContent> SetActiveAsync(string orgId, string userId, bool active, HttpContext http, IGrainFactory grains)
    {
        await grains.Grain<IOrganizationGrain>(orgId).SetUserActiveAsync(userId, active, http.Actor().User.Id);
        return TypedResults.NoContent();
    }

    private static async Task<Created<IssuedToken>> IssueTokenAsync(string orgId, string userId, HttpContext http, IGrainFactory grains)
    {
        var token = Ids.NewSecret();
        await grains.Grain<IOrganizationGrain>(orgId).IssueTokenAsync(userId, Ids.Sha256(token), http.Actor().User.Id);
        return TypedResults.Created($"/api/orgs/{orgId}/users/{userId}", new IssuedToken(token));
    }

    private static UserResponse AsResponse(UserAccount user) => new(
        user.Id, user.Email, user.Name, user.Role, user.Active,
        new { modules = user.Profile.Modules, features = user.Profile.Features }, user.CreatedAt);
}

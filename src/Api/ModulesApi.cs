using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

public static class ModulesApi
{
    public sealed record FieldRequest(string Name, string Type, bool? Required, List<string>? Values, string? LookupModule);

    public sealed record ModuleRequest(string Name, List<FieldRequest>? Fields);

    public sealed record FieldPatchRequest(List<string>? Values, bool? Required);

    public static IEndpointRouteBuilder MapModulesApi(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/orgs/{orgId}/modules").WithTags("Modules").ForMembers();
        members.MapGet("", (HttpContext http) => TypedResults.Ok(http.Actor().Org.Modules));
        var admins = app.MapGroup("/api/orgs/{orgId}/modules").WithTags("Modules").ForAdmins();
        admins.MapPost("", CreateModuleAsync);
        admins.MapPost("{module}/fields", CreateFieldAsync);
        admins.MapPatch("{module}/fields/{field}", async (string orgId, string module, string field, FieldPatchRequest request, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await grains.Grain<IOrganizationGrain>(orgId).ChangeFieldAsync(module, field, new FieldPatch(request.Values, request.Required), http.Actor().User.Id)));
        return app;
    }

    private static async Task<Created<ModuleDefinition>> CreateModuleAsync(string orgId, ModuleRequest request, HttpContext http, IGrainFactory grains)
    {
        var module = await grains.Grain<IOrganizationGrain>(orgId)
            .AddModuleAsync(new NewModule(request.Name ?? "", (request.Fields ?? []).Select(ToNewField).ToList()), http.Actor().User.Id);
        return TypedResults.Created($"/api/orgs/{orgId}/modules/{module.Name}", module);
    }

    private static async Task<Created<ModuleDefinition>> CreateFieldAsync(string orgId, string module, FieldRequest request, HttpContext http, IGrainFactory grains)
    {
        var updated = await grains.Grain<IOrganizationGrain>(orgId).AddFieldAsync(module, ToNewField(request), http.Actor().User.Id);
        return TypedResults.Created($"/api/orgs/{orgId}/modules/{updated.Name}", updated);
    }

    private static NewField ToNewField(FieldRequest field) =>
        new(field.Name ?? "", field.Type ?? "", field.Required ?? false, field.Values, field.LookupModule);
}

using System.Collections.Immutable;
using System.Text.Json;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.ConfigCopy;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Settings;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CrmActors.Api;

/// <summary>
/// An organization's configuration beside modules and fields: layouts, workflow rules, blueprints,
/// roles and profiles (POST creates, PUT replaces the one named in the route, GET lists), and the
/// whole customization exported in the ID-free form a configuration copy carries.
/// </summary>
public static class SettingsApi
{
    public sealed record SectionRequest(string? Name, List<string>? Fields);

    public sealed record LayoutRequest(string? Module, string? Name, List<SectionRequest>? Sections);

    public sealed record ConditionRequest(string? Field, string? Operator, JsonElement? Value);

    public sealed record ActionRequest(string? Type, string? Field, JsonElement? Value);

    public sealed record WorkflowRuleRequest(string? Name, string? Module, string? Trigger, List<ConditionRequest>? Conditions, List<ActionRequest>? Actions, bool? Active);

    public sealed record TransitionRequest(string? Name, string? From, string? To, List<string>? RequiredFields);

    public sealed record BlueprintRequest(string? Name, string? Module, string? Field, List<string>? States, List<TransitionRequest>? Transitions);

    public sealed record RoleRequest(string? Name, string? ReportsTo);

    public sealed record ProfileRequest(string? Name, UsersApi.PermissionsRequest? Permissions);

    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder app)
    {
        var admins = app.MapGroup("/api/orgs/{orgId}/settings").WithTags("Settings").ForAdmins();
        admins.MapGet("export", (HttpContext http) => TypedResults.Ok(ConfigurationPackage.Of(http.Actor().Org)));

        admins.MapGet("layouts", (HttpContext http) => TypedResults.Ok(http.Actor().Org.Layouts));
        admins.MapPost("layouts", async (string orgId, LayoutRequest request, HttpContext http, IGrainFactory grains) =>
            Created(orgId, SettingKinds.Layouts, await Org(grains, orgId).SaveLayoutAsync(ToLayout(request, null, null), SaveMode.Create, http.Actor().User.Id)));
        admins.MapPut("layouts/{module}/{name}", async (string orgId, string module, string name, LayoutRequest request, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await Org(grains, orgId).SaveLayoutAsync(ToLayout(request, module, name), SaveMode.Replace, http.Actor().User.Id)));

        admins.MapGet("workflow-rules", (HttpContext http) => TypedResults.Ok(http.Actor().Org.WorkflowRules));
        admins.MapPost("workflow-rules", async (string orgId, WorkflowRuleRequest request, HttpContext http, IGrainFactory grains) =>
            Created(orgId, SettingKinds.WorkflowRules, await Org(grains, orgId).SaveWorkflowRuleAsync(ToRule(request, null), SaveMode.Create, http.Actor().User.Id)));
        admins.MapPut("workflow-rules/{name}", async (string orgId, string name, WorkflowRuleRequest request, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await Org(grains, orgId).SaveWorkflowRuleAsync(ToRule(request, name), SaveMode.Replace, http.Actor().User.Id)));

        admins.MapGet("blueprints", (HttpContext http) => TypedResults.Ok(http.Actor().Org.Blueprints));
        admins.MapPost("blueprints", async (string orgId, BlueprintRequest request, HttpContext http, IGrainFactory grains) =>
            Created(orgId, SettingKinds.Blueprints, await Org(grains, orgId).SaveBlueprintAsync(ToBlueprint(request, null), SaveMode.Create, http.Actor().User.Id)));
        admins.MapPut("blueprints/{name}", async (string orgId, string name, BlueprintRequest request, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await Org(grains, orgId).SaveBlueprintAsync(ToBlueprint(request, name), SaveMode.Replace, http.Actor().User.Id)));

        admins.MapGet("roles", (HttpContext http) => TypedResults.Ok(http.Actor().Org.Roles));
        admins.MapPost("roles", async (string orgId, RoleRequest request, HttpContext http, IGrainFactory grains) =>
            Created(orgId, SettingKinds.Roles, await Org(grains, orgId).SaveRoleAsync(new RoleDefinition(request.Name ?? "", request.ReportsTo), SaveMode.Create, http.Actor().User.Id)));
        admins.MapPut("roles/{name}", async (string orgId, string name, RoleRequest request, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await Org(grains, orgId).SaveRoleAsync(new RoleDefinition(RouteName(name, request.Name), request.ReportsTo), SaveMode.Replace, http.Actor().User.Id)));

        admins.MapGet("profiles", (HttpContext http) => TypedResults.Ok(http.Actor().Org.Profiles));
        admins.MapPost("profiles", async (string orgId, ProfileRequest request, HttpContext http, IGrainFactory grains) =>
            Created(orgId, SettingKinds.Profiles, await Org(grains, orgId).SaveProfileAsync(ToProfile(request, null), SaveMode.Create, http.Actor().User.Id)));
        admins.MapPut("profiles/{name}", async (string orgId, string name, ProfileRequest request, HttpContext http, IGrainFactory grains) =>
            TypedResults.Ok(await Org(grains, orgId).SaveProfileAsync(ToProfile(request, name), SaveMode.Replace, http.Actor().User.Id)));
        return app;
    }

    private static IOrganizationGrain Org(IGrainFactory grains, string orgId) => grains.Grain<IOrganizationGrain>(orgId);

    private static Created<T> Created<T>(string orgId, SettingKind<T> kind, T saved) where T : class =>
        TypedResults.Created($"/api/orgs/{orgId}/{kind.Path}/{string.Join('/', kind.Key(saved).Split('/').Select(Uri.EscapeDataString))}", saved);

    /// <summary>PUT names the object in its route; a body that names another one would be a rename, which is not supported.</summary>
    private static string RouteName(string route, string? body) =>
        body is null || string.Equals(body.Trim(), route, StringComparison.OrdinalIgnoreCase)
            ? route
            : throw ProblemException.Validation("name", $"The body names '{body}' but the route names '{route}'; renaming is not supported, create a new one instead.");

    private static LayoutDefinition ToLayout(LayoutRequest request, string? module, string? name) => new(
        module is null ? request.Module ?? "" : RouteName(module, request.Module),
        name is null ? request.Name ?? "" : RouteName(name, request.Name),
        [.. (request.Sections ?? []).Select(s => new LayoutSection(s.Name ?? "", [.. s.Fields ?? []]))]);

    private static WorkflowRule ToRule(WorkflowRuleRequest request, string? name) => new(
        name is null ? request.Name ?? "" : RouteName(name, request.Name),
        request.Module ?? "",
        request.Trigger ?? "",
        [.. (request.Conditions ?? []).Select((c, i) => new RuleCondition(c.Field ?? "", c.Operator ?? "", ValueText(c.Value, $"conditions[{i}].value")))],
        [.. (request.Actions ?? []).Select((a, i) => new RuleAction(a.Type ?? "", a.Field ?? "", ValueText(a.Value, $"actions[{i}].value")))],
        request.Active ?? true);

    private static Blueprint ToBlueprint(BlueprintRequest request, string? name) => new(
        name is null ? request.Name ?? "" : RouteName(name, request.Name),
        request.Module ?? "",
        request.Field ?? "",
        [.. request.States ?? []],
        [.. (request.Transitions ?? []).Select(t => new BlueprintTransition(t.Name ?? "", t.From ?? "", t.To ?? "", [.. t.RequiredFields ?? []]))]);

    private static ProfileDefinition ToProfile(ProfileRequest request, string? name) => new(
        name is null ? request.Name ?? "" : RouteName(name, request.Name),
        new Profile(
            request.Permissions?.Modules?.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value.ToImmutableList(), StringComparer.Ordinal),
            request.Permissions?.Features?.ToImmutableList() ?? []));

    /// <summary>A value as settings keep it: text for strings, the JSON literal for numbers and booleans.</summary>
    private static string? ValueText(JsonElement? value, string path) => value switch
    {
        null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } literal => literal.GetRawText(),
        _ => throw ProblemException.Validation(path, $"{path} must be a string, number or boolean."),
    };
}

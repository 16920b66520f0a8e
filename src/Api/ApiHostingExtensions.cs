using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains;
using Microsoft.AspNetCore.Authentication;
using CrmActors.Grains.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Api;

public static class ApiHostingExtensions
{
    /// <summary>Grains, authentication, problem details, OpenAPI, health checks and limits for the HTTP API.</summary>
    public static IHostApplicationBuilder AddCrmApi(this IHostApplicationBuilder builder)
    {
        builder.AddCrmGrains();
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration("Limits");
        builder.Services.AddOptions<OperatorOptions>().BindConfiguration("Operator");
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.TypeInfoResolver = (o.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(NoNullItems.Modify);
        });
        // Every problem, whoever writes it (our mapping, the status pages, the authentication handler), gets a traceId,
        // and a 401 the challenge header that says how to authenticate.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.TryAdd("traceId", System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
            if (context.ProblemDetails.Status == StatusCodes.Status401Unauthorized)
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = CrmAuthentication.SchemeName;
            }
        });
        // A body that does not bind raises an exception in every environment, so ProblemMapping answers it with our shape.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ProblemMapping>();
        builder.Services.AddAuthentication(CrmAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, CrmAuthentication>(CrmAuthentication.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy(OperatorOptions.Policy, policy =>
            policy.RequireAssertion(context => context.Resource is HttpContext http && OperatorOptions.IsOperator(http))));
        builder.Services.AddOpenApi();
        builder.Services.AddHealthChecks().AddCheck<HealthApi.DatabaseHealthCheck>("database", tags: [HealthApi.ReadyTag]);
        return builder;
    }

    public static WebApplication UseCrmApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseSiloFailover();
        ProblemMapping.UseProblemStatusPages(app);
        // The product dashboard's files are all under /dashboard; other requests skip the file lookups (a stat per
        // request, 5% of the Silo's CPU under GET /api/orgs/{org}).
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/dashboard"), files => files.UseDefaultFiles().UseStaticFiles());
        app.UseRouting();
        BodyLimit.UseBodyLimits(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapHealthApi();
        app.MapOrganizationsApi();
        app.MapUsersApi();
        app.MapModulesApi();
        app.MapRecordsApi();
        app.MapAttachmentsApi();
        app.MapRecycleBinApi();
        app.MapAuditLogApi();
        app.MapSettingsApi();
        app.MapConfigCopyApi();
        app.MapDashboardApi();
        app.MapBackupsApi();
        app.MapMailAddOnApi();
        app.MapContactSyncApi();
        app.MapMigrationsApi();
        return app;
    }
}

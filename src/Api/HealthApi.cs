using CrmActors.Grains.Storage;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CrmActors.Api;

public static class HealthApi
{
    public const string ReadyTag = "ready";

    /// <summary>Live: the process answers. Ready: it can also reach its database.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }

    public sealed class DatabaseHealthCheck(IDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var connection = await database.OpenAsync(cancellationToken);
                await connection.ExecuteScalarAsync<int>("SELECT 1");
                return HealthCheckResult.Healthy($"{database.Provider} reachable");
            }
            catch (Exception exception)
            {
                return HealthCheckResult.Unhealthy($"{database.Provider} unreachable", exception);
            }
        }
    }
}

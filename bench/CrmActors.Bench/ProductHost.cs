using CrmActors.Api;
using CrmActors.Grains.Common;
using CrmActors.Grains.Maintenance;
using CrmActors.Silo;
using CrmActors.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Bench;

/// <summary>
/// The product's silo in this process, built with the same calls as src/Silo/Program.cs (AddOperatorKey,
/// AddClockOffset, AddCrmOrleans, AddCrmApi, UseCrmApi, the maintenance schedule): same Orleans providers,
/// serializers, membership settings, schema migration and grain services. Kestrel listens on a free
/// loopback port no benchmark uses; the in-process benchmarks call grains through <see cref="IGrainFactory"/>.
/// </summary>
public static class ProductHost
{
    public const string OperatorKey = "bench-operator-key";

    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = AppContext.BaseDirectory });
        var configuration = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Operator:Key"] = OperatorKey,
            ["Logging:LogLevel:Default"] = "Warning",
            // Each restore's phase times (plan, records, files).
            ["Logging:LogLevel:CrmActors.Grains.Backups.RestoreJob"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddOperatorKey();
        builder.AddClockOffset();
        builder.AddCrmOrleans();
        builder.AddCrmApi();

        var app = builder.Build();
        app.UseCrmApi();
        app.Lifetime.ApplicationStarted.Register(() =>
            _ = app.Services.GetRequiredService<IGrainFactory>().Grain<IMaintenanceGrain>(IMaintenanceGrain.Key).EnsureScheduledAsync());
        return app;
    }
}

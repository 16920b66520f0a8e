using CrmActors.Api;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.Maintenance;
using CrmActors.Silo;
using CrmActors.Silo.Hosting;
using Orleans.Dashboard;

// Configuration is read at start, not watched: reloading appsettings*.json on change watches the whole content root,
// subdirectories included, and the embedded database and blobs live there (./data): every write woke the watcher's
// thread, 12% of the Silo's CPU during a migration pass on PostgreSQL (whose data directory was under it too).
var builder = WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
// SPEC §8: the node listens on http://localhost:5080 unless told otherwise (ASPNETCORE_URLS, --urls, ASPNETCORE_HTTP_PORTS),
// however it is started (dotnet run, the built DLL, a published folder), not only through launchSettings.json.
if (new[] { "urls", "http_ports", "https_ports" }.All(key => string.IsNullOrWhiteSpace(builder.Configuration[key])))
{
    builder.Configuration["urls"] = "http://localhost:5080";
}

builder.AddOperatorKey();
builder.AddClockOffset();
builder.AddCrmOrleans();
builder.AddCrmApi();

var app = builder.Build();
app.UseCrmApi();
app.MapOrleansDashboard(routePrefix: "/dashboard/orleans").RequireAuthorization(OperatorOptions.Policy);
app.Lifetime.ApplicationStarted.Register(() =>
    _ = app.Services.GetRequiredService<IGrainFactory>().Grain<IMaintenanceGrain>(IMaintenanceGrain.Key).EnsureScheduledAsync());
app.Run();

public partial class Program;

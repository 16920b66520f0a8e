using CrmActors.Api;
using CrmActors.Api.Infrastructure;
using CrmActors.Grains.Common;
using CrmActors.Grains.Maintenance;
using CrmActors.Silo;
using CrmActors.Silo.Hosting;
using Orleans.Dashboard;

var builder = WebApplication.CreateBuilder(args);
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

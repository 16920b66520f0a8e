using CrmActors.Api;
using CrmActors.Grains.Maintenance;
using CrmActors.Runtime.Grains;
using CrmActors.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddOperatorKey();
builder.AddCrmApi();

var app = builder.Build();
app.UseCrmApi();
app.Lifetime.ApplicationStarted.Register(() =>
    _ = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key).EnsureScheduledAsync());
app.Run();

public partial class Program;

using System.Net;
using System.Reflection;
using CrmActors.Runtime.Blobs;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Jobs;
using CrmActors.Runtime.Reminders;
using CrmActors.Runtime.Silos;
using CrmActors.Runtime.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CrmActors.Runtime.Hosting;

public static class RuntimeHostingExtensions
{
    /// <summary>
    /// Adds the grain runtime on the configured provider: <c>Storage:Provider</c> = <c>sqlite</c>
    /// (a file under <c>Storage:DataDirectory</c>) or <c>postgres</c> (<c>ConnectionStrings:Crm</c>).
    /// </summary>
    public static IHostApplicationBuilder AddGrainRuntime(this IHostApplicationBuilder builder, params Assembly[] grainAssemblies)
    {
        var configuration = builder.Configuration;
        var storage = new StorageOptions
        {
            Provider = configuration["Storage:Provider"] ?? "sqlite",
            DataDirectory = configuration["Storage:DataDirectory"] ?? "./data",
            ConnectionString = configuration.GetConnectionString("Crm"),
            BlobRoot = configuration["Blobs:Root"],
        };
        builder.Services.AddSingleton(storage);
        builder.Services.AddOptions<RuntimeOptions>().Bind(configuration.GetSection("Runtime"));
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddSingleton<IDatabase>(_ => CreateDatabase(storage));
        builder.Services.AddSingleton<ISchemaContributor, RuntimeSchema>();
        builder.Services.AddSingleton<SchemaInitializer>();
        builder.Services.AddSingleton<IBlobStore>(_ => new FileSystemBlobStore(storage.ResolvedBlobRoot));

        var types = new GrainTypeRegistry();
        foreach (var assembly in grainAssemblies)
        {
            types.AddAssembly(assembly);
        }

        builder.Services.AddSingleton(types);
        builder.Services.AddSingleton<GrainMetrics>();
        builder.Services.AddSingleton<GrainStateStore>();
        builder.Services.AddSingleton<GrainRuntime>();
        builder.Services.AddSingleton<IGrainFactory, GrainFactory>();
        builder.Services.AddSingleton<ReminderTable>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton(_ =>
        {
            var address = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "";
            var port = Uri.TryCreate(address.Split(';')[0].Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var url) ? url.Port.ToString() : Environment.ProcessId.ToString();
            return new SiloIdentity(Guid.NewGuid().ToString("N"), configuration["Silo:Name"] ?? $"{Dns.GetHostName()}:{port}", address, DateTimeOffset.UtcNow);
        });
        builder.Services.AddSingleton<SiloRegistry>();

        // Hosted services start in this order: the schema exists before anything polls it.
        builder.Services.AddHostedService<SchemaHostedService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloRegistry>());
        builder.Services.AddHostedService<ReminderService>();
        builder.Services.AddHostedService<JobWorker>();
        return builder;
    }

    public static IDatabase CreateDatabase(StorageOptions storage) => storage.Provider.ToLowerInvariant() switch
    {
        "sqlite" => new SqliteDatabase(storage.ConnectionString ?? $"Data Source={Path.Combine(storage.DataDirectory, "crm.db")}"),
        "postgres" or "postgresql" => new PostgresDatabase(new NpgsqlDataSourceBuilder(
            storage.ConnectionString ?? throw new InvalidOperationException("Storage:Provider is postgres but ConnectionStrings:Crm is not set.")).Build()),
        var other => throw new InvalidOperationException($"Storage:Provider '{other}' is unknown; use 'sqlite' or 'postgres'."),
    };

    private sealed class SchemaHostedService(SchemaInitializer initializer) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => initializer.ApplyAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

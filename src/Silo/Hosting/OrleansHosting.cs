using System.Net;
using System.Net.Sockets;
using CrmActors.Grains.Common;
using CrmActors.Grains.Storage;
using CrmActors.Silo.Schema;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;

namespace CrmActors.Silo.Hosting;

public static class OrleansHosting
{
    /// <summary>The ADO.NET invariant under which Orleans loads Microsoft.Data.Sqlite.</summary>
    private const string SqliteInvariant = "System.Data.SQLite";
    private const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Co-hosts an Orleans silo with the HTTP API. <c>postgres</c>: ADO.NET clustering, grain storage
    /// and reminders on <c>ConnectionStrings:Crm</c>, so identical silos form one cluster. <c>sqlite</c>:
    /// one localhost silo with grain storage and reminders in the embedded file. The schema migration
    /// runs first (a hosted service registered before the silo's).
    /// </summary>
    public static WebApplicationBuilder AddCrmOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var storage = StorageOptions.From(configuration);
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddHostedService<SchemaMigrationService>();

        var clusterId = configuration["Orleans:ClusterId"] ?? "crm";
        var serviceId = configuration["Orleans:ServiceId"] ?? "crmactors";
        var siloPort = configuration.GetValue<int?>("Orleans:SiloPort") ?? FreePort();
        var gatewayPort = configuration.GetValue<int?>("Orleans:GatewayPort") ?? FreePort();
        var advertised = IPAddress.Parse(configuration["Orleans:AdvertisedIP"] ?? "127.0.0.1");
        var siloName = configuration["Silo:Name"] ?? $"{Dns.GetHostName()}:{HttpPort(configuration)}";

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
            silo.Configure<SiloOptions>(o => o.SiloName = siloName);
            if (storage.Provider == StorageProvider.Postgres)
            {
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresInvariant, storage.ConnectionString));
                silo.ConfigureEndpoints(advertised, siloPort, gatewayPort);
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: clusterId);
            }

            silo.AddCrmGrainStorage(configuration);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // Tuned so a killed silo is out in a few seconds and a hung one well within 30 s (defaults: about 60 s).
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
                configuration.GetSection("Orleans:Membership").Bind(o);
            });
            silo.Configure<GrainCollectionOptions>(o => configuration.GetSection("Orleans:GrainCollection").Bind(o));
            silo.AddDashboard();
        });

        // Registered after the silo's hosted service, so it runs once the silo accepts grain calls.
        builder.Services.AddHostedService<LegacyStateImport>();
        return builder;
    }

    /// <summary>
    /// Grain storage and reminders on the CRM database, and the serializers every silo must share
    /// (grain state is stored as plain JSON; switching serializers later would break reading it).
    /// </summary>
    public static ISiloBuilder AddCrmGrainStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = StorageOptions.From(configuration);
        var (invariant, connectionString) = storage.Provider == StorageProvider.Postgres
            ? (PostgresInvariant, storage.ConnectionString)
            : (SqliteInvariant, SqliteForOrleans(storage.ConnectionString));
        silo.AddAdoNetGrainStorage(StorageNames.Crm, o => (o.Invariant, o.ConnectionString) = (invariant, connectionString));
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (invariant, connectionString));
        silo.Configure<ReminderOptions>(o =>
            o.MinimumReminderPeriod = configuration.GetValue("Orleans:MinimumReminderPeriod", o.MinimumReminderPeriod));

        // Grain-call types carry [GenerateSerializer]; the one foreign type they hold, JsonElement (free-form
        // history details), travels as JSON.
        silo.Services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: type => type == typeof(System.Text.Json.JsonElement)));
        return silo;
    }

    /// <summary>Orleans opens its own SQLite connections: they wait for a busy database instead of failing at once.</summary>
    private static string SqliteForOrleans(string connectionString) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 60, Pooling = true }.ToString();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string HttpPort(IConfiguration configuration)
    {
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "";
        return Uri.TryCreate(urls.Split(';')[0].Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var url)
            ? url.Port.ToString()
            : Environment.ProcessId.ToString();
    }

    private sealed class SchemaMigrationService(SchemaMigrator migrator) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

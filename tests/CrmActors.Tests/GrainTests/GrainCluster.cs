using System.Data.Common;
using CrmActors.Grains;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using CrmActors.Silo.Hosting;
using CrmActors.Silo.Schema;
using CrmActors.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace CrmActors.Tests.GrainTests;

/// <summary>
/// One silo on Orleans's <see cref="InProcessTestCluster"/> with the product's grain storage and
/// reminders (ADO.NET on a SQLite file), the product's services, a clock the tests move, and a
/// probe run handler. Shared by every grain test class in the collection.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public TestClock Clock { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public IServiceProvider Services => Cluster.GetSiloServiceProvider();

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:DataDirectory"] = _directory.Path,
            ["Orleans:MinimumReminderPeriod"] = "00:00:01",
            ["Runs:ResumePeriod"] = "00:00:02",
            ["Runs:RetryDelay"] = "00:00:00.200",
            ["Runs:HeartbeatInterval"] = "00:00:00.500",
            ["Runs:MaxAttempts"] = "2",
            ["Runs:StopTimeout"] = "00:00:00.500",
            // Each attempt of a probe.hang run keeps its slot, as it would on a silo that died; the others need theirs.
            ["Runs:MaxConcurrentPerSilo"] = "8",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await new SchemaMigrator(StorageOptions.From(configuration), NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.AddCrmGrains();
            host.Services.RemoveAll<TimeProvider>();
            host.Services.AddSingleton<TimeProvider>(Clock);
            host.Services.AddKeyedSingleton(KeyedService.AnyKey, TimeProvider.System);
            foreach (var kind in ProbeRuns.Kinds)
            {
                host.Services.AddSingleton<IRunHandler>(new ProbeRuns.Handler(kind));
            }
        });
        builder.ConfigureSilo((_, silo) => silo.AddCrmGrainStorage(configuration));
        builder.ConfigureClient(client => client.Services.AddSerializer(s => s.AddJsonSerializer(type => type == typeof(System.Text.Json.JsonElement))));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task<DbConnection> OpenDatabaseAsync() => await Services.GetRequiredService<IDatabase>().OpenAsync();

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GrainCollection : ICollectionFixture<GrainCluster>
{
    public const string Name = "grains";
}

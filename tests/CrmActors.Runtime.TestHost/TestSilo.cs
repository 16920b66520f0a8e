using CrmActors.Runtime.Hosting;
using CrmActors.Runtime.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CrmActors.Runtime.TestHost;

/// <summary>Builds a host with the runtime, the test grains and the test job, from key/value settings.</summary>
public static class TestSilo
{
    public static IHost Build(IDictionary<string, string?> settings, TimeProvider? clock = null, string[]? args = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args ?? [], DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args ?? []);
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        if (clock is not null)
        {
            builder.Services.TryAddSingleton(clock);
        }

        builder.Services.AddSingleton<TurnProbe>();
        builder.Services.AddSingleton<IJobHandler, CountingJob>();
        builder.AddGrainRuntime(typeof(TestSilo).Assembly);
        return builder.Build();
    }
}

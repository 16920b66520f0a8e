using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrmActors.Runtime.TestHost;

public static class TestHostProgram
{
    /// <summary>Runs until killed; settings come from the environment and the command line.</summary>
    public static async Task Main(string[] args)
    {
        using var host = TestSilo.Build(new Dictionary<string, string?>(), args: args);
        await host.StartAsync();
        if (host.Services.GetRequiredService<IConfiguration>().GetValue<bool>("TestHost:ExitWhenInputCloses"))
        {
            // The test that started this process holds its stdin: should that test process die, this one stops too.
            _ = Task.Run(async () =>
            {
                while (await Console.In.ReadLineAsync() is not null)
                {
                }

                host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            });
        }

        Console.WriteLine("READY");
        await host.WaitForShutdownAsync();
    }
}

using Microsoft.Extensions.Hosting;

namespace CrmActors.Runtime.TestHost;

public static class TestHostProgram
{
    /// <summary>Runs until killed; settings come from the environment and the command line.</summary>
    public static async Task Main(string[] args)
    {
        using var host = TestSilo.Build(new Dictionary<string, string?>(), args: args);
        await host.StartAsync();
        Console.WriteLine("READY");
        await host.WaitForShutdownAsync();
    }
}

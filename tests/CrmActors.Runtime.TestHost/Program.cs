using Microsoft.Extensions.Hosting;
using CrmActors.Runtime.TestHost;

// Runs until killed; settings come from the environment and the command line.
using var host = TestSilo.Build(new Dictionary<string, string?>(), args: args);
await host.StartAsync();
Console.WriteLine("READY");
await host.WaitForShutdownAsync();

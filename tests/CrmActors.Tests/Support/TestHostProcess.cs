using System.Collections.Concurrent;
using System.Diagnostics;

namespace CrmActors.Tests.Support;

/// <summary>
/// tests/CrmActors.Runtime.TestHost as a real child process, so a test can kill it with SIGKILL.
/// Disposing kills it if it is still running.
/// </summary>
public sealed class TestHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestHostProcess(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(HostAssembly());
        foreach (var (key, value) in settings.Append(new("TestHost:ExitWhenInputCloses", "true")))
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Receive(e.Data);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"The test host exited early:\n{Output}"));
    }

    public string Output => string.Join('\n', _output);

    /// <summary>Starts the host with <c>--key=value</c> settings and waits until it prints READY.</summary>
    public static async Task<TestHostProcess> StartAsync(IEnumerable<KeyValuePair<string, string?>> settings, TimeSpan timeout)
    {
        var host = new TestHostProcess(settings);
        try
        {
            host._process.Start();
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            await host._ready.Task.WaitAsync(timeout);
            return host;
        }
        catch (Exception exception)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"The test host did not start: {exception.Message}\n{host.Output}", exception);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, leases are left to lapse.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It never started.
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.Trim() == "READY")
        {
            _ready.TrySetResult();
        }
    }

    // The test project references the host, so its dll, deps and runtimeconfig sit next to the test assembly.
    private static string HostAssembly()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "CrmActors.Runtime.TestHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build tests/CrmActors.Runtime.TestHost first.", path);
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Net;
using System.Net.Sockets;

namespace CrmActors.Tests.Support;

/// <summary>
/// The real Silo executable as a child process on a free loopback port, so cluster tests can spread
/// requests across nodes and kill one with SIGKILL. Disposing kills it if it is still running.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SiloProcess(Process process, string name, Uri address)
    {
        _process = process;
        Name = name;
        Address = address;
    }

    public string Name { get; }

    public Uri Address { get; }

    private bool _disposed;

    public bool HasExited => _disposed || _process.HasExited;

    public string Output => string.Join('\n', _output);

    public static async Task<SiloProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Path("src", "Silo") };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CrmActors.Silo.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Silo__Name"] = name;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Orleans"] = "Error";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__")] = value;
        }

        var process = new Process { StartInfo = info };
        var silo = new SiloProcess(process, name, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => silo.Receive(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Receive(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = silo.Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return silo;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy to answer within the probe's timeout (a loaded CI machine): ask again.
            }

            await Task.Delay(200);
        }

        await silo.DisposeAsync();
        throw new InvalidOperationException($"Silo {name} did not become ready:\n{silo.Output}");
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
    }

    /// <summary>SIGSTOP: the process hangs with its sockets open, as a silo stuck in a long GC or on a dead disk.</summary>
    public void Freeze() => Signal(19);

    /// <summary>SIGCONT: a frozen process runs on, unaware of what the cluster decided meanwhile.</summary>
    public void Thaw() => Signal(18);

    /// <summary>SIGKILL: no shutdown code runs; membership declares the silo dead and others take over its grains.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _disposed = true;
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Signal(int signal)
    {
        if (!_process.HasExited && kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private void Receive(string? line)
    {
        if (line is not null && _output.Count < 2000)
        {
            _output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class Repository
{
    /// <summary>A path inside the repository (found by walking up to CrmActors.slnx).</summary>
    public static string Path(params string[] parts)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "CrmActors.slnx")))
        {
            directory = directory.Parent;
        }

        return System.IO.Path.Combine([directory?.FullName ?? throw new InvalidOperationException("CrmActors.slnx not found above the test binaries."), .. parts]);
    }
}

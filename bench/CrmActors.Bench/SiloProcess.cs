using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace CrmActors.Bench;

/// <summary>A real Silo process on a free loopback port over PostgreSQL.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public const string OperatorKey = "bench-operator-key";

    private readonly Process _process;

    private SiloProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The process's peak resident set (VmHWM) since it started or since <see cref="ResetPeakRss"/>, in MB.</summary>
    public double PeakRssMb => Proc.PeakRssMb(Pid);

    /// <summary>The process's resident set now, in MB.</summary>
    public double RssMb => Proc.StatusMb(Pid, "VmRSS:");

    /// <summary>The CPU seconds (user + system) the process has used so far.</summary>
    public double CpuSeconds => Proc.OfTree(_process.Id);

    private string Pid => _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Starts the peak-RSS count afresh (Linux: writing 5 to clear_refs resets VmHWM), so a phase measures only itself.</summary>
    public void ResetPeakRss() => File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");

    public sealed record Org(string Id, string Token);

    public static async Task<SiloProcess> StartAsync(string connectionString, string dataDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var silo = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Silo", "bin", "Release", "net10.0", "CrmActors.Silo.dll");
        var start = new ProcessStartInfo("dotnet", [Path.GetFullPath(silo), "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardOutput = true };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Operator__Key"] = OperatorKey;
        start.Environment["Storage__Provider"] = "postgres";
        start.Environment["ConnectionStrings__Crm"] = connectionString;
        start.Environment["Storage__DataDirectory"] = dataDirectory;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await probe.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return new SiloProcess(process, address);
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        process.Kill();
        throw new InvalidOperationException($"The Silo at {silo} did not become ready.");
    }

    public async Task<Org> CreateOrgAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orgs")
        {
            Content = JsonContent.Create(new { name = "Bench", plan = "ultimate", timeZone = "Asia/Tokyo", domain = "bench.test", admin = new { email = "admin@bench.test", name = "Admin" } }),
        };
        request.Headers.Add("X-Operator-Key", OperatorKey);
        var created = await (await client.SendAsync(request)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        return new Org(created.GetProperty("id").GetString()!, created.GetProperty("adminToken").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

using System.Net.Http.Json;
using System.Text.Json;

namespace CrmActors.Tests.Support;

/// <summary>
/// A deployment a test starts and stops itself as real Silo processes: one data directory and blob
/// root, and on PostgreSQL a database of its own. Disposing kills every silo and drops the database.
/// </summary>
public sealed class SiloDeployment(string provider, string operatorKey) : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private TestPostgres? _postgres;

    public string Provider => provider;

    public List<SiloProcess> Silos { get; } = [];

    public string DataDirectory => Path.Combine(_directory.Path, "data");

    public string BlobRoot => Path.Combine(_directory.Path, "blobs");

    public string? ConnectionString => _postgres?.ConnectionString;

    /// <summary>Creates the PostgreSQL database (before the first silo, so a test may fill it first).</summary>
    public async Task<SiloDeployment> PrepareAsync()
    {
        if (provider == "postgres" && _postgres is null)
        {
            _postgres = await TestPostgres.CreateDatabaseAsync();
        }

        return this;
    }

    public async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        await PrepareAsync();
        var settings = new Dictionary<string, string>(SiloCluster.FastTimings)
        {
            ["Storage:Provider"] = provider,
            ["Storage:DataDirectory"] = DataDirectory,
            ["Blobs:Root"] = BlobRoot,
            ["Operator:Key"] = operatorKey,
        };
        if (_postgres is not null)
        {
            settings["ConnectionStrings:Crm"] = _postgres.ConnectionString;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var silo = await SiloProcess.StartAsync($"silo-{Silos.Count + 1}", settings);
        Silos.Add(silo);
        return silo;
    }

    /// <summary>Creates an organization through <paramref name="silo"/> with the operator key; returns its ID and admin token.</summary>
    public async Task<(string OrgId, string Token)> CreateOrgAsync(SiloProcess silo, string name, string plan = "enterprise", string domain = "deployment.example")
    {
        using var client = silo.Client();
        client.DefaultRequestHeaders.Add("X-Operator-Key", operatorKey);
        var response = await client.PostAsJsonAsync("/api/orgs", new
        {
            name, plan, timeZone = "Asia/Tokyo", domain, admin = new { email = $"admin@{domain}", name = "Admin" },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (created.GetProperty("id").GetString()!, created.GetProperty("adminToken").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _directory.Dispose();
    }
}

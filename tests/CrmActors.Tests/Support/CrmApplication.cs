using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime;

namespace CrmActors.Tests.Support;

/// <summary>
/// The real Silo host over one storage provider, with a clock the tests can move. Each test makes
/// its own organizations, so tests share one host per class.
/// </summary>
public abstract class CrmApplication(string provider) : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string OperatorKey = "test-operator-key";

    private readonly TempDirectory _directory = new();
    private TestPostgres? _postgres;

    public TestClock Clock { get; } = new();

    public string DataDirectory => _directory.Path;

    /// <summary>An open connection to this host's database (the SQLite file or the PostgreSQL test database).</summary>
    public async Task<System.Data.Common.DbConnection> OpenDatabaseAsync()
    {
        System.Data.Common.DbConnection connection = _postgres is not null
            ? new Npgsql.NpgsqlConnection(_postgres.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={System.IO.Path.Combine(DataDirectory, "crm.db")}");
        await connection.OpenAsync();
        return connection;
    }

    public Dictionary<string, string?> Settings { get; } = [];

    public async Task InitializeAsync()
    {
        if (provider == "postgres")
        {
            _postgres = await TestPostgres.CreateDatabaseAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // What operators run: Production, so no development-only behaviour hides a defect.
        builder.UseEnvironment("Production");
        builder.UseSetting("Operator:Key", OperatorKey);
        builder.UseSetting("Storage:Provider", provider);
        builder.UseSetting("Storage:DataDirectory", _directory.Path);
        builder.UseSetting("Limits:MaxUploadBytes", (1024 * 1024).ToString());
        foreach (var (key, value) in SiloCluster.FastTimings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans", "Error");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Error");
        if (_postgres is not null)
        {
            builder.UseSetting("ConnectionStrings:Crm", _postgres.ConnectionString);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);

            // Orleans's own areas (membership, reminders) resolve a keyed clock: they keep real time.
            services.AddKeyedSingleton(KeyedService.AnyKey, TimeProvider.System);
            services.RemoveAll<IFatalErrorHandler>();
            services.AddSingleton<IFatalErrorHandler, InProcessFatalErrors>();
        });
    }

    public HttpClient ClientFor(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>Creates an organization through the operator API and returns its admin's session.</summary>
    public async Task<OrgSession> CreateOrgAsync(string plan = "standard", string timeZone = "Asia/Tokyo", bool sandbox = false, string domain = "example.test")
    {
        using var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Operator-Key", OperatorKey);
        var response = await client.PostAsJsonAsync("/api/orgs", new
        {
            name = "Org " + Guid.NewGuid().ToString("N")[..6], plan, sandbox, timeZone, domain,
            admin = new { email = $"admin@{domain}", name = "Admin" },
        });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new OrgSession(this, created.GetProperty("id").GetString()!, created.GetProperty("adminUserId").GetString()!, created.GetProperty("adminToken").GetString()!);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _directory.Dispose();
    }
}

public sealed class SqliteCrmApplication() : CrmApplication("sqlite");

public sealed class PostgresCrmApplication() : CrmApplication("postgres");

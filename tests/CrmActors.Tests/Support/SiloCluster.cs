namespace CrmActors.Tests.Support;

/// <summary>Three real Silo processes sharing one PostgreSQL database and one blob root.</summary>
public sealed class SiloCluster : IAsyncLifetime
{
    public const string OperatorKey = "cluster-operator-key";

    private readonly TempDirectory _blobs = new();
    private TestPostgres _postgres = null!;

    public List<SiloProcess> Nodes { get; } = [];

    public string ConnectionString => _postgres.ConnectionString;

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.CreateDatabaseAsync();
        var settings = Settings();
        // The first node creates the schema; the others start together.
        Nodes.Add(await SiloProcess.StartAsync("silo-1", settings));
        Nodes.AddRange(await Task.WhenAll(SiloProcess.StartAsync("silo-2", settings), SiloProcess.StartAsync("silo-3", settings)));
    }

    /// <summary>Reminders, resumes and heartbeats in seconds rather than minutes, for every test silo process.</summary>
    public static readonly IReadOnlyDictionary<string, string> FastTimings = new Dictionary<string, string>
    {
        ["Orleans:MinimumReminderPeriod"] = "00:00:01",
        ["Runs:ResumePeriod"] = "00:00:03",
        ["Runs:HeartbeatInterval"] = "00:00:01",
        ["Runs:RetryDelay"] = "00:00:01",
        ["Schedules:RetryPeriod"] = "00:00:03",
    };

    public Dictionary<string, string> Settings() => new(FastTimings)
    {
        ["Operator:Key"] = OperatorKey,
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:Crm"] = _postgres.ConnectionString,
        ["Storage:DataDirectory"] = _blobs.Path,
        ["Blobs:Root"] = System.IO.Path.Combine(_blobs.Path, "blobs"),
    };

    /// <summary>Starts a new node in place of one that was killed, so later tests see three live nodes.</summary>
    public async Task ReplaceAsync(SiloProcess dead)
    {
        var index = Nodes.IndexOf(dead);
        await dead.DisposeAsync();
        Nodes[index] = await SiloProcess.StartAsync($"silo-{Nodes.Count + (++_replacements)}", Settings());
    }

    private int _replacements;

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        await _postgres.DisposeAsync();
        _blobs.Dispose();
    }
}

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

    public Dictionary<string, string> Settings() => new()
    {
        ["Operator:Key"] = OperatorKey,
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:Crm"] = _postgres.ConnectionString,
        ["Storage:DataDirectory"] = _blobs.Path,
        ["Blobs:Root"] = System.IO.Path.Combine(_blobs.Path, "blobs"),
        ["Runtime:JobLease"] = "00:00:05",
        ["Runtime:ReminderLease"] = "00:00:05",
        ["Runtime:SiloHeartbeatInterval"] = "00:00:01",
        ["Runtime:JobPollInterval"] = "00:00:00.500",
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

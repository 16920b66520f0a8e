using System.Text.Json;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Hosting;
using CrmActors.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrmActors.Runtime.Silos;

/// <summary>
/// The <c>silos</c> table: each node registers at start, heartbeats, and marks itself stopped. The
/// heartbeat carries the node's grain metrics, so the dashboard costs the nodes no extra work.
/// </summary>
public sealed class SiloRegistry(
    IDatabase database, SiloIdentity silo, GrainMetrics metrics, TimeProvider clock, IOptions<RuntimeOptions> options, ILogger<SiloRegistry> logger)
    : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record SiloEntry(
        string Id, string Name, string Address, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, DateTimeOffset? StoppedAt, IReadOnlyList<GrainTypeSnapshot> Grains);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO silos (id, name, address, started_at, heartbeat_at) VALUES (@Id, @Name, @Address, @started, @now)",
            new { silo.Id, silo.Name, silo.Address, started = silo.StartedAt.ToUnixTimeMilliseconds(), now = Now() });
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SiloHeartbeatInterval, stoppingToken);
                await using var connection = await database.OpenAsync(stoppingToken);
                await connection.ExecuteAsync(
                    "UPDATE silos SET heartbeat_at = @now, metrics = @metrics WHERE id = @Id",
                    new { silo.Id, now = Now(), metrics = JsonSerializer.Serialize(metrics.Snapshot(), Json) });
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Silo heartbeat failed");
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync("UPDATE silos SET stopped_at = @now WHERE id = @Id", new { silo.Id, now = Now() });
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Could not mark the silo stopped");
        }
    }

    /// <summary>Nodes that heartbeated within <paramref name="window"/>, oldest first.</summary>
    public async Task<IReadOnlyList<SiloEntry>> ListAsync(TimeSpan window)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string, string, string, long, long, long?, string?)>(
            "SELECT id, name, address, started_at, heartbeat_at, stopped_at, metrics FROM silos WHERE heartbeat_at >= @since ORDER BY started_at",
            new { since = Now() - (long)window.TotalMilliseconds });
        return rows.Select(r => new SiloEntry(
            r.Item1, r.Item2, r.Item3, DateTimeOffset.FromUnixTimeMilliseconds(r.Item4), DateTimeOffset.FromUnixTimeMilliseconds(r.Item5),
            r.Item6 is { } stopped ? DateTimeOffset.FromUnixTimeMilliseconds(stopped) : null,
            r.Item7 is null ? [] : JsonSerializer.Deserialize<List<GrainTypeSnapshot>>(r.Item7, Json) ?? [])).ToList();
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}

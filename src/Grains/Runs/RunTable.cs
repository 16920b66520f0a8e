using System.Data.Common;
using CrmActors.Grains.Common;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Runs;

/// <summary>
/// The two tables beside run grains' state: <c>run_fences</c>, the attempt that owns each run, which
/// transactions writing a run's output lock and check; and <c>runs</c>, the read model the
/// dashboards and status pages list (the grain's state stays the truth).
/// </summary>
public sealed class RunTable(IDatabase database)
{
    public sealed record Row(
        string RunId, string Kind, string OwnerKey, string Status, double Progress, int Attempts, string? Silo,
        DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt, string? Error);

    /// <summary>Makes <paramref name="attempt"/> the owner of the run unless a later attempt already is; true when it is the owner.</summary>
    public async Task<bool> ClaimAsync(string runId, int attempt)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO run_fences (run_id, attempt) VALUES (@runId, @attempt) ON CONFLICT (run_id) DO UPDATE SET attempt = excluded.attempt WHERE run_fences.attempt < excluded.attempt",
            new { runId, attempt });
        return await connection.ExecuteScalarAsync<int>("SELECT attempt FROM run_fences WHERE run_id = @runId", new { runId }) == attempt;
    }

    public async Task<bool> HoldsAsync(DbConnection connection, DbTransaction transaction, string runId, int attempt) =>
        await connection.ExecuteScalarAsync<int?>($"SELECT attempt FROM run_fences WHERE run_id = @runId {database.ForShare}", new { runId }, transaction) == attempt;

    public async Task SaveAsync(Row row)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO runs (run_id, kind, owner_key, status, progress, attempts, silo, requested_at, started_at, updated_at, finished_at, error)
            VALUES (@RunId, @Kind, @OwnerKey, @Status, @Progress, @Attempts, @Silo, @requestedAt, @startedAt, @updatedAt, @finishedAt, @Error)
            ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, progress = excluded.progress, attempts = excluded.attempts,
                silo = excluded.silo, started_at = excluded.started_at, updated_at = excluded.updated_at, finished_at = excluded.finished_at, error = excluded.error
            WHERE runs.attempts <= excluded.attempts
            """,
            new
            {
                row.RunId, row.Kind, row.OwnerKey, row.Status, row.Progress, row.Attempts, row.Silo, requestedAt = UnixTime.Ms(row.RequestedAt),
                startedAt = row.StartedAt is { } s ? UnixTime.Ms(s) : (long?)null, updatedAt = UnixTime.Ms(row.UpdatedAt),
                finishedAt = row.FinishedAt is { } f ? UnixTime.Ms(f) : (long?)null, row.Error,
            });
    }

    /// <summary>Active runs first, then the latest finished ones; <paramref name="ownerKey"/> limits them to one organization.</summary>
    public async Task<IReadOnlyList<Row>> ListAsync(string? ownerKey, int limit)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string, string, string, string, double, long, string?, long, long?, long, long?, string?)>(
            "SELECT run_id, kind, owner_key, status, progress, attempts, silo, requested_at, started_at, updated_at, finished_at, error FROM runs"
            + (ownerKey is null ? "" : " WHERE owner_key = @ownerKey")
            + " ORDER BY CASE WHEN status IN ('queued', 'running') THEN 0 ELSE 1 END, updated_at DESC LIMIT @limit",
            new { ownerKey, limit });
        return rows.Select(r => new Row(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, (int)r.Item6, r.Item7, UnixTime.At(r.Item8),
            r.Item9 is { } s ? UnixTime.At(s) : null, UnixTime.At(r.Item10), r.Item11 is { } f ? UnixTime.At(f) : null, r.Item12)).ToList();
    }
}

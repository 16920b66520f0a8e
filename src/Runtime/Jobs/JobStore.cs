using System.Data.Common;
using System.Text.Json;
using CrmActors.Runtime.Grains;
using CrmActors.Runtime.Storage;
using Dapper;

namespace CrmActors.Runtime.Jobs;

/// <summary>The <c>jobs</c> table: queue, leases, heartbeats and checkpoints.</summary>
public sealed class JobStore(IDatabase database, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Columns =
        "id AS Id, kind AS Kind, grain_key AS GrainKey, payload AS Payload, status AS Status, owner AS Owner, run_id AS RunId, lease_until AS LeaseUntil, " +
        "heartbeat_at AS HeartbeatAt, checkpoint AS Checkpoint, progress AS Progress, result AS Result, error AS Error, attempts AS Attempts, " +
        "created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt";

    /// <summary>Raised after a job is queued on this node, so the local worker looks at once.</summary>
    public event Action? JobQueued;

    internal async Task<string> EnqueueAsync(GrainTurn turn, string kind, string grainKey, object payload)
    {
        var id = Guid.CreateVersion7().ToString("N");
        await turn.Connection.ExecuteAsync(
            "INSERT INTO jobs (id, kind, grain_key, payload, status, created_at) VALUES (@id, @kind, @grainKey, @payload, 'queued', @now)",
            new { id, kind, grainKey, payload = JsonSerializer.Serialize(payload, Json), now = turn.Now.ToUnixTimeMilliseconds() },
            turn.RequireTransaction());
        turn.AfterCommit(() =>
        {
            JobQueued?.Invoke();
            return Task.CompletedTask;
        });
        return id;
    }

    /// <summary>Queues a job outside any grain turn.</summary>
    public async Task<string> EnqueueAsync(string kind, string grainKey, object payload)
    {
        var id = Guid.CreateVersion7().ToString("N");
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO jobs (id, kind, grain_key, payload, status, created_at) VALUES (@id, @kind, @grainKey, @payload, 'queued', @now)",
            new { id, kind, grainKey, payload = JsonSerializer.Serialize(payload, Json), now = Now() });
        JobQueued?.Invoke();
        return id;
    }

    /// <summary>
    /// Takes the oldest queued job, or a running one whose node stopped renewing its lease. Each claim
    /// gets a new run ID, and every later write of the run is conditional on it: a run that lost its
    /// lease (even on the same node) can no longer heartbeat, checkpoint or complete.
    /// </summary>
    internal async Task<JobRecord?> ClaimAsync(string owner, IReadOnlyCollection<string> kinds, TimeSpan lease)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var now = Now();
        var parameters = new DynamicParameters(new { owner, runId = Guid.NewGuid().ToString("N"), now, leaseUntil = now + (long)lease.TotalMilliseconds });
        var kindList = SqlList.Add(parameters, "kind", kinds);
        var job = await connection.QuerySingleOrDefaultAsync<JobRow>(
            $"""
            UPDATE jobs SET status = 'running', owner = @owner, run_id = @runId, lease_until = @leaseUntil, heartbeat_at = @now,
                attempts = attempts + 1, started_at = COALESCE(started_at, @now)
            WHERE id IN (
                SELECT id FROM jobs
                WHERE kind IN ({kindList}) AND (status = 'queued' OR (status = 'running' AND lease_until < @now))
                ORDER BY created_at LIMIT 1 {database.SkipLocked})
            RETURNING {Columns}
            """,
            parameters, transaction);
        await transaction.CommitAsync();
        return job?.ToRecord();
    }

    internal async Task<bool> RenewLeaseAsync(string id, string runId, TimeSpan lease)
    {
        await using var connection = await database.OpenAsync();
        var now = Now();
        return await connection.ExecuteAsync(
            "UPDATE jobs SET lease_until = @leaseUntil, heartbeat_at = @now WHERE id = @id AND run_id = @runId AND status = 'running'",
            new { id, runId, now, leaseUntil = now + (long)lease.TotalMilliseconds }) == 1;
    }

    internal async Task<bool> SaveCheckpointAsync(string id, string runId, string checkpoint, double progress)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE jobs SET checkpoint = @checkpoint, progress = @progress, heartbeat_at = @now WHERE id = @id AND run_id = @runId AND status = 'running'",
            new { id, runId, checkpoint, progress, now = Now() }) == 1;
    }

    internal async Task ReportProgressAsync(string id, string runId, double progress)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE jobs SET progress = @progress WHERE id = @id AND run_id = @runId AND status = 'running'", new { id, runId, progress });
    }

    internal async Task<bool> CompleteAsync(string id, string runId, string? result)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE jobs SET status = 'completed', result = @result, progress = 1, finished_at = @now, lease_until = NULL WHERE id = @id AND run_id = @runId AND status = 'running'",
            new { id, runId, result, now = Now() }) == 1;
    }

    /// <summary>Requeues the job, or fails it for good once it has used its attempts; true when it failed for good.</summary>
    internal async Task<bool> FailAsync(string id, string runId, string error, int maxAttempts)
    {
        await using var connection = await database.OpenAsync();
        var failed = await connection.ExecuteAsync(
            "UPDATE jobs SET status = 'failed', error = @error, finished_at = @now, lease_until = NULL WHERE id = @id AND run_id = @runId AND status = 'running' AND attempts >= @maxAttempts",
            new { id, runId, error, now = Now(), maxAttempts });
        if (failed == 0)
        {
            await connection.ExecuteAsync(
                "UPDATE jobs SET status = 'queued', error = @error, owner = NULL, lease_until = NULL WHERE id = @id AND run_id = @runId AND status = 'running'",
                new { id, runId, error });
        }

        return failed == 1;
    }

    /// <summary>Inside the caller's transaction: true while run <paramref name="runId"/> still holds the job, whose row stays locked until commit.</summary>
    internal async Task<bool> HoldsRunAsync(DbConnection connection, DbTransaction transaction, string id, string runId) =>
        await connection.ExecuteScalarAsync<int?>(
            $"SELECT 1 FROM jobs WHERE id = @id AND run_id = @runId AND status = 'running' {database.ForUpdate}", new { id, runId }, transaction) == 1;

    /// <summary>Gives a running job back to the queue (this node is stopping); it resumes from its checkpoint elsewhere.</summary>
    internal async Task ReleaseAsync(string id, string runId)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE jobs SET status = 'queued', owner = NULL, lease_until = NULL WHERE id = @id AND run_id = @runId AND status = 'running'", new { id, runId });
    }

    public async Task<JobRecord?> GetAsync(string id)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>($"SELECT {Columns} FROM jobs WHERE id = @id", new { id });
        return row?.ToRecord();
    }

    /// <summary>Queued and running jobs and the most recent finished ones, of every grain or only of grains with key <paramref name="grainKey"/>.</summary>
    public async Task<IReadOnlyList<JobRecord>> ListAsync(string? grainKey = null, int finishedLimit = 20)
    {
        await using var connection = await database.OpenAsync();
        var ofKey = grainKey is null ? "" : " AND grain_key = @grainKey";
        var active = await connection.QueryAsync<JobRow>(
            $"SELECT {Columns} FROM jobs WHERE status IN ('queued', 'running'){ofKey} ORDER BY created_at", new { grainKey });
        var finished = await connection.QueryAsync<JobRow>(
            $"SELECT {Columns} FROM jobs WHERE status IN ('completed', 'failed'){ofKey} ORDER BY finished_at DESC LIMIT @finishedLimit", new { grainKey, finishedLimit });
        return active.Concat(finished).Select(r => r.ToRecord()).ToList();
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class JobRow
    {
        public string Id { get; init; } = "";
        public string Kind { get; init; } = "";
        public string GrainKey { get; init; } = "";
        public string Payload { get; init; } = "";
        public string Status { get; init; } = "";
        public string? Owner { get; init; }
        public string? RunId { get; init; }
        public long? LeaseUntil { get; init; }
        public long? HeartbeatAt { get; init; }
        public string? Checkpoint { get; init; }
        public double Progress { get; init; }
        public string? Result { get; init; }
        public string? Error { get; init; }
        public long Attempts { get; init; }
        public long CreatedAt { get; init; }
        public long? StartedAt { get; init; }
        public long? FinishedAt { get; init; }

        public JobRecord ToRecord() => new(
            Id, Kind, GrainKey, Payload, Status, Owner, RunId, Time(LeaseUntil), Time(HeartbeatAt), Checkpoint, Progress, Result, Error,
            (int)Attempts, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), Time(StartedAt), Time(FinishedAt));

        private static DateTimeOffset? Time(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
    }
}

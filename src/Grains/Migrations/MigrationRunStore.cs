using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using CrmActors.Grains.Common;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Migrations;

/// <summary>Reads what passes wrote: a pass's resume cursor, its counts per module and its report lines.</summary>
public sealed class MigrationRunStore(IDatabase database)
{
    /// <summary>A job as listed: its state, and the progress of its latest pass's run (0–1).</summary>
    public sealed record JobRow(string Id, string OrgId, string Status, string SourceSystem, long TotalBytes, double Progress, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    /// <summary>The most recent jobs of one organization, or of all of them (<paramref name="orgIds"/> null).</summary>
    public async Task<IReadOnlyList<JobRow>> JobsAsync(IReadOnlyCollection<string>? orgIds, int limit)
    {
        await using var connection = await database.OpenAsync();
        var parameters = new DynamicParameters(new { limit });
        var where = orgIds is null ? "" : $"WHERE j.org_id IN ({SqlList.Add(parameters, "o", orgIds)}) ";
        var rows = await connection.QueryAsync<(string, string, string, string, long, double?, long, long)>(
            "SELECT j.id, j.org_id, j.status, j.source_system, j.total_bytes, r.progress, j.created_at, j.updated_at FROM migration_jobs j "
            + $"LEFT JOIN runs r ON r.run_id = j.run_id {where}ORDER BY j.created_at DESC LIMIT @limit", parameters);
        return [.. rows.Select(r => new JobRow(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, r.Item3 == MigrationJobStatus.Completed ? 1 : r.Item6 ?? 0,
            UnixTime.At(r.Item7), UnixTime.At(r.Item8)))];
    }

    public sealed record Cursor(int Part, long Row, long RowsDone)
    {
        public static Cursor Start { get; } = new(0, 0, 0);
    }

    public async Task<Cursor> CursorAsync(string jobId, int pass, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Part, long Row, long RowsDone)>(
            "SELECT part, row_number, rows_done FROM migration_cursors WHERE job_id = @jobId AND pass = @pass", new { jobId, pass });
        return rows.Select(r => new Cursor((int)r.Part, r.Row, r.RowsDone)).FirstOrDefault() ?? Cursor.Start;
    }

    /// <summary>Source rows a pass has handled so far (live progress while it runs).</summary>
    public async Task<long> RowsDoneAsync(string jobId, int pass) => (await CursorAsync(jobId, pass)).RowsDone;

    /// <summary>A pass's counts per module, as its committed batches left them.</summary>
    public async Task<ImmutableDictionary<string, ModuleCounts>> CountsAsync(string jobId, int pass, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Module, long Migrated, long Failed, long Skipped)>(
            "SELECT module, migrated, failed, skipped FROM migration_counts WHERE job_id = @jobId AND pass = @pass", new { jobId, pass });
        return rows.ToImmutableDictionary(r => r.Module, r => new ModuleCounts(r.Migrated, r.Failed, r.Skipped));
    }

    /// <summary>
    /// A module's lines of a pass in source order, streamed from the database: the migrated rows' from their ledger
    /// entries, the others' from the report table (which also has the migrated lines of entries written before the
    /// ledger kept them).
    /// </summary>
    public async IAsyncEnumerable<ReportLine> LinesAsync(string jobId, int pass, string module, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var lines = connection.QueryUnbufferedAsync<(string SourceId, string? NewId, string Status, string? Error)>(
            """
            SELECT source_id, new_id, status, error FROM (
                SELECT part, row_number, source_id, new_id, status, error FROM migration_report WHERE job_id = @jobId AND pass = @pass AND module = @module
                UNION ALL
                SELECT part, row_number, source_id, new_id, @migrated, note FROM migration_ledger
                WHERE job_id = @jobId AND module = @module AND pass = @pass AND part IS NOT NULL) l
            ORDER BY part, row_number
            """,
            new { jobId, pass, module, migrated = MigrationStatuses.Migrated });
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            yield return new ReportLine(line.SourceId, line.NewId, line.Status, line.Error);
        }
    }
}

using System.Data.Common;
using CrmActors.Grains.Common;
using Dapper;

namespace CrmActors.Grains.Migrations;

/// <summary>A job's row in <c>migration_jobs</c>, which the dashboard lists and the trial cap sums; written from the job grain's outbox.</summary>
public sealed record MigrationIndexedEffect(
    string JobId, string OrgId, string Status, string SourceSystem, long TotalBytes, string? RunId, DateTimeOffset CreatedAt, DateTimeOffset At) : SideEffect
{
    public static Task ApplyAsync(DbConnection connection, DbTransaction transaction, MigrationIndexedEffect m) => connection.ExecuteAsync(
        """
        INSERT INTO migration_jobs (id, org_id, status, source_system, total_bytes, run_id, created_at, updated_at)
        VALUES (@JobId, @OrgId, @Status, @SourceSystem, @TotalBytes, @RunId, @createdAt, @at)
        ON CONFLICT (id) DO UPDATE SET status = excluded.status, total_bytes = excluded.total_bytes, run_id = excluded.run_id, updated_at = excluded.updated_at
        WHERE migration_jobs.updated_at <= excluded.updated_at
        """,
        new { m.JobId, m.OrgId, m.Status, m.SourceSystem, m.TotalBytes, m.RunId, createdAt = UnixTime.Ms(m.CreatedAt), at = UnixTime.Ms(m.At) }, transaction);
}

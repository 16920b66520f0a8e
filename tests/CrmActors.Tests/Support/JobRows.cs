using System.Data.Common;
using Dapper;

namespace CrmActors.Tests.Support;

/// <summary>Reads the runtime's jobs table, so failover tests can see which node runs a job and how it ended.</summary>
public static class JobRows
{
    public sealed record Running(string Owner, string Address, double Progress);

    public sealed record Finished(string Status, int Attempts, string? Owner, string? Error);

    /// <summary>The running job of <paramref name="kind"/> with the address of the node that runs it, if any.</summary>
    public static Task<Running?> RunningAsync(DbConnection connection, string kind) =>
        connection.QuerySingleOrDefaultAsync<Running>(
            "SELECT j.owner AS Owner, s.address AS Address, j.progress AS Progress FROM jobs j JOIN silos s ON s.id = j.owner WHERE j.kind = @kind AND j.status = 'running'",
            new { kind });

    /// <summary>The one job of <paramref name="kind"/> whose payload names <paramref name="id"/>.</summary>
    public static async Task<Finished> OfAsync(DbConnection connection, string kind, string id)
    {
        var jobs = (await connection.QueryAsync<(string Status, long Attempts, string? Owner, string Payload, string? Error)>(
            "SELECT status, attempts, owner, payload, error FROM jobs WHERE kind = @kind", new { kind }))
            .Where(j => j.Payload.Contains(id, StringComparison.Ordinal)).ToList();
        var job = Assert.Single(jobs);
        return new Finished(job.Status, (int)job.Attempts, job.Owner, job.Error);
    }
}

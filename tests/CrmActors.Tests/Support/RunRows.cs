using System.Data.Common;
using Dapper;

namespace CrmActors.Tests.Support;

/// <summary>Reads the <c>runs</c> table the run grains keep, so failover tests can see which silo runs a run and how it ended.</summary>
public static class RunRows
{
    public sealed record Running(string Silo, double Progress, int Attempts);

    public sealed record Finished(string Status, int Attempts, string? Silo, string? Error);

    /// <summary>The running run of <paramref name="kind"/>, if any, with the name of the silo running it.</summary>
    public static async Task<Running?> RunningAsync(DbConnection connection, string kind)
    {
        var row = await connection.QuerySingleOrDefaultAsync<(string Silo, double Progress, long Attempts)?>(
            "SELECT silo, progress, attempts FROM runs WHERE kind = @kind AND status = 'running'", new { kind });
        return row is { } r ? new Running(r.Silo, r.Progress, (int)r.Attempts) : null;
    }

    /// <summary>The one run of <paramref name="kind"/> for organization <paramref name="orgId"/>.</summary>
    public static async Task<Finished> OfAsync(DbConnection connection, string kind, string orgId)
    {
        var rows = (await connection.QueryAsync<(string Status, long Attempts, string? Silo, string? Error)>(
            "SELECT status, attempts, silo, error FROM runs WHERE kind = @kind AND owner_key = @orgId", new { kind, orgId })).ToList();
        var run = Assert.Single(rows);
        return new Finished(run.Status, (int)run.Attempts, run.Silo, run.Error);
    }
}

using CrmActors.Grains.Organizations;
using Dapper;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Settles lookups that point at records that will not exist (not in the backup nor the org, purged from the bin, not
/// restorable, of another module): an optional lookup is cleared on its row, which is still restored, with a report
/// line; a required or parent lookup drops its row. Rows that point at a dropped row are looked at again, round after
/// round, until a round drops nothing. Each round is one join in the database of the plan's lookups with its rows (and,
/// for targets the backup does not restore, the org's live records through the ledger); only the lookups that fail
/// come back to the process, a page at a time, ordered by their row.
/// </summary>
public sealed class RestoreLookupCheck(RestorePlan plan, OrganizationState org)
{
    private const int Page = 5000;

    private readonly string _candidates = plan.Scratch("failing");

    public async Task RunAsync(bool ledgerEmpty, CancellationToken cancellationToken)
    {
        var connection = plan.Connection;
        if (!ledgerEmpty)
        {
            await plan.AddOutsideRemapsAsync(org.Id!);
        }

        for (var round = 1; await CollectAsync(round) > 0; round++)
        {
            var dropped = await SettleAsync(round, cancellationToken);
            await connection.ExecuteAsync($"DROP TABLE {_candidates}");
            if (dropped == 0)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Collects the failing lookups of restorable rows (in round 1 all lookups; later, those pointing at a row dropped in
    /// the previous round) with the module their target will have: the restored row's, else the live record's.
    /// </summary>
    private async Task<long> CollectAsync(int round)
    {
        var parameters = new DynamicParameters(new { org = org.Id, previous = round - 1 });
        var names = new List<string>();
        for (var i = 0; i < plan.Modules.Count; i++)
        {
            if (plan.Modules[i].Target is { } target)
            {
                parameters.Add("m" + i, target.Name);
                names.Add($"WHEN {i} THEN @m{i}");
            }
        }

        // The plan holds the lookups of restorable rows only (valid, not repeating an earlier row's ID): in round 1 every
        // lookup is checked against its target alone; later, only those pointing at a row the previous round dropped,
        // and of rows still restorable.
        var from = round == 1
            ? $"{plan.References} l LEFT JOIN {plan.Rows} t ON t.id = l.target"
            : $"{plan.Rows} t JOIN {plan.References} l ON l.target = t.id AND t.round = @previous JOIN {plan.Rows} s ON s.id = l.source AND s.failure IS NULL";
        var restoredModule = names.Count == 0 ? "NULL" : $"CASE WHEN t.failure IS NULL AND t.module >= 0 THEN CASE t.module {string.Join(' ', names)} END END";
        await plan.Connection.ExecuteAsync(
            $"""
            CREATE TEMP TABLE {_candidates} (
              n BIGINT NOT NULL, source TEXT NOT NULL, field TEXT NOT NULL, target TEXT NOT NULL, lookup_module TEXT NOT NULL, required BIGINT NOT NULL,
              cleared TEXT, target_failure TEXT, module TEXT);
            INSERT INTO {_candidates}
            SELECT ROW_NUMBER() OVER (ORDER BY source, seq) AS n, source, field, target, lookup_module, required, cleared, target_failure, module FROM (
              SELECT l.seq, l.source, l.field, l.target, l.lookup_module, l.required, {(round == 1 ? "NULL" : "s.cleared")} AS cleared, t.failure AS target_failure,
                COALESCE({restoredModule},
                  (SELECT r.module FROM records r WHERE r.id = COALESCE(t.new_id, l.target) AND r.org_id = @org AND r.deleted_at IS NULL)) AS module
              FROM {from}) c
            WHERE module IS NULL OR (lookup_module <> '{FieldDefinition.AnyModule}' AND lookup_module <> module);
            CREATE INDEX {_candidates}_n ON {_candidates} (n);
            """,
            parameters, commandTimeout: RestorePlan.WholePlanTimeout);
        var count = await plan.Connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {_candidates}", commandTimeout: RestorePlan.WholePlanTimeout);
        if (count == 0)
        {
            await plan.Connection.ExecuteAsync($"DROP TABLE {_candidates}");
        }

        return count;
    }

    private sealed record Candidate(long N, string Source, string Field, string Target, string LookupModule, long Required, string? Cleared, string? TargetFailure, string? Module);

    /// <summary>Clears each failing optional lookup and drops each row with a failing required one; returns how many rows it dropped.</summary>
    private async Task<long> SettleAsync(int round, CancellationToken cancellationToken)
    {
        long dropped = 0, after = 0;
        // The row being settled; its lookups may span two pages.
        string? source = null;
        Dictionary<string, string>? cleared = null;
        bool sourceDropped = false, sourceCleared = false;
        var drops = new List<(string Id, string Reason)>();
        var clears = new List<(string Id, string Cleared)>();

        void FinishSource()
        {
            if (source is not null && !sourceDropped && sourceCleared)
            {
                clears.Add((source, RestorePlan.FormatCleared(cleared!)));
            }
        }

        while (true)
        {
            var page = (await plan.Connection.QueryAsync<Candidate>(
                $"SELECT n, source, field, target, lookup_module AS LookupModule, required, cleared, target_failure AS TargetFailure, module FROM {_candidates} WHERE n > @after ORDER BY n LIMIT {Page}",
                new { after })).ToList();
            if (page.Count == 0)
            {
                break;
            }

            foreach (var candidate in page)
            {
                if (candidate.Source != source)
                {
                    FinishSource();
                    (source, cleared, sourceDropped, sourceCleared) = (candidate.Source, RestorePlan.ParseCleared(candidate.Cleared), false, false);
                }

                if (sourceDropped || cleared?.ContainsKey(candidate.Field) == true)
                {
                    continue;
                }

                var reason = candidate.Module is { } module
                    ? $"{candidate.Field} points to record {candidate.Target}, a {module} record; it must be a {candidate.LookupModule} record"
                    : candidate.TargetFailure is { } failure and not "outside"
                        ? $"{candidate.Field} points to record {candidate.Target}, which is not restored ({failure})"
                        : $"{candidate.Field} points to record {candidate.Target}, which is neither restored nor in this organization";
                if (candidate.Required != 0)
                {
                    drops.Add((candidate.Source, reason + "."));
                    sourceDropped = true;
                    dropped++;
                }
                else
                {
                    cleared ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    cleared[candidate.Field] = $"{reason}; {candidate.Field} was restored empty.";
                    sourceCleared = true;
                }
            }

            after = page[^1].N;
            await ApplyAsync(round, drops, clears, cancellationToken);
        }

        FinishSource();
        await ApplyAsync(round, drops, clears, cancellationToken);
        return dropped;
    }

    private async Task ApplyAsync(int round, List<(string Id, string Reason)> drops, List<(string Id, string Cleared)> clears, CancellationToken cancellationToken)
    {
        if (drops.Count + clears.Count == 0)
        {
            return;
        }

        var connection = plan.Connection;
        await using var transaction = await plan.BeginAsync(cancellationToken);
        if (plan.IsPostgres)
        {
            await connection.ExecuteAsync(
                $"UPDATE {plan.Rows} p SET failure = u.reason, round = @round FROM unnest(@ids, @reasons) AS u(id, reason) WHERE p.id = u.id AND p.failure IS NULL",
                new { round, ids = drops.Select(d => d.Id).ToArray(), reasons = drops.Select(d => d.Reason).ToArray() }, transaction);
            await connection.ExecuteAsync(
                $"UPDATE {plan.Rows} p SET cleared = u.cleared FROM unnest(@ids, @values) AS u(id, cleared) WHERE p.id = u.id",
                new { ids = clears.Select(c => c.Id).ToArray(), values = clears.Select(c => c.Cleared).ToArray() }, transaction);
        }
        else
        {
            await connection.ExecuteAsync($"UPDATE {plan.Rows} SET failure = @Reason, round = @round WHERE id = @Id AND failure IS NULL",
                drops.Select(d => new { d.Id, d.Reason, round }), transaction);
            await connection.ExecuteAsync($"UPDATE {plan.Rows} SET cleared = @Cleared WHERE id = @Id", clears.Select(c => new { c.Id, c.Cleared }), transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        drops.Clear();
        clears.Clear();
    }
}

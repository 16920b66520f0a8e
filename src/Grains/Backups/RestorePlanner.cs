using System.Data.Common;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Backups;

/// <summary>
/// The first pass of a restore, which writes nothing to the org's data: it reads every row in scope
/// (checking each file against its SHA-256), validates it, indexes its ID, decides which IDs must be
/// remapped (taken by another organization, or remapped by an earlier restore), notes which already
/// exist here, and drops rows whose lookups point at records that will not exist. In a real run the
/// new remaps are saved before the second pass, so a resumed or repeated restore reuses them.
/// </summary>
public sealed class RestorePlanner(IDatabase database, RestoreSource source, OrganizationState org, RestoreRow restore, TimeProvider clock)
{
    private const int ResolveBatch = 5000;

    private bool _ledgerEmpty;

    public async Task<RestorePlan> PlanAsync(CancellationToken cancellationToken)
    {
        var plan = await RestorePlan.CreateAsync(database, RestoreOrder.Modules(source.Manifest, org, restore.Module), cancellationToken);
        try
        {
            await PlanRowsAsync(plan, cancellationToken);
            await ResolveFilesAsync(plan, cancellationToken);
            await new RestoreLookupCheck(plan, org).RunAsync(_ledgerEmpty, cancellationToken);
            if (!restore.DryRun)
            {
                await SaveRemapsAsync(plan, cancellationToken);
            }

            await plan.CompleteAsync();
            return plan;
        }
        catch
        {
            await plan.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads every row in scope, validates it and plans its ID, a batch at a time: the database resolves one batch's IDs
    /// (ledger, other organizations, present here) and stores the batch while the next one is read and validated.
    /// </summary>
    private async Task PlanRowsAsync(RestorePlan plan, CancellationToken cancellationToken)
    {
        var connection = plan.Connection;
        _ledgerEmpty = !await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM backup_id_map WHERE org_id = @org)", new { org = org.Id });
        long seq = 0;
        for (var m = 0; m < plan.Modules.Count; m++)
        {
            if (plan.Modules[m].Target is not { } target)
            {
                continue;
            }

            RestoreRowMapper? mapper = null;
            var rows = new List<PlanRow>(ResolveBatch);
            var references = new List<PlanReference>();
            // Within a batch, a repeated ID is left out here; across batches the plan's key leaves it out.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var resolving = Task.CompletedTask;
            long ordinal = 0;
            await foreach (var row in BackupCsvReader.ReadVerifiedAsync(source, plan.Modules[m].Backup.Files, cancellationToken))
            {
                ordinal++;
                mapper = mapper?.Header == row.Header ? mapper : new RestoreRowMapper(target, row.Header);
                var id = mapper.Id(row.Cells);
                if (!Ids.IsWellFormed(id) || !seen.Add(id))
                {
                    continue;
                }

                string? failure = null;
                try
                {
                    mapper.Validate(row.Cells);
                    foreach (var (column, field) in mapper.Lookups)
                    {
                        if (Ids.IsWellFormed(row.Cells[column]))
                        {
                            references.Add(new PlanReference(++seq, id, ordinal, field.Name, row.Cells[column]!, field.LookupModule!, field.Required || field.Parent));
                        }
                    }
                }
                catch (ProblemException problem)
                {
                    failure = problem.Message;
                }

                rows.Add(new PlanRow(id, m, ordinal, failure));
                if (rows.Count == ResolveBatch)
                {
                    await resolving;
                    resolving = ResolveRowsAsync(plan, rows, references, target.Name, cancellationToken);
                    rows = new List<PlanRow>(ResolveBatch);
                    references = [];
                    seen.Clear();
                }
            }

            await resolving;
            await ResolveRowsAsync(plan, rows, references, target.Name, cancellationToken);
        }

        if (plan.IsPostgres)
        {
            // Temporary tables get no statistics from autovacuum; the lookup check's joins need them.
            await connection.ExecuteAsync($"ANALYZE {plan.Rows}; ANALYZE {plan.References}", commandTimeout: RestorePlan.WholePlanTimeout);
        }
    }

    /// <summary>
    /// Saves this restore's new remaps to the organization's ledger before anything is written, so a resumed or repeated
    /// restore reuses them. The ledger decides: where another run saved a remap of the same ID first, its new ID is used.
    /// The ledger is written through another connection, which streams the remaps out of the plan's table: on SQLite a
    /// write holds the writer slot until its connection closes, and the plan's stays open.
    /// </summary>
    private async Task SaveRemapsAsync(RestorePlan plan, CancellationToken cancellationToken)
    {
        if (!plan.HasNewRecordRemaps && !plan.NewFileRemaps.Any())
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var conflicts = await RestoreStore.AddMappingsAsync(connection, transaction, org.Id!, () => NewRecordRemaps(plan).Concat(plan.NewFileRemaps), clock.GetUtcNow());
        await transaction.CommitAsync(cancellationToken);
        if (conflicts.Count == 0)
        {
            return;
        }

        await using var planTransaction = await plan.BeginAsync(cancellationToken);
        foreach (var (old, @new) in conflicts)
        {
            if (plan.IsFileRemapped(old))
            {
                plan.RemapFileByLedger(old, @new);
            }

            await plan.Connection.ExecuteAsync($"UPDATE {plan.Rows} SET new_id = @new, ledger = 1 WHERE id = @old AND ledger = 0", new { old, @new }, planTransaction);
        }

        await planTransaction.CommitAsync(cancellationToken);
    }

    private static IEnumerable<KeyValuePair<string, string>> NewRecordRemaps(RestorePlan plan)
    {
        using var command = plan.Connection.CreateCommand();
        command.CommandText = $"SELECT id, new_id FROM {plan.Rows} WHERE ledger = 0 AND new_id IS NOT NULL AND module >= 0";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return KeyValuePair.Create(reader.GetString(0), reader.GetString(1));
        }
    }

    /// <summary>
    /// Plans one batch of rows: each ID is kept unless the ledger already remapped it, or a record with that ID exists
    /// in another organization or in another module (only the owning org and module are read, never the data); a
    /// record of this org with the final ID makes it present. Then the batch and its lookups go into the plan's tables.
    /// </summary>
    private async Task ResolveRowsAsync(RestorePlan plan, List<PlanRow> rows, List<PlanReference> references, string module, CancellationToken cancellationToken)
    {
        var connection = plan.Connection;
        var ids = rows.Select(r => r.Id).ToList();
        var ledger = await LedgerAsync(connection, ids);
        var existing = (await RestoreIds.QueryByIdsAsync<(string Id, string OrgId, string Module)>(
                connection, null, "SELECT id, org_id, module FROM records WHERE id = {ids}", new { }, ids.Where(id => !ledger.ContainsKey(id)).ToList()))
            .ToDictionary(e => e.Id, StringComparer.Ordinal);
        var presentByLedger = (await RestoreIds.QueryByIdsAsync<string>(
                connection, null, "SELECT id FROM records WHERE org_id = @org AND id = {ids}", new { org = org.Id }, ledger.Values.ToList()))
            .ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (ledger.TryGetValue(row.Id, out var @new))
            {
                rows[i] = row with { NewId = @new, ByLedger = true, Present = presentByLedger.Contains(@new) };
            }
            else if (existing.TryGetValue(row.Id, out var found))
            {
                rows[i] = found.OrgId != org.Id || found.Module != module ? row with { NewId = Ids.New() } : row with { Present = true };
            }
        }

        await using var transaction = await plan.BeginAsync(cancellationToken);
        // The lookups of a row left out (its ID is an earlier row's) are not checked: the row is not restored.
        if (await plan.AddRowsAsync(transaction, rows, cancellationToken) is { Count: > 0 } repeated)
        {
            references.RemoveAll(r => repeated.Contains(r.Ordinal));
        }

        await plan.AddReferencesAsync(transaction, references, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Reads the record-to-file links in scope: which files will exist, and which file IDs must be remapped.</summary>
    private async Task ResolveFilesAsync(RestorePlan plan, CancellationToken cancellationToken)
    {
        var batch = new List<FileLink>(ResolveBatch);
        var files = source.Manifest.Files.Where(f => f.Kind == "files").Select(f => f.Name);
        await foreach (var row in BackupCsvReader.ReadVerifiedAsync(source, files, cancellationToken))
        {
            if (FileLink.From(row) is { } link && plan.InScope(link.Module) && Ids.IsWellFormed(link.RecordId))
            {
                batch.Add(link);
            }

            if (batch.Count == ResolveBatch)
            {
                await ResolveFileBatchAsync(plan, batch);
                batch.Clear();
            }
        }

        await ResolveFileBatchAsync(plan, batch);
    }

    private async Task ResolveFileBatchAsync(RestorePlan plan, List<FileLink> links)
    {
        var connection = plan.Connection;
        var records = await plan.EntriesAsync(links.Select(l => l.RecordId).Distinct().ToList());
        var batch = links.Where(l => records.TryGetValue(l.RecordId, out var record) && record.Restores).ToList();
        var ledger = await LedgerAsync(connection, batch.Select(b => b.FileId).ToList());
        foreach (var (old, @new) in ledger)
        {
            plan.RemapFileByLedger(old, @new);
        }

        var existing = (await RestoreIds.QueryByIdsAsync<(string Id, string OrgId, string RecordId)>(
            connection, null, "SELECT id, org_id, record_id FROM attachments WHERE id = {ids}", new { }, batch.Select(b => plan.FinalFile(b.FileId)).Distinct().ToList()))
            .ToDictionary(e => e.Id);
        foreach (var link in batch)
        {
            var present = existing.TryGetValue(plan.FinalFile(link.FileId), out var found);
            if (present && (found.OrgId != org.Id || found.RecordId != RestorePlan.Final(records, link.RecordId)))
            {
                if (!plan.IsFileRemapped(link.FileId))
                {
                    plan.RemapFileAnew(link.FileId);
                }

                present = false;
            }

            if ((present || source.HasAttachment(link.Path)) && Ids.IsWellFormed(link.FileId))
            {
                plan.RestorableFiles.Add(link.FileId);
            }
        }
    }

    /// <summary>The ledger's earlier remaps of <paramref name="ids"/> (old ID → new ID).</summary>
    private async Task<Dictionary<string, string>> LedgerAsync(DbConnection connection, IReadOnlyCollection<string> ids) =>
        _ledgerEmpty
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : (await RestoreIds.QueryByUniqueKeyAsync<(string Old, string New)>(
                connection, null, "old_id, new_id", "backup_id_map", "org_id = @org", "old_id", new { org = org.Id }, ids))
            .ToDictionary(m => m.Old, m => m.New, StringComparer.Ordinal);
}

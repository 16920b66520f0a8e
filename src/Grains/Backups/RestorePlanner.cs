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
        var plan = new RestorePlan(RestoreOrder.Modules(source.Manifest, org, restore.Module));
        var pending = new List<PendingLookup>();
        await using var connection = await database.OpenAsync(cancellationToken);
        _ledgerEmpty = !await connection.ExecuteScalarAsync<bool>("SELECT COUNT(*) > 0 FROM backup_id_map WHERE org_id = @org", new { org = org.Id });
        for (var m = 0; m < plan.Modules.Count; m++)
        {
            if (plan.Modules[m].Target is not { } target)
            {
                continue;
            }

            RestoreRowMapper? mapper = null;
            var ids = new List<string>(ResolveBatch);
            var resolving = Task.CompletedTask;
            long ordinal = 0;
            await foreach (var row in BackupCsvReader.ReadVerifiedAsync(source, plan.Modules[m].Backup.Files, cancellationToken))
            {
                ordinal++;
                mapper = mapper?.Header == row.Header ? mapper : new RestoreRowMapper(target, row.Header);
                var id = mapper.Id(row.Cells);
                if (!RestoreIds.TryKey(id, out var key))
                {
                    continue;
                }

                if (plan.Restorable.ContainsKey(key) || plan.Failures.ContainsKey(key))
                {
                    plan.Duplicates.Add((m, ordinal));
                    continue;
                }

                try
                {
                    mapper.Validate(row.Cells);
                    plan.Restorable[key] = m;
                    foreach (var (column, field) in mapper.Lookups)
                    {
                        if (RestoreIds.TryKey(row.Cells[column], out var referenced)
                            && !(plan.Restorable.TryGetValue(referenced, out var position) && Matches(field.LookupModule!, plan.Modules[position].Target!.Name)))
                        {
                            pending.Add(new PendingLookup(key, referenced, field.Name, field.LookupModule!, field.Required || field.Parent));
                        }
                    }
                }
                catch (ProblemException problem)
                {
                    plan.Failures[key] = problem.Message;
                }

                ids.Add(id!);
                if (ids.Count == ResolveBatch)
                {
                    // The database checks one batch of IDs while the next batch is read and validated.
                    await resolving;
                    resolving = ResolveRecordsAsync(connection, ids, target.Name, plan);
                    ids = new List<string>(ResolveBatch);
                }
            }

            await resolving;
            await ResolveRecordsAsync(connection, ids, target.Name, plan);
        }

        await ResolveFilesAsync(connection, plan, cancellationToken);
        await new RestoreLookupCheck(source, plan, org).RunAsync(connection, pending, ApplyLedgerAsync, cancellationToken);
        if (!restore.DryRun && plan.NewRemapCount > 0)
        {
            await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
            var conflicts = await RestoreStore.AddMappingsAsync(connection, transaction, org.Id!,
                () => plan.NewRemaps, clock.GetUtcNow());
            await transaction.CommitAsync(cancellationToken);

            // The ledger decides: if another run saved a mapping first, its new ID is the one to use.
            foreach (var (old, @new) in conflicts)
            {
                plan.RemapByLedger(old, @new);
            }
        }

        return plan;
    }

    public static bool Matches(string lookupModule, string module) => lookupModule == FieldDefinition.AnyModule || lookupModule == module;

    /// <summary>
    /// Keeps each ID unless the ledger already remapped it, or a record with that ID exists in another
    /// organization or in another module (only the owning org and module are read, never the data).
    /// </summary>
    private async Task ResolveRecordsAsync(DbConnection connection, List<string> ids, string module, RestorePlan plan)
    {
        var unmapped = await ApplyLedgerAsync(connection, ids, plan);
        var existing = await RestoreIds.QueryByIdsAsync<(string Id, string OrgId, string Module)>(
            connection, null, "SELECT id, org_id, module FROM records WHERE id = {ids}", new { }, unmapped);
        foreach (var (id, orgId, existingModule) in existing)
        {
            if (orgId != org.Id || existingModule != module)
            {
                plan.RemapAnew(id);
            }
            else if (RestoreIds.TryKey(id, out var key))
            {
                plan.Present.Add(key);
            }
        }

        var mapped = ids.Where(plan.IsRemappedByLedger).ToDictionary(plan.Final);
        foreach (var final in await RestoreIds.QueryByIdsAsync<string>(
            connection, null, "SELECT id FROM records WHERE org_id = @org AND id = {ids}", new { org = org.Id }, mapped.Keys))
        {
            if (RestoreIds.TryKey(mapped[final], out var key))
            {
                plan.Present.Add(key);
            }
        }
    }

    /// <summary>Reads the record-to-file links in scope: which files will exist, and which file IDs must be remapped.</summary>
    private async Task ResolveFilesAsync(DbConnection connection, RestorePlan plan, CancellationToken cancellationToken)
    {
        var batch = new List<(string FileId, string RecordId, string Path)>(ResolveBatch);
        var files = source.Manifest.Files.Where(f => f.Kind == "files").Select(f => f.Name);
        await foreach (var row in BackupCsvReader.ReadVerifiedAsync(source, files, cancellationToken))
        {
            var link = FileLink.From(row);
            if (link is not null && plan.InScope(link.Module) && RestoreIds.TryKey(link.RecordId, out var record) && plan.Restorable.ContainsKey(record))
            {
                batch.Add((link.FileId, link.RecordId, link.Path));
            }

            if (batch.Count == ResolveBatch)
            {
                await ResolveFileBatchAsync(connection, batch, plan);
                batch.Clear();
            }
        }

        await ResolveFileBatchAsync(connection, batch, plan);
    }

    private async Task ResolveFileBatchAsync(DbConnection connection, List<(string FileId, string RecordId, string Path)> batch, RestorePlan plan)
    {
        var unmapped = (await ApplyLedgerAsync(connection, batch.Select(b => b.FileId).ToList(), plan)).ToHashSet();
        var existing = (await RestoreIds.QueryByIdsAsync<(string Id, string OrgId, string RecordId)>(
            connection, null, "SELECT id, org_id, record_id FROM attachments WHERE id = {ids}", new { }, batch.Select(b => plan.Final(b.FileId)).Distinct().ToList()))
            .ToDictionary(e => e.Id);
        foreach (var (fileId, recordId, path) in batch)
        {
            var present = existing.TryGetValue(plan.Final(fileId), out var found);
            if (present && (found.OrgId != org.Id || found.RecordId != plan.Final(recordId)))
            {
                if (unmapped.Contains(fileId))
                {
                    plan.RemapAnew(fileId);
                }

                present = false;
            }

            if ((present || source.HasAttachment(path)) && RestoreIds.TryKey(fileId, out var key))
            {
                plan.RestorableFiles.Add(key);
            }
        }
    }

    /// <summary>Applies the ledger's earlier remaps of <paramref name="ids"/> to the plan; returns the IDs it does not remap.</summary>
    private async Task<List<string>> ApplyLedgerAsync(DbConnection connection, IReadOnlyCollection<string> ids, RestorePlan plan)
    {
        if (!_ledgerEmpty)
        {
            foreach (var (old, @new) in await RestoreIds.QueryByUniqueKeyAsync<(string Old, string New)>(
                connection, null, "old_id, new_id", "backup_id_map", "org_id = @org", "old_id", new { org = org.Id }, ids))
            {
                plan.RemapByLedger(old, @new);
            }
        }

        return ids.Where(id => !plan.IsRemapped(id)).ToList();
    }
}

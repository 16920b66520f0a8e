using System.Data.Common;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Runtime.Storage;

namespace CrmActors.Grains.Backups;

/// <summary>
/// The first pass of a restore, which writes nothing to the org's data: it reads every row in scope,
/// validates it, indexes its ID, decides which IDs must be remapped (taken by another organization,
/// or remapped by an earlier restore), and follows lookups until every row left to restore points
/// only at records that will exist. In a real run the new remaps are saved before the second pass,
/// so a resumed or repeated restore reuses them.
/// </summary>
public sealed class RestorePlanner(IDatabase database, RestoreSource source, OrganizationState org, RestoreRow restore, TimeProvider clock)
{
    private const int ResolveBatch = 5000;

    private readonly record struct Edge(UInt128 Source, UInt128 Target, string Field, string LookupModule);

    private readonly Dictionary<string, string> _newRemaps = new(StringComparer.Ordinal);

    public async Task<RestorePlan> PlanAsync(CancellationToken cancellationToken)
    {
        var plan = new RestorePlan(RestoreOrder.Modules(source.Manifest, org, restore.Module));
        var edges = new List<Edge>();
        await using var connection = await database.OpenAsync(cancellationToken);
        for (var m = 0; m < plan.Modules.Count; m++)
        {
            if (plan.Modules[m].Target is not { } target)
            {
                continue;
            }

            RestoreRowMapper? mapper = null;
            var pending = new List<string>(ResolveBatch);
            long ordinal = 0;
            await foreach (var row in BackupCsvReader.ReadAsync(source, plan.Modules[m].Backup.Files, cancellationToken))
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
                    mapper.Data(row.Cells, (_, value) => value);
                    plan.Restorable[key] = m;
                    foreach (var (column, field) in mapper.Lookups)
                    {
                        if (RestoreIds.TryKey(row.Cells[column], out var referenced))
                        {
                            edges.Add(new Edge(key, referenced, field.Name, field.LookupModule!));
                        }
                    }
                }
                catch (ProblemException problem)
                {
                    plan.Failures[key] = problem.Message;
                }

                pending.Add(id!);
                if (pending.Count == ResolveBatch)
                {
                    await ResolveRecordsAsync(connection, pending, target.Name, plan);
                    pending.Clear();
                }
            }

            await ResolveRecordsAsync(connection, pending, target.Name, plan);
        }

        await ResolveFilesAsync(connection, plan, cancellationToken);
        await CheckLookupsAsync(connection, plan, edges);
        if (!restore.DryRun && _newRemaps.Count > 0)
        {
            await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
            await RestoreStore.AddMappingsAsync(connection, transaction, org.Id!, _newRemaps, clock.GetUtcNow());
            await transaction.CommitAsync(cancellationToken);
        }

        return plan;
    }

    /// <summary>
    /// Keeps each ID unless the ledger already remapped it, or a record with that ID exists in another
    /// organization or in another module (only the owning org and module are read, never the data).
    /// </summary>
    private async Task ResolveRecordsAsync(DbConnection connection, List<string> ids, string module, RestorePlan plan)
    {
        var unmapped = await ApplyLedgerAsync(connection, ids, plan);
        var existing = await RestoreIds.QueryByIdsAsync<(string Id, string OrgId, string Module)>(
            connection, null, "SELECT id, org_id, module FROM records WHERE id = {ids}", new { }, unmapped);
        foreach (var (id, orgId, existingModule) in existing.Where(e => e.OrgId != org.Id || e.Module != module))
        {
            Remap(plan, id);
        }
    }

    /// <summary>Reads the record-to-file links in scope: which files will exist, and which file IDs must be remapped.</summary>
    private async Task ResolveFilesAsync(DbConnection connection, RestorePlan plan, CancellationToken cancellationToken)
    {
        var batch = new List<(string FileId, string RecordId, string Path)>(ResolveBatch);
        var files = source.Manifest.Files.Where(f => f.Kind == "files").Select(f => f.Name);
        await foreach (var row in BackupCsvReader.ReadAsync(source, files, cancellationToken))
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
                    Remap(plan, fileId);
                }

                present = false;
            }

            if ((present || source.HasAttachment(path)) && RestoreIds.TryKey(fileId, out var key))
            {
                plan.RestorableFiles.Add(key);
            }
        }
    }

    /// <summary>Drops rows whose lookups point at records that will not exist, repeating until nothing more drops.</summary>
    private async Task CheckLookupsAsync(DbConnection connection, RestorePlan plan, List<Edge> edges)
    {
        var targets = edges.Select(e => RestoreIds.ToId(e.Target)).Distinct().ToList();
        var ledger = await RestoreIds.QueryByIdsAsync<(string Old, string New)>(
            connection, null, "SELECT old_id, new_id FROM backup_id_map WHERE org_id = @org AND old_id = {ids}", new { org = org.Id }, targets);
        var finals = targets.ToDictionary(t => t, t => plan.Remaps.GetValueOrDefault(t) ?? t);
        foreach (var (old, @new) in ledger)
        {
            finals[old] = plan.Remaps.GetValueOrDefault(old) ?? @new;
        }

        var live = (await RestoreIds.QueryByIdsAsync<(string Id, string Module)>(
            connection, null, "SELECT id, module FROM records WHERE org_id = @org AND deleted_at IS NULL AND id = {ids}", new { org = org.Id }, finals.Values.Distinct().ToList()))
            .ToDictionary(r => r.Id, r => r.Module);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var edge in edges)
            {
                if (!plan.Restorable.ContainsKey(edge.Source))
                {
                    continue;
                }

                var target = RestoreIds.ToId(edge.Target);
                var module = plan.Restorable.TryGetValue(edge.Target, out var position) ? plan.Modules[position].Target!.Name : live.GetValueOrDefault(finals[target]);
                if (module is null || (edge.LookupModule != FieldDefinition.AnyModule && edge.LookupModule != module))
                {
                    plan.Restorable.Remove(edge.Source);
                    plan.Failures[edge.Source] = module is null
                        ? $"{edge.Field} points to record {target}, which is neither restored nor in this organization."
                        : $"{edge.Field} points to record {target}, a {module} record; it must be a {edge.LookupModule} record.";
                    changed = true;
                }
            }
        }
    }

    private async Task<List<string>> ApplyLedgerAsync(DbConnection connection, List<string> ids, RestorePlan plan)
    {
        var mapped = await RestoreIds.QueryByIdsAsync<(string Old, string New)>(
            connection, null, "SELECT old_id, new_id FROM backup_id_map WHERE org_id = @org AND old_id = {ids}", new { org = org.Id }, ids);
        foreach (var (old, @new) in mapped)
        {
            plan.Remaps[old] = @new;
        }

        return ids.Where(id => !plan.Remaps.ContainsKey(id)).ToList();
    }

    private void Remap(RestorePlan plan, string id)
    {
        var fresh = Ids.New();
        plan.Remaps[id] = fresh;
        _newRemaps[id] = fresh;
    }
}

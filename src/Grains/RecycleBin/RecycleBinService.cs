using System.Data.Common;
using System.Text.Json.Nodes;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Backups;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Storage;
using Dapper;
using Microsoft.Extensions.Options;

namespace CrmActors.Grains.RecycleBin;

/// <summary>
/// Deleting marks a record, its dependents (records whose parent it is, recursively) and their files
/// with one batch ID; restoring clears the marks, so IDs and links come back unchanged. Batches are
/// purged for good when emptied or after <see cref="RecycleBinOptions.Retention"/>.
/// </summary>
public sealed class RecycleBinService(
    IDatabase database, IBlobStore blobs, TimeProvider clock, IGrainFactory grains, RestoreStore restores, IOptions<RecycleBinOptions> options)
{
    private TimeSpan Retention => options.Value.Retention;

    /// <summary>The longest page of the bin a list answers.</summary>
    public const int MaxPerPage = 500;

    public sealed record Page(IReadOnlyList<RecycleBinEntry> Items, int PageNumber, int PerPage, long Total);

    private sealed record Row(string batch_id, string record_id, string module, string? display_name, long record_count, long deleted_at, string deleted_by);

    internal async Task MoveAsync(DbConnection connection, DbTransaction transaction, Actor actor, ModuleDefinition module, RecordRow row, DateTimeOffset now)
    {
        var batch = Ids.New();
        var ids = new List<string> { row.Id };
        for (var frontier = (IReadOnlyCollection<string>)[row.Id]; frontier.Count > 0;)
        {
            var children = await RecordStore.ChildrenAsync(connection, transaction, actor.OrgId, frontier);
            frontier = children.Select(c => c.Id).Except(ids).ToList();
            ids.AddRange(frontier);
        }

        var parameters = new DynamicParameters(new { actor.OrgId, batch, at = UnixTime.Ms(now) });
        var list = SqlList.Add(parameters, "r", ids);
        await connection.ExecuteAsync($"UPDATE records SET deleted_at = @at, deleted_batch = @batch WHERE org_id = @OrgId AND id IN ({list})", parameters, transaction);
        await connection.ExecuteAsync(
            $"UPDATE attachments SET deleted_at = @at, deleted_batch = @batch WHERE org_id = @OrgId AND deleted_at IS NULL AND record_id IN ({list})", parameters, transaction);
        var display = module.DisplayField is { } field ? JsonNode.Parse(row.Data)?[field]?.ToString() : null;
        await connection.ExecuteAsync(
            "INSERT INTO recycle_bin (batch_id, org_id, record_id, module, display_name, record_count, deleted_at, deleted_by) VALUES (@batch, @OrgId, @Id, @Module, @display, @count, @at, @user)",
            new { batch, actor.OrgId, row.Id, row.Module, display, count = ids.Count, at = UnixTime.Ms(now), user = actor.User.Id }, transaction);
        var old = JsonNode.Parse(row.Data)!.AsObject();
        await AuditLog.WriteAsync(connection, transaction, actor.OrgId, now, actor.User.Id, AuditActions.Delete, AuditTargets.Record, module.Name, row.Id, null,
            old.Select(kv => new FieldChange(kv.Key, RecordService.Plain(kv.Value), null)).Append(new FieldChange("dependents", null, ids.Count - 1)));
    }

    /// <summary>One page of the batches the actor may see (modules they may view), most recently deleted first.</summary>
    public async Task<Page> ListAsync(Actor actor, int page, int perPage)
    {
        if (page is < 1 or > Records.RecordService.MaxPage || perPage is < 1 or > MaxPerPage)
        {
            throw ProblemException.Validation(page is < 1 or > Records.RecordService.MaxPage ? "page" : "perPage",
                $"page is between 1 and {Records.RecordService.MaxPage}, and perPage between 1 and {MaxPerPage}.");
        }

        var parameters = new DynamicParameters(new { actor.OrgId, limit = perPage, offset = (long)(page - 1) * perPage });
        var visible = "org_id = @OrgId";
        if (!actor.User.IsAdmin && actor.User.Profile.Modules is not null)
        {
            var modules = actor.Org.Modules.Select(m => m.Name).Where(m => actor.User.Can(m, ModuleAction.View)).DefaultIfEmpty("").ToList();
            visible += $" AND module IN ({SqlList.Add(parameters, "m", modules)})";
        }

        await using var connection = await database.OpenAsync();
        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM recycle_bin WHERE {visible}", parameters);
        var rows = await connection.QueryAsync<Row>(
            $"SELECT batch_id, record_id, module, display_name, record_count, deleted_at, deleted_by FROM recycle_bin WHERE {visible} " +
            "ORDER BY deleted_at DESC, batch_id LIMIT @limit OFFSET @offset", parameters);
        return new Page([.. rows.Select(r => new RecycleBinEntry(r.batch_id, r.record_id, r.module, r.display_name, (int)r.record_count,
            UnixTime.At(r.deleted_at), r.deleted_by, UnixTime.At(r.deleted_at) + Retention))], page, perPage, total);
    }

    /// <summary>Brings back the record deleted most recently under <paramref name="recordId"/>, with its dependents and files.</summary>
    public async Task<int> RestoreAsync(Actor actor, string recordId)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // The bin row is claimed: an Empty (or the expiry purge) that runs meanwhile waits, then finds it gone; one that
        // claimed it first makes this restore wait and then answer 404.
        var entry = await connection.QueryFirstOrDefaultAsync<Row>(
            $"SELECT batch_id, record_id, module, display_name, record_count, deleted_at, deleted_by FROM recycle_bin WHERE org_id = @OrgId AND record_id = @recordId ORDER BY deleted_at DESC {database.ForUpdate}",
            new { actor.OrgId, recordId }, transaction) ?? throw ProblemException.NotFound($"Record {recordId} in the recycle bin");
        actor.Authorize(entry.module, ModuleAction.Delete);
        // A record whose parent is still in the bin (or gone) would come back an orphan: the parent comes first.
        var parent = await connection.QuerySingleOrDefaultAsync<(string Id, string Module, long? DeletedAt)?>(
            """
            SELECT p.id, p.module, p.deleted_at FROM records r LEFT JOIN records p ON p.org_id = r.org_id AND p.id = r.parent_id
            WHERE r.org_id = @OrgId AND r.id = @recordId AND r.deleted_batch = @batch_id AND r.parent_id IS NOT NULL
              AND (p.id IS NULL OR (p.deleted_at IS NOT NULL AND p.deleted_batch <> @batch_id))
            """, new { actor.OrgId, recordId, entry.batch_id }, transaction);
        if (parent is { } binned)
        {
            throw ProblemException.Conflict(ProblemCodes.Conflict, binned.Module is null
                ? $"Record {recordId} belongs to a record that was purged for good; it cannot be restored without it."
                : $"Record {recordId} belongs to {binned.Module} record {binned.Id}, which is in the recycle bin; restore {binned.Id} first (it brings back what belongs to it).");
        }

        var restored = await connection.ExecuteAsync(
            "UPDATE records SET deleted_at = NULL, deleted_batch = NULL WHERE org_id = @OrgId AND deleted_batch = @batch_id", new { actor.OrgId, entry.batch_id }, transaction);
        await connection.ExecuteAsync(
            "UPDATE attachments SET deleted_at = NULL, deleted_batch = NULL WHERE org_id = @OrgId AND deleted_batch = @batch_id", new { actor.OrgId, entry.batch_id }, transaction);
        await connection.ExecuteAsync("DELETE FROM recycle_bin WHERE batch_id = @batch_id", new { entry.batch_id }, transaction);
        await AuditLog.WriteAsync(connection, transaction, actor.OrgId, clock.GetUtcNow(), actor.User.Id, AuditActions.Restore, AuditTargets.Record,
            entry.module, recordId, null, [new FieldChange("records", null, restored)]);
        await transaction.CommitAsync();
        return restored;
    }

    /// <summary>
    /// Purges every batch of the organization, in one transaction with its audit entry and with clearing (and
    /// auditing) every lookup that pointed at a purged record, so no later backup holds a dangling reference.
    /// </summary>
    public async Task<int> EmptyAsync(Actor actor)
    {
        if (await restores.HasAsync(actor.OrgId, RestoreStore.Writing))
        {
            throw ProblemException.Conflict(ProblemCodes.BackupBusy,
                "A restore of this organization is running; it reads and writes records the bin holds. Empty the recycle bin once it finishes.");
        }

        var now = clock.GetUtcNow();
        return await PurgeAsync("org_id = @orgId", new { orgId = actor.OrgId }, actor.User.Id, now, async (connection, transaction, purged) =>
            await AuditLog.WriteAsync(connection, transaction, actor.OrgId, now, actor.User.Id, AuditActions.Purge, AuditTargets.Setting,
                null, null, "recycle-bin", [new FieldChange("records", null, purged)]));
    }

    /// <summary>
    /// Purges batches deleted longer ago than the retention period, an organization at a time: each in its own transaction,
    /// with only its own state in memory (on SQLite the write lock is held for one organization's purge, not everyone's).
    /// </summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now)
    {
        var cutoff = UnixTime.Ms(now - Retention);
        List<string> organizations;
        await using (var read = await database.OpenAsync())
        {
            organizations = [.. await read.QueryAsync<string>("SELECT DISTINCT org_id FROM recycle_bin WHERE deleted_at < @cutoff", new { cutoff })];
        }

        var purged = 0;
        foreach (var orgId in organizations)
        {
            purged += await PurgeAsync("org_id = @orgId AND deleted_at < @cutoff", new { orgId, cutoff }, null, now, null);
        }

        return purged;
    }

    private async Task<int> PurgeAsync(string where, object parameters, string? userId, DateTimeOffset now, Func<DbConnection, DbTransaction, int, Task>? audit)
    {
        // The organizations' fields (which lookups to clear) are read before the write transaction opens.
        var organizations = new Dictionary<string, OrganizationState>();
        await using (var read = await database.OpenAsync())
        {
            foreach (var orgId in await read.QueryAsync<string>($"SELECT DISTINCT org_id FROM recycle_bin WHERE {where}", parameters))
            {
                organizations[orgId] = await grains.Grain<IOrganizationGrain>(orgId).GetAsync();
            }
        }

        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // Claimed in one order (two purges never wait on each other in a cycle); a bin restore holding one makes the purge wait,
        // and skip it. An organization a backup restore is writing into is left for the next purge.
        var batches = (await connection.QueryAsync<(string Batch, string OrgId)>(
            $"""
            SELECT batch_id, org_id FROM recycle_bin WHERE {where}
              AND org_id NOT IN (SELECT org_id FROM backup_restores WHERE {RestoreStore.Writing}) ORDER BY batch_id {database.ForUpdate}
            """, parameters, transaction)).ToList();
        var purged = 0;
        var files = new List<string>();
        foreach (var chunk in batches.Chunk(500))
        {
            var p = new DynamicParameters();
            var list = SqlList.Add(p, "b", chunk.Select(b => b.Batch));
            var ids = (await connection.QueryAsync<(string Id, string OrgId)>($"SELECT id, org_id FROM records WHERE deleted_batch IN ({list})", p, transaction)).ToList();
            files.AddRange(await connection.QueryAsync<string>($"SELECT blob_path FROM attachments WHERE deleted_batch IN ({list})", p, transaction));
            await connection.ExecuteAsync($"DELETE FROM attachments WHERE deleted_batch IN ({list})", p, transaction);
            purged += await connection.ExecuteAsync($"DELETE FROM records WHERE deleted_batch IN ({list})", p, transaction);
            await connection.ExecuteAsync($"DELETE FROM recycle_bin WHERE batch_id IN ({list})", p, transaction);
            foreach (var org in ids.GroupBy(i => i.OrgId))
            {
                if (organizations.TryGetValue(org.Key, out var state))
                {
                    await ClearLookupsAsync(connection, transaction, state, [.. org.Select(i => i.Id)], userId, now);
                }
            }
        }

        if (audit is not null)
        {
            await audit(connection, transaction, purged);
        }

        await transaction.CommitAsync();
        foreach (var file in files)
        {
            blobs.Delete(file);
        }

        return purged;
    }

    /// <summary>
    /// Clears every (non-parent) lookup of the organization's records, live or binned, that names one of
    /// <paramref name="purgedIds"/>, with an audit entry per record. Parent lookups need no clearing: a record's
    /// dependents are binned and purged with it, and one binned on its own cannot be restored without its parent.
    /// </summary>
    private async Task ClearLookupsAsync(DbConnection connection, DbTransaction transaction, OrganizationState org, IReadOnlyList<string> purgedIds, string? userId, DateTimeOffset now)
    {
        foreach (var module in org.Modules)
        {
            foreach (var field in module.Fields.Where(f => f.Type == FieldTypes.Lookup && !f.Parent))
            {
                foreach (var chunk in purgedIds.Chunk(500))
                {
                    var p = new DynamicParameters(new { org = org.Id, module = module.Name, field = field.Name, at = UnixTime.Ms(now) });
                    var list = SqlList.Add(p, "i", chunk);
                    var pointing = await connection.QueryAsync<(string Id, string Data)>(
                        $"SELECT id, data FROM records WHERE org_id = @org AND module = @module AND {database.JsonText("data", "@field")} IN ({list})", p, transaction);
                    foreach (var (id, data) in pointing)
                    {
                        var values = JsonNode.Parse(data)!.AsObject();
                        var old = values[field.Name]?.GetValue<string>();
                        values.Remove(field.Name);
                        await connection.ExecuteAsync("UPDATE records SET data = @data, modified_at = @at WHERE org_id = @org AND id = @id",
                            new { data = values.ToJsonString(), at = UnixTime.Ms(now), org = org.Id, id }, transaction);
                        await AuditLog.WriteAsync(connection, transaction, org.Id!, now, userId, AuditActions.Update, AuditTargets.Record, module.Name, id, null,
                            [new FieldChange(field.Name, old, null)]);
                    }
                }
            }
        }
    }
}

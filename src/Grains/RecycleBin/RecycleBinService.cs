using System.Data.Common;
using System.Text.Json.Nodes;
using CrmActors.Grains.Audit;
using CrmActors.Grains.Common;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Records;
using CrmActors.Grains.Blobs;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.RecycleBin;

/// <summary>
/// Deleting marks a record, its dependents (records whose parent it is, recursively) and their files
/// with one batch ID; restoring clears the marks, so IDs and links come back unchanged. Batches are
/// purged for good when emptied or after <see cref="Retention"/>.
/// </summary>
public sealed class RecycleBinService(IDatabase database, IBlobStore blobs, TimeProvider clock)
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(60);

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

    public async Task<IReadOnlyList<RecycleBinEntry>> ListAsync(Actor actor)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Row>(
            "SELECT batch_id, record_id, module, display_name, record_count, deleted_at, deleted_by FROM recycle_bin WHERE org_id = @OrgId ORDER BY deleted_at DESC",
            new { actor.OrgId });
        return rows.Where(r => actor.User.Can(r.module, ModuleAction.View))
            .Select(r => new RecycleBinEntry(r.batch_id, r.record_id, r.module, r.display_name, (int)r.record_count,
                UnixTime.At(r.deleted_at), r.deleted_by, UnixTime.At(r.deleted_at) + Retention))
            .ToList();
    }

    /// <summary>Brings back the record deleted most recently under <paramref name="recordId"/>, with its dependents and files.</summary>
    public async Task<int> RestoreAsync(Actor actor, string recordId)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var entry = await connection.QueryFirstOrDefaultAsync<Row>(
            "SELECT batch_id, record_id, module, display_name, record_count, deleted_at, deleted_by FROM recycle_bin WHERE org_id = @OrgId AND record_id = @recordId ORDER BY deleted_at DESC",
            new { actor.OrgId, recordId }, transaction) ?? throw ProblemException.NotFound($"Record {recordId} in the recycle bin");
        actor.Authorize(entry.module, ModuleAction.Delete);
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

    /// <summary>Purges every batch of the organization; only backups still hold those records.</summary>
    public async Task<int> EmptyAsync(Actor actor)
    {
        var purged = await PurgeAsync("org_id = @orgId", new { orgId = actor.OrgId });
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        await AuditLog.WriteAsync(connection, transaction, actor.OrgId, clock.GetUtcNow(), actor.User.Id, AuditActions.Purge, AuditTargets.Setting,
            null, null, "recycle-bin", [new FieldChange("records", null, purged)]);
        await transaction.CommitAsync();
        return purged;
    }

    /// <summary>Purges batches deleted longer ago than the retention period, in every organization.</summary>
    public Task<int> PurgeExpiredAsync(DateTimeOffset now) => PurgeAsync("deleted_at < @cutoff", new { cutoff = UnixTime.Ms(now - Retention) });

    private async Task<int> PurgeAsync(string where, object parameters)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var batches = (await connection.QueryAsync<string>($"SELECT batch_id FROM recycle_bin WHERE {where}", parameters, transaction)).ToList();
        var purged = 0;
        var files = new List<string>();
        foreach (var chunk in batches.Chunk(500))
        {
            var p = new DynamicParameters();
            var list = SqlList.Add(p, "b", chunk);
            files.AddRange(await connection.QueryAsync<string>($"SELECT blob_path FROM attachments WHERE deleted_batch IN ({list})", p, transaction));
            await connection.ExecuteAsync($"DELETE FROM attachments WHERE deleted_batch IN ({list})", p, transaction);
            purged += await connection.ExecuteAsync($"DELETE FROM records WHERE deleted_batch IN ({list})", p, transaction);
            await connection.ExecuteAsync($"DELETE FROM recycle_bin WHERE batch_id IN ({list})", p, transaction);
        }

        await transaction.CommitAsync();
        foreach (var file in files)
        {
            blobs.Delete(file);
        }

        return purged;
    }
}

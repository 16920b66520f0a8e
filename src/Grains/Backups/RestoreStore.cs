using System.Data.Common;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.Storage;
using Dapper;
using Npgsql;

namespace CrmActors.Grains.Backups;

/// <summary>SQL over <c>backup_restores</c>, <c>backup_restore_items</c> and <c>backup_id_map</c>; every query is scoped by org ID.</summary>
public sealed class RestoreStore(IDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] ItemColumns = ["restore_id", "seq", "kind", "module", "file", "row_number", "record_id", "new_id", "reason"];

    private static readonly string[] MapColumns = ["org_id", "old_id", "new_id", "created_at"];

    private const string Columns =
        "id, org_id, backup_id, data_parts, attachment_parts, mode, module, dry_run, status, error, counts, cursor, requested_by, created_at, started_at, finished_at";

    private sealed record Row(
        string id, string org_id, string? backup_id, string data_parts, string attachment_parts, string mode, string? module, long dry_run,
        string status, string? error, string counts, string? cursor, string requested_by, long created_at, long? started_at, long? finished_at);

    public IDatabase Database => database;

    public static Task InsertAsync(DbConnection connection, DbTransaction transaction, RestoreRow row) =>
        connection.ExecuteAsync(
            $"INSERT INTO backup_restores ({Columns}) VALUES (@Id, @OrgId, @BackupId, @dataParts, @attachmentParts, @Mode, @Module, @dryRun, @Status, NULL, @counts, NULL, @RequestedBy, @createdAt, NULL, NULL) ON CONFLICT (id) DO NOTHING",
            new
            {
                row.Id, row.OrgId, row.BackupId, dataParts = JsonSerializer.Serialize(row.DataParts, Json), attachmentParts = JsonSerializer.Serialize(row.AttachmentParts, Json),
                row.Mode, row.Module, dryRun = row.DryRun ? 1 : 0, row.Status, counts = JsonSerializer.Serialize(row.Counts, Json), row.RequestedBy,
                createdAt = UnixTime.Ms(row.CreatedAt),
            },
            transaction);

    /// <summary>A restore that has not finished (SQL condition on <c>backup_restores</c>).</summary>
    public const string Active = "status IN ('queued', 'running')";

    /// <summary>An unfinished restore that writes (not a dry run): its writers decide per row whether a record is here or binned.</summary>
    public const string Writing = Active + " AND dry_run = 0";

    /// <summary>Whether the organization has a restore <paramref name="condition"/> (<see cref="Active"/> or <see cref="Writing"/>), of backup <paramref name="backupId"/> if given.</summary>
    public async Task<bool> HasAsync(string orgId, string condition, string? backupId = null)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>(
            $"SELECT COUNT(*) > 0 FROM backup_restores WHERE org_id = @orgId AND {condition}" + (backupId is null ? "" : " AND backup_id = @backupId"), new { orgId, backupId });
    }

    public async Task<RestoreRow?> GetAsync(string orgId, string id)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM backup_restores WHERE org_id = @orgId AND id = @id", new { orgId, id });
        return row is null ? null : ToRecord(row);
    }

    public async Task<IReadOnlyList<RestoreRow>> ListAsync(string orgId, int limit = 100)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Row>(
            $"SELECT {Columns} FROM backup_restores WHERE org_id = @orgId ORDER BY created_at DESC, id DESC LIMIT @limit", new { orgId, limit });
        return rows.Select(ToRecord).ToList();
    }

    /// <summary>The first <paramref name="limit"/> items of <paramref name="kind"/>, in the order the restore reported them.</summary>
    public async Task<IReadOnlyList<RestoreItem>> ItemsAsync(string orgId, string restoreId, string kind, int limit) =>
        [.. (await ItemPageAsync(orgId, restoreId, kind, -1, limit)).Select(i => i.Item)];

    /// <summary>
    /// Every item of <paramref name="kind"/>, in order, read a page at a time (a range of the items' key each): a slow
    /// reader of a long report holds no connection and no snapshot between pages.
    /// </summary>
    public IAsyncEnumerable<RestoreItem> AllItemsAsync(string orgId, string restoreId, string kind, int pageSize = 5000) =>
        KeysetPages.ReadAsync(-1L, (after, size) => ItemPageAsync(orgId, restoreId, kind, after, size), i => i.Seq, pageSize).Select(i => i.Item);

    private async Task<List<(long Seq, RestoreItem Item)>> ItemPageAsync(string orgId, string restoreId, string kind, long after, int limit)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(long, string, string?, string?, long?, string?, string?, string?)>(
            """
            SELECT i.seq, i.kind, i.module, i.file, i.row_number, i.record_id, i.new_id, i.reason
            FROM backup_restore_items i JOIN backup_restores r ON r.id = i.restore_id
            WHERE r.org_id = @orgId AND i.restore_id = @restoreId AND i.kind = @kind AND i.seq > @after ORDER BY i.seq LIMIT @limit
            """,
            new { orgId, restoreId, kind, after, limit });
        return [.. rows.Select(r => (r.Item1, new RestoreItem(r.Item2, r.Item3, r.Item4, r.Item5, r.Item6, r.Item7, r.Item8)))];
    }

    public async Task MarkRunningAsync(string orgId, string id, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            $"UPDATE backup_restores SET status = 'running', started_at = COALESCE(started_at, @now) WHERE org_id = @orgId AND id = @id AND {Active}",
            new { orgId, id, now = UnixTime.Ms(now) });
    }

    /// <summary>
    /// The stored counts and cursor, inside the caller's batch transaction, locked on PostgreSQL until it ends (on SQLite
    /// the transaction holds the database's write lock): the restore's two writers save one after the other.
    /// </summary>
    public static async Task<(RestoreCounts Counts, string? Cursor)> LockProgressAsync(DbConnection connection, DbTransaction transaction, string orgId, string id)
    {
        var (counts, cursor) = await connection.QuerySingleAsync<(string, string?)>(
            $"SELECT counts, cursor FROM backup_restores WHERE org_id = @orgId AND id = @id{(connection is NpgsqlConnection ? " FOR UPDATE" : "")}",
            new { orgId, id }, transaction);
        return (JsonSerializer.Deserialize<RestoreCounts>(counts, Json)!, cursor);
    }

    /// <summary>Saves counts and the resume cursor, and appends report items, inside the caller's batch transaction.</summary>
    public static async Task SaveProgressAsync(
        DbConnection connection, DbTransaction transaction, string orgId, string id, RestoreCounts counts, string cursor, long firstSeq, IReadOnlyList<RestoreItem> items)
    {
        await connection.ExecuteAsync(
            "UPDATE backup_restores SET counts = @counts, cursor = @cursor WHERE org_id = @orgId AND id = @id",
            new { orgId, id, counts = JsonSerializer.Serialize(counts, Json), cursor }, transaction);
        await BulkInsert.InsertAsync(connection, transaction, "backup_restore_items", ItemColumns,
            items.Select((item, i) => new object?[] { id, firstSeq + i, item.Kind, item.Module, item.File, item.Row, item.RecordId, item.NewId, item.Reason }));
    }

    public async Task FinishAsync(string orgId, string id, string status, string? error, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            $"UPDATE backup_restores SET status = @status, error = @error, finished_at = @now WHERE org_id = @orgId AND id = @id AND {Active}",
            new { orgId, id, status, error, now = UnixTime.Ms(now) });
    }

    /// <summary>Deletes the org's finished restores past its newest <paramref name="keep"/>, with their report items; returns how many went.</summary>
    public async Task<int> PruneAsync(string orgId, int keep)
    {
        await using var connection = await database.OpenAsync();
        var old = (await connection.QueryAsync<(string Id, string Status)>(
                "SELECT id, status FROM backup_restores WHERE org_id = @orgId ORDER BY created_at DESC, id DESC", new { orgId }))
            .Skip(keep).Where(r => r.Status is RestoreStatuses.Completed or RestoreStatuses.Failed).Select(r => r.Id).ToList();
        foreach (var chunk in old.Chunk(100))
        {
            await using var transaction = await database.BeginWriteAsync(connection);
            var parameters = new DynamicParameters(new { orgId });
            var ids = SqlList.Add(parameters, "r", chunk);
            await connection.ExecuteAsync($"DELETE FROM backup_restore_items WHERE restore_id IN ({ids})", parameters, transaction);
            await connection.ExecuteAsync($"DELETE FROM backup_restores WHERE org_id = @orgId AND id IN ({ids})", parameters, transaction);
            await transaction.CommitAsync();
        }

        return old.Count;
    }

    /// <summary>
    /// Recycle-bin entries whose every record and file a restore brought back are empty; they go, so the
    /// bin does not offer records that are live again.
    /// </summary>
    public async Task DropEmptyRecycleBinEntriesAsync(string orgId)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            DELETE FROM recycle_bin WHERE org_id = @orgId
              AND NOT EXISTS (SELECT 1 FROM records r WHERE r.deleted_batch = recycle_bin.batch_id)
              AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.deleted_batch = recycle_bin.batch_id)
            """,
            new { orgId });
    }

    /// <summary>
    /// Saves new remaps (old ID → new ID) to the organization's ledger, and returns those another run had saved first,
    /// with the new ID it saved: the ledger decides. The planner leaves out every ID the ledger already maps, so the
    /// rows normally go straight in (binary COPY on PostgreSQL); only when another run saved one of them meanwhile
    /// (a unique violation) are they saved again through a temporary table, skipping the taken ones, and the
    /// conflicts read back by one join in the database.
    /// </summary>
    public static async Task<List<(string Old, string New)>> AddMappingsAsync(
        DbConnection connection, DbTransaction transaction, string orgId, Func<IEnumerable<KeyValuePair<string, string>>> mappings, DateTimeOffset now)
    {
        var at = UnixTime.Ms(now);
        if (connection is NpgsqlConnection)
        {
            await transaction.SaveAsync(RemapsSavepoint);
            try
            {
                await BulkInsert.InsertAsync(connection, transaction, "backup_id_map", MapColumns, mappings().Select(m => new object?[] { orgId, m.Key, m.Value, at }));
                await transaction.ReleaseAsync(RemapsSavepoint);
                return [];
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await transaction.RollbackAsync(RemapsSavepoint);
            }
        }

        var staging = $"restore_remaps_{Guid.NewGuid():N}";
        await connection.ExecuteAsync($"CREATE TEMP TABLE {staging} (old_id TEXT NOT NULL, new_id TEXT NOT NULL)", transaction: transaction);
        await BulkInsert.InsertAsync(connection, transaction, staging, ["old_id", "new_id"], mappings().Select(m => new object?[] { m.Key, m.Value }));
        var parameters = new { org = orgId, at };
        // "WHERE true" lets SQLite read ON CONFLICT as the upsert clause, not as part of the SELECT.
        await connection.ExecuteAsync(
            $"INSERT INTO backup_id_map ({string.Join(", ", MapColumns)}) SELECT @org, old_id, new_id, @at FROM {staging} WHERE true ON CONFLICT DO NOTHING",
            parameters, transaction);
        var conflicts = (await connection.QueryAsync<(string Old, string New)>(
            $"SELECT s.old_id, m.new_id FROM {staging} s JOIN backup_id_map m ON m.org_id = @org AND m.old_id = s.old_id WHERE m.new_id <> s.new_id",
            parameters, transaction)).ToList();
        await connection.ExecuteAsync($"DROP TABLE {staging}", transaction: transaction);
        return conflicts;
    }

    private const string RemapsSavepoint = "restore_remaps";

    private static RestoreRow ToRecord(Row r) => new(
        r.id, r.org_id, r.backup_id, JsonSerializer.Deserialize<List<string>>(r.data_parts, Json)!, JsonSerializer.Deserialize<List<string>>(r.attachment_parts, Json)!,
        r.mode, r.module, r.dry_run != 0, r.status, r.error, JsonSerializer.Deserialize<RestoreCounts>(r.counts, Json)!, r.cursor, r.requested_by,
        UnixTime.At(r.created_at), UnixTime.At(r.started_at), UnixTime.At(r.finished_at));
}

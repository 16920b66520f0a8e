using System.Data.Common;
using CrmActors.Grains.Storage;
using Dapper;
using Npgsql;

namespace CrmActors.Grains.Records;

/// <summary>SQL over the <c>records</c> table. Every query is scoped by org ID.</summary>
public sealed class RecordStore(IDatabase database)
{
    private const string Columns =
        "id AS Id, org_id AS OrgId, module AS Module, owner_id AS OwnerId, created_at AS CreatedAt, created_by AS CreatedBy, " +
        "modified_at AS ModifiedAt, modified_by AS ModifiedBy, email AS Email, parent_id AS ParentId, data AS Data";

    private const string Insert =
        "INSERT INTO records (id, org_id, module, owner_id, created_at, created_by, modified_at, modified_by, email, parent_id, data) " +
        "VALUES (@Id, @OrgId, @Module, @OwnerId, @CreatedAt, @CreatedBy, @ModifiedAt, @ModifiedBy, @Email, @ParentId, @Data)";

    private static readonly string[] InsertColumns =
        ["id", "org_id", "module", "owner_id", "created_at", "created_by", "modified_at", "modified_by", "email", "parent_id", "data"];

    public IDatabase Database => database;

    public static Task InsertAsync(DbConnection connection, DbTransaction transaction, RecordRow row) =>
        connection.ExecuteAsync(Insert, row, transaction);

    /// <summary>Inserts many rows: binary COPY on PostgreSQL, one prepared statement on SQLite (<see cref="BulkInsert"/>).</summary>
    public Task InsertManyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RecordRow> rows) =>
        BulkInsert.InsertAsync(connection, transaction, "records", InsertColumns, rows.Select(row => new object?[]
        {
            row.Id, row.OrgId, row.Module, row.OwnerId, row.CreatedAt, row.CreatedBy, row.ModifiedAt, row.ModifiedBy, row.Email, row.ParentId, row.Data,
        }));

    /// <summary>
    /// The live record. Inside a write transaction on PostgreSQL the row stays locked until the commit, so an edit
    /// reads, merges and writes without another edit or a delete slipping in between (SQLite's write transactions
    /// are already serial); a record binned meanwhile is then not found. An edit locks it <c>FOR NO KEY UPDATE</c>,
    /// which writes that only link to it (<see cref="FindLiveAsync"/>'s <c>FOR KEY SHARE</c>) do not wait for; a
    /// delete (<paramref name="forDelete"/>) locks it <c>FOR UPDATE</c>, which waits for them and they for it.
    /// </summary>
    public static Task<RecordRow?> GetAsync(DbConnection connection, DbTransaction? transaction, string orgId, string id, bool forDelete = false) =>
        connection.QuerySingleOrDefaultAsync<RecordRow>(
            $"SELECT {Columns} FROM records WHERE org_id = @orgId AND id = @id AND deleted_at IS NULL" +
            (transaction is not null && connection is NpgsqlConnection ? (forDelete ? " FOR UPDATE" : " FOR NO KEY UPDATE") : ""), new { orgId, id }, transaction);

    public static Task UpdateAsync(DbConnection connection, DbTransaction transaction, RecordRow row) =>
        connection.ExecuteAsync(
            "UPDATE records SET data = @Data, email = @Email, parent_id = @ParentId, owner_id = @OwnerId, modified_at = @ModifiedAt, modified_by = @ModifiedBy " +
            "WHERE org_id = @OrgId AND id = @Id AND deleted_at IS NULL", row, transaction);

    public async Task<(IReadOnlyList<RecordRow> Items, long Total)> ListAsync(
        string orgId, string module, int page, int perPage, IReadOnlyList<(string Field, string Value)> filters)
    {
        await using var connection = await database.OpenAsync();
        var parameters = new DynamicParameters(new { orgId, module, limit = perPage, offset = (long)(page - 1) * perPage });
        var where = "org_id = @orgId AND module = @module AND deleted_at IS NULL";
        for (var i = 0; i < filters.Count; i++)
        {
            parameters.Add($"f{i}", filters[i].Field);
            parameters.Add($"v{i}", filters[i].Value);
            where += $" AND {database.JsonText("data", $"@f{i}")} = @v{i}";
        }

        var total = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM records WHERE {where}", parameters);
        var items = await connection.QueryAsync<RecordRow>($"SELECT {Columns} FROM records WHERE {where} ORDER BY id LIMIT @limit OFFSET @offset", parameters);
        return (items.ToList(), total);
    }

    /// <summary>Which of <paramref name="ids"/> are live records of the org, with their module.</summary>
    /// <remarks>
    /// Inside a write that links to them, pass <see cref="IDatabase.ForKeyShare"/> as <paramref name="lockRows"/>: the
    /// targets cannot be deleted until the write commits, and one deleted meanwhile is not found (a delete that
    /// commits first) or sees the new link and bins it along (a delete that waits). Edits of the targets do not wait.
    /// </remarks>
    public static async Task<Dictionary<string, string>> FindLiveAsync(DbConnection connection, DbTransaction? transaction, string orgId, IEnumerable<string> ids, string lockRows = "")
    {
        var found = new Dictionary<string, string>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            var parameters = new DynamicParameters(new { orgId });
            var rows = await connection.QueryAsync<(string, string)>(
                $"SELECT id, module FROM records WHERE org_id = @orgId AND deleted_at IS NULL AND id IN ({SqlList.Add(parameters, "i", chunk)}) {lockRows}", parameters, transaction);
            foreach (var (id, module) in rows)
            {
                found[id] = module;
            }
        }

        return found;
    }

    /// <summary>Live records whose parent is one of <paramref name="parentIds"/>.</summary>
    public static async Task<IReadOnlyList<(string Id, string Module)>> ChildrenAsync(DbConnection connection, DbTransaction transaction, string orgId, IReadOnlyCollection<string> parentIds)
    {
        var children = new List<(string, string)>();
        foreach (var chunk in parentIds.Chunk(500))
        {
            var parameters = new DynamicParameters(new { orgId });
            children.AddRange(await connection.QueryAsync<(string, string)>(
                $"SELECT id, module FROM records WHERE org_id = @orgId AND deleted_at IS NULL AND parent_id IN ({SqlList.Add(parameters, "p", chunk)})", parameters, transaction));
        }

        return children;
    }
}

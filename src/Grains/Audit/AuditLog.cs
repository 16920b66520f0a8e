using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.Storage;
using Dapper;
using Microsoft.Extensions.Options;
using AuditRow = (string, string, long, string?, string, string, string?, string?, string?, string?);

namespace CrmActors.Grains.Audit;

/// <summary>The <c>audit_log</c> table. Entries are written in the same transaction as the change they describe.</summary>
public sealed class AuditLog(IDatabase database, IOptions<AuditLogOptions> options)
{

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Query(DateTimeOffset? From, DateTimeOffset? To, string? UserId, string? Module, string? Action, long? Limit = 1000);

    public static Task WriteAsync(DbConnection connection, DbTransaction transaction, string orgId, DateTimeOffset at, string? userId,
        string action, string targetType, string? module, string? recordId, string? setting, IEnumerable<FieldChange> changes) =>
        connection.ExecuteAsync(
            """
            INSERT INTO audit_log (id, org_id, at, user_id, action, target_type, module, record_id, setting, changes)
            VALUES (@id, @orgId, @at, @userId, @action, @targetType, @module, @recordId, @setting, @changes)
            """,
            new
            {
                id = Ids.New(), orgId, at = UnixTime.Ms(at), userId, action, targetType, module, recordId, setting,
                changes = JsonSerializer.Serialize(changes, Json),
            },
            transaction);

    /// <summary>
    /// Entries matching the filters, oldest first, the first <see cref="Query.Limit"/> of them (all when it is null), read
    /// <paramref name="pageSize"/> at a time (a range of (at, id) each): a slow reader of a long export holds no connection
    /// and no snapshot between pages.
    /// </summary>
    public IAsyncEnumerable<AuditEntry> ReadAsync(string orgId, Query query, int pageSize = 1000)
    {
        var sql = "SELECT id, org_id, at, user_id, action, target_type, module, record_id, setting, changes FROM audit_log WHERE org_id = @orgId"
            + (query.From is null ? "" : " AND at >= @from")
            + (query.To is null ? "" : " AND at <= @to")
            + (query.UserId is null ? "" : " AND user_id = @UserId")
            + (query.Module is null ? "" : " AND module = @Module")
            + (query.Action is null ? "" : " AND action = @Action")
            + " AND (at > @afterAt OR (at = @afterAt AND id > @afterId)) ORDER BY at, id LIMIT @page";
        async Task<List<AuditRow>> PageAsync((long At, string Id) after, int page)
        {
            await using var connection = await database.OpenAsync();
            return [.. await connection.QueryAsync<AuditRow>(sql, new
            {
                orgId, from = query.From is { } f ? UnixTime.Ms(f) : 0, to = query.To is { } t ? UnixTime.Ms(t) : 0,
                query.UserId, query.Module, query.Action, afterAt = after.At, afterId = after.Id, page,
            })];
        }

        var rows = KeysetPages.ReadAsync((long.MinValue, ""), PageAsync, r => (r.Item3, r.Item1), pageSize, query.Limit ?? long.MaxValue);
        return rows.Select(r => new AuditEntry(r.Item1, r.Item2, UnixTime.At(r.Item3), r.Item4, r.Item5, r.Item6, r.Item7, r.Item8, r.Item9,
            r.Item10 is null ? [] : JsonSerializer.Deserialize<ImmutableList<FieldChange>>(r.Item10, Json) ?? []));
    }

    /// <summary>Deletes entries older than the retention period; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("DELETE FROM audit_log WHERE at < @cutoff", new { cutoff = UnixTime.Ms(now - options.Value.Retention) });
    }
}

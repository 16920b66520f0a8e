using System.Collections.Immutable;
using System.Data.Common;
using System.Text.Json;
using CrmActors.Grains.Common;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>
/// A pair's remote cards (table <c>contact_sync_links</c>, keyed by pair and card UID): href, last seen
/// ETag, the linked CRM record (none for a card kept out of the CRM), its work e-mail and the values last
/// synced. Every statement is scoped by org and pair.
/// </summary>
public sealed class SyncLinkStore(IDatabase database)
{
    public sealed record Link(string Uid, string? Href, string? ETag, string? RecordId, string? Email, ImmutableDictionary<string, string?>? Synced);

    private sealed record Row(string uid, string? href, string? etag, string? record_id, string? email, string? synced);

    public IDatabase Database => database;

    public async Task<IReadOnlyList<Link>> LoadAsync(string orgId, string pairId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT uid, href, etag, record_id, email, synced FROM contact_sync_links WHERE org_id = @orgId AND pair_id = @pairId",
            new { orgId, pairId }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new Link(r.uid, r.href, r.etag, r.record_id, r.email,
            r.synced is null ? null : JsonSerializer.Deserialize<Dictionary<string, string?>>(r.synced)!.ToImmutableDictionary()))];
    }

    public static async Task UpsertAsync(DbConnection connection, DbTransaction transaction, string orgId, string pairId, IEnumerable<Link> links, DateTimeOffset now)
    {
        foreach (var link in links)
        {
            // A record links to one card: a link moving to a record first frees it.
            if (link.RecordId is not null)
            {
                await connection.ExecuteAsync(
                    "DELETE FROM contact_sync_links WHERE org_id = @orgId AND pair_id = @pairId AND record_id = @RecordId AND uid <> @Uid",
                    new { orgId, pairId, link.RecordId, link.Uid }, transaction);
            }

            await connection.ExecuteAsync(
                """
                INSERT INTO contact_sync_links (pair_id, org_id, uid, href, etag, record_id, email, synced, updated_at)
                VALUES (@pairId, @orgId, @Uid, @Href, @ETag, @RecordId, @Email, @synced, @at)
                ON CONFLICT (pair_id, uid) DO UPDATE SET href = excluded.href, etag = excluded.etag, record_id = excluded.record_id,
                    email = excluded.email, synced = excluded.synced, updated_at = excluded.updated_at
                """,
                new
                {
                    pairId, orgId, link.Uid, link.Href, link.ETag, link.RecordId, link.Email,
                    synced = link.Synced is null ? null : JsonSerializer.Serialize(link.Synced), at = UnixTime.Ms(now),
                }, transaction);
        }
    }

    public static async Task DeleteAsync(DbConnection connection, DbTransaction transaction, string orgId, string pairId, IEnumerable<string> uids)
    {
        foreach (var chunk in uids.Chunk(500))
        {
            var parameters = new DynamicParameters(new { orgId, pairId });
            await connection.ExecuteAsync(
                $"DELETE FROM contact_sync_links WHERE org_id = @orgId AND pair_id = @pairId AND uid IN ({SqlList.Add(parameters, "u", chunk)})", parameters, transaction);
        }
    }

    /// <summary>Forgets every link of a deleted pair.</summary>
    public async Task DeletePairAsync(string orgId, string pairId)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM contact_sync_links WHERE org_id = @orgId AND pair_id = @pairId", new { orgId, pairId });
    }
}

using System.Data.Common;
using CrmActors.Grains.Common;
using Dapper;

namespace CrmActors.Grains.ContactSync.Sync;

/// <summary>A deleted pair's links are forgotten; written from the pair grain's outbox, so a silo dying after the deletion does not leave them.</summary>
public sealed record SyncLinksDroppedEffect(string OrgId, string PairId) : SideEffect
{
    public static Task ApplyAsync(DbConnection connection, DbTransaction transaction, SyncLinksDroppedEffect e) =>
        connection.ExecuteAsync("DELETE FROM contact_sync_links WHERE org_id = @OrgId AND pair_id = @PairId", e, transaction);
}

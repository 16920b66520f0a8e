using CrmActors.Grains.Backups;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using System.Text;
using Dapper;

namespace CrmActors.Grains.Common;

/// <summary>
/// Applies side effects, idempotently: rows in one transaction (each inserted at most once), then runs. A write
/// that covered many calls brings many effects; rows of a kind go in one statement (audit rows, token rows, the
/// organization index with the last name per organization), while token grants and revocations keep their order.
/// </summary>
public sealed class SideEffectApplier(IDatabase database, IGrainFactory grains)
{
    public async Task ApplyAsync(IReadOnlyList<SideEffect> effects)
    {
        var revoked = new List<string>();
        if (database.Provider == StorageProvider.Postgres && effects.All(e => e is AuditRowEffect or OrganizationIndexedEffect or TokenAddedEffect or RunStartedEffect))
        {
            // The usual case in one round trip: PostgreSQL runs the statements of one command in one implicit transaction.
            var sql = new StringBuilder();
            var parameters = new DynamicParameters();
            MultiRowInsert.Append(sql, parameters, "a", AuditInto, AuditConflict, AuditRows(effects));
            MultiRowInsert.Append(sql, parameters, "o", IndexInto, IndexConflict, IndexRows(effects));
            MultiRowInsert.Append(sql, parameters, "t", TokensInto, TokensConflict, [.. effects.OfType<TokenAddedEffect>().Select(TokenRow)]);
            if (sql.Length > 0)
            {
                await using var connection = await database.OpenAsync();
                await connection.ExecuteAsync(sql.ToString(), parameters);
            }
        }
        else if (effects.Any(e => e is not RunStartedEffect))
        {
            await using var connection = await database.OpenAsync();
            await using var transaction = await database.BeginWriteAsync(connection);
            await MultiRowInsert.ExecuteAsync(connection, transaction, AuditInto, AuditConflict, AuditRows(effects));
            await MultiRowInsert.ExecuteAsync(connection, transaction, IndexInto, IndexConflict, IndexRows(effects));
            var added = new List<object?[]>();
            foreach (var effect in effects)
            {
                if (effect is TokenAddedEffect t)
                {
                    added.Add(TokenRow(t));
                    continue;
                }

                if (effect is not (TokensRevokedEffect or RestoreQueuedEffect or Migrations.MigrationIndexedEffect or ContactSync.Sync.SyncLinksDroppedEffect))
                {
                    continue;
                }

                // A revocation covers the tokens granted before it, so those go in first.
                await InsertTokensAsync(connection, transaction, added);
                await (effect switch
                {
                    TokensRevokedEffect r => RevokeAsync(connection, transaction, r, revoked),
                    RestoreQueuedEffect q => RestoreStore.InsertAsync(connection, transaction, q.Restore),
                    Migrations.MigrationIndexedEffect m => Migrations.MigrationIndexedEffect.ApplyAsync(connection, transaction, m),
                    ContactSync.Sync.SyncLinksDroppedEffect d => ContactSync.Sync.SyncLinksDroppedEffect.ApplyAsync(connection, transaction, d),
                    _ => Task.CompletedTask,
                });
            }

            await InsertTokensAsync(connection, transaction, added);
            await transaction.CommitAsync();
        }

        // Token grains serve authentication from memory; revoked ones forget (a replay tells the same ones again).
        foreach (var hash in revoked)
        {
            await grains.Grain<ITokenGrain>(hash).ForgetAsync();
        }

        foreach (var run in effects.OfType<RunStartedEffect>())
        {
            await grains.Grain<IRunGrain>(run.Run.RunId).StartAsync(run.Run);
        }
    }

    private const string AuditInto = "audit_log (id, org_id, at, user_id, action, target_type, module, record_id, setting, changes)";
    private const string AuditConflict = "ON CONFLICT (id) DO NOTHING";
    private const string IndexInto = "organizations (id, name, modified_at)";
    private const string IndexConflict = "ON CONFLICT (id) DO UPDATE SET name = excluded.name, modified_at = excluded.modified_at";
    private const string TokensInto = "tokens (hash, org_id, user_id, created_at)";
    private const string TokensConflict = "ON CONFLICT (hash) DO NOTHING";

    private static List<object?[]> AuditRows(IReadOnlyList<SideEffect> effects) =>
        [.. effects.OfType<AuditRowEffect>().Select(a => new object?[] { a.Id, a.OrgId, UnixTime.Ms(a.At), a.UserId, a.Action, a.TargetType, a.Module, a.RecordId, a.Setting, a.Changes })];

    // One upsert may not touch a row twice: the last name of each organization wins.
    private static List<object?[]> IndexRows(IReadOnlyList<SideEffect> effects) =>
        [.. effects.OfType<OrganizationIndexedEffect>().GroupBy(o => o.OrgId).Select(g => g.Last()).Select(o => new object?[] { o.OrgId, o.Name, UnixTime.Ms(o.At) })];

    private static object?[] TokenRow(TokenAddedEffect t) => [t.Hash, t.OrgId, t.UserId, UnixTime.Ms(t.At)];

    private static async Task InsertTokensAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, List<object?[]> rows)
    {
        await MultiRowInsert.ExecuteAsync(connection, transaction, TokensInto, TokensConflict, rows);
        rows.Clear();
    }

    /// <summary>
    /// Revokes the tokens and names every token this revocation revoked, now or when it was applied before: a replay after a
    /// silo died between the commit and the token grains being told must tell them.
    /// </summary>
    private static async Task RevokeAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, TokensRevokedEffect r, List<string> revoked)
    {
        var parameters = new { r.OrgId, r.UserId, at = UnixTime.Ms(r.At) };
        await connection.ExecuteAsync(
            "UPDATE tokens SET revoked_at = @at WHERE org_id = @OrgId AND user_id = @UserId AND revoked_at IS NULL AND created_at <= @at", parameters, transaction);
        revoked.AddRange(await connection.QueryAsync<string>(
            "SELECT hash FROM tokens WHERE org_id = @OrgId AND user_id = @UserId AND revoked_at = @at", parameters, transaction));
    }
}

using CrmActors.Grains.Backups;
using CrmActors.Grains.Organizations;
using CrmActors.Grains.Runs;
using CrmActors.Grains.Storage;
using Dapper;

namespace CrmActors.Grains.Common;

/// <summary>Applies a turn's side effects, idempotently: rows in one transaction (each inserted at most once), then runs.</summary>
public sealed class SideEffectApplier(IDatabase database, IGrainFactory grains)
{
    public async Task ApplyAsync(IReadOnlyList<SideEffect> effects)
    {
        var revoked = new List<string>();
        if (effects.Any(e => e is not RunStartedEffect))
        {
            await using var connection = await database.OpenAsync();
            await using var transaction = await database.BeginWriteAsync(connection);
            foreach (var effect in effects)
            {
                await (effect switch
                {
                    AuditRowEffect a => connection.ExecuteAsync(
                        """
                        INSERT INTO audit_log (id, org_id, at, user_id, action, target_type, module, record_id, setting, changes)
                        VALUES (@Id, @OrgId, @at, @UserId, @Action, @TargetType, @Module, @RecordId, @Setting, @Changes)
                        ON CONFLICT (id) DO NOTHING
                        """,
                        new { a.Id, a.OrgId, at = UnixTime.Ms(a.At), a.UserId, a.Action, a.TargetType, a.Module, a.RecordId, a.Setting, a.Changes }, transaction),
                    TokenAddedEffect t => connection.ExecuteAsync(
                        "INSERT INTO tokens (hash, org_id, user_id, created_at) VALUES (@Hash, @OrgId, @UserId, @at) ON CONFLICT (hash) DO NOTHING",
                        new { t.Hash, t.OrgId, t.UserId, at = UnixTime.Ms(t.At) }, transaction),
                    TokensRevokedEffect r => RevokeAsync(connection, transaction, r, revoked),
                    OrganizationIndexedEffect o => connection.ExecuteAsync(
                        "INSERT INTO organizations (id, name, modified_at) VALUES (@OrgId, @Name, @at) ON CONFLICT (id) DO UPDATE SET name = excluded.name, modified_at = excluded.modified_at",
                        new { o.OrgId, o.Name, at = UnixTime.Ms(o.At) }, transaction),
                    RestoreQueuedEffect q => RestoreStore.InsertAsync(connection, transaction, q.Restore),
                    Migrations.MigrationIndexedEffect m => Migrations.MigrationIndexedEffect.ApplyAsync(connection, transaction, m),
                    _ => Task.CompletedTask,
                });
            }

            await transaction.CommitAsync();
        }

        // Token grains serve authentication from memory; revoked ones forget (a replay finds none and tells none).
        foreach (var hash in revoked)
        {
            await grains.GetGrain<ITokenGrain>(hash).ForgetAsync();
        }

        foreach (var run in effects.OfType<RunStartedEffect>())
        {
            await grains.GetGrain<IRunGrain>(run.Run.RunId).StartAsync(run.Run);
        }
    }

    private static async Task RevokeAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, TokensRevokedEffect r, List<string> revoked) =>
        revoked.AddRange(await connection.QueryAsync<string>(
            "UPDATE tokens SET revoked_at = @at WHERE org_id = @OrgId AND user_id = @UserId AND revoked_at IS NULL AND created_at <= @at RETURNING hash",
            new { r.OrgId, r.UserId, at = UnixTime.Ms(r.At) }, transaction));
}

using CrmActors.Runtime.Storage;

namespace CrmActors.Grains.Backups;

/// <summary>
/// Tables of the backup feature beside the grain's state: restores with their counts, resume cursor
/// and report items; the per-org ID-remap ledger that makes restores idempotent; and shared keys.
/// </summary>
public sealed class BackupSchema : ISchemaContributor
{
    public IEnumerable<string> Statements(StorageProvider provider)
    {
        yield return """
            CREATE TABLE IF NOT EXISTS backup_restores (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                backup_id TEXT NULL,
                data_parts TEXT NOT NULL,
                attachment_parts TEXT NOT NULL,
                mode TEXT NOT NULL,
                module TEXT NULL,
                dry_run BIGINT NOT NULL,
                status TEXT NOT NULL,
                error TEXT NULL,
                counts TEXT NOT NULL,
                cursor TEXT NULL,
                requested_by TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                started_at BIGINT NULL,
                finished_at BIGINT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ix_backup_restores_org ON backup_restores (org_id, created_at)";
        yield return """
            CREATE TABLE IF NOT EXISTS backup_restore_items (
                restore_id TEXT NOT NULL,
                seq BIGINT NOT NULL,
                kind TEXT NOT NULL,
                module TEXT NULL,
                file TEXT NULL,
                row_number BIGINT NULL,
                record_id TEXT NULL,
                new_id TEXT NULL,
                reason TEXT NULL,
                PRIMARY KEY (restore_id, seq))
            """;
        yield return """
            CREATE TABLE IF NOT EXISTS backup_id_map (
                org_id TEXT NOT NULL,
                old_id TEXT NOT NULL,
                new_id TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (org_id, old_id))
            """;
        yield return """
            CREATE TABLE IF NOT EXISTS backup_keys (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """;
    }
}

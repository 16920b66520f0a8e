using CrmActors.Runtime.Storage;

namespace CrmActors.Grains.Common;

/// <summary>
/// The data tables beside grain state: tokens, records, attachments, the audit log and the recycle bin.
/// Records are data, not grain state; the organization grain owns the schema they are validated against.
/// </summary>
public sealed class CrmSchema : ISchemaContributor
{
    public IEnumerable<string> Statements(StorageProvider provider)
    {
        yield return """
            CREATE TABLE IF NOT EXISTS tokens (
                hash TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ix_tokens_user ON tokens (org_id, user_id)";
        yield return """
            CREATE TABLE IF NOT EXISTS records (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                module TEXT NOT NULL,
                owner_id TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                modified_at BIGINT NOT NULL,
                modified_by TEXT NOT NULL,
                deleted_at BIGINT NULL,
                deleted_batch TEXT NULL,
                email TEXT NULL,
                parent_id TEXT NULL,
                data TEXT NOT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ix_records_module ON records (org_id, module, id) WHERE deleted_at IS NULL";
        yield return "CREATE INDEX IF NOT EXISTS ix_records_email ON records (org_id, email) WHERE email IS NOT NULL";
        yield return "CREATE INDEX IF NOT EXISTS ix_records_parent ON records (org_id, parent_id) WHERE parent_id IS NOT NULL";
        yield return "CREATE INDEX IF NOT EXISTS ix_records_batch ON records (deleted_batch) WHERE deleted_batch IS NOT NULL";
        yield return """
            CREATE TABLE IF NOT EXISTS attachments (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                record_id TEXT NOT NULL,
                field TEXT NULL,
                file_name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                sha256 TEXT NOT NULL,
                blob_path TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                deleted_at BIGINT NULL,
                deleted_batch TEXT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ix_attachments_record ON attachments (org_id, record_id)";
        yield return """
            CREATE TABLE IF NOT EXISTS audit_log (
                id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                at BIGINT NOT NULL,
                user_id TEXT NULL,
                action TEXT NOT NULL,
                target_type TEXT NOT NULL,
                module TEXT NULL,
                record_id TEXT NULL,
                setting TEXT NULL,
                changes TEXT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ix_audit_log_org_at ON audit_log (org_id, at)";
        yield return """
            CREATE TABLE IF NOT EXISTS recycle_bin (
                batch_id TEXT PRIMARY KEY,
                org_id TEXT NOT NULL,
                record_id TEXT NOT NULL,
                module TEXT NOT NULL,
                display_name TEXT NULL,
                record_count BIGINT NOT NULL,
                deleted_at BIGINT NOT NULL,
                deleted_by TEXT NOT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ix_recycle_bin_org ON recycle_bin (org_id, deleted_at)";
        yield return "CREATE INDEX IF NOT EXISTS ix_recycle_bin_record ON recycle_bin (org_id, record_id)";
    }
}

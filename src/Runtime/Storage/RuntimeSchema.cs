namespace CrmActors.Runtime.Storage;

/// <summary>The runtime's own tables: grain state, reminders, jobs and the silo registry.</summary>
public sealed class RuntimeSchema : ISchemaContributor
{
    public IEnumerable<string> Statements(StorageProvider provider)
    {
        yield return """
            CREATE TABLE IF NOT EXISTS grain_state (
                grain_type TEXT NOT NULL,
                grain_key TEXT NOT NULL,
                version BIGINT NOT NULL,
                payload TEXT NULL,
                modified_on BIGINT NOT NULL,
                PRIMARY KEY (grain_type, grain_key))
            """;
        yield return """
            CREATE TABLE IF NOT EXISTS grain_reminders (
                grain_type TEXT NOT NULL,
                grain_key TEXT NOT NULL,
                name TEXT NOT NULL,
                schedule TEXT NOT NULL,
                next_due BIGINT NOT NULL,
                last_fired BIGINT NULL,
                owner TEXT NULL,
                lease_until BIGINT NULL,
                PRIMARY KEY (grain_type, grain_key, name))
            """;
        yield return "CREATE INDEX IF NOT EXISTS ix_grain_reminders_due ON grain_reminders (next_due)";
        yield return """
            CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                grain_key TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL,
                owner TEXT NULL,
                run_id TEXT NULL,
                lease_until BIGINT NULL,
                heartbeat_at BIGINT NULL,
                checkpoint TEXT NULL,
                progress DOUBLE PRECISION NOT NULL DEFAULT 0,
                result TEXT NULL,
                error TEXT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                started_at BIGINT NULL,
                finished_at BIGINT NULL)
            """;
        yield return "CREATE INDEX IF NOT EXISTS ix_jobs_status ON jobs (status, created_at)";
        yield return """
            CREATE TABLE IF NOT EXISTS silos (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                address TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                heartbeat_at BIGINT NOT NULL,
                stopped_at BIGINT NULL,
                metrics TEXT NULL)
            """;
    }
}

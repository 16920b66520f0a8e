-- CrmActors's own tables. IF NOT EXISTS: a database made by the build before the Orleans port
-- already has them (with its data), and this script then only adds what is new.

CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NULL);

CREATE INDEX IF NOT EXISTS ix_tokens_user ON tokens (org_id, user_id);

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
    data TEXT NOT NULL);

CREATE INDEX IF NOT EXISTS ix_records_module ON records (org_id, module, id) WHERE deleted_at IS NULL;

CREATE INDEX IF NOT EXISTS ix_records_email ON records (org_id, email) WHERE email IS NOT NULL;

CREATE INDEX IF NOT EXISTS ix_records_parent ON records (org_id, parent_id) WHERE parent_id IS NOT NULL;

CREATE INDEX IF NOT EXISTS ix_records_batch ON records (deleted_batch) WHERE deleted_batch IS NOT NULL;

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
    deleted_batch TEXT NULL);

CREATE INDEX IF NOT EXISTS ix_attachments_record ON attachments (org_id, record_id);

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
    changes TEXT NULL);

CREATE INDEX IF NOT EXISTS ix_audit_log_org_at ON audit_log (org_id, at);

CREATE TABLE IF NOT EXISTS recycle_bin (
    batch_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    module TEXT NOT NULL,
    display_name TEXT NULL,
    record_count BIGINT NOT NULL,
    deleted_at BIGINT NOT NULL,
    deleted_by TEXT NOT NULL);

CREATE INDEX IF NOT EXISTS ix_recycle_bin_org ON recycle_bin (org_id, deleted_at);

CREATE INDEX IF NOT EXISTS ix_recycle_bin_record ON recycle_bin (org_id, record_id);

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
    finished_at BIGINT NULL);

CREATE INDEX IF NOT EXISTS ix_backup_restores_org ON backup_restores (org_id, created_at);

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
    PRIMARY KEY (restore_id, seq));

CREATE TABLE IF NOT EXISTS backup_id_map (
    org_id TEXT NOT NULL,
    old_id TEXT NOT NULL,
    new_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, old_id));

CREATE TABLE IF NOT EXISTS backup_keys (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at BIGINT NOT NULL);

-- The attempt that owns each run: transactions writing a run's output lock and compare it.
CREATE TABLE IF NOT EXISTS run_fences (
    run_id TEXT PRIMARY KEY,
    attempt INTEGER NOT NULL);

-- Runs as the dashboards list them (the run grain's state is the truth).
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner_key TEXT NOT NULL,
    status TEXT NOT NULL,
    progress DOUBLE PRECISION NOT NULL,
    attempts INTEGER NOT NULL,
    silo TEXT NULL,
    requested_at BIGINT NOT NULL,
    started_at BIGINT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT NULL,
    error TEXT NULL);
CREATE INDEX IF NOT EXISTS ix_runs_owner ON runs (owner_key, updated_at);
CREATE INDEX IF NOT EXISTS ix_runs_status ON runs (status, updated_at);

-- Which organizations exist, for the operator's views (the organization grains' state is the truth).
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    modified_at BIGINT NOT NULL);

-- Help-desk migration jobs (SPEC §3). The job grain's state is the truth about a job; these tables
-- hold what a pass writes in the same transaction as the records it inserts.

-- Jobs as the dashboard and the trial cap read them (written by the job grain's outbox).
CREATE TABLE IF NOT EXISTS migration_jobs (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    status TEXT NOT NULL,
    source_system TEXT NOT NULL,
    total_bytes BIGINT NOT NULL,
    run_id TEXT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_migration_jobs_org ON migration_jobs (org_id, created_at);

-- The per-job ledger: (module, source ID) -> the record a pass created. Never two rows for one source ID.
CREATE TABLE IF NOT EXISTS migration_ledger (
    job_id TEXT NOT NULL,
    module TEXT NOT NULL,
    source_id TEXT NOT NULL,
    new_id TEXT NOT NULL,
    pass INTEGER NOT NULL,
    PRIMARY KEY (job_id, module, source_id));

-- Each pass's report lines, keyed by the source row they describe (part of the pass, row of its CSV).
CREATE TABLE IF NOT EXISTS migration_report (
    job_id TEXT NOT NULL,
    pass INTEGER NOT NULL,
    part INTEGER NOT NULL,
    row_number BIGINT NOT NULL,
    module TEXT NOT NULL,
    source_id TEXT NOT NULL,
    new_id TEXT NULL,
    status TEXT NOT NULL,
    error TEXT NULL,
    PRIMARY KEY (job_id, pass, part, row_number));
CREATE INDEX IF NOT EXISTS ix_migration_report_module ON migration_report (job_id, pass, module, part, row_number);

-- How far each pass got: the last row committed, in the same transaction as its records.
CREATE TABLE IF NOT EXISTS migration_cursors (
    job_id TEXT NOT NULL,
    pass INTEGER NOT NULL,
    part INTEGER NOT NULL,
    row_number BIGINT NOT NULL,
    rows_done BIGINT NOT NULL,
    PRIMARY KEY (job_id, pass));

-- Each pass's counts per module, kept up to date by every batch (status pages read these, not the report).
CREATE TABLE IF NOT EXISTS migration_counts (
    job_id TEXT NOT NULL,
    pass INTEGER NOT NULL,
    module TEXT NOT NULL,
    migrated BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    skipped BIGINT NOT NULL,
    PRIMARY KEY (job_id, pass, module));

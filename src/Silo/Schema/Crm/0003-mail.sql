-- Mail add-on (SPEC §4): messages backed up from users' POP3 mailboxes, their links to records, and
-- the backups as the dashboards list them (the mailbox grains' state is the truth for a backup).

-- One row per message a backup saw, kept or not, so no later backup fetches it again. A kept message
-- has its raw bytes in the blob store (blob_path) and its summary here; a share_related message that
-- matched no record is remembered (kept = 0) without its bytes.
CREATE TABLE IF NOT EXISTS mail_messages (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    message_key TEXT NOT NULL,
    backup_id TEXT NOT NULL,
    kept BIGINT NOT NULL,
    blob_path TEXT NULL,
    message_id TEXT NULL,
    from_text TEXT NOT NULL,
    to_json TEXT NOT NULL,
    cc_json TEXT NOT NULL,
    subject TEXT NOT NULL,
    sent_at BIGINT NULL,
    snippet TEXT NOT NULL,
    size BIGINT NOT NULL,
    headers_only BIGINT NOT NULL,
    stored_at BIGINT NOT NULL,
    UNIQUE (org_id, user_id, message_key));

CREATE INDEX IF NOT EXISTS ix_mail_messages_backup ON mail_messages (org_id, backup_id);

CREATE TABLE IF NOT EXISTS mail_links (
    org_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    email_id TEXT NOT NULL,
    PRIMARY KEY (org_id, record_id, email_id));

CREATE INDEX IF NOT EXISTS ix_mail_links_email ON mail_links (org_id, email_id);

CREATE TABLE IF NOT EXISTS mail_backups (
    backup_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NULL,
    counts TEXT NOT NULL,
    error TEXT NULL,
    updated_at BIGINT NOT NULL);

CREATE INDEX IF NOT EXISTS ix_mail_backups_org ON mail_backups (org_id, started_at);

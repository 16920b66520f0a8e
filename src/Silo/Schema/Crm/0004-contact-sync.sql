-- Contact sync (SPEC §5): one row per remote card a sync pair knows, linked to a CRM record or not
-- (a card kept out of the CRM by the pair's direction, or skipped, is remembered so its e-mail still
-- counts in the duplicate check and its unchanged ETag is not fetched again). `synced` holds the
-- mapped field values as last synced (JSON), the base of the three-way merge.
CREATE TABLE IF NOT EXISTS contact_sync_links (
    pair_id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    href TEXT NULL,
    etag TEXT NULL,
    record_id TEXT NULL,
    email TEXT NULL,
    synced TEXT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (pair_id, uid));

CREATE UNIQUE INDEX IF NOT EXISTS ux_contact_sync_links_record ON contact_sync_links (pair_id, record_id) WHERE record_id IS NOT NULL;

CREATE INDEX IF NOT EXISTS ix_contact_sync_links_org ON contact_sync_links (org_id, pair_id);

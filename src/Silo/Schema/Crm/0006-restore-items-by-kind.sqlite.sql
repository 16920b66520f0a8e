-- A restore's report reads its items a kind at a time ("failed", "remap", "warning"), in order, a page at a time:
-- keyed by (restore_id, kind, seq), a page is one range of the key instead of a walk over every item of the restore.
-- SQLite cannot change a table's key, so the table is made again.
CREATE TABLE backup_restore_items_by_kind (
    restore_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    module TEXT NULL,
    file TEXT NULL,
    row_number BIGINT NULL,
    record_id TEXT NULL,
    new_id TEXT NULL,
    reason TEXT NULL,
    PRIMARY KEY (restore_id, kind, seq));
INSERT INTO backup_restore_items_by_kind (restore_id, seq, kind, module, file, row_number, record_id, new_id, reason)
    SELECT restore_id, seq, kind, module, file, row_number, record_id, new_id, reason FROM backup_restore_items;
DROP TABLE backup_restore_items;
ALTER TABLE backup_restore_items_by_kind RENAME TO backup_restore_items;

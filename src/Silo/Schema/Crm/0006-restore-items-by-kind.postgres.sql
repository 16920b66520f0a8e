-- A restore's report reads its items a kind at a time ("failed", "remap", "warning"), in order, a page at a time.
-- Keyed by (restore_id, seq), a page of failures walked every item of the restore: 0.46 s at 3M items, most of them
-- remaps, on every GET of the restore. Keyed by (restore_id, kind, seq), the same page is one range: 4 ms. One index
-- still, so writing items costs what it did.
ALTER TABLE backup_restore_items DROP CONSTRAINT backup_restore_items_pkey;
ALTER TABLE backup_restore_items ADD PRIMARY KEY (restore_id, kind, seq);

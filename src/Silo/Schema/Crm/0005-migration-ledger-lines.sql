-- A migrated row's report line lives with its ledger entry: the part and row of the pass's files it came
-- from, and the owner note of its error column. A pass then writes one row per migrated source row, and
-- migration_report keeps the failed and skipped lines. Entries written before this have no part; their
-- lines are in migration_report.
ALTER TABLE migration_ledger ADD COLUMN part INTEGER NULL;
ALTER TABLE migration_ledger ADD COLUMN row_number BIGINT NULL;
ALTER TABLE migration_ledger ADD COLUMN note TEXT NULL;

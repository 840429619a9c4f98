-- 5: every event carries the state of the rows it changed, so `audit verify` can compare the
-- ledger with its trail (the baseline event is appended by the seed in the same transaction).
ALTER TABLE audit_event ADD COLUMN state TEXT;

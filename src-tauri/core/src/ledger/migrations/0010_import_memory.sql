-- 10: what the officer taught the import (issue 24): a header of their files mapped to a field, a
-- value in the clerks' words mapped to a code. Preferences of the import, not ledger data: the
-- import event records what each import applied.
CREATE TABLE import_memory (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
-- A record whose claimed hours were written as days (「2天」): its reason says so.
ALTER TABLE record ADD COLUMN claimed_in_days INTEGER NOT NULL DEFAULT 0;

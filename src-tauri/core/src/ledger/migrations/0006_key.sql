-- 6: the ledger's id names its audit key, which is kept outside this file; from the seal event
-- on (appended by the seed in the same transaction) every event carries an HMAC of its hash.
CREATE TABLE ledger_identity (id TEXT NOT NULL PRIMARY KEY);
CREATE TRIGGER ledger_identity_once BEFORE INSERT ON ledger_identity
    WHEN (SELECT COUNT(*) FROM ledger_identity) > 0
    BEGIN SELECT RAISE(ABORT, '台账编号只有一个，不能更改'); END;
CREATE TRIGGER ledger_identity_fixed BEFORE UPDATE ON ledger_identity
    BEGIN SELECT RAISE(ABORT, '台账编号不能更改'); END;
CREATE TRIGGER ledger_identity_kept BEFORE DELETE ON ledger_identity
    BEGIN SELECT RAISE(ABORT, '台账编号不能删除'); END;
ALTER TABLE audit_event ADD COLUMN mac TEXT;

-- 3: review: the hash-chained audit trail, evidence files, notices to staff.
CREATE TABLE audit_event (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    entity_id_to INTEGER,
    before TEXT,
    after TEXT,
    reason TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_event(entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, '审计记录只能追加，不能修改'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, '审计记录只能追加，不能删除'); END;
CREATE TABLE evidence_file (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE record_evidence (
    record_id INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    file_id INTEGER NOT NULL REFERENCES evidence_file(id),
    original_name TEXT NOT NULL,
    PRIMARY KEY (record_id, file_id)
);
CREATE INDEX record_evidence_file ON record_evidence(file_id);
ALTER TABLE record ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN reviewed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE record ADD COLUMN review_reason TEXT NOT NULL DEFAULT '';
CREATE TABLE notice (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    channel TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE notice_recipient (
    notice_id INTEGER NOT NULL REFERENCES notice(id),
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    PRIMARY KEY (notice_id, staff_id)
);
CREATE INDEX notice_recipient_staff ON notice_recipient(staff_id);

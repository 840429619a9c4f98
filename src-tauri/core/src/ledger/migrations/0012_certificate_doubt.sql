-- 12: certificates a bulk attach could not place (issue 25): a file that fits several records waits
-- for the officer, and 审核模式 can go through the records it may belong to.
CREATE TABLE certificate_doubt (
    record_id INTEGER NOT NULL REFERENCES record(id),
    path TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (record_id, path, source)
);

-- 4: the unit's own training plans (appendix 2); filed_training records may name one.
CREATE TABLE plan (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    form TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'printed', 'submitted', 'filed', 'returned')),
    submitted_date TEXT,
    filed_date TEXT,
    filing_number TEXT,
    return_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
ALTER TABLE record ADD COLUMN plan_id INTEGER REFERENCES plan(id);
CREATE INDEX record_plan ON record(plan_id);

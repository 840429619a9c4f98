-- 2: hours ledger: year policies, the working-day calendar, title applicants, records.
-- Recognised hours are a cache of rules::recognize, refreshed per person-year on every write.
-- The 2025 policy and shipped calendar are seeded from Rust in the same transaction.
CREATE TABLE year_policy (
    year INTEGER PRIMARY KEY,
    public_required INTEGER NOT NULL,
    professional_required INTEGER NOT NULL,
    total_required INTEGER NOT NULL,
    topics TEXT NOT NULL,
    study_deadline TEXT NOT NULL,
    plan_deadline TEXT NOT NULL
);
CREATE TABLE calendar_day (
    date TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('off', 'work'))
);
CREATE TABLE title_applicant (
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    year INTEGER NOT NULL,
    materials_date TEXT NOT NULL,
    PRIMARY KEY (staff_id, year)
);
CREATE TABLE record (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    year INTEGER NOT NULL,
    category TEXT NOT NULL,
    subject TEXT,
    title TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    claimed INTEGER,
    months INTEGER,
    situation TEXT,
    evidence TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'synced')),
    expected INTEGER NOT NULL DEFAULT 0,
    rec_public INTEGER NOT NULL DEFAULT 0,
    rec_professional INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX record_person_year ON record(staff_id, year);
CREATE INDEX record_year_status ON record(year, status);
-- Covers the progress aggregate so it never touches the table rows.
CREATE INDEX record_progress ON record(year, staff_id, status, rec_public, rec_professional, claimed, expected);

-- 11: the city platform's export a synced record came from, kept whole by its hash (issue 25 item 4):
-- an inspector can see which file of the platform each synced hour rests on.
CREATE TABLE import_source (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at TEXT NOT NULL
);
ALTER TABLE record ADD COLUMN source_id INTEGER REFERENCES import_source(id);

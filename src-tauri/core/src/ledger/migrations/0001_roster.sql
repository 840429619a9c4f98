-- 1: unit profile and staff roster
CREATE TABLE unit_profile (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    leader TEXT NOT NULL DEFAULT '',
    officer TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    hr_office TEXT NOT NULL DEFAULT ''
);
INSERT INTO unit_profile (id) VALUES (1);
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL UNIQUE,
    department TEXT NOT NULL DEFAULT '',
    title_series TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    employment TEXT NOT NULL DEFAULT '在职',
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX staff_department ON staff(department, name);
CREATE INDEX staff_name ON staff(name);

//! The ledger file: opening, pragmas, versioned migrations.

use crate::error::{Error, Result};
pub use rusqlite::Connection;
use std::path::{Path, PathBuf};

struct Migration {
    sql: &'static str,
    /// Data that is easier to state in Rust than in SQL, inserted in the same transaction.
    seed: Option<fn(&Connection) -> Result<()>>,
}

/// Each entry moves the schema one version up; never edit a shipped entry, append a new one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: V1,
        seed: None,
    },
    Migration {
        sql: V2,
        seed: Some(crate::policy::seed),
    },
    Migration {
        sql: V3,
        seed: None,
    },
    Migration {
        sql: V4,
        seed: None,
    },
];

const V1: &str =
    // 1: unit profile and staff roster
    r#"
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
    "#;

// 2: hours ledger — year policies, the working-day calendar, title applicants, records.
// Recognised hours are a cache of rules::recognize, refreshed per person-year on every write.
const V2: &str = r#"
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
"#;

// 3: review — the hash-chained audit trail, evidence files, notices to staff.
const V3: &str = r#"
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
"#;

// 4: the unit's own training plans (appendix 2); filed_training records may name one.
const V4: &str = r#"
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
"#;

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub const APP_IDENTIFIER: &str = "cn.celedger.desktop";
pub const DB_ENV: &str = "CE_LEDGER_DB";

/// `--db` beats `CE_LEDGER_DB`, which beats the per-user data directory the desktop app uses too.
pub fn resolve_path(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
        .join("ledger.sqlite3")
}

/// Opens (creating if needed) and migrates the ledger.
pub fn open(path: &Path) -> Result<Connection> {
    let open_err = |reason: String| Error::Open {
        path: path.display().to_string(),
        reason,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
    }
    let mut conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// An in-memory ledger for tests and benchmarks.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// How long a writer waits for another process (the desktop app, the CLI) to finish writing.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
    let _ = mode; // in-memory databases answer "memory"
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Re-read inside the write lock: another process may have migrated meanwhile.
    let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, m) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(m.sql)?;
        if let Some(seed) = m.seed {
            seed(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

/// A write transaction that takes the lock up front, so concurrent writers wait (busy timeout)
/// instead of failing half-way, and the audit chain cannot fork.
pub fn write_tx(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

/// A search fragment made literal for `LIKE … ESCAPE '\\'`: a typed % or _ matches itself.
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// ` LIMIT ?n OFFSET ?m` for a 1-based page after `bound` other parameters, with its values;
/// nothing (all rows) when `page_size` is 0.
pub fn page_clause(page: u32, page_size: u32, bound: usize) -> (String, Vec<i64>) {
    if page_size == 0 {
        return (String::new(), Vec::new());
    }
    let offset = (page.max(1) as i64 - 1) * page_size as i64;
    (
        format!(" LIMIT ?{} OFFSET ?{}", bound + 1, bound + 2),
        vec![page_size as i64, offset],
    )
}

pub fn now_local() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_open_creates_file_with_wal_and_current_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/ledger.sqlite3");
        let conn = open(&path).unwrap();
        assert!(path.exists());
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        drop(conn);
        open(&path).expect("reopening a current ledger works");
    }

    #[test]
    fn newer_ledger_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        drop(open(&path).unwrap());
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = open(&path).unwrap_err();
        assert!(matches!(err, Error::NewerSchema { .. }));
        assert!(err.to_string().contains("更新版本"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn explicit_path_beats_environment() {
        let p = resolve_path(Some(Path::new("/tmp/x.sqlite3")));
        assert_eq!(p, PathBuf::from("/tmp/x.sqlite3"));
        let default = resolve_path(None);
        assert!(default.to_string_lossy().ends_with("ledger.sqlite3"));
    }

    #[test]
    fn a_second_writer_waits_then_gets_a_chinese_message_not_database_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let mut holder = open(&path).unwrap();
        let mut waiter = open(&path).unwrap();
        waiter
            .busy_timeout(std::time::Duration::from_millis(200))
            .unwrap();
        let held = write_tx(&mut holder).unwrap();
        let err = write_tx(&mut waiter).map(|_| ()).unwrap_err();
        assert!(matches!(err, Error::Busy { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("另一个程序") && text.contains("没有做任何修改"),
            "{text}"
        );
        assert!(!text.contains("locked"), "{text}");
        // Readers are never blocked by the writer (WAL), and the lock frees on commit.
        let v: i64 = waiter
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        held.commit().unwrap();
        write_tx(&mut waiter).unwrap().commit().unwrap();
    }
}

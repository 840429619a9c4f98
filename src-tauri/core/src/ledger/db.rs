//! The ledger file: opening, pragmas, versioned migrations.

use crate::domain::codes::Code;
use crate::error::{Error, Result};
pub use rusqlite::Connection;
use std::path::{Path, PathBuf};

struct Migration {
    sql: &'static str,
    /// Data that is easier to state in Rust than in SQL, inserted in the same transaction.
    seed: Option<fn(&Connection) -> Result<()>>,
}

/// Each entry moves the schema one version up (`user_version`); never edit a shipped file,
/// append a new one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("migrations/0001_roster.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("migrations/0002_hours.sql"),
        seed: Some(crate::ledger::policy::seed),
    },
    Migration {
        sql: include_str!("migrations/0003_review.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("migrations/0004_plans.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("migrations/0005_trail.sql"),
        seed: Some(crate::ledger::audit::baseline),
    },
    Migration {
        sql: include_str!("migrations/0006_key.sql"),
        seed: Some(crate::ledger::key::seal),
    },
    Migration {
        sql: include_str!("migrations/0007_counted.sql"),
        seed: Some(crate::ledger::records::refresh_pending_gains),
    },
    Migration {
        sql: include_str!("migrations/0008_audit_action.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("migrations/0009_public_source.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("migrations/0010_import_memory.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("migrations/0011_import_source.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("migrations/0012_certificate_doubt.sql"),
        seed: None,
    },
    Migration {
        sql: include_str!("migrations/0013_every_column.sql"),
        seed: Some(crate::ledger::audit::widen),
    },
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The events a new ledger starts with: migration 5's baseline, 6's seal and 13's wider baseline.
pub const EVENTS_OF_A_NEW_LEDGER: u64 = 3;

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
    crate::platform::user_data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
        .join("ledger.sqlite3")
}

/// Opens (creating if needed) and migrates the ledger: unlocked with its key from the key store
/// (`lock`), its schema checked against the program's own before anything is written, a plain
/// ledger from before encryption converted.
pub fn open(path: &Path) -> Result<Connection> {
    let open_err = |reason: String| Error::Open {
        path: path.display().to_string(),
        reason,
    };
    make_private_dir(path).map_err(|e| open_err(e.to_string()))?;
    use crate::ledger::lock::Unlocked;
    let unlocked = crate::ledger::lock::unlock(path)?;
    let (plain, existing) = (
        matches!(unlocked, Unlocked::Plain(_)),
        matches!(unlocked, Unlocked::Encrypted(_)),
    );
    let (Unlocked::New(mut conn) | Unlocked::Encrypted(mut conn) | Unlocked::Plain(mut conn)) =
        unlocked;
    make_private(path).map_err(|e| open_err(e.to_string()))?;
    configure(&conn)?;
    check_schema(&conn)?;
    if existing {
        crate::ledger::lock::check_sealed(&conn)?;
    }
    back_up_before_upgrade(&conn, path)?;
    // Before migrating: a later migration's seed signs its events with the ledger's key (and
    // migration 6, sealing an older ledger, installs the key it makes itself).
    attach_key(&conn)?;
    migrate(&mut conn)?;
    if plain {
        conn = crate::ledger::lock::encrypt(conn, path)?;
    }
    crate::ledger::lock::remember_place(&conn, path)?;
    Ok(conn)
}

/// The ledger's audit key, unless the migration that sealed it already installed it.
pub fn attach_key(conn: &Connection) -> Result<()> {
    if crate::ledger::key::installed(conn)?.is_none() {
        crate::ledger::key::attach(conn)?;
    }
    Ok(())
}

/// The program's own folder is the owner's alone (0700); a folder the user named is only
/// narrowed when we create it.
fn make_private_dir(path: &Path) -> std::io::Result<()> {
    use crate::platform::{create_private_dir, restrict_to_owner};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
        if dir.file_name() == Some(APP_IDENTIFIER.as_ref()) {
            restrict_to_owner(dir, false)?;
        }
    }
    Ok(())
}

/// The ledger and its `-wal`/`-shm` are the owner's alone (0600; SQLite gives the side files the
/// ledger's mode).
fn make_private(path: &Path) -> std::io::Result<()> {
    for side in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(side);
        crate::platform::restrict_to_owner(Path::new(&file), false)?;
    }
    Ok(())
}

/// The live ledger's tables, indexes, triggers and views, SQLite's own included, must be
/// exactly what the migrations make at its version: a trigger planted in the file would change
/// what the program's own writes store, and the program would then sign the result.
pub fn check_schema(conn: &Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let differences = schema_differences(&schema_of(conn, "main")?, &expected_schema(version)?);
    if differences.is_empty() {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "台账文件的结构与本程序建立的不同（{}），疑似在程序之外被改动；为安全起见未做任何修改",
        differences.join("；")
    )))
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "table" => "表",
        "index" => "索引",
        "trigger" => "触发器",
        "view" => "视图",
        other => other,
    }
}

/// Every object one schema has and the other lacks or defines differently, in Chinese. Names are
/// shown cleaned and cut short: they come from the file.
pub fn schema_differences(found: &[SchemaObject], expected: &[SchemaObject]) -> Vec<String> {
    let name = |n: &str| -> String {
        let clean: String = n.chars().filter(|c| !c.is_control()).take(40).collect();
        crate::domain::idcard::mask_all(&clean)
    };
    let mut out = Vec::new();
    for (kind, n, sql) in found {
        match expected.iter().find(|(k, e, _)| k == kind && e == n) {
            None => out.push(format!("多出{}“{}”", kind_label(kind), name(n))),
            Some((_, _, want)) if want != sql => {
                out.push(format!("{}“{}”的定义不同", kind_label(kind), name(n)))
            }
            Some(_) => {}
        }
    }
    for (kind, n, _) in expected {
        if !found.iter().any(|(k, f, _)| k == kind && f == n) {
            out.push(format!("缺少{}“{}”", kind_label(kind), name(n)));
        }
    }
    out
}

/// Where dated copies of a ledger go: `backups/` beside it.
pub fn backups_dir(ledger: &Path) -> PathBuf {
    ledger
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

/// Copies the open ledger to `out` with SQLite's online backup API, as one self-contained file
/// (no -wal/-shm beside it).
pub fn copy_to(conn: &Connection, out: &Path) -> Result<()> {
    copy_to_reporting(conn, out, &crate::progress::no_progress)
}

/// Pages copied per step of `copy_to_reporting` (4 MiB of 4 KiB pages) between two reports.
const COPY_STEP_PAGES: i32 = 1024;

/// `copy_to`, reporting the share of pages copied as 0–90 %; a report that returns an error (a
/// cancel) stops the copy, and the caller discards the unfinished file. The copy is encrypted
/// with the ledger's own key, as the ledger is.
pub fn copy_to_reporting(
    conn: &Connection,
    out: &Path,
    progress: crate::progress::Progress<'_>,
) -> Result<()> {
    let key = match crate::ledger::lock::is_encrypted(conn)? {
        true => crate::ledger::key::installed(conn)?,
        false => None,
    };
    {
        let mut copy = Connection::open(out)?;
        if let Some(key) = &key {
            crate::ledger::lock::apply_key(&copy, key)?;
        }
        let backup = rusqlite::backup::Backup::new(conn, &mut copy)?;
        loop {
            let step = backup.step(COPY_STEP_PAGES)?;
            let p = backup.progress();
            let done = p.pagecount.saturating_sub(p.remaining).max(0) as u64;
            progress((90 * done / (p.pagecount.max(1) as u64)) as u32, "复制台账")?;
            match step {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::More => {}
                // Another connection holds a lock for a moment: wait as the busy timeout would.
                _ => std::thread::sleep(std::time::Duration::from_millis(50)),
            }
        }
    }
    let copy = crate::ledger::lock::connect(out, key.as_ref())?;
    harden(&copy)?;
    copy.pragma_update(None, "journal_mode", "delete")?;
    Ok(())
}

/// A ledger written by an older version of the program is copied to `backups/` before its
/// schema moves up, so an upgrade can always be undone.
fn back_up_before_upgrade(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == 0 || version >= SCHEMA_VERSION {
        return Ok(());
    }
    let out = backups_dir(path).join(format!(
        "before-upgrade-v{version}-{}.sqlite3",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    crate::files::write_with(&out, |staged| copy_to(conn, staged))
}

/// An in-memory ledger for tests and benchmarks.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// The page cache of every connection (16 MiB), as `PRAGMA cache_size` takes it. Larger than
/// SQLite's 2 MiB because a page of an encrypted ledger read again from the file is decrypted and
/// MAC-checked again: the dashboard's queries over 200,000 records re-read the same pages.
pub const DEFAULT_CACHE_KIB: i64 = -16384;

pub use crate::error::{UnknownCode, BUSY_TIMEOUT};

/// What every connection the program opens runs with: no schema object of the file (a trigger or
/// view planted by an outside edit) may call functions with side effects (`trusted_schema=OFF`),
/// and the file's schema and internals cannot be corrupted through SQL (`DEFENSIVE`).
pub fn harden(conn: &Connection) -> Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    Ok(())
}

/// One object of a schema: (type, name, SQL), SQLite's own tables left out.
pub type SchemaObject = (String, String, String);

/// The schema of `db` ("main", or an attached name), sorted: every object, SQLite's own
/// (`sqlite_…`) too, for a planted object may take a name SQLite reserves.
pub fn schema_of(conn: &Connection, db: &str) -> Result<Vec<SchemaObject>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT type, name, COALESCE(sql, '') FROM \"{}\".sqlite_master ORDER BY type, name",
        db.replace('"', "")
    ))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The schema this program's migrations create at `version`: what a ledger (or a backup) of that
/// version must hold, object for object.
pub fn expected_schema(version: i64) -> Result<Vec<SchemaObject>> {
    let conn = Connection::open_in_memory()?;
    apply_migrations(&conn, 0, version, false)?; // the schema alone: seeds add rows
    schema_of(&conn, "main")
}

/// A fresh, empty-of-data file at `version` made by our migrations (seeded rows removed), ready
/// to take the rows of a checked backup.
pub fn create_at_version(
    path: &Path,
    version: i64,
    key: Option<&crate::ledger::key::LedgerKey>,
) -> Result<Connection> {
    let conn = crate::ledger::lock::connect(path, key)?;
    harden(&conn)?;
    let tx = rusqlite::Transaction::new_unchecked(&conn, rusqlite::TransactionBehavior::Immediate)?;
    apply_migrations(&tx, 0, version, false)?; // no seeds: the rows come from the backup
    tx.commit()?;
    Ok(conn)
}

/// Runs migrations `from+1..=to` in the caller's transaction, with their seed data or without.
/// Seeds run after all the SQL, in order: a seed that records audited rows (the baseline of 5)
/// reads them with this program's queries, which name the columns of every migration.
fn apply_migrations(tx: &Connection, from: i64, to: i64, seeds: bool) -> Result<()> {
    let mut planted = Vec::new();
    for (i, m) in MIGRATIONS
        .iter()
        .enumerate()
        .take(to.max(0) as usize)
        .skip(from.max(0) as usize)
    {
        tx.execute_batch(m.sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        planted.extend(m.seed.filter(|_| seeds));
    }
    for seed in planted {
        seed(tx)?;
    }
    Ok(())
}

pub(crate) fn configure(conn: &Connection) -> Result<()> {
    harden(conn)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0))?;
    let _ = mode; // in-memory databases answer "memory"
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", DEFAULT_CACHE_KIB)?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_up_to(conn, SCHEMA_VERSION)
}

/// Applies the migrations after the ledger's version, up to `target`.
pub(crate) fn migrate_up_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    if current >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Re-read inside the write lock: another process may have migrated meanwhile.
    let current: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    apply_migrations(&tx, current, target, true)?;
    crate::ledger::anchor::commit(tx)
}

/// A write transaction that takes the lock up front, so concurrent writers wait (busy timeout)
/// instead of failing half-way, and the audit chain cannot fork.
pub fn write_tx(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

/// Runs `write` as one write transaction (taking the lock up front), or inside the caller's when
/// one is open: the rows it changes and the events it appends commit together or not at all.
pub fn in_write_tx<T>(
    conn: &Connection,
    write: impl FnOnce(&Connection) -> Result<T>,
) -> Result<T> {
    if !conn.is_autocommit() {
        return write(conn);
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    let done = write(&tx)?;
    crate::ledger::anchor::commit(tx)?;
    Ok(done)
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

/// At most 12 printable characters: enough to recognise a code, too few to carry an ID number.
fn shown_code(stored: &str) -> String {
    let printable: Vec<char> = stored.chars().filter(|c| !c.is_control()).collect();
    let mut shown: String = printable.iter().take(12).collect();
    if printable.len() > 12 {
        shown.push('…');
    }
    shown
}

fn decode<T: Code>(stored: &str, col: usize) -> rusqlite::Result<T> {
    T::parse(stored).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            col,
            rusqlite::types::Type::Text,
            Box::new(UnknownCode {
                kind: T::KIND,
                code: shown_code(stored),
            }),
        )
    })
}

/// Column `col` of a row as a code of list `T`; an unknown code is an error, never a default.
pub fn code_col<T: Code>(r: &rusqlite::Row<'_>, col: usize) -> rusqlite::Result<T> {
    let value = r.get_ref(col)?;
    let text = value.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(col, value.data_type(), Box::new(e))
    })?;
    decode(text, col)
}

/// As [`code_col`], for a column that may be NULL.
pub fn opt_code_col<T: Code>(r: &rusqlite::Row<'_>, col: usize) -> rusqlite::Result<Option<T>> {
    r.get::<_, Option<String>>(col)?
        .map(|s| decode(&s, col))
        .transpose()
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

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn the_ledger_its_side_files_and_its_folder_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let home = tempfile::tempdir().unwrap();
        let folder = home.path().join(APP_IDENTIFIER);
        let path = folder.join("ledger.sqlite3");
        let conn = open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1); DROP TABLE t;")
            .unwrap();
        assert_eq!(mode(&folder), 0o700);
        for file in ["ledger.sqlite3", "ledger.sqlite3-wal", "ledger.sqlite3-shm"] {
            assert_eq!(mode(&folder.join(file)), 0o600, "{file}");
        }
        drop(conn);
        // A ledger an older version left world-readable is narrowed on the next open.
        let loose = std::fs::Permissions::from_mode(0o644);
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&path, loose).unwrap();
        drop(open(&path).unwrap());
        assert_eq!((mode(&folder), mode(&path)), (0o700, 0o600));
        // Backups beside it, too.
        let conn = open(&path).unwrap();
        let copy = backups_dir(&path).join("copy.sqlite3");
        crate::files::write_with(&copy, |staged| copy_to(&conn, staged)).unwrap();
        assert_eq!((mode(&backups_dir(&path)), mode(&copy)), (0o700, 0o600));
    }

    #[test]
    fn newer_ledger_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        drop(open(&path).unwrap());
        {
            let c = crate::ledger::lock::open_raw(&path).unwrap();
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
    fn an_older_ledger_is_backed_up_before_it_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        {
            let old = Connection::open(&path).unwrap();
            configure(&old).unwrap();
            // The older version's tables; its seeds read audited rows with today's queries.
            apply_migrations(&old, 0, SCHEMA_VERSION - 1, false).unwrap();
            old.execute(
                "INSERT INTO staff (name, id_number, created_at, updated_at) VALUES ('王一', 'x', '', '')",
                [],
            )
            .unwrap();
        }
        let conn = open(&path).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let backups: Vec<PathBuf> = std::fs::read_dir(backups_dir(&path))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(backups.len(), 1, "{backups:?}");
        let name = backups[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with(&format!("before-upgrade-v{}-", SCHEMA_VERSION - 1)),
            "{name}"
        );
        let copy = Connection::open(&backups[0]).unwrap();
        let (v, people): (i64, i64) = copy
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), COUNT(*) FROM staff",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (v, people),
            (SCHEMA_VERSION - 1, 1),
            "the copy is the ledger as it was"
        );
        drop(conn);
        open(&path).unwrap();
        assert_eq!(
            std::fs::read_dir(backups_dir(&path)).unwrap().count(),
            1,
            "a current ledger is not copied again"
        );
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

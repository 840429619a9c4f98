//! Backups with SQLite's online backup API: verified after writing, and a restore never
//! replaces a good ledger with a damaged file or one from a newer program.

use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action};
use crate::ledger::db::{self, SCHEMA_VERSION};
use rusqlite::{Connection, OpenFlags, MAIN_DB};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Start-up backups kept beside the ledger.
pub const KEEP: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    pub path: String,
    pub bytes: u64,
    pub schema_version: i64,
}

/// Checks a ledger file without changing it: SQLite's integrity check, a schema this program
/// understands, and the tables a ledger has.
pub fn verify_file(path: &Path) -> Result<i64> {
    let label = path.display().to_string();
    let bad = |why: String| Error::invalid(format!("{label} 不是可用的台账备份：{why}"));
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| bad(e.to_string()))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| bad(format!("文件已损坏（{e}）")))?;
    if check != "ok" {
        return Err(bad(format!("完整性检查未通过（{check}）")));
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let tables: i64 = conn
        .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('staff', 'unit_profile')", [], |r| r.get(0))
        .map_err(|e| bad(e.to_string()))?;
    if version < 1 || tables != 2 {
        return Err(bad("其中没有学时台账数据".into()));
    }
    Ok(version)
}

/// Copies the open ledger to `out` and checks the copy.
pub fn backup(conn: &Connection, out: &Path) -> Result<BackupInfo> {
    if out.exists() {
        return Err(Error::invalid(format!(
            "{} 已存在，请换一个文件名",
            out.display()
        )));
    }
    let staged = crate::files::Staged::beside(out)?;
    db::copy_to(conn, staged.path())?;
    let schema_version = verify_file(staged.path())?;
    staged.publish()?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(BackupInfo {
        path: out.display().to_string(),
        bytes,
        schema_version,
    })
}

fn backups_dir(conn: &Connection) -> Result<PathBuf> {
    let path = conn
        .path()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Error::invalid("内存台账没有备份目录"))?;
    Ok(db::backups_dir(Path::new(path)))
}

/// The start-up backup: a dated copy beside the ledger, keeping the newest `KEEP`.
pub fn automatic(conn: &Connection) -> Result<BackupInfo> {
    let dir = backups_dir(conn)?;
    let out = dir.join(format!(
        "ledger-{}.sqlite3",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    let info = if out.exists() {
        BackupInfo {
            path: out.display().to_string(),
            bytes: 0,
            schema_version: SCHEMA_VERSION,
        }
    } else {
        backup(conn, &out)?
    };
    let mut old: Vec<PathBuf> = list(conn)?.into_iter().map(PathBuf::from).collect();
    old.sort();
    while old.len() > KEEP {
        let _ = std::fs::remove_file(old.remove(0));
    }
    Ok(info)
}

/// Start-up backups, newest last.
pub fn list(conn: &Connection) -> Result<Vec<String>> {
    let dir = backups_dir(conn)?;
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .map(|it| {
            it.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("ledger-") && n.ends_with(".sqlite3"))
                })
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    Ok(found)
}

/// Replaces the open ledger's contents with a verified backup, after saving the current state.
pub fn restore(conn: &mut Connection, from: &Path, by: &str) -> Result<BackupInfo> {
    verify_file(from)?;
    let safety = backups_dir(conn)?.join(format!(
        "before-restore-{}.sqlite3",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    backup(conn, &safety)?;
    conn.restore(MAIN_DB, from, None::<fn(rusqlite::backup::Progress)>)?;
    // An older backup is brought up to this program's schema.
    db::migrate(conn)?;
    let tx = db::write_tx(conn)?;
    audit::append(
        &tx,
        &[audit::NewEvent {
            actor: by,
            action: Action::Restore,
            entity: "ledger",
            entity_id: None,
            entity_id_to: None,
            before: None,
            after: Some(
                serde_json::json!({ "from": crate::io::table::file_label(from), "saved_current_as": crate::io::table::file_label(&safety) }),
            ),
            reason: "",
        }],
    )?;
    tx.commit()?;
    Ok(BackupInfo {
        path: safety.display().to_string(),
        bytes: 0,
        schema_version: SCHEMA_VERSION,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::staff;

    fn ledger(dir: &Path) -> Connection {
        let conn = db::open(&dir.join("ledger.sqlite3")).unwrap();
        crate::ledger::records::tests::person(&conn, 101);
        conn
    }

    #[test]
    fn backup_then_restore_brings_the_data_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = ledger(dir.path());
        let out = dir.path().join("copy.sqlite3");
        assert_eq!(backup(&conn, &out).unwrap().schema_version, SCHEMA_VERSION);
        let siblings: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("copy"))
            .collect();
        assert_eq!(
            siblings,
            vec!["copy.sqlite3".to_string()],
            "one file, no -wal/-shm"
        );
        assert!(backup(&conn, &out).is_err(), "never overwrites");
        crate::ledger::records::tests::person(&conn, 102);
        assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 2);
        restore(&mut conn, &out, "王敏").unwrap();
        assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 1);
        assert!(audit::verify(&conn).unwrap().broken.is_none());
        assert!(
            list(&conn).unwrap().is_empty(),
            "the safety copy is not a start-up backup"
        );
    }

    #[test]
    fn restore_refuses_damaged_foreign_and_newer_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = ledger(dir.path());
        let junk = dir.path().join("junk.sqlite3");
        std::fs::write(&junk, b"not a database at all, just text").unwrap();
        assert!(restore(&mut conn, &junk, "王敏").is_err());
        let other = dir.path().join("other.sqlite3");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        assert!(restore(&mut conn, &other, "王敏")
            .unwrap_err()
            .to_string()
            .contains("没有学时台账数据"));
        let newer = dir.path().join("newer.sqlite3");
        backup(&conn, &newer).unwrap();
        Connection::open(&newer)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(matches!(
            restore(&mut conn, &newer, "王敏").unwrap_err(),
            Error::NewerSchema { .. }
        ));
        let truncated = dir.path().join("truncated.sqlite3");
        let good = dir.path().join("good.sqlite3");
        backup(&conn, &good).unwrap();
        let bytes = std::fs::read(&good).unwrap();
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
        assert!(restore(&mut conn, &truncated, "王敏").is_err());
        assert_eq!(
            staff::list(&conn, &Default::default()).unwrap().0,
            1,
            "the ledger is untouched"
        );
    }

    #[test]
    fn automatic_backups_keep_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let conn = ledger(dir.path());
        let bdir = dir.path().join("backups");
        std::fs::create_dir_all(&bdir).unwrap();
        for i in 0..12 {
            std::fs::copy(
                dir.path().join("ledger.sqlite3"),
                bdir.join(format!("ledger-20240101-0000{i:02}.sqlite3")),
            )
            .unwrap();
        }
        automatic(&conn).unwrap();
        let kept = list(&conn).unwrap();
        assert_eq!(kept.len(), KEEP);
        assert!(
            !kept
                .iter()
                .any(|p| p.ends_with("ledger-20240101-000000.sqlite3")),
            "the oldest went first"
        );
    }
}

//! Backups with SQLite's online backup API: verified after writing, and a restore never
//! replaces a good ledger with a damaged file or one from a newer program.

use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action};
use crate::ledger::db::{self, SCHEMA_VERSION};
use crate::ledger::key::LedgerKey;
use rusqlite::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Start-up backups kept beside the ledger.
pub const KEEP: usize = 10;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BackupInfo {
    pub path: String,
    pub bytes: u64,
    pub schema_version: i64,
}

/// Checks a ledger file without changing it or running anything in it: SQLite's integrity
/// check, a schema version this program knows, and a schema equal, object by object (tables,
/// indexes, triggers, views: name and SQL), to what this program's migrations create at that
/// version. Returns the version.
pub fn verify_file(path: &Path, key: Option<&LedgerKey>) -> Result<i64> {
    let label = path.display().to_string();
    let bad = |why: String| Error::invalid(format!("{label} 不是可用的台账备份：{why}"));
    let plain = crate::ledger::lock::is_plain(path);
    let conn = crate::ledger::lock::connect_untrusted(path, if plain { None } else { key })
        .map_err(|_| match plain {
            true => bad("文件已损坏".into()),
            false => bad("无法用本台账的密钥读取（是另一本台账的备份，或已损坏）".into()),
        })?;
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
    let differences = db::schema_differences(
        &db::schema_of(&conn, "main")?,
        &db::expected_schema(version)?,
    );
    if !differences.is_empty() {
        return Err(bad(format!(
            "其结构与本程序建立的台账不同（可能被其他程序改动过）：{}",
            differences.join("；")
        )));
    }
    Ok(version)
}

/// Copies the open ledger to `out` and checks the copy.
pub fn backup(conn: &Connection, out: &Path) -> Result<BackupInfo> {
    backup_reporting(conn, out, &crate::io::table::no_progress)
}

/// `backup`, reporting its progress; a report that returns an error (a cancel) leaves no file.
pub fn backup_reporting(
    conn: &Connection,
    out: &Path,
    progress: crate::io::table::Progress<'_>,
) -> Result<BackupInfo> {
    if out.exists() {
        return Err(Error::invalid(format!(
            "{} 已存在，请换一个文件名",
            out.display()
        )));
    }
    let staged = crate::files::Staged::beside(out)?;
    db::copy_to_reporting(conn, staged.path(), progress)?;
    progress(90, "检查备份")?;
    let key = crate::ledger::key::installed(conn)?;
    let schema_version = verify_file(staged.path(), key.as_ref())?;
    progress(100, "完成")?;
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
    Ok(startup_copies(&backups_dir(conn)?))
}

/// The start-up backups in `dir` (`db::backups_dir` of a ledger), newest last.
pub fn startup_copies(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
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
    found
}

/// A `file:` URI for ATTACH: every byte outside the unreserved set percent-encoded, so a name
/// with `?`, `#`, `%` or Chinese characters means itself.
fn file_uri(path: &Path, query: &str) -> String {
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(query);
    uri
}

/// Copies the rows of a checked backup into `fresh`, a ledger our migrations made at the same
/// version: only rows cross, never the backup's schema.
fn copy_rows(fresh: &mut Connection, from: &Path) -> Result<()> {
    let key = match crate::ledger::lock::is_plain(from) {
        true => String::new(),
        false => crate::ledger::key::installed(fresh)?
            .map(|k| k.page_key())
            .unwrap_or_default(),
    };
    crate::ledger::lock::cipher_defaults(fresh)?;
    fresh.execute(
        "ATTACH DATABASE ?1 AS backup KEY ?2",
        [file_uri(from, "mode=ro"), key],
    )?;
    let copied = (|| -> Result<()> {
        let tables: Vec<String> = db::schema_of(fresh, "main")?
            .into_iter()
            .filter(|(kind, _, _)| kind == "table")
            .map(|(_, name, _)| name)
            .collect();
        fresh.pragma_update(None, "foreign_keys", false)?;
        let tx = fresh.transaction()?;
        for t in &tables {
            tx.execute(&format!("DELETE FROM main.\"{t}\""), [])?;
            tx.execute(
                &format!("INSERT INTO main.\"{t}\" SELECT * FROM backup.\"{t}\""),
                [],
            )?;
        }
        let dangling: i64 =
            tx.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if dangling > 0 {
            return Err(Error::invalid(format!(
                "{} 不是可用的台账备份：其中有{dangling}行引用了不存在的数据",
                from.display()
            )));
        }
        tx.commit()?;
        Ok(())
    })();
    fresh.pragma_update(None, "foreign_keys", true)?;
    fresh.execute("DETACH DATABASE backup", [])?;
    copied
}

/// Replaces the open ledger's contents with a backup, after saving the current state. The backup
/// is never copied as it is: its schema must equal ours object by object, its rows are copied
/// into a fresh ledger our migrations make, that ledger is brought up to date and its audit chain
/// verified, and only then does it replace the open one.
pub fn restore(conn: &mut Connection, from: &Path, by: &str) -> Result<BackupInfo> {
    restore_reporting(conn, from, by, &crate::io::table::no_progress)
}

/// `restore`, reporting its progress. A report that returns an error (a cancel) stops it while
/// the backup is being checked and rebuilt, before the ledger is touched; once the ledger is being
/// replaced it runs to the end.
pub fn restore_reporting(
    conn: &mut Connection,
    from: &Path,
    by: &str,
    progress: crate::io::table::Progress<'_>,
) -> Result<BackupInfo> {
    progress(0, "检查备份文件")?;
    // Only this ledger's own backups: readable with its key, bearing its id.
    let key = crate::ledger::key::installed(conn)?;
    let ours = crate::ledger::key::ledger_id(conn)?;
    if ours.is_some() && key.is_none() {
        return Err(Error::invalid(crate::ledger::key::missing_message(conn)?));
    }
    let version = verify_file(from, key.as_ref())?;
    let theirs = {
        let plain = crate::ledger::lock::is_plain(from);
        let backup =
            crate::ledger::lock::connect_untrusted(from, if plain { None } else { key.as_ref() })?;
        crate::ledger::key::ledger_id(&backup)?
    };
    if ours.is_some() && theirs != ours {
        return Err(Error::invalid(format!(
            "{} 不是本台账的备份（{}）；未做任何修改",
            from.display(),
            match theirs {
                Some(id) => format!("它属于另一本台账，编号 {id}"),
                None => "它没有台账编号，不是本台账写出的".into(),
            }
        )));
    }
    let dir = backups_dir(conn)?;
    let rebuilt = crate::files::Staged::beside(&dir.join("restoring.sqlite3"))?;
    {
        let mut fresh = db::create_at_version(rebuilt.path(), version, key.as_ref())?;
        if let Some(key) = &key {
            crate::ledger::key::install(&fresh, key)?;
        }
        progress(5, "重建台账")?;
        copy_rows(&mut fresh, from)?;
        db::migrate(&mut fresh)?;
        db::attach_key(&fresh)?;
        let chain = audit::verify_reporting(&fresh, Vec::new(), &|p, _| {
            progress(40 + p * 40 / 100, "核对备份的审计链")
        })?;
        if let Some(problem) = chain.problems.first() {
            return Err(Error::invalid(format!(
                "{} 不能恢复：{problem}",
                from.display()
            )));
        }
        if let Some((id, why)) = chain.broken {
            return Err(Error::invalid(format!(
                "{} 不能恢复：其审计链在事件{id}处断开（{why}）",
                from.display()
            )));
        }
        if !chain.differences.is_empty() {
            return Err(Error::invalid(format!(
                "{} 不能恢复：其内容与其审计记录不一致（备份在程序之外被改动过）：{}",
                from.display(),
                chain.differences.join("；")
            )));
        }
    }
    let safety = dir.join(format!(
        "before-restore-{}.sqlite3",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    backup_reporting(conn, &safety, &|p, _| progress(80 + p / 10, "保存当前台账"))?;
    // From here on the ledger is being replaced: no more stopping.
    let _ = progress(90, "恢复");
    {
        // The rebuilt file is encrypted with this ledger's key, as the ledger is.
        let source = crate::ledger::lock::connect(rebuilt.path(), key.as_ref())?;
        rusqlite::backup::Backup::new(&source, conn)?.run_to_completion(
            1024,
            std::time::Duration::ZERO,
            None,
        )?;
    }
    let _ = std::fs::remove_file(crate::ledger::anchor::file_beside(rebuilt.path()));
    drop(rebuilt);
    // The restored rows may name another key (a ledger older than its key got one just now).
    conn.execute_batch("DROP TABLE IF EXISTS temp.audit_key")?;
    db::attach_key(conn)?;
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
    crate::ledger::anchor::commit(tx)?;
    let _ = progress(100, "完成");
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
        let v = audit::verify(&conn).unwrap();
        assert!(v.holds(), "{v:?}");
        // The safety copy holds the history the restore replaced: named as such, not as tampering.
        assert!(
            v.anchors
                .iter()
                .any(|a| a.starts_with("备份 before-restore-") && a.contains("被恢复操作替换")),
            "{v:?}"
        );
        let beside = crate::ledger::anchor::read_text_or_backup(
            &dir.path().join("ledger.sqlite3.anchor"),
            None,
        )
        .unwrap();
        assert_eq!(
            Some(beside),
            crate::ledger::anchor::head(&conn).unwrap(),
            "the anchor moved with the restore"
        );
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
        crate::ledger::lock::open_raw(&newer)
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

    /// An outsider plants objects in a backup: a trigger that approves every new record with 90
    /// hours, a view, a table. Restore names each and changes nothing.
    #[test]
    fn restore_refuses_a_backup_with_planted_schema_objects() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = ledger(dir.path());
        for (plant, named) in [
            (
                "CREATE TRIGGER approve_all AFTER INSERT ON record BEGIN
                   UPDATE record SET status = 'approved', rec_professional = 900 WHERE id = NEW.id; END;",
                "多出触发器“approve_all”",
            ),
            ("CREATE VIEW everyone AS SELECT * FROM staff;", "多出视图“everyone”"),
            ("CREATE TABLE notes(x);", "多出表“notes”"),
            ("DROP TRIGGER audit_no_update;", "缺少触发器“audit_no_update”"),
            ("CREATE INDEX staff_by_mobile ON staff(mobile);", "多出索引“staff_by_mobile”"),
        ] {
            let planted = dir.path().join(format!("planted-{}.sqlite3", named.len()));
            backup(&conn, &planted).unwrap();
            crate::ledger::lock::open_raw(&planted).unwrap().execute_batch(plant).unwrap();
            let before = std::fs::read(dir.path().join("ledger.sqlite3")).unwrap();
            let err = restore(&mut conn, &planted, "王敏").unwrap_err().to_string();
            assert!(err.contains(named), "{plant}: {err}");
            assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 1);
            assert_eq!(std::fs::read(dir.path().join("ledger.sqlite3")).unwrap(), before);
        }
        // The same table rebuilt with another definition is named too.
        let altered = dir.path().join("altered.sqlite3");
        backup(&conn, &altered).unwrap();
        crate::ledger::lock::open_raw(&altered)
            .unwrap()
            .execute_batch("ALTER TABLE staff ADD COLUMN note TEXT;")
            .unwrap();
        let err = restore(&mut conn, &altered, "王敏")
            .unwrap_err()
            .to_string();
        assert!(err.contains("表“staff”的定义不同"), "{err}");
    }

    /// A backup whose schema is ours but whose rows were edited outside the program.
    #[test]
    fn restore_refuses_a_backup_whose_rows_disagree_with_its_trail() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = ledger(dir.path());
        let edited = dir.path().join("edited.sqlite3");
        backup(&conn, &edited).unwrap();
        crate::ledger::lock::open_raw(&edited)
            .unwrap()
            .execute_batch("UPDATE staff SET name = '王五';")
            .unwrap();
        let err = restore(&mut conn, &edited, "王敏").unwrap_err().to_string();
        assert!(err.contains("姓名 台账为“王五”"), "{err}");
        assert_eq!(
            staff::list(&conn, &Default::default()).unwrap().1[0].name,
            "员工101"
        );
    }

    /// A ledger from before encryption is converted on first open: its plain original is kept
    /// as the pre-upgrade copy, and that older, plain, signed copy of this very ledger restores
    /// and is brought up to date. A forged older-schema file with no identity is refused.
    #[test]
    fn the_plain_copy_from_before_encryption_restores_and_a_forged_old_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        {
            // What the program before issue 26 left: a plain, sealed ledger at schema 12.
            let mut old = Connection::open(&path).unwrap();
            db::migrate_up_to(&mut old, 12).unwrap();
            crate::ledger::records::tests::person(&old, 101);
        }
        let mut conn = db::open(&path).unwrap();
        assert!(!crate::ledger::lock::is_plain(&path), "converted");
        let kept: Vec<PathBuf> = std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("before-encryption-"))
            .collect();
        assert_eq!(kept.len(), 1);
        assert!(crate::ledger::lock::is_plain(&kept[0]));
        let v = audit::verify(&conn).unwrap();
        assert!(v.holds(), "{v:?}");
        assert!(audit::log(&conn, None)
            .unwrap()
            .iter()
            .any(|e| e.action == "encrypt"));
        crate::ledger::records::tests::person(&conn, 102);

        restore(&mut conn, &kept[0], "王敏").unwrap();
        let names: Vec<String> = staff::list(&conn, &Default::default())
            .unwrap()
            .1
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, vec!["员工101".to_string()]);
        assert_eq!(
            db::schema_of(&conn, "main").unwrap(),
            db::expected_schema(SCHEMA_VERSION).unwrap()
        );
        let v = audit::verify(&conn).unwrap();
        assert!(v.holds(), "{v:?}");

        let forged = dir.path().join("我的 备份?#%.sqlite3");
        {
            let mut c = Connection::open(&forged).unwrap();
            db::migrate_up_to(&mut c, 2).unwrap();
        }
        let err = restore(&mut conn, &forged, "王敏").unwrap_err().to_string();
        assert!(err.contains("不是本台账的备份"), "{err}");
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

    /// Issue 14 item 2: a backup reports the pages it copied, and a cancel leaves no file.
    #[test]
    fn a_backup_reports_progress_and_a_cancel_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let conn = ledger(dir.path());
        let out = dir.path().join("cancelled.sqlite3");
        let cancel = crate::io::table::cancel_from(90);
        assert!(matches!(
            backup_reporting(&conn, &out, &cancel),
            Err(Error::Cancelled)
        ));
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("cancelled") || n.contains("partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");

        let seen = std::sync::Mutex::new(Vec::new());
        let report = |percent: u32, _: &str| -> Result<()> {
            seen.lock().unwrap().push(percent);
            Ok(())
        };
        backup_reporting(&conn, &out, &report).unwrap();
        let seen = seen.into_inner().unwrap();
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&100));
        assert!(verify_file(&out, crate::ledger::key::installed(&conn).unwrap().as_ref()).is_ok());
    }

    /// Issue 14 item 2: a restore cancelled while the backup is checked leaves the ledger as it
    /// was, with no safety copy and no scrap of the rebuilt file.
    #[test]
    fn a_restore_cancelled_while_checking_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = ledger(dir.path());
        let out = dir.path().join("copy.sqlite3");
        backup(&conn, &out).unwrap();
        crate::ledger::records::tests::person(&conn, 102);
        let backups = backups_dir(&conn).unwrap();
        let files_there = || -> Vec<String> {
            std::fs::read_dir(&backups)
                .map(|d| {
                    d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let before = files_there();
        let cancel = crate::io::table::cancel_from(40);
        assert!(matches!(
            restore_reporting(&mut conn, &out, "王敏", &cancel),
            Err(Error::Cancelled)
        ));
        assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 2);
        assert_eq!(files_there(), before, "no safety copy, no scraps");
        assert!(audit::verify(&conn).unwrap().holds());

        let seen = std::sync::Mutex::new(Vec::new());
        let report = |percent: u32, _: &str| -> Result<()> {
            seen.lock().unwrap().push(percent);
            Ok(())
        };
        restore_reporting(&mut conn, &out, "王敏", &report).unwrap();
        assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 1);
        let seen = seen.into_inner().unwrap();
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&100));
    }
}

//! Anchors: the chain head (event count, hash, signature) written where the ledger file's holder
//! cannot reach it all at once: a file beside the ledger at every commit, every export (a file
//! `<export>.csv.anchor` beside a CSV, a sheet 「审计锚点」 in the workbook) and every backup (its
//! own last event).
//! `audit verify` checks that the chain still passes through each one, so a cut-off tail or a
//! rebuilt chain is found.

use crate::error::{Error, Result};
use crate::ledger::{db, key};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// The first field of an anchor line, and the name of the workbook sheet that carries one.
pub const LABEL: &str = "审计锚点";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The ledger's id; none for a ledger older than its key (schema 5 or earlier).
    pub ledger: Option<String>,
    pub events: i64,
    /// When the head event was written (local time, as the trail stores it).
    pub at: String,
    pub hash: String,
    /// The head event's signature under the ledger's key, when it has one.
    pub mac: Option<String>,
}

impl Anchor {
    /// One line: `审计锚点;台账=…;事件数=…;时间=…;哈希=…;签名=…`.
    pub fn to_line(&self) -> String {
        self.fields()
            .iter()
            .fold(LABEL.to_string(), |line, (k, v)| format!("{line};{k}={v}"))
    }

    /// The fields as the workbook sheet lists them, one a row.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("台账", self.ledger.clone().unwrap_or_else(|| "无".into())),
            ("事件数", self.events.to_string()),
            ("时间", self.at.clone()),
            ("哈希", self.hash.clone()),
            ("签名", self.mac.clone().unwrap_or_else(|| "无".into())),
        ]
    }

    /// The anchor in a text (the first line that is one), whatever else the text holds.
    pub fn find_in(text: &str) -> Option<Anchor> {
        text.lines().find_map(|line| {
            let line = line.trim().trim_matches('"');
            let rest = line.strip_prefix(LABEL)?.strip_prefix(';')?;
            let field = |name: &str| {
                rest.split(';')
                    .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
                    .map(str::to_string)
            };
            let hex = |v: String| {
                (v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())).then_some(v)
            };
            let named = |v: String| (v != "无").then_some(v);
            Some(Anchor {
                ledger: field("台账").and_then(named),
                events: field("事件数")?.parse().ok().filter(|n: &i64| *n > 0)?,
                at: field("时间")?,
                hash: field("哈希").and_then(hex)?,
                mac: field("签名").and_then(named).and_then(hex),
            })
        })
    }
}

/// The ledger's chain head now (inside a write, the head about to be committed).
pub fn head(conn: &Connection) -> Result<Option<Anchor>> {
    let ledger = key::ledger_id(conn)?;
    let column = |name: &str| -> Result<bool> {
        Ok(conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('audit_event') WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?)
    };
    if !column("hash")? {
        return Ok(None); // a ledger older than its trail (schema 1 and 2)
    }
    let mac_column = column("mac")?;
    let sql = format!(
        "SELECT id, at, hash, {} FROM audit_event ORDER BY id DESC LIMIT 1",
        if mac_column { "mac" } else { "NULL" }
    );
    Ok(conn
        .query_row(&sql, [], |r| {
            Ok(Anchor {
                ledger: ledger.clone(),
                events: r.get(0)?,
                at: r.get(1)?,
                hash: r.get(2)?,
                mac: r.get(3)?,
            })
        })
        .optional()?)
}

/// `ledger.sqlite3` → `ledger.sqlite3.anchor`.
pub fn file_beside(ledger: &Path) -> PathBuf {
    let mut name = ledger.as_os_str().to_owned();
    name.push(".anchor");
    PathBuf::from(name)
}

/// The ledger file a connection writes, if it is a file.
pub fn ledger_path(conn: &Connection) -> Option<PathBuf> {
    conn.path().filter(|p| !p.is_empty()).map(PathBuf::from)
}

/// Writes `head` to the anchor file beside `ledger`, whole or not at all.
pub fn write_beside(ledger: &Path, head: &Anchor) -> Result<()> {
    let target = file_beside(ledger);
    crate::files::write_with(&target, |staged| {
        std::fs::write(staged, format!("{}\n", head.to_line())).map_err(|e| Error::Write {
            path: target.display().to_string(),
            reason: e.to_string(),
        })
    })
}

/// Commits a write and then moves the anchor beside the ledger to the new head. The anchor only
/// ever trails the chain (a crash between the two leaves it one commit behind, which still
/// checks); failing to write it does not undo the committed write, and verify names a lag.
pub fn commit(tx: rusqlite::Transaction<'_>) -> Result<()> {
    let after = ledger_path(&tx).map(|p| Ok::<_, Error>((p, head(&tx)?)));
    tx.commit()?;
    if let Some((ledger, Some(head))) = after.transpose()? {
        if let Err(e) = write_beside(&ledger, &head) {
            eprintln!("{e}");
        }
    }
    Ok(())
}

/// Reads the anchor a backup (its last event), a CSV export or an anchor file (the line) carries;
/// `io::anchor::read` adds workbooks.
pub fn read_text_or_backup(path: &Path) -> Result<Anchor> {
    use std::io::{Read, Seek, SeekFrom};
    let label = label(path);
    let io = |e: std::io::Error| Error::Io {
        path: label.clone(),
        reason: e.to_string(),
    };
    let none = || Error::invalid(format!("{label} 中没有审计锚点"));
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut magic = [0u8; 16];
    let read = file.read(&mut magic).map_err(io)?;
    if read == 16 && &magic == b"SQLite format 3\0" {
        // A damaged or foreign backup is named, never a bare database error.
        let unreadable = |e: Error| Error::invalid(format!("无法从{label}读取审计锚点：{e}"));
        let backup = db::open_untrusted(path).map_err(unreadable)?;
        return head(&backup).map_err(unreadable)?.ok_or_else(none);
    }
    // The line is the file's last: only the end is read, so a large CSV is not decoded whole.
    let len = file.metadata().map_err(io)?.len();
    let mut tail = Vec::new();
    file.seek(SeekFrom::Start(len.saturating_sub(4096)))
        .and_then(|_| file.take(4096).read_to_end(&mut tail))
        .map_err(io)?;
    Anchor::find_in(&String::from_utf8_lossy(&tail)).ok_or_else(none)
}

/// Does the chain pass through `anchor`? `None` when it does, else why not.
pub fn check(conn: &Connection, anchor: &Anchor) -> Result<Option<String>> {
    let ledger = key::ledger_id(conn)?;
    if let (Some(ours), Some(theirs)) = (&ledger, &anchor.ledger) {
        if ours != theirs {
            return Ok(Some(format!("属于另一本台账（编号 {theirs}）")));
        }
    }
    let at: Option<String> = conn
        .query_row(
            "SELECT hash FROM audit_event WHERE id = ?1",
            [anchor.events],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match at {
        None => {
            let count: i64 =
                conn.query_row("SELECT COUNT(*) FROM audit_event", [], |r| r.get(0))?;
            Some(format!(
                "锚点记录审计链有{}个事件（{}），台账中只有{count}个：审计链的尾部被删除",
                anchor.events, anchor.at
            ))
        }
        Some(hash) if hash != anchor.hash => Some(format!(
            "第{}个事件（{}）与锚点不符：此后的审计链在程序之外被重建",
            anchor.events, anchor.at
        )),
        Some(_) => None,
    })
}

fn label(path: &Path) -> String {
    crate::files::display_name(&path.to_string_lossy())
}

/// Every anchor `audit verify` finds by itself: the file beside the ledger and each backup in its
/// backups folder, with a label naming where it came from.
pub fn found(conn: &Connection) -> Vec<(String, Result<Anchor>)> {
    let Some(ledger) = ledger_path(conn) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let beside = file_beside(&ledger);
    if beside.exists() {
        found.push((
            format!("锚点文件 {}", label(&beside)),
            read_text_or_backup(&beside),
        ));
    }
    let mut backups: Vec<PathBuf> = std::fs::read_dir(db::backups_dir(&ledger))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite3"))
        .collect();
    backups.sort();
    for b in backups {
        found.push((format!("备份 {}", label(&b)), read_text_or_backup(&b)));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_line_reads_back_from_any_text_around_it() {
        let a = Anchor {
            ledger: Some("ab".repeat(16)),
            events: 12,
            at: "2026-11-30 08:00:00".into(),
            hash: "0f".repeat(32),
            mac: None,
        };
        let line = a.to_line();
        assert!(line.starts_with("审计锚点;台账="), "{line}");
        let csv = format!("姓名,学时\n王敏,12\n\"{line}\"\n");
        assert_eq!(Anchor::find_in(&csv), Some(a.clone()));
        assert_eq!(Anchor::find_in("审计锚点;事件数=x"), None);
        assert_eq!(
            Anchor::find_in(&line.replace("0f0f", "zz0f")),
            None,
            "a hash that is not one"
        );
    }
}

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
    /// `key.anchor_seal` over the fields above: proof this ledger's program wrote the line.
    pub check: Option<String>,
}

impl Anchor {
    /// One line: `审计锚点;台账=…;事件数=…;时间=…;哈希=…;签名=…;校验=…`.
    pub fn to_line(&self) -> String {
        self.fields()
            .iter()
            .fold(LABEL.to_string(), |line, (k, v)| format!("{line};{k}={v}"))
    }

    /// The fields as the workbook sheet lists them, one a row.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = self.stated();
        fields.push(("校验", self.check.clone().unwrap_or_else(|| "无".into())));
        fields
    }

    /// The fields the check covers.
    fn stated(&self) -> Vec<(&'static str, String)> {
        vec![
            ("台账", self.ledger.clone().unwrap_or_else(|| "无".into())),
            ("事件数", self.events.to_string()),
            ("时间", self.at.clone()),
            ("哈希", self.hash.clone()),
            ("签名", self.mac.clone().unwrap_or_else(|| "无".into())),
        ]
    }

    /// The anchor with its check under `key`.
    pub fn checked_by(mut self, key: &key::LedgerKey) -> Anchor {
        self.check = Some(key.anchor_seal(&self.stated()));
        self
    }

    /// Whether `key` wrote this anchor: its check is the key's over every field.
    pub fn is_checked_by(&self, key: &key::LedgerKey) -> bool {
        self.check.as_deref() == Some(key.anchor_seal(&self.stated()).as_str())
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
                check: field("校验").and_then(named).and_then(hex),
            })
        })
    }
}

/// The ledger's chain head now (inside a write, the head about to be committed).
pub fn head(conn: &Connection) -> Result<Option<Anchor>> {
    let ledger = key::ledger_id(conn)?;
    let key = key::installed(conn)?;
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
                check: None,
            })
        })
        .optional()?
        .map(|a| match &key {
            Some(key) => a.checked_by(key),
            None => a,
        }))
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
        let written = match write_beside(&ledger, &head) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("{e}");
                false
            }
        };
        // The key store keeps the head too: a ledger put back to an older copy is found even
        // when its anchor file went back (or away) with it.
        if let Some(id) = &head.ledger {
            crate::ledger::lock::record_head(id, &ledger, head.events, &head.hash, written)?;
        }
    }
    Ok(())
}

/// Reads the anchor a backup (its last event), a CSV export or an anchor file (the line) carries;
/// `io::anchor::read` adds workbooks.
pub fn read_text_or_backup(path: &Path, key: Option<&key::LedgerKey>) -> Result<Anchor> {
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
    let plain = read == 16 && &magic == b"SQLite format 3\0";
    if plain || path.extension().is_some_and(|e| e == "sqlite3") {
        // A damaged or foreign backup is named, never a bare database error.
        let unreadable = |e: Error| Error::invalid(format!("无法从{label}读取审计锚点：{e}"));
        let backup = crate::ledger::lock::connect_untrusted(path, if plain { None } else { key })
            .map_err(|_| {
            Error::invalid(format!(
                "{label} 中没有审计锚点：无法用本台账的密钥读取（是另一本台账的备份，或已损坏）"
            ))
        })?;
        let found = head(&backup).map_err(unreadable)?.ok_or_else(none)?;
        // A backup vouches for itself by its last event's MAC under this ledger's key.
        return Ok(match key {
            Some(key)
                if found.mac.as_deref() == Some(key.mac(found.events, &found.hash).as_str()) =>
            {
                found.checked_by(key)
            }
            _ => found,
        });
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
    if let Some(why) = foreign(conn, anchor)? {
        return Ok(Some(why));
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

/// Why `anchor` is not this ledger's own, if it is not: another ledger's id, none, or a check
/// this ledger's key did not make.
pub fn foreign(conn: &Connection, anchor: &Anchor) -> Result<Option<String>> {
    let ledger = key::ledger_id(conn)?;
    if let Some(ours) = &ledger {
        match &anchor.ledger {
            Some(theirs) if theirs != ours => {
                return Ok(Some(format!("属于另一本台账（编号 {theirs}）")))
            }
            None => return Ok(Some("没有台账编号，不是本台账写出的锚点".into())),
            Some(_) => {}
        }
    }
    if let Some(key) = key::installed(conn)? {
        if !anchor.is_checked_by(&key) {
            return Ok(Some(match &anchor.check {
                None => "没有校验码（手写的，或由旧版本程序写出），无法确认是本台账写出的".into(),
                Some(_) => "校验码与本台账的密钥不符（不是本程序为本台账写出的，或被改动）".into(),
            }));
        }
    }
    Ok(None)
}

fn label(path: &Path) -> String {
    crate::files::display_name(&path.to_string_lossy())
}

/// Whether `backup` is a plain copy made before the ledger had a trail (schema 1–4).
fn predates_trail(backup: &Path) -> bool {
    crate::ledger::lock::is_plain(backup)
        && crate::ledger::lock::connect_untrusted(backup, None)
            .and_then(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?))
            .is_ok_and(|v| v < 5)
}

/// Every anchor `audit verify` finds by itself: the file beside the ledger and each backup in its
/// backups folder, with a label naming where it came from.
pub fn found(conn: &Connection) -> Vec<(String, Result<Anchor>)> {
    let Some(ledger) = ledger_path(conn) else {
        return Vec::new();
    };
    let key = key::installed(conn).ok().flatten();
    let key = key.as_ref();
    let mut found = Vec::new();
    let beside = file_beside(&ledger);
    if beside.exists() {
        found.push((
            format!("锚点文件 {}", label(&beside)),
            read_text_or_backup(&beside, key),
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
        let read = read_text_or_backup(&b, key);
        if read.is_err() && predates_trail(&b) {
            continue; // a plain copy from before the trail (schema 1–4) has no anchor to check
        }
        found.push((format!("备份 {}", label(&b)), read));
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
            check: Some("1e".repeat(32)),
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

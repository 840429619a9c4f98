//! Reading the anchor an inspector holds: in an export workbook, a CSV export, an anchor file or
//! a backup.

use crate::error::{Error, Result};
use crate::ledger::anchor::{self, Anchor};
use std::path::Path;

/// Where a CSV export keeps its anchor: `<file>.anchor` beside it, so the CSV holds data rows
/// only.
pub fn sidecar(csv: &Path) -> std::path::PathBuf {
    let mut name = csv.as_os_str().to_owned();
    name.push(".anchor");
    name.into()
}

/// The anchor `path` carries, whatever kind of file it is; for a CSV export, the one beside it
/// (a CSV exported before issue 24 carries it as its last line).
pub fn read(path: &Path, key: Option<&crate::ledger::key::LedgerKey>) -> Result<Anchor> {
    let label = crate::io::table::file_label(path);
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let beside = sidecar(path);
        return match beside.exists() {
            true => anchor::read_text_or_backup(&beside, key),
            false => anchor::read_text_or_backup(path, key).map_err(|_| {
                Error::invalid(format!(
                    "{label} 中没有审计锚点，旁边也没有锚点文件 {label}.anchor（导出CSV时一同生成，请与CSV一起保存）"
                ))
            }),
        };
    }
    let mut magic = [0u8; 4];
    let is_zip = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == b"PK\x03\x04";
    if !is_zip {
        return anchor::read_text_or_backup(path, key);
    }
    const MAX_WORKBOOK_BYTES: u64 = 512 * 1024 * 1024;
    let bytes = crate::files::read_capped(path, MAX_WORKBOOK_BYTES)?;
    // The workbook reader speaks of importing; here nothing is imported, only an anchor sought.
    let rows =
        crate::io::table::sheet_rows(&label, &bytes, anchor::LABEL).map_err(|e| match e {
            Error::Rows { errors, .. } => Error::invalid(format!(
                "无法从{label}读取审计锚点：{}",
                errors
                    .iter()
                    .map(|r| r.message.as_str())
                    .collect::<Vec<_>>()
                    .join("；")
            )),
            other => other,
        })?;
    let text: String = rows
        .iter()
        .flat_map(|row| row.cells().map(|c| format!("{c}\n")))
        .collect();
    Anchor::find_in(&text).ok_or_else(|| Error::invalid(format!("{label} 中没有审计锚点")))
}

#[cfg(test)]
mod tests {
    fn key(conn: &rusqlite::Connection) -> Option<crate::ledger::key::LedgerKey> {
        crate::ledger::key::installed(conn).unwrap()
    }
    use super::*;
    use crate::io::export::{export, tests::ledger};
    use crate::ledger::{anchor, audit, db};
    use rusqlite::Connection;

    fn outsider(conn: &Connection) -> Connection {
        let c = crate::ledger::lock::open_raw(std::path::Path::new(conn.path().unwrap())).unwrap();
        c.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            .unwrap();
        c
    }

    #[test]
    fn exports_carry_the_chain_head_and_verify_checks_an_inspectors_copy() {
        let (dir, mut conn, _) = ledger();
        let head = anchor::head(&conn).unwrap().unwrap();
        let csv = dir.path().join("上传.csv");
        let xlsx = dir.path().join("上传.xlsx");
        export(&mut conn, 2025, &csv, "王敏").unwrap();
        assert_eq!(
            read(&csv, key(&conn).as_ref()).unwrap(),
            head,
            "the anchor beside the CSV"
        );
        export(&mut conn, 2025, &xlsx, "王敏").unwrap();
        let second = read(&xlsx, key(&conn).as_ref()).unwrap();
        assert_eq!(
            second.events,
            head.events + 1,
            "after the CSV's export event"
        );
        assert!(second.mac.is_some() && second.ledger.is_some());
        // The CSV is data rows only, as the provincial template wants; the anchor is beside it.
        let text = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
        assert!(!text.contains("审计锚点"), "{text}");
        assert!(
            text.lines().skip(1).all(|l| l.split(',').count() > 5),
            "{text}"
        );
        let beside = std::fs::read_to_string(sidecar(&csv)).unwrap();
        assert!(beside.starts_with("审计锚点;台账="), "{beside}");
        std::fs::remove_file(sidecar(&csv)).unwrap();
        assert!(read(&csv, key(&conn).as_ref())
            .unwrap_err()
            .to_string()
            .contains("旁边也没有锚点文件 上传.csv.anchor"));
        std::fs::write(sidecar(&csv), beside).unwrap();

        let held = vec![(
            "锚点 上传.csv".to_string(),
            read(&csv, key(&conn).as_ref()).unwrap(),
        )];
        let v = audit::verify_with(&conn, held.clone()).unwrap();
        assert!(v.holds(), "{v:?}");
        assert!(
            v.anchors
                .iter()
                .any(|a| a.starts_with("锚点 上传.csv：") && a.ends_with("一致")),
            "{v:?}"
        );
        assert!(
            v.anchors
                .iter()
                .any(|a| a.starts_with("锚点文件 l.sqlite3.anchor")),
            "{v:?}"
        );

        // Cut off the tail after the inspector's copy: every remaining event still checks.
        outsider(&conn)
            .execute("DELETE FROM audit_event WHERE id >= ?1", [head.events])
            .unwrap();
        let v = audit::verify_with(&conn, held).unwrap();
        assert!(v.broken.is_none(), "a cut prefix is itself intact: {v:?}");
        let said = v.problems.join("\n");
        assert!(said.contains("锚点 上传.csv：锚点记录审计链有"), "{said}");
        assert!(said.contains("锚点文件 l.sqlite3.anchor："), "{said}");
        assert!(said.contains("尾部被删除"), "{said}");
        assert!(!v.holds());
    }

    #[test]
    fn an_anchor_is_read_from_a_backup_and_a_foreign_or_empty_file_is_named() {
        let (dir, conn, _) = ledger();
        let backup = dir.path().join("备份.sqlite3");
        db::copy_to(&conn, &backup).unwrap();
        assert_eq!(
            read(&backup, key(&conn).as_ref()).unwrap(),
            anchor::head(&conn).unwrap().unwrap()
        );
        let other = dir.path().join("别的.csv");
        std::fs::write(&other, "姓名\n王敏\n").unwrap();
        assert!(read(&other, key(&conn).as_ref())
            .unwrap_err()
            .to_string()
            .contains("别的.csv 中没有审计锚点"));
        let other_ledger = db::open(&dir.path().join("另一本.sqlite3")).unwrap();
        let foreign = anchor::head(&other_ledger).unwrap().unwrap();
        let v = audit::verify_with(&conn, vec![("锚点 另一本".into(), foreign)]).unwrap();
        assert!(
            v.problems.iter().any(|p| p.contains("属于另一本台账")),
            "{v:?}"
        );
    }
}

#[cfg(test)]
mod hostile_tests {
    use crate::io::export::tests::ledger;
    use crate::ledger::{anchor, audit, key};

    /// The anchor file beside the ledger and a key file as someone may leave them: truncated,
    /// garbled, edited to claim more events, or huge. None crashes; each is named.
    #[test]
    fn truncated_edited_and_huge_anchor_and_key_files_are_named() {
        let (dir, conn, _) = ledger();
        let beside = dir.path().join("l.sqlite3.anchor");
        let whole = std::fs::read_to_string(&beside).unwrap();
        std::fs::write(&beside, &whole[..whole.len() / 2]).unwrap();
        let v = audit::verify(&conn).unwrap();
        assert!(
            v.problems.iter().any(|a| a.contains("中没有审计锚点")),
            "a damaged anchor beside the ledger is a fault: {v:?}"
        );
        std::fs::write(&beside, &whole).unwrap();
        let claimed = anchor::Anchor {
            events: 9_999,
            ..anchor::read_text_or_backup(&beside, None).unwrap()
        };
        std::fs::write(&beside, claimed.to_line()).unwrap();
        let v = audit::verify(&conn).unwrap();
        assert!(
            v.problems
                .iter()
                .any(|p| p.contains("校验码与本台账的密钥不符")),
            "an edited line no longer carries this ledger's check: {v:?}"
        );
        // Written with the key (as the program would), the claim is checked against the chain.
        let key = key::installed(&conn).unwrap().unwrap();
        std::fs::write(&beside, claimed.checked_by(&key).to_line()).unwrap();
        let v = audit::verify(&conn).unwrap();
        assert!(
            v.problems
                .iter()
                .any(|p| p.contains("锚点记录审计链有9999个事件")),
            "{v:?}"
        );
        // A hand-written line with no check at all, as an attacker without the key writes it.
        let bare = anchor::Anchor {
            check: None,
            ..anchor::read_text_or_backup(&beside, None).unwrap()
        };
        std::fs::write(&beside, bare.to_line().replace(";校验=无", "")).unwrap();
        let v = audit::verify(&conn).unwrap();
        assert!(v.problems.iter().any(|p| p.contains("没有校验码")), "{v:?}");
        let huge = dir.path().join("密钥.txt");
        std::fs::write(&huge, vec![b'a'; 1 << 20]).unwrap();
        assert!(key::import(&conn, &huge)
            .unwrap_err()
            .to_string()
            .contains("太大"));
        let binary = dir.path().join("二进制.txt");
        std::fs::write(&binary, [0xFFu8, 0x00, 0xFE, 0x10]).unwrap();
        assert!(key::import(&conn, &binary)
            .unwrap_err()
            .to_string()
            .contains("不是学时台账的审计密钥文件"));
    }
}

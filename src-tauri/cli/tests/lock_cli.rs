//! Issue 26 through the real CLI on real files: the ledger encrypted at rest, refused when swapped,
//! found when rolled back, opened on a new computer with its recovery code, and no ID number or
//! mobile in clear anywhere in its folder.
mod common;

use common::{id_number, path_str, Ledger, RECORDS_HEADER};
use std::path::{Path, PathBuf};

fn err(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A ledger with two people (ID numbers and mobiles), a record with a certificate that shows an
/// ID number, and a backup. Returns the ledger, the recovery code it printed, and the secrets.
fn working_ledger() -> (Ledger, String, Vec<String>) {
    let l = Ledger::new();
    let a = id_number("19800101", 1);
    let b = id_number("19850505", 2);
    let roster = l.write(
        "roster.csv",
        format!(
            "姓名,身份证号,部门,手机号\n张三,{a},内科,13912345678\n李四,{b},外科,13787654321\n"
        ),
    );
    let out = l.run(&["staff", "import", path_str(&roster)]);
    assert!(out.status.success(), "{}", err(&out));
    let said = err(&out);
    let code = said
        .lines()
        .find_map(|line| line.strip_prefix("恢复码："))
        .unwrap_or_else(|| panic!("the recovery code is shown at creation: {said}"))
        .trim()
        .to_string();
    let records = l.write(
        "records.csv",
        format!("{RECORDS_HEADER}{a},培训进修,专业科目,急诊培训,2025-03-01,2025-03-01,6,,,\n"),
    );
    l.ok(&["records", "import", path_str(&records)]);
    let certificate = l.write(
        "证书.png",
        [
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice(),
            format!("姓名张三 身份证号{a}").as_bytes(),
        ]
        .concat(),
    );
    l.ok(&[
        "review",
        "attach",
        "1",
        path_str(&certificate),
        "--by",
        "王敏",
    ]);
    std::fs::remove_file(&certificate).unwrap();
    std::fs::remove_file(&roster).unwrap();
    std::fs::remove_file(&records).unwrap();
    l.ok(&[
        "backup",
        "--out",
        path_str(&l.dir.path().join("backups/手动备份.sqlite3")),
    ]);
    (
        l,
        code,
        vec![a, b, "13912345678".into(), "13787654321".into()],
    )
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Every byte of the data folder — ledger, its WAL, backups, certificates, anchor — and not one
/// ID number or mobile in clear. (The key folder is the test's own, outside the data folder.)
#[test]
fn no_id_number_or_mobile_is_in_clear_anywhere_in_the_data_folder() {
    let (l, _, secrets) = working_ledger();
    let files: Vec<PathBuf> = files_under(l.dir.path())
        .into_iter()
        .filter(|p| !p.starts_with(&l.keys))
        .collect();
    assert!(
        files
            .iter()
            .any(|p| p.to_string_lossy().contains("evidence")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|p| p.to_string_lossy().contains("backups")),
        "{files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            !bytes.starts_with(b"SQLite format 3"),
            "{} is plain SQLite",
            file.display()
        );
        for secret in &secrets {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{} holds {} in clear", file.display(), &secret[..6]);
        }
    }
}

/// On a computer without the key: nothing opens and nothing changes; the recovery code opens it.
#[test]
fn a_new_computer_opens_the_ledger_with_its_recovery_code_only() {
    let (l, code, _) = working_ledger();
    let before = std::fs::read(&l.db).unwrap();
    let elsewhere = l.dir.path().join("新电脑的密钥");
    let out = l.run_with_keys(&elsewhere, &["progress", "--year", "2025"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("本机没有它的密钥") && err(&out).contains("key recover"),
        "{}",
        err(&out)
    );
    assert_eq!(std::fs::read(&l.db).unwrap(), before, "nothing changed");
    let wrong = l.run_with_keys(
        &elsewhere,
        &["key", "recover", "--code", "ABCDE-FGHJK-MNPQR"],
    );
    assert!(!wrong.status.success());
    assert!(err(&wrong).contains("恢复码无效"), "{}", err(&wrong));
    let typed = code.to_lowercase();
    let ok = l.run_with_keys(&elsewhere, &["key", "recover", "--code", &typed]);
    assert!(ok.status.success(), "{}", err(&ok));
    let out = l.run_with_keys(&elsewhere, &["audit", "verify"]);
    assert!(out.status.success(), "{}", err(&out));
    let out = l.run_with_keys(&elsewhere, &["review", "approve", "1", "--by", "王敏"]);
    assert!(out.status.success(), "{}", err(&out));
}

/// Without the key, an attacker swaps the file: a plain SQLite ledger, or another ledger's
/// encrypted file. Both are refused at the ledger's place; the officer may adopt one deliberately.
#[test]
fn a_swapped_file_is_refused_and_can_only_be_adopted_on_purpose() {
    let (l, _, _) = working_ledger();
    let saved = std::fs::read(&l.db).unwrap();
    // Another ledger's file (its key is on this computer too: the same key store).
    let foreign = l.dir.path().join("别的台账.sqlite3");
    std::fs::copy(&l.db, l.dir.path().join("keep.sqlite3")).unwrap();
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_ce-ledger"))
        .args(["--db", path_str(&foreign), "staff", "list"])
        .env("CE_LEDGER_KEY_DIR", &l.keys)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", err(&made));
    std::fs::copy(&foreign, &l.db).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", l.db.display()));
    }
    let out = l.run(&["staff", "list"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("另一本台账") && err(&out).contains("疑似被替换"),
        "{}",
        err(&out)
    );

    // A plain SQLite file in its place.
    let plain = l.dir.path().join("plain.sqlite3");
    rusqlite::Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE staff(name); INSERT INTO staff VALUES ('假人员');")
        .unwrap();
    std::fs::copy(&plain, &l.db).unwrap();
    let out = l.run(&["staff", "list"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("未加密的文件，疑似被替换"),
        "{}",
        err(&out)
    );
    assert!(err(&out).contains("key adopt"), "{}", err(&out));

    // Put back, the ledger opens again.
    std::fs::write(&l.db, &saved).unwrap();
    assert!(l.run(&["staff", "list"]).status.success());
    // Emptied: refused, not replaced by a new ledger.
    std::fs::write(&l.db, b"").unwrap();
    let out = l.run(&["staff", "list"]);
    assert!(err(&out).contains("不见了或被清空"), "{}", err(&out));
    let adopted = l.run(&["key", "adopt", "--by", "王敏"]);
    assert!(adopted.status.success(), "{}", err(&adopted));
    let log = l.ok(&["audit", "log"]);
    assert!(log.contains("改用台账文件"), "{log}");
}

/// The whole ledger put back to an older copy and its anchor file deleted: verify fails, naming
/// the key store's head and the missing anchor.
#[test]
fn a_ledger_rolled_back_with_its_anchor_deleted_fails_verify() {
    let (l, _, _) = working_ledger();
    let older = l.dir.path().join("older");
    std::fs::create_dir_all(&older).unwrap();
    l.ok(&["backup", "--out", path_str(&older.join("copy.sqlite3"))]);
    l.ok(&["review", "approve", "1", "--by", "王敏"]);
    std::fs::copy(older.join("copy.sqlite3"), &l.db).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", l.db.display()));
    }
    std::fs::remove_file(l.db.with_extension("sqlite3.anchor")).unwrap();
    let out = l.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", err(&out));
    assert!(err(&out).contains("换回了较早的副本"), "{}", err(&out));
    assert!(
        err(&out).contains("锚点文件 ledger.sqlite3.anchor 不见了"),
        "{}",
        err(&out)
    );
}

/// Beside the ledger: another ledger's backup, a hand-written anchor line, a certificate swapped
/// and one deleted. Each is a failure with its reason, never 「未核对」.
#[test]
fn foreign_backups_forged_anchors_and_swapped_certificates_fail_verify() {
    let (l, _, _) = working_ledger();
    assert!(l.ok(&["audit", "verify"]).contains("证明材料文件 1 个"));
    let other = Ledger::new();
    let roster = other.write(
        "r.csv",
        format!(
            "姓名,身份证号,部门\n王五,{},内科\n",
            id_number("19700101", 3)
        ),
    );
    other.ok(&["staff", "import", path_str(&roster)]);
    let theirs = l.dir.path().join("backups/别人的备份.sqlite3");
    other.ok(&["backup", "--out", path_str(&theirs)]);
    let out = l.run(&["audit", "verify"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("别人的备份.sqlite3") && err(&out).contains("另一本台账"),
        "{}",
        err(&out)
    );
    // Nor does restore take it.
    let out = l.run(&["restore", path_str(&theirs), "--by", "王敏"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("无法用本台账的密钥读取"),
        "{}",
        err(&out)
    );
    std::fs::remove_file(&theirs).unwrap();

    let anchor = l.db.with_extension("sqlite3.anchor");
    let line = std::fs::read_to_string(&anchor).unwrap();
    let forged: String = line
        .split(';')
        .map(|f| match f.split_once('=') {
            Some(("签名", _)) => "签名=无".to_string(),
            Some(("校验", _)) => String::new(),
            _ => f.to_string(),
        })
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join(";");
    std::fs::write(&anchor, format!("{forged}\n")).unwrap();
    let out = l.run(&["audit", "verify"]);
    assert!(!out.status.success());
    assert!(err(&out).contains("没有校验码"), "{}", err(&out));
    std::fs::write(&anchor, line).unwrap();
    assert!(l.run(&["audit", "verify"]).status.success());

    let stored: Vec<PathBuf> = files_under(&l.dir.path().join("evidence"));
    assert_eq!(stored.len(), 1);
    let kept = std::fs::read(&stored[0]).unwrap();
    let mut swapped = kept.clone();
    let last = swapped.len() - 1;
    swapped[last] ^= 1;
    let mut perms = std::fs::metadata(&stored[0]).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&stored[0], perms).unwrap();
    std::fs::write(&stored[0], &swapped).unwrap();
    let out = l.run(&["audit", "verify"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("证明材料“证书.png”") && err(&out).contains("无法用本台账的密钥解开"),
        "{}",
        err(&out)
    );
    std::fs::remove_file(&stored[0]).unwrap();
    let out = l.run(&["audit", "verify"]);
    assert!(
        err(&out).contains("证明材料“证书.png”的文件不见了"),
        "{}",
        err(&out)
    );
    std::fs::write(&stored[0], kept).unwrap();
    let out = l.run(&["audit", "verify"]);
    assert!(out.status.success(), "{}", err(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("核对不到的") && said.contains("签名已用本台账的密钥逐个核对"),
        "{said}"
    );
}

/// The recovery sheet is a real PDF with the code on it, read back with poppler.
#[test]
fn the_recovery_sheet_carries_the_code() {
    let (l, code, _) = working_ledger();
    assert!(l.ok(&["key", "show"]).contains("尚未确认保存"));
    let sheet = l.dir.path().join("恢复码.pdf");
    l.ok(&["key", "sheet", "--out", path_str(&sheet)]);
    let text = std::process::Command::new("pdftotext")
        .args([path_str(&sheet), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed by make test");
    let text = String::from_utf8_lossy(&text.stdout);
    let first_group = code.split('-').next().unwrap();
    assert!(
        text.contains("学时台账") && text.contains("恢复码"),
        "{text}"
    );
    assert!(text.contains(first_group), "{text}");
    assert!(l.ok(&["key", "show"]).contains("已打印或确认保存"));
}

/// The privacy scan on the sample unit: after `demo` (200 people, their records, a start-up
/// style backup), a byte-for-byte search of every file in the data folder finds none of the 200 ID
/// numbers or mobiles in clear. Only the export, written on purpose for upload, holds them.
#[test]
fn after_a_demo_no_byte_of_the_data_folder_holds_a_sample_id_number_or_mobile() {
    let l = Ledger::new();
    l.ok(&["demo", "--staff", "200", "--year", "2025"]);
    l.ok(&[
        "backup",
        "--out",
        path_str(&l.dir.path().join("backups/ledger-20250101-000000.sqlite3")),
    ]);
    let export = l.dir.path().join("上报.csv");
    l.ok(&["export", "--year", "2025", "--out", path_str(&export)]);
    let people = ce_ledger_core::dev::sample::staff_inputs(200);
    let secrets: Vec<&str> = people
        .iter()
        .flat_map(|p| [p.id_number.as_str(), p.mobile.as_str()])
        .filter(|s| s.len() >= 11)
        .collect();
    assert!(secrets.len() >= 200);
    let exported = std::fs::read(&export).unwrap();
    assert!(
        secrets
            .iter()
            .any(|s| exported.windows(s.len()).any(|w| w == s.as_bytes())),
        "the export is in clear, as it must be for upload: the scan would find a leak"
    );
    for file in files_under(l.dir.path()) {
        if file.starts_with(&l.keys) || file.to_string_lossy().contains("上报.csv") {
            continue;
        }
        let bytes = std::fs::read(&file).unwrap();
        for secret in &secrets {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds a sample ID number or mobile in clear",
                file.display()
            );
        }
    }
}

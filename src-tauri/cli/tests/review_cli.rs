mod common;
use common::{id_number, path_str, status_of, Ledger, RECORDS_HEADER};

/// Two people, four pending records (ids 1–4); record 4 has no evidence.
fn ledger_with_pending() -> Ledger {
    let l = Ledger::new();
    let a = id_number("19800101", 101);
    let b = id_number("19851231", 202);
    let staff = l.write(
        "staff.csv",
        format!("姓名,身份证号,部门\n张三,{a},内科\n李四,{b},外科\n"),
    );
    l.ok(&["staff", "import", path_str(&staff)]);
    let recs = l.write(
        "records.csv",
        format!(
            "{RECORDS_HEADER}\
             {a},training,,培训一,2025-03-01,2025-03-02,16,,,培训证书\n\
             {a},achievement,,论文,2025-04-01,2025-04-01,,,,期刊封面\n\
             {b},posting,,援疆,2025-01-01,2025-12-31,,12,,派遣文件\n\
             {b},training,,培训二,2025-05-01,2025-05-01,8,,,\n"
        ),
    );
    l.ok(&["records", "import", path_str(&recs)]);
    l
}

#[test]
fn approve_by_ids_is_all_or_nothing() {
    let l = ledger_with_pending();
    let out = l.run(&["review", "approve", "1", "4", "--by", "王敏"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("记录4") && err.contains("没有证明材料"),
        "{err}"
    );
    assert_eq!(status_of(&l, 1), "pending", "no record of the call changed");
    l.ok(&["review", "approve", "1", "2", "--by", "王敏"]);
    assert_eq!(status_of(&l, 1), "approved");
    let p = l.json(&["progress", "--year", "2025", "--json"]);
    assert_eq!(p["staff"][0]["professional"], 26.0);
}

#[test]
fn approve_all_pending_lists_the_ones_left() {
    let l = ledger_with_pending();
    let out = l.ok(&[
        "review",
        "approve",
        "--all-pending",
        "--year",
        "2025",
        "--by",
        "王敏",
    ]);
    assert!(out.contains("已审核通过 3 条"), "{out}");
    assert!(out.contains("记录4") && out.contains("证明材料"), "{out}");
    assert_eq!(status_of(&l, 3), "approved");
}

#[test]
fn reject_needs_a_reason_and_reopen_returns_to_pending() {
    let l = ledger_with_pending();
    assert!(!l
        .run(&["review", "reject", "2", "--reason", "", "--by", "王敏"])
        .status
        .success());
    assert_eq!(status_of(&l, 2), "pending");
    l.ok(&[
        "review",
        "reject",
        "2",
        "--reason",
        "缺期刊目录页",
        "--by",
        "王敏",
    ]);
    assert_eq!(status_of(&l, 2), "rejected");
    l.ok(&["review", "approve", "1", "--by", "王敏"]);
    l.ok(&[
        "review",
        "reopen",
        "1",
        "--reason",
        "学时登记有误",
        "--by",
        "王敏",
    ]);
    assert_eq!(status_of(&l, 1), "pending");

    let log = l.json(&["audit", "log", "--record", "2", "--json"]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["import", "reject"]);
    assert_eq!(log[1]["reason"], "缺期刊目录页");
    assert_eq!(log[1]["actor"], "王敏");
    assert!(l.ok(&["audit", "verify"]).contains("审计链完整"));
}

/// The pending ledger with record 2 (the paper) rejected for a missing contents page.
fn with_paper_rejected() -> Ledger {
    let l = ledger_with_pending();
    l.ok(&[
        "review",
        "reject",
        "2",
        "--reason",
        "缺期刊目录页",
        "--by",
        "王敏",
    ]);
    l
}

#[test]
fn audit_verify_catches_an_edit_made_outside_the_program() {
    let l = with_paper_rejected();
    l.ok(&["review", "approve", "1", "--by", "王敏"]);
    let reject_event: i64 = {
        let c = l.raw();
        c.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit_event SET reason = '材料齐全' WHERE action = 'reject';").unwrap();
        c.query_row(
            "SELECT id FROM audit_event WHERE action = 'reject'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let out = l.run(&["audit", "verify"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    // The insider's tool dropped a trigger to do it: the ledger's schema is no longer the
    // program's own, and the file is refused before anything is read or written.
    assert!(err.contains("缺少触发器“audit_no_update”"), "{err}");
    // With the trigger put back exactly, the schema holds and the chain names the event.
    l.raw()
        .execute_batch("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, '审计记录只能追加，不能修改'); END;")
        .unwrap();
    let out = l.run(&["audit", "verify"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("第{reject_event}号事件")), "{err}");
}

/// The attack of issue 12: a rejected record set to 已通过 with 60 hours in the `sqlite3` shell,
/// the trail untouched. `audit verify` names the record and each field, and fails.
#[test]
fn audit_verify_names_a_decision_changed_outside_the_program() {
    let l = with_paper_rejected();
    assert!(l.ok(&["audit", "verify"]).contains("与审计记录逐项一致"));
    ce_ledger_core::ledger::lock::open_raw(&l.db)
        .unwrap()
        .execute_batch(
            "UPDATE record SET status = 'approved', rec_professional = 600 WHERE id = 2;",
        )
        .unwrap();
    let out = l.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("记录 2：状态 台账为“已通过”，审计记录为“已驳回”"),
        "{err}"
    );
    assert!(
        err.contains("记录 2：认定专业 台账为“60”，审计记录为“0”"),
        "{err}"
    );
}

#[test]
fn evidence_file_makes_a_record_approvable_and_reminders_export() {
    let l = ledger_with_pending();
    let png = l.write(
        "证书.png",
        b"\x89PNG\r\n\x1a\nnot a real image but a PNG signature",
    );
    l.ok(&["review", "attach", "4", path_str(&png), "--by", "王敏"]);
    l.ok(&["review", "approve", "4", "--by", "王敏"]);
    let exe = l.write("virus.exe", b"MZ\x90\x00");
    assert!(!l
        .run(&["review", "attach", "3", path_str(&exe)])
        .status
        .success());

    let a = id_number("19800101", 101);
    l.ok(&[
        "notice",
        "add",
        "--date",
        "2025-06-01",
        "--channel",
        "微信",
        "--content",
        "请尽快完成公需科目",
        "--id-number",
        &a,
    ]);
    let out = l.dir.path().join("提醒.csv");
    l.ok(&[
        "notice",
        "reminders",
        "--year",
        "2025",
        "--out",
        path_str(&out),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("张三") && text.contains("2025-06-01"),
        "{text}"
    );
}

/// Issue 12, item 2: the trail cannot be cut off unseen once an inspector holds an export, and a
/// ledger carried to a computer without its key reads but does not write until the key comes back.
#[test]
fn audit_verify_checks_an_inspectors_export_and_the_key_travels_by_export() {
    let l = with_paper_rejected();
    let upload = l.dir.path().join("上传 2025.xlsx");
    l.ok(&["export", "--year", "2025", "--out", path_str(&upload)]);
    let checked = l.ok(&["audit", "verify", "--anchor", path_str(&upload)]);
    assert!(
        checked.contains("锚点 上传 2025.xlsx：第") && checked.contains("一致"),
        "{checked}"
    );
    assert!(
        checked.contains("锚点文件 ledger.sqlite3.anchor"),
        "{checked}"
    );

    // The key, saved for safe keeping, then the ledger opened where the key is not.
    let saved = l.dir.path().join("密钥.txt");
    l.ok(&["audit", "key", "--export", path_str(&saved)]);
    let elsewhere = l.dir.path().join("other-computer-keys");
    let refused = l.run_with_keys(&elsewhere, &["review", "approve", "1", "--by", "王敏"]);
    assert!(!refused.status.success());
    let said = String::from_utf8(refused.stderr).unwrap();
    assert!(
        said.contains("本机没有它的密钥") && said.contains("key recover"),
        "{said}"
    );
    assert!(!l
        .run_with_keys(&elsewhere, &["audit", "verify"])
        .status
        .success());
    assert!(
        !l.run_with_keys(&elsewhere, &["records", "list", "--year", "2025"])
            .status
            .success(),
        "without its key the ledger does not even read: it is encrypted"
    );
    assert!(l
        .run_with_keys(&elsewhere, &["audit", "key", "--import", path_str(&saved)])
        .status
        .success());
    assert!(l
        .run_with_keys(&elsewhere, &["review", "approve", "1", "--by", "王敏"])
        .status
        .success());

    // Someone with the file cuts the trail back to before the export: every event left checks,
    // but the inspector's copy and the anchor file do not.
    let head: i64 =
        String::from_utf8_lossy(&std::fs::read(l.db.with_extension("sqlite3.anchor")).unwrap())
            .split(';')
            .find_map(|f| f.strip_prefix("事件数=")?.parse().ok())
            .unwrap();
    {
        let c = l.raw();
        let trigger: String = c
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'audit_no_delete'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        c.execute_batch("DROP TRIGGER audit_no_delete;").unwrap();
        c.execute("DELETE FROM audit_event WHERE id >= ?1", [head - 2])
            .unwrap();
        c.execute_batch(&trigger).unwrap(); // the schema put back as it was
    }
    let out = l.run(&["audit", "verify", "--anchor", path_str(&upload)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("锚点 上传 2025.xlsx：锚点记录审计链有"),
        "{err}"
    );
    assert!(err.contains("尾部被删除"), "{err}");
}

/// Where the desktop has a keyring (GNOME Keyring here, on a session bus of its own), the audit
/// key goes there and no key file is written; the ledger then writes and verifies through it.
#[test]
fn the_audit_key_goes_to_the_desktop_keyring_where_there_is_one() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("ledger.sqlite3");
    let cli = env!("CARGO_BIN_EXE_ce-ledger");
    let script = format!(
        r#"set -e
eval "$(printf 'unlock\n' | gnome-keyring-daemon --unlock --components=secrets)"
eval "$(gnome-keyring-daemon --start --components=secrets)"
"{cli}" --db "{db}" staff list >/dev/null
"{cli}" --db "{db}" audit key
"{cli}" --db "{db}" audit verify
"#,
        db = db.display()
    );
    let out = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", home.path())
        .env_remove("CE_LEDGER_KEY_DIR")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .expect("dbus-run-session and gnome-keyring are installed by `make test`");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("审计密钥保存在系统密钥环"), "{said}");
    assert!(said.contains("签名已用本台账的密钥逐个核对"), "{said}");
    let key_files = std::fs::read_dir(home.path().join(".config/cn.celedger.desktop/keys"))
        .map(|d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "key"))
            })
            .count()
        })
        .unwrap_or(0);
    assert_eq!(key_files, 0, "no key file beside a keyring");
}

//! A full working session through the CLI, good and bad input alike: nothing it prints as a
//! message or log (stderr, and stdout of every command that is not a data listing) carries an ID
//! number — valid, mistyped or unknown.
mod common;

use common::{id_number, path_str, Ledger};

#[test]
fn no_message_of_a_full_session_carries_an_id_number() {
    let l = Ledger::new();
    let known = id_number("19800101", 1);
    let other = id_number("19800101", 2);
    let unknown = id_number("19900101", 9);
    let mistyped = format!(
        "{}{}",
        &known[..17],
        if known.ends_with('1') { '2' } else { '1' }
    );
    let mut printed = String::new();
    let mut run = |args: &[&str], stdout_is_a_message: bool| {
        let out = l.run(args);
        printed.push_str(&String::from_utf8_lossy(&out.stderr));
        if stdout_is_a_message {
            printed.push_str(&String::from_utf8_lossy(&out.stdout));
        }
        out.status.success()
    };

    let roster = l.write(
        "roster.csv",
        format!("姓名,身份证号,部门\n张三,{known},内科\n李四,{other},外科\n"),
    );
    assert!(run(&["staff", "import", path_str(&roster)], true));
    let bad_roster = l.write(
        "bad.csv",
        format!("姓名,身份证号,部门\n王五,{mistyped},内科\n赵六,{known},内科\n赵六,{known},内科\n"),
    );
    assert!(!run(&["staff", "import", path_str(&bad_roster)], true));
    assert!(!run(
        &["staff", "add", "--name", "钱七", "--id-number", &mistyped],
        true
    ));
    assert!(!run(
        &["staff", "add", "--name", "张三", "--id-number", &known],
        true
    ));

    let records = l.write(
        "records.csv",
        format!(
            "身份证号,类别,科目,项目名称,开始日期,结束日期,学时,证明材料,公需专题\n{known},培训进修,专业,课程,2025-03-01,2025-03-02,16,结业证书,\n{other},培训进修,公需,课程,2025-04-01,2025-04-01,8,结业证书,网络安全\n"
        ),
    );
    assert!(run(&["records", "import", path_str(&records)], true));
    let strangers = l.write(
        "strangers.csv",
        format!("身份证号,类别,科目,项目名称,开始日期,结束日期,学时\n{unknown},培训进修,专业,课程,2025-03-01,2025-03-02,16\n{mistyped},培训进修,专业,课程,2025-03-01,2025-03-02,16\n"),
    );
    assert!(!run(&["records", "import", path_str(&strangers)], true));
    assert!(!run(
        &["records", "import-city", path_str(&strangers)],
        true
    ));
    assert!(run(
        &[
            "review",
            "reject",
            "2",
            "--reason",
            "缺证明",
            "--by",
            "审核员"
        ],
        true
    ));
    assert!(run(
        &[
            "review",
            "approve",
            "--all-pending",
            "--year",
            "2025",
            "--by",
            "审核员"
        ],
        true
    ));
    assert!(run(&["progress", "--year", "2025"], true));
    // Refused for an unknown and a mistyped number, accepted for a known one.
    for (label, id, accepted) in [
        ("unknown", &unknown, false),
        ("mistyped", &mistyped, false),
        ("known", &known, true),
    ] {
        let args = [
            "applicant",
            "--id-number",
            id,
            "--year",
            "2025",
            "--materials-date",
            "2025-09-01",
        ];
        assert_eq!(
            run(&args, true),
            accepted,
            "applicant with the {label} number"
        );
    }
    assert!(run(
        &[
            "notice",
            "add",
            "--date",
            "2025-06-01",
            "--channel",
            "短信",
            "--content",
            "请尽快完成学时",
            "--id-number",
            &known
        ],
        true
    ));
    assert!(!run(
        &[
            "notice",
            "add",
            "--date",
            "2025-06-01",
            "--channel",
            "短信",
            "--content",
            "提醒",
            "--id-number",
            &unknown
        ],
        true
    ));
    let reminders = l.dir.path().join("reminders.xlsx");
    assert!(run(
        &[
            "notice",
            "reminders",
            "--year",
            "2025",
            "--out",
            path_str(&reminders)
        ],
        true
    ));
    let export = l.dir.path().join("export.csv");
    assert!(run(
        &["export", "--year", "2025", "--out", path_str(&export)],
        true
    ));
    assert!(run(&["audit", "log"], true));
    assert!(run(&["audit", "verify"], true));
    let backup = l.dir.path().join("backup.sqlite3");
    assert!(run(&["backup", "--out", path_str(&backup)], true));
    assert!(run(&["restore", path_str(&backup), "--by", "审核员"], true));
    // Listings are meant to show the numbers (the officer asked for them); they print nothing else.
    assert!(run(&["staff", "list"], false));

    assert!(
        printed.contains("错误"),
        "the bad inputs were refused with messages"
    );
    let found = ce_ledger_core::domain::idcard::find_id_like(&printed);
    assert!(
        found.is_empty(),
        "{} ID-number-shaped run(s) in the session's messages, first at byte {}",
        found.len(),
        found[0]
    );
    // The export is the one place the full numbers belong: the provincial upload needs them.
    assert!(std::fs::read_to_string(&export).unwrap().contains(&known));
}

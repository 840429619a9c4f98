//! Issue 13 at the CLI contract: where 公需 may come from (公需专题), filing numbers, what 待审核
//! means, who is counted, and a ledger of the previous version upgraded without losing its trail.
mod common;
use common::{id_number, path_str, progress_of, Ledger};

const HEADER: &str = "身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料,公需专题,备案/证书编号\n";

fn ledger_with(people: &[(&str, &str)]) -> Ledger {
    let l = Ledger::new();
    let rows: String = people
        .iter()
        .map(|(name, id)| format!("{name},{id},内科\n"))
        .collect();
    let csv = l.write("staff.csv", format!("姓名,身份证号,部门\n{rows}"));
    l.ok(&["staff", "import", path_str(&csv)]);
    l
}

#[test]
fn public_hours_need_an_allowed_source_and_a_topic_of_the_year() {
    let a = id_number("19800101", 101);
    let l = ledger_with(&[("张三", &a)]);
    let bad = l.write(
        "bad.csv",
        format!(
            "{HEADER}{a},比赛,公需,技能竞赛,2025-05-01,2025-05-01,,,,获奖证书,,\n\
             {a},培训进修,公需,党课,2025-03-01,2025-03-01,8,,,结业证书,,\n\
             {a},学习,,读书班,2025-03-05,2025-03-05,4,,,学习档案,消防安全,\n\
             {a},受邀专家,,评审,2025-03-09,2025-03-09,4,,,聘书,数字技术,\n"
        ),
    );
    let out = l.run(&["records", "import", path_str(&bad)]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "第2行，科目：比赛只能计入专业科目",
        "第3行，公需专题：培训进修计公需科目须注明2025年度的公需专题",
        "第4行，公需专题：“消防安全”不是2025年度的公需专题",
        "第5行，公需专题：只有培训进修和学习需要填写公需专题",
    ] {
        assert!(err.contains(expected), "missing {expected} in {err}");
    }
    assert!(l
        .json(&["records", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());

    let good = l.write(
        "good.csv",
        format!(
            "{HEADER}{a},培训进修,,党课,2025-03-01,2025-03-01,8,,,结业证书,习近平新时代中国特色社会主义思想,ZZ-2025-0042\n\
             {a},外地调入,公需,调入学时,2025-01-01,2025-01-31,20,,,调出地学时证明,,\n"
        ),
    );
    l.ok(&["records", "import", path_str(&good)]);
    let list = l.json(&["records", "list", "--json"]);
    let training = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == "training")
        .unwrap();
    assert_eq!(
        training["subject"], "public",
        "a topic makes the record public"
    );
    assert_eq!(training["topic"], "习近平新时代中国特色社会主义思想");
    assert_eq!(training["filing_number"], "ZZ-2025-0042");

    // The export names the topic and the filing number of what it uploads. `--by` is the reviewer's
    // confirmation of the evidence checklist, and the approval's event says so.
    let id = training["id"].as_i64().unwrap().to_string();
    l.ok(&["review", "approve", &id, "--by", "王敏"]);
    let log = l.json(&["audit", "log", "--record", &id, "--json"]);
    let approval = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "approve")
        .unwrap();
    let checked = &approval["after"]["evidence_checklist"];
    assert!(
        checked["方式"].as_str().unwrap().contains("--by"),
        "{checked}"
    );
    assert_eq!(checked["已核对"][1], "经人社部门备案（合格证书或备案编号）");
    let out = l.dir.path().join("upload.csv");
    l.ok(&[
        "export",
        "--year",
        "2025",
        "--out",
        path_str(&out),
        "--by",
        "王敏",
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.ends_with("公需专题,备案/证书编号"), "{header}");
    let row = text.lines().find(|l| l.contains("党课")).unwrap();
    assert!(
        row.ends_with(",习近平新时代中国特色社会主义思想,ZZ-2025-0042"),
        "{row}"
    );
}

#[test]
fn pending_is_what_approval_would_add_and_leavers_leave_the_count() {
    let a = id_number("19800101", 101);
    let b = id_number("19851231", 202);
    let l = ledger_with(&[("张三", &a), ("李四", &b)]);
    let csv = l.write(
        "records.csv",
        format!("{HEADER}{a},资格考试,,执业药师,2025-05-01,2025-05-01,40,,,资格证书,,\n"),
    );
    l.ok(&["records", "import", path_str(&csv)]);
    assert_eq!(
        progress_of(&l, "2025", &a)["pending"],
        16.0,
        "a qualification exam claimed at 40 gives 16"
    );

    let c = id_number("19700707", 303);
    l.ok(&[
        "staff",
        "add",
        "--name",
        "王五",
        "--id-number",
        &c,
        "--employment",
        "退休",
        "--left-on",
        "2025-06-30",
    ]);
    let d = id_number("19750505", 404);
    l.ok(&[
        "staff",
        "add",
        "--name",
        "赵六",
        "--id-number",
        &d,
        "--not-professional",
    ]);
    let e = id_number("19990909", 505);
    l.ok(&[
        "staff",
        "add",
        "--name",
        "钱七",
        "--id-number",
        &e,
        "--joined-on",
        "2025-03-01",
    ]);
    let p = l.json(&["progress", "--year", "2025", "--json"]);
    let names: Vec<&str> = p["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"钱七"),
        "a new hire owes the full year: {names:?}"
    );
    assert!(
        !names.contains(&"王五"),
        "retired before the deadline: {names:?}"
    );
    assert!(
        !names.contains(&"赵六"),
        "not professional-technical: {names:?}"
    );
    let p2024 = l.json(&["progress", "--year", "2024", "--json"]);
    let names: Vec<&str> = p2024["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"王五"), "still counted in 2024: {names:?}");
    assert!(
        !names.contains(&"钱七"),
        "joined after 2024's deadline: {names:?}"
    );

    let out = l.run(&[
        "staff",
        "add",
        "--name",
        "孙八",
        "--id-number",
        &id_number("19800808", 606),
        "--left-on",
        "2025-01-01",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("在职人员不填离开日期"));
}

/// A copy of a ledger the previous version (schema 6) wrote: three people, four records, one
/// approved, an anchor and its key.
fn previous_version_ledger() -> Ledger {
    let l = Ledger::new();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/ledger-v6");
    std::fs::copy(fixture.join("ledger.sqlite3"), &l.db).unwrap();
    std::fs::copy(
        fixture.join("ledger.sqlite3.anchor"),
        l.dir.path().join("ledger.sqlite3.anchor"),
    )
    .unwrap();
    std::fs::create_dir_all(&l.keys).unwrap();
    for key in std::fs::read_dir(fixture.join("keys")).unwrap() {
        let key = key.unwrap().path();
        std::fs::copy(&key, l.keys.join(key.file_name().unwrap())).unwrap();
    }
    l
}

#[test]
fn a_ledger_of_the_previous_version_upgrades_with_its_trail_whole() {
    let l = previous_version_ledger();
    let out = l.ok(&["audit", "verify"]);
    assert!(out.contains("与审计记录逐项一致"), "{out}");
    let wang = l.json(&["progress", "--year", "2025", "--json"])["staff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "王五")
        .cloned()
        .unwrap();
    assert_eq!(wang["pending"], 16.0, "pending recomputed by the upgrade");

    // An edit made outside the program before the upgrade is still named after it.
    let edited = previous_version_ledger();
    let outsider = ce_ledger_core::ledger::lock::open_raw(&edited.db).unwrap();
    outsider
        .execute(
            "UPDATE staff SET department = '行政' WHERE name = '张三'",
            [],
        )
        .unwrap();
    drop(outsider);
    let out = edited.run(&["audit", "verify"]);
    assert!(!out.status.success());
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("部门 台账为“行政”，审计记录为“内科”"),
        "{said}"
    );
}

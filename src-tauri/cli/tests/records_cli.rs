mod common;
use common::{id_number, path_str, progress_of, Ledger, RECORDS_HEADER};

fn ledger_with_two_people() -> (Ledger, String, String) {
    let l = Ledger::new();
    let a = id_number("19800101", 101);
    let b = id_number("19851231", 202);
    let csv = l.write(
        "staff.csv",
        format!("姓名,身份证号,部门\n张三,{a},内科\n李四,{b},外科\n"),
    );
    l.ok(&["staff", "import", path_str(&csv)]);
    (l, a, b)
}

#[test]
fn records_import_list_and_progress_follow_the_contract() {
    let (l, a, b) = ledger_with_two_people();
    let csv = l.write(
        "records.csv",
        format!(
            "\u{feff}身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料\n\
             {a},培训进修,专业,心电图新进展,2025-03-01,2025-03-02,20,,,培训证书\n\
             {a},city_platform,公需,数字技术,2025-04-01,2025-04-01,30,,,\n\
             {b},援派支教等,,援疆医疗,2025-01-01,2025-12-31,,12,,派遣文件\n\
             {b},代表性成果,,论文,2025-05-01,2025-05-01,,,,期刊封面\n"
        ),
    );
    let out = l.ok(&["records", "import", path_str(&csv)]);
    assert!(out.contains("4"), "{out}");

    let list = l.json(&["records", "list", "--year", "2025", "--json"]);
    let arr = list.as_array().unwrap();
    assert_eq!(arr.len(), 4);
    for key in [
        "id",
        "id_number",
        "category",
        "title",
        "status",
        "claimed_hours",
        "recognized_hours",
        "reason",
    ] {
        assert!(arr[0].get(key).is_some(), "missing {key}");
    }
    let training = arr.iter().find(|r| r["category"] == "training").unwrap();
    assert_eq!(training["status"], "pending");
    assert_eq!(training["claimed_hours"], 20.0);
    assert_eq!(training["recognized_hours"], 0.0);
    assert_eq!(training["id_number"], a);
    let city = arr
        .iter()
        .find(|r| r["category"] == "city_platform")
        .unwrap();
    assert_eq!(
        (city["status"].as_str(), city["recognized_hours"].as_f64()),
        (Some("synced"), Some(30.0))
    );
    assert!(l
        .json(&["records", "list", "--year", "2024", "--json"])
        .as_array()
        .unwrap()
        .is_empty());

    let p = l.json(&["progress", "--year", "2025", "--json"]);
    assert_eq!(p["year"], 2025);
    let zhang = progress_of(&l, "2025", &a);
    assert_eq!(zhang["name"], "张三");
    assert_eq!(zhang["public"], 30.0);
    assert_eq!(zhang["professional"], 0.0);
    assert_eq!(zhang["total"], 30.0);
    // Issue 13 item 12: what approval would add, 8 a day over the training's 2 days, not the 20 claimed.
    assert_eq!(zhang["pending"], 16.0);
    assert_eq!(zhang["compliant"], false);
    assert_eq!(zhang["short_public"], 0.0);
    assert_eq!(zhang["short_professional"], 60.0);
    let li = progress_of(&l, "2025", &b);
    assert_eq!(
        li["pending"], 100.0,
        "posting 90 + achievement 10 awaiting audit"
    );
}

#[test]
fn bad_record_rows_refuse_the_whole_file() {
    let (l, a, _) = ledger_with_two_people();
    let csv = l.write(
        "bad.csv",
        format!(
            "id_number,category,subject,title,start,end,hours,months,situation,evidence\n\
             {a},training,professional,ok,2025-03-01,2025-03-01,8,,,cert\n\
             {a},special,,出国进修,2025-01-01,2025-12-31,,5,出国,批件\n\
             {a},training,,bad,2025-03-05,2025-03-01,8,,,\n\
             {a},holiday,,bad,2025-03-05,2025-03-05,8,,,\n\
             {a},training,,跨年培训,2025-12-29,2026-01-02,8,,,cert\n\
             {a},city_platform,,平台课程,2025-04-01,2025-04-01,6,,,\n\
             {a},posting,,援派,2025-01-01,2025-03-31,,4,,派遣文件\n"
        ),
    );
    let out = l.run(&["records", "import", path_str(&csv)]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.csv：第3行，月数：附件1第7条"), "{err}");
    assert!(
        err.contains("第4行，结束日期：结束日期早于开始日期"),
        "{err}"
    );
    assert!(err.contains("第5行，类别：类别“holiday”无效"), "{err}");
    // Issue 13 items 6, 3 and 4.
    assert!(
        err.contains("第6行，结束日期：记录不能跨年度，请按年度拆成两条"),
        "{err}"
    );
    assert!(err.contains("第7行，科目：市平台学习须注明科目"), "{err}");
    assert!(
        err.contains("第8行，月数：月数4超过起止日期所跨的整月数"),
        "{err}"
    );
    assert!(l
        .json(&["records", "list", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn policy_and_title_applicant_commands() {
    let (l, a, _) = ledger_with_two_people();
    let p = l.json(&["policy", "show", "--year", "2025"]);
    assert_eq!(p["public_required"], 30.0);
    assert_eq!(p["study_deadline"], "2025-12-31");
    assert_eq!(p["topics"].as_array().unwrap().len(), 11);
    let p27 = l.json(&["policy", "show", "--year", "2027"]);
    assert_eq!(p27["plan_deadline"], "2027-05-20");

    l.ok(&[
        "applicant",
        "--id-number",
        &a,
        "--year",
        "2025",
        "--materials-date",
        "2025-10-13",
    ]);
    let zhang = progress_of(&l, "2025", &a);
    assert_eq!(zhang["title_applicant"], true);
    assert_eq!(
        zhang["deadline"], "2025-09-29",
        "5 working days before, across National Day"
    );

    // Issue 13 item 1: hours that ended after the deadline do not make the applicant compliant.
    let recs = l.write(
        "late.csv",
        format!(
            "{RECORDS_HEADER}\
             {a},city_platform,公需,公需课,2025-03-01,2025-03-01,30,,,\n\
             {a},city_platform,专业,专业课上,2025-04-01,2025-04-01,30,,,\n\
             {a},city_platform,专业,专业课下,2025-10-20,2025-10-20,30,,,\n"
        ),
    );
    l.ok(&["records", "import", path_str(&recs)]);
    let prog = l.json(&["progress", "--year", "2025", "--json"]);
    let staff = prog["staff"].as_array().unwrap();
    let zhang = staff.iter().find(|s| s["id_number"] == a).unwrap();
    assert_eq!(
        (zhang["public"].as_f64(), zhang["professional"].as_f64()),
        (Some(30.0), Some(60.0))
    );
    assert_eq!(zhang["public_by_deadline"], 30.0);
    assert_eq!(zhang["professional_by_deadline"], 30.0);
    assert_eq!(zhang["compliant"], false);
    assert_eq!(zhang["short_professional"], 30.0);
    let li = staff.iter().find(|s| s["id_number"] != a).unwrap();
    assert!(li.get("public_by_deadline").is_none(), "{li}");
}

/// Issue 13 item 5: a training day and an expert-panel day on the same date count 8 hours, not 16.
#[test]
fn one_eight_hour_pool_per_day_across_training_and_expert_work() {
    let (l, a, _) = ledger_with_two_people();
    let csv = l.write(
        "same-day.csv",
        format!(
            "{RECORDS_HEADER}\
             {a},培训进修,专业,急救培训,2025-03-01,2025-03-01,8,,,证书\n\
             {a},受邀专家,专业,评审专家,2025-03-01,2025-03-01,8,,,聘书\n"
        ),
    );
    l.ok(&["records", "import", path_str(&csv)]);
    l.ok(&[
        "review",
        "approve",
        "--all-pending",
        "--year",
        "2025",
        "--by",
        "王敏",
    ]);
    let list = l.json(&["records", "list", "--year", "2025", "--json"]);
    let expert = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "评审专家")
        .unwrap();
    assert_eq!(expert["recognized_professional"], 0.0, "{expert}");
    assert!(
        expert["reason"]
            .as_str()
            .unwrap()
            .contains("2025-03-01已由培训进修（2025-03-01）计入"),
        "{expert}"
    );
    assert_eq!(progress_of(&l, "2025", &a)["professional"], 8.0);
}

/// Issue 13 item 4: posting and special months of one person-year beyond 12 are refused, naming
/// the rows of the file and what the ledger already holds; 产假 on a man's record is refused.
#[test]
fn months_beyond_twelve_and_maternity_for_a_man_are_refused_by_row() {
    let (l, a, b) = ledger_with_two_people();
    let first = l.write(
        "posting.csv",
        format!(
            "{RECORDS_HEADER}\
             {b},援派支教等,,援疆,2025-01-01,2025-12-31,,5,,派遣文件\n"
        ),
    );
    l.ok(&["records", "import", path_str(&first)]);
    let csv = l.write(
        "more.csv",
        format!(
            "{RECORDS_HEADER}\
             {b},援派支教等,,援藏,2025-01-01,2025-12-31,,4,,派遣文件\n\
             {a},特殊情况,,产假,2025-01-01,2025-12-31,,6,产假,证明\n\
             {b},特殊情况,,病休,2025-01-01,2025-12-31,,7,病假,证明\n"
        ),
    );
    let out = l.run(&["records", "import", path_str(&csv)]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("第2行，月数：援派和特殊情况的月数同一人同一年度合计不能超过12个月：2025年本文件第2行、第4行共11个月，台账中已有5个月，合计16个月"),
        "{err}"
    );
    assert!(err.contains("第4行，月数："), "{err}");
    assert!(err.contains("第3行，情形：产假只适用于女职工"), "{err}");
    assert_eq!(
        l.json(&["records", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

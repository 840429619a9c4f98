//! Issue 24 through the command line: files written as clerks write them (tests/corpus/messy,
//! made by tests/corpus/make_messy.py) get the window's one-pass report, mapping and suggestions.

mod common;
use common::{id_number, path_str, Ledger};
use std::path::PathBuf;

fn messy(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/messy")
        .join(name)
}

fn stdout_and_stderr(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_department_file_reports_once_then_imports_with_the_suggestions_accepted() {
    let l = Ledger::new();
    let roster = messy("人员名册.xlsx");
    let out = l.ok(&["staff", "import", path_str(&roster)]);
    assert!(out.contains("未导入的列：序号、性别、备注"), "{out}");
    assert!(
        out.contains("跳过第504行") && out.contains("合计：500人"),
        "{out}"
    );
    assert!(out.contains("已导入 500 名人员"), "{out}");
    let staff = l.json(&["staff", "list", "--json"]);
    let titled = staff
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["title"] != "")
        .count();
    assert_eq!(titled, 500, "专业技术职务 is read as 现职称, not dropped");

    let file = messy("学时申报.xlsx");
    let refused = l.run(&["records", "import", path_str(&file)]);
    assert!(!refused.status.success());
    let (said, err) = stdout_and_stderr(&refused);
    assert!(
        said.contains("类别“学术会议”建议→培训进修，未确认：295行"),
        "{said}"
    );
    assert!(
        said.contains("--accept-suggested"),
        "the flag is named: {said}"
    );
    assert!(
        said.contains("【结束日期】日期“2025-02-30”不存在：1行（第1478行）"),
        "{said}"
    );
    assert!(
        err.contains("第1478行，结束日期"),
        "the full list follows: {err}"
    );
    assert!(!err.contains("370402198210110203"), "ID numbers are masked");

    let fixes = l.write(
        "fixes.json",
        r#"{"fixes": [{"line": 1010, "field": "开始日期", "value": "2025-11-01"},
                      {"line": 1478, "field": "结束日期", "value": "2025-02-28"}]}"#,
    );
    let annotated = l.dir.path().join("标注.xlsx");
    let partial = l.run(&[
        "records",
        "import",
        path_str(&file),
        "--accept-suggested",
        "--add-people",
        "--fix",
        path_str(&fixes),
        "--annotate",
        path_str(&annotated),
    ]);
    let (said, _) = stdout_and_stderr(&partial);
    assert!(!partial.status.success());
    assert!(
        said.contains("类别“学术会议”→培训进修（采纳建议）：295行"),
        "{said}"
    );
    assert!(
        said.contains("共4处错误"),
        "only the real errors remain: {said}"
    );
    assert!(
        said.contains("已写出标注错误的工作簿：标注.xlsx（4行有问题"),
        "{said}"
    );
    assert!(annotated.exists());

    let done = l.ok(&[
        "records",
        "import",
        path_str(&file),
        "--add-people",
        "--fix",
        path_str(&fixes),
        "--leave-out",
        "30,405,549,1075",
    ]);
    assert!(
        done.contains("类别“学术会议”→培训进修（已记住）：295行"),
        "accepted once, remembered: {done}"
    );
    assert!(done.contains("已导入 1491 条学时记录"), "{done}");
    assert!(
        !done.contains("证明材料（"),
        "no --evidence, no certificates: {done}"
    );
    assert!(done.contains("已将 2 名不在名册中的人员加入名册"), "{done}");
}

#[test]
fn map_reads_a_header_the_program_does_not_know_and_remembers_it() {
    let l = Ledger::new();
    let a = id_number("19800101", 101);
    let file = l.write(
        "名册.csv",
        format!("姓名,身份证号,科室,岗位\n张三,{a},内科,主治医师\n"),
    );
    let bad = l.run(&["staff", "import", path_str(&file), "--map", "岗位=职务"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("没有名为“职务”的字段"));
    let out = l.ok(&[
        "staff",
        "import",
        path_str(&file),
        "--map",
        "岗位=现职称",
        "--dry-run",
    ]);
    assert!(!out.contains("未导入的列"), "{out}");
    assert!(out.contains("没有错误"), "{out}");
    // Remembered from the dry run: the next file with that header needs no --map.
    let out = l.ok(&["staff", "import", path_str(&file)]);
    assert!(!out.contains("未导入的列"), "{out}");
    assert_eq!(l.json(&["staff", "list", "--json"])[0]["title"], "主治医师");
}

/// Issue 25: `records import FILE --evidence ZIP` attaches the certificates with the records.
#[test]
fn declarations_import_with_their_certificates() {
    let l = Ledger::new();
    l.ok(&["staff", "import", path_str(&messy("人员名册.xlsx"))]);
    let fixes = l.write(
        "fixes.json",
        r#"{"fixes": [{"line": 1010, "field": "开始日期", "value": "2025-11-01"},
                      {"line": 1478, "field": "结束日期", "value": "2025-02-28"}]}"#,
    );
    let done = l.ok(&[
        "records",
        "import",
        path_str(&messy("学时申报.xlsx")),
        "--accept-suggested",
        "--add-people",
        "--fix",
        path_str(&fixes),
        "--leave-out",
        "30,405,549,1075",
        "--evidence",
        path_str(&messy("证明材料.zip")),
    ]);
    assert!(
        done.contains("证明材料（证明材料.zip）：对应到一条记录 1074 个；可能对应多条 20 个"),
        "{done}"
    );
    assert!(done.contains("已随记录添加证明材料 1074 个"), "{done}");
    let hostile = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/hostile-archives/dotdot.zip");
    let refused = l.run(&[
        "records",
        "import",
        path_str(&messy("学时申报.xlsx")),
        "--evidence",
        path_str(&hostile),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("压缩包之外"));
}

mod common;
use common::{id_number, path_str, Ledger};

#[test]
fn import_then_list_json_has_full_ids() {
    let l = Ledger::new();
    let a = id_number("19800101", 101);
    let b = id_number("19851231", 202);
    let csv = l.write("staff.csv", format!("\u{feff}姓名,身份证号,部门,职称系列,现职称,手机\n张三,{a},内科,卫生,主治医师,13800000001\n李四,{b},外科,,,\n"));
    let out = l.ok(&["staff", "import", path_str(&csv)]);
    assert!(out.contains("2"), "{out}");
    let list = l.json(&["staff", "list", "--json"]);
    let arr = list.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    let zhang = arr.iter().find(|p| p["name"] == "张三").unwrap();
    assert_eq!(zhang["id_number"], a);
    assert_eq!(zhang["department"], "内科");
    assert!(zhang["id"].as_i64().unwrap() > 0);
    assert_eq!(zhang["gender"], "男");
}

#[test]
fn bad_rows_fail_the_whole_import_with_line_column_and_reason() {
    let l = Ledger::new();
    let good = id_number("19800101", 101);
    let csv = l.write(
        "bad.csv",
        format!(
            "name,id_number,department\n好人,{good},内科\n坏人,370402198001011011,内科\n,{},外科\n",
            id_number("19800101", 103)
        ),
    );
    let out = l.run(&["staff", "import", path_str(&csv)]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.csv：第3行，身份证号：身份证号校验码错误"),
        "{err}"
    );
    assert!(err.contains("第4行，姓名：姓名不能为空"), "{err}");
    assert!(
        !err.contains("370402198001011011"),
        "ID numbers are not echoed: {err}"
    );
    assert_eq!(
        l.json(&["staff", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0,
        "nothing imported"
    );
}

#[test]
fn newer_ledger_is_refused_with_a_clear_message() {
    let l = Ledger::new();
    l.ok(&["staff", "list"]);
    ce_ledger_core::ledger::lock::open_raw(&l.db)
        .unwrap()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let out = l.run(&["staff", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("更新版本"));
}

#[test]
fn environment_variable_selects_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.sqlite3");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ce-ledger"))
        .args(["where"])
        .env("CE_LEDGER_DB", &db)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        db.to_str().unwrap()
    );
}

#[test]
fn unit_profile_set_and_show() {
    let l = Ledger::new();
    let f = l.write(
        "unit.json",
        r#"{"name":"枣庄市立医院","officer":"王敏","hr_office":"市中区人力资源和社会保障局"}"#,
    );
    l.ok(&["unit", "set", path_str(&f)]);
    let shown = l.json(&["unit", "show"]);
    assert_eq!(shown["officer"], "王敏");
    let bad = l.write("bad.json", r#"{"name":"x","hr_office":"北京"}"#);
    assert!(!l.run(&["unit", "set", path_str(&bad)]).status.success());
}

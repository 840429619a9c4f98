//! Importing through the UI: pick a file, see the preview with every error, nothing written;
//! pick a corrected GBK file, import, and find the people in the roster.

use crate::support::{id_number, App};

#[tokio::test]
async fn import_shows_preview_and_errors_then_imports() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("import.sqlite3");
    let a = id_number("19800101", 101);
    let b = id_number("19851231", 202);
    let bad = dir.path().join("名单有误.csv");
    std::fs::write(&bad, format!("2025年度人员名册\n姓名,身份证号,部门\n孙思邈,{a},中医科\n扁鹊,370402198512312021,内科\n")).unwrap();
    let good = dir.path().join("名单.csv");
    let text = format!("姓名,身份证号,部门\r\n孙思邈,{a},中医科\r\n扁鹊,{b},内科\r\n");
    // GBK bytes, as Excel on a Chinese Windows writes them.
    std::fs::write(&good, encoding_rs::GBK.encode(&text).0).unwrap();

    let app = App::start(&ledger).await;
    app.click("[data-testid=nav-data]").await;
    let input = app.find("[data-testid=i-file]").await;
    input.send_keys(bad.to_str().unwrap()).await.unwrap();
    let errors = app.wait_for_text("[data-testid=i-groups]", "校验码").await;
    assert!(errors.contains("【身份证号】"), "{errors}");
    // The row at fault is there to correct in place, its ID masked.
    let row = "[data-testid=i-fix] tr[data-line=\"4\"]";
    app.wait_for_text(row, "校验码").await;
    let cells = app.input_values(row).await;
    assert_eq!(cells[1], "3704**********2021", "{cells:?}");
    assert!(cells.contains(&"扁鹊".to_string()), "{cells:?}");
    app.wait_for_text("[data-testid=i-sample]", "孙思邈").await;
    app.screenshot("import-preview-errors.png").await;
    let disabled = app
        .client
        .execute(
            "return document.querySelector('[data-testid=i-commit]').disabled",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        disabled,
        serde_json::Value::Bool(true),
        "a file with errors cannot be imported"
    );

    let input = app.find("[data-testid=i-file]").await;
    input.send_keys(good.to_str().unwrap()).await.unwrap();
    app.wait_for_text("[data-testid=i-summary]", "将导入 2 条")
        .await;
    app.click("[data-testid=i-commit]").await;
    app.wait_for_text(".el-message", "已导入 2 条").await;
    app.click("[data-testid=nav-staff]").await;
    let row = app.wait_for_text(".staff-table tbody tr", "扁鹊").await;
    assert!(row.contains("内科"), "GBK read without garbling: {row}");
    app.stop().await;
}

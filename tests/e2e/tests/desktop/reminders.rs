//! Issue 14 item 1: the dashboard lists only the 20 most urgent short people and leads to the
//! reminder page, which pages through everyone; a notice to "all" reaches everyone short, not
//! only the page on screen.

use crate::support::{id_number, App};
use ce_ledger_core::ledger::{db, staff};

#[tokio::test]
async fn the_dashboard_shows_twenty_and_a_notice_to_all_reaches_every_short_person() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("reminders.sqlite3");
    {
        let conn = db::open(&ledger).unwrap();
        for i in 0..57 {
            let input = staff::StaffInput {
                name: format!("员工{i:02}"),
                id_number: id_number("19800101", 400 + i),
                department: "内科".into(),
                ..Default::default()
            };
            staff::add(&conn, &input).unwrap();
        }
    }
    let app = App::start(&ledger).await;
    app.wait_for_text("[data-testid=d-short]", "57").await;
    app.wait_until_count(".short tbody tr", 20).await;
    app.click("[data-testid=d-all-short]").await;
    app.wait_for_text("[data-testid=n-total]", "未达标 57 人")
        .await;
    // 20 to a page (FIRST_PAGE_SIZE): 57 people make pages of 20, 20 and 17.
    app.wait_until_count(".reminder-table tbody tr", 20).await;
    app.click(".notice-page .el-pager li:nth-child(3)").await;
    app.wait_until_count(".reminder-table tbody tr", 17).await;
    app.screenshot("reminders-page-3.png").await;

    app.open("[data-testid=n-add]", "[data-testid=n-save]")
        .await;
    // Under load a click while the dialog zooms in can be lost: click again only if, after a
    // long wait, no notice was registered. (The message is position: fixed, which the visibility
    // check cannot see, so the registered notice's row is what is awaited.)
    app.open(
        "[data-testid=n-save]",
        "[data-testid=n-notices] .el-table__body tr",
    )
    .await;
    let registered = app
        .wait_for_text("[data-testid=n-notices] .el-table__body", "57")
        .await;
    assert_eq!(
        app.texts("[data-testid=n-notices] .el-table__body tr")
            .await
            .len(),
        1,
        "one notice: {registered}"
    );
    app.stop().await;
}

//! Issue 14 item 6: the desktop on a big unit's ledger, 10,000 staff × 20 records (the sample
//! generator's), opens its dashboard, reminder, review, roster, person, import/export and plan
//! pages, and each answers. The
//! bound is CI-safe (the helpers' 30 s wait); the real figures are printed, and measured on a
//! release build with `first_paint.py` for the issue note.

use crate::support::App;
use ce_ledger_core::dev::sample;
use ce_ledger_core::ledger::{db, progress, unit};
use chrono::Datelike;
use std::time::Instant;

#[tokio::test]
async fn a_ten_thousand_staff_ledger_paints_every_busy_page() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("big.sqlite3");
    {
        let mut conn = db::open(&ledger).unwrap();
        sample::populate(&mut conn, 10_000, 20, progress::today().year(), dir.path()).unwrap();
        // Decisions are signed by the unit's officer.
        let unit = unit::UnitProfile {
            name: "枣庄市立医院".into(),
            officer: "王敏".into(),
            ..unit::get(&conn).unwrap()
        };
        unit::save(&conn, &unit).unwrap();
    }
    let started = Instant::now();
    let app = App::start(&ledger).await;
    let short = app.wait_for_text("[data-testid=d-short]", "").await;
    app.wait_until_count(".short tbody tr", 20).await;
    println!(
        "10k ledger: dashboard painted {:?} after start",
        started.elapsed()
    );
    assert!(short.trim().parse::<usize>().unwrap() > 20, "{short}");
    app.screenshot("scale-dashboard.png").await;

    let step = Instant::now();
    app.click("[data-testid=nav-notice]").await;
    app.wait_until_count(".reminder-table tbody tr", 20).await;
    let total = app.wait_for_text("[data-testid=n-total]", "未达标").await;
    assert!(total.contains(short.trim()), "{total} vs {short}");
    println!("10k ledger: reminder page {:?}", step.elapsed());
    app.screenshot("scale-reminders.png").await;

    let step = Instant::now();
    app.click("[data-testid=nav-review]").await;
    app.wait_until_count(".review-table tbody tr", 20).await;
    println!("10k ledger: review page {:?}", step.elapsed());
    app.screenshot("scale-review.png").await;

    // Approving every pending record of the year is a long job: its bar moves, the page stays
    // usable, and 取消 before the commit leaves every record pending.
    let pending = || -> i64 {
        let conn = ce_ledger_core::ledger::lock::open_raw(&ledger).unwrap();
        conn.query_row(
            "SELECT COUNT(*) FROM record WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let before = pending();
    app.approve_all_ticking("training").await;
    app.wait_for_text("[data-testid=rv-progress]", "").await;
    app.screenshot("scale-approve-all-running.png").await;
    app.click("[data-testid=rv-cancel]").await;
    app.wait_for_text(".el-message", "已取消").await;
    assert_eq!(pending(), before, "a cancelled approval approves nothing");

    let step = Instant::now();
    app.click("[data-testid=nav-staff]").await;
    app.wait_for_text(".staff-table tbody tr", "").await;
    println!("10k ledger: roster {:?}", step.elapsed());
    app.screenshot("scale-roster.png").await;

    // A person's year among 200,000 records, then the pages that list files and plans.
    let step = Instant::now();
    app.click_text("[data-testid=staff-hours]", "学时").await;
    app.wait_for_text("[data-testid=p-public]", " / 30").await;
    app.wait_for_text("[data-testid=person-drawer] .el-table__body tr", "")
        .await;
    println!("10k ledger: person's year {:?}", step.elapsed());
    app.screenshot("scale-person.png").await;
    app.click(".el-drawer__close-btn").await;

    let step = Instant::now();
    app.click("[data-testid=nav-data]").await;
    app.wait_for_text("[data-testid=i-kind]", "").await;
    println!("10k ledger: import/export page {:?}", step.elapsed());
    app.screenshot("scale-data.png").await;

    // A department's declarations checked against the 10,000-person roster: its people are not
    // on it, so every row is one to correct or add, and the preview still answers whole.
    let step = Instant::now();
    app.click_text("[data-testid=i-kind] label", "学时记录")
        .await;
    let declarations =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/messy/学时申报.xlsx");
    let input = app.find("[data-testid=i-file]").await;
    input
        .send_keys(declarations.to_str().unwrap())
        .await
        .unwrap();
    app.wait_for_text("[data-testid=i-values]", "学术会议")
        .await;
    let groups = app
        .wait_for_text("[data-testid=i-groups]", "不在名册中")
        .await;
    assert!(groups.contains("行"), "{groups}");
    println!(
        "10k ledger: preview of 1,495 declarations {:?}",
        step.elapsed()
    );
    app.screenshot("scale-import-preview.png").await;

    let step = Instant::now();
    app.click("[data-testid=nav-plan]").await;
    app.wait_for_text(".plan-table", "").await;
    println!("10k ledger: plan page {:?}", step.elapsed());
    app.screenshot("scale-plan.png").await;
    app.stop().await;
}

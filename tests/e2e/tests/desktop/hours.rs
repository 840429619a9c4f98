//! The hours ledger end to end: open a person's page, enter records through the form with a
//! live preview, and watch the person's progress change.

use crate::support::{id_number, App};
use ce_ledger_core::ledger::{db, staff};

const TAB: &str = "\u{E004}";

#[tokio::test]
async fn entering_records_updates_the_persons_progress() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("hours.sqlite3");
    {
        let conn = db::open(&ledger).unwrap();
        let input = staff::StaffInput {
            name: "李时珍".into(),
            id_number: id_number("19750615", 321),
            department: "中医科".into(),
            ..Default::default()
        };
        staff::add(&conn, &input).unwrap();
    }

    let app = App::start(&ledger).await;
    app.click("[data-testid=nav-staff]").await;
    app.click_text("[data-testid=staff-hours]", "学时").await;
    app.wait_for_text("[data-testid=p-public]", "0 / 30").await;
    app.wait_for_text("[data-testid=p-professional]", "0 / 60")
        .await;

    // City-platform study counts at once.
    app.open("[data-testid=p-add-record]", "[data-testid=r-category]")
        .await;
    app.choose("r-category", "市平台学习").await;
    app.click("[data-testid=r-subject-public]").await;
    app.type_into("r-title", "数字技术公需课").await;
    app.type_into("r-hours", &format!("12.5{TAB}")).await;
    app.wait_for_text("[data-testid=r-preview]", "公需 12.5 学时")
        .await;
    app.click("[data-testid=r-save]").await;
    app.wait_for_text("[data-testid=p-public]", "12.5 / 30")
        .await;

    // A two-hour-over training day: the preview explains the 8-hour cap; it waits for audit.
    app.open("[data-testid=p-add-record]", "[data-testid=r-category]")
        .await;
    app.choose("r-category", "培训进修").await;
    app.type_into("r-title", "针灸技术培训").await;
    app.type_into("r-hours", &format!("10{TAB}")).await;
    let preview = app
        .wait_for_text("[data-testid=r-preview]", "专业 8 学时")
        .await;
    assert!(preview.contains("每天最多8学时"), "{preview}");
    app.click("[data-testid=r-save]").await;
    // 待审核 is what approval would add: 8 of the 10 claimed for one day (issue 13 item 12).
    app.wait_for_text("[data-testid=p-pending]", "可增加 8 学时")
        .await;
    app.wait_for_text("[data-testid=p-professional]", "0 / 60")
        .await;
    app.wait_for_text(
        "[data-testid=person-drawer] .el-table__body tr",
        "针灸技术培训",
    )
    .await;
    app.screenshot("person-page.png").await;

    app.click(".el-drawer__close-btn").await;
    app.click("[data-testid=nav-dashboard]").await;
    app.wait_for_text("[data-testid=d-short]", "1").await;
    app.screenshot("dashboard.png").await;
    app.stop().await;
}

/// Issue 13 item 1: a title applicant's person page shows the hours usable for the title (ended
/// by the deadline) beside the year's, and flags the record finished after the deadline.
#[tokio::test]
async fn an_applicants_page_shows_hours_by_the_deadline_and_flags_later_ones() {
    use ce_ledger_core::domain::record::RecordInput;
    use ce_ledger_core::ledger::{progress, records};
    let year = chrono::Datelike::year(&chrono::Local::now().date_naive());
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("applicant.sqlite3");
    {
        let mut conn = db::open(&ledger).unwrap();
        let who = staff::add(
            &conn,
            &staff::StaffInput {
                name: "华佗".into(),
                id_number: id_number("19700101", 123),
                department: "外科".into(),
                ..Default::default()
            },
        )
        .unwrap();
        for (subject, title, date) in [
            ("公需", "公需课", format!("{year}-03-02")),
            ("专业", "专业课上", format!("{year}-04-01")),
            ("专业", "专业课下", format!("{year}-11-20")),
        ] {
            records::add(
                &mut conn,
                &RecordInput {
                    staff_id: who.id,
                    category: "city_platform".into(),
                    subject: subject.into(),
                    title: title.into(),
                    start: date.clone(),
                    end: date,
                    claimed: Some(ce_ledger_core::domain::hours::Hours::from_whole(30)),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        let materials = chrono::NaiveDate::from_ymd_opt(year, 10, 20).unwrap();
        progress::set_title_applicant(&conn, who.id, year, Some(materials)).unwrap();
    }
    let app = App::start(&ledger).await;
    app.click("[data-testid=nav-staff]").await;
    app.click_text("[data-testid=staff-hours]", "学时").await;
    let figures = app
        .wait_for_text("[data-testid=p-by-deadline]", "公需 30 / 专业 30")
        .await;
    assert!(figures.contains("全年：公需 30 / 专业 60"), "{figures}");
    app.wait_for_text(
        "[data-testid=p-after-deadline]",
        "截止日后完成，不计入职称申报",
    )
    .await;
    app.screenshot("person-page-applicant.png").await;
    app.stop().await;
}

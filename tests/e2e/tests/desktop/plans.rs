//! Training plans end to end: the plan list, the appendix 2 form rendered for preview,
//! and the draft marked as printed.

use crate::support::App;
use ce_ledger_core::ledger::{db, plan};

#[tokio::test]
async fn plan_form_preview_marks_the_draft_printed() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("plans.sqlite3");
    let year = chrono::Datelike::year(&ce_ledger_core::ledger::progress::today());
    {
        let mut conn = db::open(&ledger).unwrap();
        let json = format!(
            r#"{{"unit":"枣庄市立医院","address":"枣庄市市中区龙庭路1号","project":"急危重症救治能力提升培训","leader":"张建国","contact":"李晓梅","phone":"0632-3314140","advanced_seminar":false,"trainees":"急诊科医师","trainee_count":60,"start":"{year}-06-10","end":"{year}-06-11","days":2,"hours":16,"venue_and_form":"学术报告厅，线下授课"}}"#
        );
        plan::add(
            &mut conn,
            &ce_ledger_core::io::jsonfile::parse::<plan::PlanForm>(&json, "plan.json").unwrap(),
            "王敏",
        )
        .unwrap();
    }
    let app = App::start(&ledger).await;
    app.preview_plan_form("急危重症救治能力提升培训", "plan-preview.png")
        .await;
    app.stop().await;

    let conn = db::open(&ledger).unwrap();
    assert_eq!(
        plan::list(&conn, None).unwrap()[0].status,
        plan::PlanStatus::Printed
    );
}

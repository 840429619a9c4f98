//! The installed package's desktop app on a ledger an older release made: the smoke test
//! `tests/package/install-test` runs after `dpkg -i` (`make package-test`), with
//! CE_LEDGER_APP=/usr/bin/ce-ledger-desktop and CE_LEDGER_INSTALLED_DB naming that ledger.

use crate::support::{id_number, App};
use ce_ledger_core::ledger::{db, plan, staff};
use std::path::PathBuf;

#[tokio::test]
#[ignore = "needs the installed package: run by `make package-test`"]
async fn the_installed_app_opens_the_ledger_adds_a_person_and_previews_a_plan() {
    let app_path = crate::support::app_binary();
    assert_eq!(
        app_path,
        PathBuf::from("/usr/bin/ce-ledger-desktop"),
        "set CE_LEDGER_APP to the installed binary"
    );
    let ledger = PathBuf::from(
        std::env::var_os("CE_LEDGER_INSTALLED_DB")
            .expect("CE_LEDGER_INSTALLED_DB names the ledger the older release made"),
    );
    let people_before = db::open(&ledger)
        .map(|c| staff::list(&c, &Default::default()).unwrap().0)
        .unwrap();
    assert!(people_before > 0, "the older release's ledger has staff");

    let app = App::start(&ledger).await;
    // The dashboard counts the people the older release entered.
    let card = app.wait_for_text(".el-card", "在册人数").await;
    assert!(card.contains(&people_before.to_string()), "{card}");
    app.screenshot("installed-dashboard.png").await;

    let id = id_number("19850305", 731);
    app.click("[data-testid=nav-staff]").await;
    app.click("[data-testid=staff-add]").await;
    app.type_into("f-name", "安装测试").await;
    app.type_into("f-id", &id).await;
    app.type_into("f-dept", "信息科").await;
    app.click("[data-testid=f-save]").await;
    app.wait_for_text(".staff-table tbody tr", "安装测试").await;

    app.preview_plan_form("急危重症救治能力提升培训", "installed-plan-preview.png")
        .await;
    app.stop().await;

    let conn = db::open(&ledger).unwrap();
    assert_eq!(
        staff::list(&conn, &Default::default()).unwrap().0,
        people_before + 1
    );
    assert!(staff::find_by_id_number(&conn, &id).unwrap().is_some());
    assert_eq!(
        plan::list(&conn, None).unwrap()[0].status,
        plan::PlanStatus::Printed
    );
}

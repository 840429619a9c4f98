//! The walking skeleton end to end: add a person through the form, see a Chinese error
//! for a bad ID number, restart the app and find the person still there.

use crate::support::{id_number, App};

#[tokio::test]
async fn add_staff_through_the_form_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("e2e.sqlite3");
    let good = id_number("19880512", 215);
    let mut bad = good.clone();
    bad.replace_range(17..18, if good.ends_with('1') { "2" } else { "1" });

    let app = App::start(&ledger).await;
    // A new ledger's dashboard says the roster is empty, not that everyone has met the target.
    app.wait_for_text(".short .empty", "名册中还没有人员").await;
    app.click("[data-testid=nav-staff]").await;
    app.click("[data-testid=staff-add]").await;
    app.type_into("f-name", "张三丰").await;
    app.type_into("f-id", &bad).await;
    app.type_into("f-dept", "心内科").await;
    app.click("[data-testid=f-save]").await;
    let err = app
        .wait_for_text("[data-testid=form-error]", "校验码错误")
        .await;
    assert!(err.contains("身份证号"), "{err}");
    app.screenshot("roster-invalid-id.png").await;

    app.type_into("f-id", &good).await;
    app.click("[data-testid=f-save]").await;
    let masked = format!("{}**********{}", &good[..4], &good[14..]);
    let row = app.wait_for_text(".staff-table tbody tr", "张三丰").await;
    assert!(row.contains(&masked), "list shows the masked ID: {row}");
    assert!(!row.contains(&good), "list never shows the full ID: {row}");
    assert!(row.contains("心内科") && row.contains("男"), "{row}");
    app.screenshot("roster-after-add.png").await;
    // Screens are kept when left; the dashboard, built while the roster was empty, reloads on return.
    app.click("[data-testid=nav-dashboard]").await;
    app.wait_for_text(".short tbody tr", "张三丰").await;
    app.stop().await;

    // The real file holds the person.
    let conn = ce_ledger_core::ledger::lock::open_raw(&ledger).unwrap();
    let stored: String = conn
        .query_row(
            "SELECT name FROM staff WHERE id_number = ?1",
            [&good],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "张三丰");
    drop(conn);

    let app = App::start(&ledger).await;
    app.click("[data-testid=nav-staff]").await;
    app.wait_for_text(".staff-table tbody tr", "张三丰").await;
    // The start-up backup follows the window by a few seconds: a dated copy that holds the person.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !backup_holds(&ledger, "张三丰") {
        assert!(
            std::time::Instant::now() < deadline,
            "no start-up backup holds the person"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    app.stop().await;
}

/// Whether a start-up backup beside `ledger` holds a person named `name`.
fn backup_holds(ledger: &std::path::Path, name: &str) -> bool {
    let backups = ce_ledger_core::ledger::db::backups_dir(ledger);
    ce_ledger_core::io::backup::startup_copies(&backups)
        .iter()
        .any(|copy| {
            ce_ledger_core::ledger::lock::open_raw(std::path::Path::new(copy))
                .ok()
                .and_then(|c| {
                    c.query_row("SELECT COUNT(*) FROM staff WHERE name = ?1", [name], |r| {
                        r.get::<_, i64>(0)
                    })
                    .ok()
                })
                .is_some_and(|n| n == 1)
        })
}

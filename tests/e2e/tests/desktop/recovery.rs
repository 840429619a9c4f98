//! Issue 26 in the real window: a new ledger's recovery code is shown until the officer has filed
//! it, and on a computer without the ledger's key the code opens the ledger.

use crate::support::App;

#[tokio::test]
async fn the_recovery_code_is_shown_until_filed_and_opens_the_ledger_on_a_new_computer() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.sqlite3");
    let app = App::start(&ledger).await;
    app.wait_for_text("[data-testid=recovery-banner]", "恢复码")
        .await;
    app.click("[data-testid=recovery-view]").await;
    let shown = app.wait_for_text("[data-testid=recovery-code]", "-").await;
    let code = {
        let conn = ce_ledger_core::ledger::lock::open_raw(&ledger).unwrap();
        ce_ledger_core::ledger::lock::recovery(&conn).unwrap().0
    };
    assert_eq!(shown.trim(), code);
    app.screenshot("recovery-code.png").await;
    app.click("[data-testid=recovery-kept]").await;
    app.wait_until_count("[data-testid=recovery-banner]", 0)
        .await;
    app.stop().await;

    // The ledger carried to a computer whose key store has never seen it.
    let elsewhere = dir.path().join("新电脑的密钥");
    let app = App::start_with_keys(&ledger, Some(&elsewhere)).await;
    app.wait_for_text("[data-testid=recovery-ask]", "用恢复码打开台账")
        .await;
    app.screenshot("recovery-ask.png").await;
    app.type_into("recovery-input", "ABCDE-FGHJK").await;
    app.click("[data-testid=recovery-open]").await;
    app.wait_for_text(".el-message", "恢复码无效").await;
    app.type_into("recovery-input", &code.to_lowercase()).await;
    app.click("[data-testid=recovery-open]").await;
    app.wait_for_text(".el-message", "恢复码正确").await;
    app.wait_until_count("[data-testid=recovery-ask]", 0).await;
    // The screens work on the ledger now open: the roster page answers.
    app.click("[data-testid=nav-staff]").await;
    app.wait_for_text(".footer", "台账文件：").await;
    assert!(
        elsewhere.read_dir().unwrap().next().is_some(),
        "the key is kept here now"
    );
    app.stop().await;
}

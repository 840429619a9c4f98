//! A second launch of the desktop app hands over to the running window instead of opening the
//! ledger as a second writer.

use crate::support::{app_binary, App};
use std::process::Command;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_second_launch_brings_the_first_window_forward_and_exits_without_opening_a_ledger() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session bus: run the end-to-end tests under dbus-run-session (`make test` does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.sqlite3");
    let app = App::start(&ledger).await;
    // The window listens for a second launch once it has asked for the ledger's path (the footer
    // shows it): a launch before that would go unheard, as it did on a loaded CI machine.
    app.wait_for_text(".footer", "台账文件：/").await;

    let other = dir.path().join("second.sqlite3");
    let mut second = Command::new(app_binary())
        .env("CE_LEDGER_DB", &other)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!("the second instance kept running beside the first");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "second instance exited with {status}");
    assert!(
        !other.exists(),
        "the second instance opened a ledger before handing over"
    );

    app.wait_for_text(".second-instance", "已经打开").await;
    app.screenshot("second-instance.png").await;

    // The CLI writes the same ledger while the window has it open; the window then shows it.
    let cli = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/ce-ledger");
    let id = crate::support::id_number("19850505", 7);
    let added = Command::new(&cli)
        .args([
            "--db",
            ledger.to_str().unwrap(),
            "staff",
            "add",
            "--name",
            "命令行添加",
            "--id-number",
            &id,
        ])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (make test builds the CLI first)", cli.display()));
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    app.click("[data-testid=nav-staff]").await;
    app.wait_for_text(".staff-table tbody tr", "命令行添加")
        .await;
    app.stop().await;
}

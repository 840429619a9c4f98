// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod commands;

use ce_ledger_core::ledger::db;
use tauri::{Emitter, Manager};

/// A dated copy at every start, keeping the newest few, so a bad day can be undone. On its own
/// connection, so the window's commands never wait for it.
fn back_up_at_start(ledger: &std::path::Path) {
    let copied = db::open(ledger).and_then(|conn| ce_ledger_core::io::backup::automatic(&conn));
    if let Err(e) = copied {
        eprintln!("启动时自动备份失败：{e}");
    }
}

/// How long after the first page loads the start-up backup begins.
const STARTUP_BACKUP_DELAY: std::time::Duration = std::time::Duration::from_secs(3);

/// WebKitGTK's accelerated compositing, where the user has not chosen: off. On a 10,000-staff
/// dashboard it held the web process at 296 MB PSS against 180 MB without, and painted later
/// (issue 14); the ledger's screens are tables and two small charts, drawn well in software.
fn compositing_mode_default(
    chosen: Option<std::ffi::OsString>,
) -> Option<(&'static str, &'static str)> {
    match chosen {
        None => Some(("WEBKIT_DISABLE_COMPOSITING_MODE", "1")),
        Some(_) => None,
    }
}

/// The size tauri.conf.json designs the window for.
const DESIGNED_SIZE: (f64, f64) = (1240.0, 800.0);

/// Shrinks the window to the screen's work area, so a 1366×768 or 1280×720 laptop shows all of
/// it, footer included.
fn fit_to_screen(app: &tauri::App) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    if let Ok(Some(monitor)) = window.current_monitor() {
        let scale = monitor.scale_factor();
        let area = monitor.work_area();
        let (origin, room) = (
            area.position.to_logical::<f64>(scale),
            area.size.to_logical::<f64>(scale),
        );
        let (width, height) =
            ce_ledger_core::platform::window_size_for(DESIGNED_SIZE, (room.width, room.height));
        if (width, height) != DESIGNED_SIZE {
            let _ = window.set_size(tauri::LogicalSize::new(width, height));
            // Placed within the work area by hand: centring asks the old size of a window not
            // yet shown.
            let _ = window.set_position(tauri::LogicalPosition::new(
                origin.x + ((room.width - width) / 2.0).max(0.0),
                origin.y,
            ));
        }
    }
}

fn main() {
    // First, before WebKit or any other thread starts.
    if let Some((name, value)) =
        compositing_mode_default(std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE"))
    {
        std::env::set_var(name, value);
    }
    ce_ledger_core::platform::install_panic_hook("ce-ledger-desktop");
    if let Some(why) = ce_ledger_core::platform::missing_webview_runtime() {
        ce_ledger_core::platform::show_fatal_message("学时台账", &why);
        std::process::exit(2);
    }
    tauri::Builder::default()
        // First, so a second launch hands over to the running window before it opens the ledger:
        // one desktop writer per user.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
            let _ = app.emit("second-instance", ());
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let path = db::resolve_path(None);
            let opened = db::open(&path);
            // One line per start on stderr: where the ledger is and whether it opened (never its data).
            match &opened {
                Ok(_) => eprintln!(
                    "CE Ledger {}: ledger {}",
                    env!("CARGO_PKG_VERSION"),
                    path.display()
                ),
                Err(e) => eprintln!(
                    "CE Ledger {}: ledger {} not opened: {e}",
                    env!("CARGO_PKG_VERSION"),
                    path.display()
                ),
            }
            app.manage(commands::Ledger::new(path, opened));
            fit_to_screen(app);
            Ok(())
        })
        // The start-up backup waits until the first page has loaded and the dashboard has had
        // time to paint: copying a big ledger beside the dashboard's query delayed it by a
        // quarter of a second on two cores.
        .on_page_load(|webview, payload| {
            static STARTED: std::sync::Once = std::sync::Once::new();
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                if let Some(ledger) = webview.state::<commands::Ledger>().opened_path() {
                    STARTED.call_once(|| {
                        std::thread::spawn(move || {
                            ce_ledger_core::platform::run_only_when_idle();
                            std::thread::sleep(STARTUP_BACKUP_DELAY);
                            back_up_at_start(&ledger)
                        });
                    });
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::ledger_info,
            commands::recover_ledger,
            commands::recovery_code,
            commands::recovery_kept,
            commands::save_recovery_sheet,
            commands::hr_offices,
            commands::unit_get,
            commands::unit_save,
            commands::staff_page,
            commands::staff_get,
            commands::staff_add,
            commands::staff_update,
            commands::staff_set_archived,
            commands::staff_departments,
            commands::code_lists,
            commands::policy_years,
            commands::policy_get,
            commands::policy_save,
            commands::calendar_get,
            commands::calendar_set,
            commands::record_add,
            commands::record_update,
            commands::record_delete,
            commands::record_preview,
            commands::person_page,
            commands::title_applicant_set,
            commands::dashboard,
            commands::records_page,
            commands::record_history,
            commands::review_approve_selected,
            commands::review_approve_matching,
            commands::review_public_problems,
            commands::review_reject,
            commands::review_reopen,
            commands::audit_verify,
            commands::evidence_list,
            commands::evidence_attach,
            commands::evidence_read,
            commands::notices_list,
            commands::notice_add,
            commands::reminders_page,
            commands::reminders_export,
            commands::record_get,
            commands::plans_list,
            commands::plan_check,
            commands::plan_add,
            commands::plan_update,
            commands::plan_transition,
            commands::plan_pdf,
            commands::plan_pdf_save,
            commands::plan_pdf_open,
            commands::import_preview,
            commands::import_commit,
            commands::import_annotate,
            commands::review_undo,
            commands::review_batch_preview,
            commands::review_queue,
            commands::record_doubts,
            commands::certificates_plan,
            commands::certificates_attach,
            commands::export_approved,
            commands::export_history,
            commands::backup_now,
            commands::backups_list,
            commands::restore_from,
            commands::file_upload,
            commands::job_cancel,
        ])
        .build(tauri::generate_context!())
        .expect("error while building CE Ledger")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                app.state::<commands::Ledger>().remove_previews();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::compositing_mode_default;

    #[test]
    fn compositing_is_off_unless_the_user_chose() {
        assert_eq!(
            compositing_mode_default(None),
            Some(("WEBKIT_DISABLE_COMPOSITING_MODE", "1"))
        );
        assert_eq!(compositing_mode_default(Some("0".into())), None);
    }
}

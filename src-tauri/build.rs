// Every command the UI may call is listed here; the capability grants exactly these.
const COMMANDS: &[&str] = &[
    "ledger_info",
    "hr_offices",
    "unit_get",
    "unit_save",
    "staff_page",
    "staff_get",
    "staff_add",
    "staff_update",
    "staff_set_archived",
    "staff_departments",
    "categories",
    "policy_years",
    "policy_get",
    "policy_save",
    "calendar_get",
    "calendar_set",
    "record_add",
    "record_update",
    "record_delete",
    "record_preview",
    "person_page",
    "title_applicant_set",
    "dashboard",
    "records_page",
    "record_history",
    "review_approve_selected",
    "review_reject",
    "review_reopen",
    "audit_verify",
    "evidence_list",
    "evidence_attach",
    "evidence_read",
    "notices_list",
    "notice_add",
    "reminders",
    "reminders_export",
    "record_get",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}

//! IPC commands: each maps one UI call onto one core function. No logic lives here.

// `#[tauri::command]` expands async commands with an `unreachable!()` of its own.
#![allow(clippy::unreachable)]

use ce_ledger_core::domain::{codes, rules};
use ce_ledger_core::io::{backup, export, import, pdf, reminders, table};
use ce_ledger_core::ledger::db::Connection;
use ce_ledger_core::ledger::{
    audit, evidence, notice, plan, policy, progress, records, review, staff, unit,
};
use ce_ledger_core::{files, Error};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::State;

pub const PANICKED: &str =
    "内部错误：此操作未完成，台账没有任何改动，可以继续使用。请把操作步骤告诉维护人员";

pub struct Ledger {
    path: PathBuf,
    conn: Mutex<Result<Connection, String>>,
    /// Print previews handed to the PDF viewer; removed when the app exits.
    previews: Mutex<Option<files::PrivateTempDir>>,
}

impl Ledger {
    pub fn new(path: PathBuf, opened: Result<Connection, Error>) -> Self {
        Ledger {
            path,
            conn: Mutex::new(opened.map_err(|e| e.to_string())),
            previews: Mutex::new(None),
        }
    }

    /// Removes the print previews written this session (at exit).
    pub fn remove_previews(&self) {
        let taken = self.previews.lock().map(|mut p| p.take());
        drop(taken);
    }

    /// The ledger's file, when it opened.
    pub fn opened_path(&self) -> Option<PathBuf> {
        let opened = self.conn.lock().unwrap_or_else(|e| e.into_inner()).is_ok();
        opened.then(|| self.path.clone())
    }

    /// Runs `f` on the ledger. A panic inside (a bug, or a file nobody foresaw) becomes an error
    /// message: its transaction has rolled back while unwinding, the lock is not poisoned, and the
    /// next command works as before.
    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, Error>) -> Result<T, String> {
        let mut guard = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_mut() {
            Ok(conn) => {
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut *conn))) {
                    Ok(done) => done.map_err(|e| e.to_string()),
                    Err(_) => {
                        if !conn.is_autocommit() {
                            let _ = conn.execute_batch("ROLLBACK");
                        }
                        Err(PANICKED.to_string())
                    }
                }
            }
            Err(open_error) => Err(open_error.clone()),
        }
    }
}

#[derive(Serialize)]
pub struct LedgerInfo {
    path: String,
    error: Option<String>,
}

#[tauri::command]
pub fn ledger_info(ledger: State<'_, Ledger>) -> LedgerInfo {
    let error = ledger
        .conn
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .err()
        .cloned();
    LedgerInfo {
        path: ledger.path.display().to_string(),
        error,
    }
}

#[tauri::command]
pub fn hr_offices() -> Vec<unit::HrOffice> {
    unit::HR_OFFICES.to_vec()
}

#[tauri::command]
pub fn unit_get(ledger: State<'_, Ledger>) -> Result<unit::UnitProfile, String> {
    ledger.with(|c| unit::get(c))
}

#[tauri::command]
pub fn unit_save(
    ledger: State<'_, Ledger>,
    profile: unit::UnitProfile,
) -> Result<unit::UnitProfile, String> {
    ledger.with(|c| unit::save(c, &profile))
}

#[tauri::command]
pub fn staff_page(
    ledger: State<'_, Ledger>,
    query: staff::StaffQuery,
) -> Result<staff::StaffPage, String> {
    ledger.with(|c| staff::page(c, &query))
}

#[tauri::command]
pub fn staff_get(ledger: State<'_, Ledger>, id: i64) -> Result<staff::Staff, String> {
    ledger.with(|c| staff::get(c, id))
}

#[tauri::command]
pub fn staff_add(
    ledger: State<'_, Ledger>,
    input: staff::StaffInput,
) -> Result<staff::StaffRow, String> {
    ledger.with(|c| staff::add(c, &input).map(Into::into))
}

#[tauri::command]
pub fn staff_update(
    ledger: State<'_, Ledger>,
    id: i64,
    input: staff::StaffInput,
) -> Result<staff::StaffRow, String> {
    ledger.with(|c| staff::update(c, id, &input).map(Into::into))
}

#[tauri::command]
pub fn staff_set_archived(
    ledger: State<'_, Ledger>,
    id: i64,
    archived: bool,
) -> Result<staff::StaffRow, String> {
    ledger.with(|c| staff::set_archived(c, id, archived).map(Into::into))
}

#[tauri::command]
pub fn staff_departments(ledger: State<'_, Ledger>) -> Result<Vec<String>, String> {
    ledger.with(|c| staff::departments(c))
}

#[tauri::command]
pub fn code_lists() -> codes::Lists {
    codes::lists()
}

#[tauri::command]
pub fn policy_years(ledger: State<'_, Ledger>) -> Result<Vec<i32>, String> {
    ledger.with(|c| policy::years(c))
}

#[tauri::command]
pub fn policy_get(ledger: State<'_, Ledger>, year: i32) -> Result<policy::YearPolicy, String> {
    ledger.with(|c| policy::get_or_create(c, year))
}

#[tauri::command]
pub fn policy_save(
    ledger: State<'_, Ledger>,
    policy: policy::YearPolicy,
) -> Result<policy::YearPolicy, String> {
    ledger.with(|c| policy::save(c, &policy))
}

#[tauri::command]
pub fn calendar_get(ledger: State<'_, Ledger>, year: i32) -> Result<policy::CalendarYear, String> {
    ledger.with(|c| policy::calendar_year(c, year))
}

#[tauri::command]
pub fn calendar_set(
    ledger: State<'_, Ledger>,
    calendar: policy::CalendarYear,
) -> Result<(), String> {
    ledger.with(|c| policy::set_calendar_year(c, &calendar))
}

#[tauri::command]
pub fn record_add(
    ledger: State<'_, Ledger>,
    input: records::RecordInput,
) -> Result<records::Record, String> {
    ledger.with(|c| records::add(c, &input).map(records::Record::masked))
}

#[tauri::command]
pub fn record_update(
    ledger: State<'_, Ledger>,
    id: i64,
    input: records::RecordInput,
) -> Result<records::Record, String> {
    ledger.with(|c| records::update(c, id, &input).map(records::Record::masked))
}

#[tauri::command]
pub fn record_delete(ledger: State<'_, Ledger>, id: i64) -> Result<(), String> {
    ledger.with(|c| records::delete(c, id))
}

#[tauri::command]
pub fn record_preview(
    ledger: State<'_, Ledger>,
    input: records::RecordInput,
    editing: Option<i64>,
) -> Result<rules::Recognition, String> {
    ledger.with(|c| records::preview(c, &input, editing))
}

#[tauri::command]
pub fn person_page(
    ledger: State<'_, Ledger>,
    staff_id: i64,
    year: i32,
) -> Result<progress::PersonPage, String> {
    ledger.with(|c| progress::person_page(c, staff_id, year, progress::today()))
}

#[tauri::command]
pub fn title_applicant_set(
    ledger: State<'_, Ledger>,
    staff_id: i64,
    year: i32,
    materials_date: Option<chrono::NaiveDate>,
) -> Result<(), String> {
    ledger.with(|c| progress::set_title_applicant(c, staff_id, year, materials_date))
}

#[tauri::command]
pub fn dashboard(ledger: State<'_, Ledger>, year: i32) -> Result<progress::Dashboard, String> {
    ledger.with(|c| progress::dashboard(c, year, progress::today()))
}

#[tauri::command]
pub fn records_page(
    ledger: State<'_, Ledger>,
    filter: records::RecordFilter,
    page: u32,
    page_size: u32,
) -> Result<records::RecordPage, String> {
    ledger.with(|c| {
        let p = records::page(c, &filter, page, page_size.min(500))?;
        Ok(records::RecordPage {
            total: p.total,
            items: p.items.into_iter().map(records::Record::masked).collect(),
        })
    })
}

#[tauri::command]
pub fn record_history(ledger: State<'_, Ledger>, id: i64) -> Result<Vec<audit::Event>, String> {
    ledger.with(|c| audit::log(c, Some(id)))
}

#[tauri::command]
pub fn review_approve_selected(
    ledger: State<'_, Ledger>,
    ids: Vec<i64>,
) -> Result<review::BatchOutcome, String> {
    ledger.with(|c| {
        let by = review::unit_reviewer(c)?;
        review::approve_selected(c, &ids, &by)
    })
}

#[tauri::command]
pub fn review_reject(
    ledger: State<'_, Ledger>,
    id: i64,
    reason: String,
) -> Result<records::Record, String> {
    ledger.with(|c| {
        let by = review::unit_reviewer(c)?;
        review::reject(c, id, &reason, &by).map(records::Record::masked)
    })
}

#[tauri::command]
pub fn review_reopen(
    ledger: State<'_, Ledger>,
    id: i64,
    reason: String,
) -> Result<records::Record, String> {
    ledger.with(|c| {
        let by = review::unit_reviewer(c)?;
        review::reopen(c, id, &reason, &by).map(records::Record::masked)
    })
}

#[tauri::command]
pub fn audit_verify(ledger: State<'_, Ledger>) -> Result<audit::Verification, String> {
    ledger.with(|c| audit::verify(c))
}

#[tauri::command]
pub fn evidence_list(
    ledger: State<'_, Ledger>,
    record_id: i64,
) -> Result<Vec<evidence::Attachment>, String> {
    ledger.with(|c| evidence::list(c, record_id))
}

#[tauri::command]
pub fn evidence_attach(
    ledger: State<'_, Ledger>,
    record_id: i64,
    name: String,
    data: String,
) -> Result<evidence::Attachment, String> {
    use base64::Engine;
    // Reject before decoding what could never fit the limit.
    if data.len() > evidence::MAX_BYTES / 3 * 4 + 8 {
        return Err("证明材料文件过大，单个文件不超过20 MB".into());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|_| "文件内容传输有误，请重试".to_string())?;
    ledger.with(|c| {
        let by = audit::default_actor(c)?;
        evidence::attach(c, record_id, &name, &bytes, &by)
    })
}

#[tauri::command]
pub fn evidence_read(
    ledger: State<'_, Ledger>,
    file_id: i64,
) -> Result<tauri::ipc::Response, String> {
    ledger
        .with(|c| evidence::read(c, file_id))
        .map(|(_, bytes)| tauri::ipc::Response::new(bytes))
}

#[tauri::command]
pub fn notices_list(ledger: State<'_, Ledger>, year: i32) -> Result<Vec<notice::Notice>, String> {
    ledger.with(|c| notice::list(c, year))
}

#[tauri::command]
pub fn notice_add(
    ledger: State<'_, Ledger>,
    input: notice::NoticeInput,
) -> Result<notice::Notice, String> {
    ledger.with(|c| {
        let by = audit::default_actor(c)?;
        notice::add(c, &input, &by)
    })
}

#[tauri::command]
pub fn reminders(
    ledger: State<'_, Ledger>,
    year: i32,
) -> Result<Vec<progress::PersonProgress>, String> {
    ledger.with(|c| notice::reminders(c, year, progress::today()))
}

#[tauri::command]
pub fn reminders_export(
    ledger: State<'_, Ledger>,
    year: i32,
    path: PathBuf,
) -> Result<usize, String> {
    ledger.with(|c| {
        files::chosen_for_writing(&path, &["xlsx", "csv"])?;
        let rows = notice::reminders(c, year, progress::today())?;
        reminders::write_reminders(&path, year, &rows)?;
        Ok(rows.len())
    })
}

#[tauri::command]
pub fn record_get(ledger: State<'_, Ledger>, id: i64) -> Result<records::Record, String> {
    ledger.with(|c| records::get(c, id).map(records::Record::masked))
}

#[tauri::command]
pub fn plans_list(ledger: State<'_, Ledger>, year: Option<i32>) -> Result<Vec<plan::Plan>, String> {
    ledger.with(|c| plan::list(c, year))
}

#[tauri::command]
pub fn plan_check(form: plan::PlanForm) -> Vec<String> {
    plan::check(&form).err().unwrap_or_default()
}

#[tauri::command]
pub fn plan_add(ledger: State<'_, Ledger>, form: plan::PlanForm) -> Result<plan::Plan, String> {
    ledger.with(|c| {
        let by = audit::default_actor(c)?;
        plan::add(c, &form, &by)
    })
}

#[tauri::command]
pub fn plan_update(
    ledger: State<'_, Ledger>,
    id: i64,
    form: plan::PlanForm,
) -> Result<plan::Plan, String> {
    ledger.with(|c| {
        let by = audit::default_actor(c)?;
        plan::update(c, id, &form, &by)
    })
}

#[tauri::command]
pub fn plan_transition(
    ledger: State<'_, Ledger>,
    id: i64,
    transition: plan::Transition,
) -> Result<plan::Plan, String> {
    ledger.with(|c| {
        let by = audit::default_actor(c)?;
        plan::transition(c, id, &transition, &by)
    })
}

#[derive(serde::Deserialize)]
pub struct PdfRequest {
    id: i64,
    /// Base64 PNG seal.
    seal: Option<String>,
    date: Option<chrono::NaiveDate>,
    two_copies: bool,
}

/// Renders the form of a stored plan, marking a draft as printed.
fn render_plan(c: &mut Connection, req: &PdfRequest) -> Result<Vec<u8>, Error> {
    use base64::Engine;
    let seal_png = match &req.seal {
        Some(s) if s.len() > pdf::MAX_SEAL_BYTES / 3 * 4 + 8 => {
            return Err(Error::invalid("印章图片过大，不超过5 MB"))
        }
        Some(s) => Some(
            base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|_| Error::invalid("印章图片传输有误，请重试"))?,
        ),
        None => None,
    };
    pdf::print_plan(
        c,
        req.id,
        &pdf::FormOptions {
            seal_png,
            date: req.date,
            two_copies: req.two_copies,
        },
        Ok,
    )
}

#[tauri::command]
pub fn plan_pdf(
    ledger: State<'_, Ledger>,
    request: PdfRequest,
) -> Result<tauri::ipc::Response, String> {
    ledger
        .with(|c| render_plan(c, &request))
        .map(tauri::ipc::Response::new)
}

#[tauri::command]
pub fn plan_pdf_save(
    ledger: State<'_, Ledger>,
    request: PdfRequest,
    path: PathBuf,
) -> Result<(), String> {
    ledger.with(|c| {
        files::chosen_for_writing(&path, &["pdf"])?;
        files::write_bytes(&path, &render_plan(c, &request)?)
    })
}

/// Writes the form to a temporary file and opens it in the system's PDF viewer, to read or print.
#[tauri::command]
pub fn plan_pdf_open(ledger: State<'_, Ledger>, request: PdfRequest) -> Result<(), String> {
    let bytes = ledger.with(|c| render_plan(c, &request))?;
    let path = {
        let mut previews = ledger.previews.lock().unwrap_or_else(|e| e.into_inner());
        if previews.is_none() {
            *previews = Some(files::PrivateTempDir::new().map_err(|e| e.to_string())?);
        }
        let dir = previews.as_ref().ok_or("无法创建临时文件夹")?;
        dir.write(".pdf", &bytes).map_err(|e| e.to_string())?
    };
    tauri_plugin_opener::open_path(&path, None::<&str>)
        .map_err(|e| format!("无法打开系统PDF阅读器：{e}"))
}

#[tauri::command]
pub async fn import_preview(
    app: tauri::AppHandle,
    ledger: State<'_, Ledger>,
    kind: import::Kind,
    name: String,
    data: String,
    mapping: Option<table::Mapping>,
) -> Result<import::Preview, String> {
    let bytes = decode_upload(&data)?;
    let progress = forward_progress(app);
    ledger.with(|c| import::preview(c, kind, &name, &bytes, mapping.as_ref(), &progress))
}

#[tauri::command]
pub async fn import_commit(
    app: tauri::AppHandle,
    ledger: State<'_, Ledger>,
    kind: import::Kind,
    name: String,
    data: String,
    mapping: Option<table::Mapping>,
) -> Result<import::Outcome, String> {
    let bytes = decode_upload(&data)?;
    let progress = forward_progress(app);
    ledger.with(|c| import::commit(c, kind, &name, &bytes, mapping.as_ref(), &progress))
}

#[derive(Clone, Serialize)]
struct ImportProgress<'a> {
    percent: u32,
    stage: &'a str,
}

/// The core's import progress, sent to the window as `import-progress` events.
fn forward_progress(app: tauri::AppHandle) -> impl Fn(u32, &str) + Sync {
    use tauri::Emitter;
    move |percent, stage| {
        let _ = app.emit("import-progress", ImportProgress { percent, stage });
    }
}

/// Files picked in the window arrive as base64; anything over 100 MB is refused before decoding.
fn decode_upload(data: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    if data.len() > 100 * 1024 * 1024 / 3 * 4 {
        return Err("文件过大（超过100 MB）".into());
    }
    base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|_| "文件内容传输有误，请重试".to_string())
}

#[tauri::command]
pub async fn export_approved(
    ledger: State<'_, Ledger>,
    year: i32,
    path: PathBuf,
) -> Result<export::ExportSummary, String> {
    ledger.with(|c| {
        files::chosen_for_writing(&path, &["csv", "xlsx"])?;
        let by = audit::default_actor(c)?;
        export::export(c, year, &path, &by)
    })
}

#[tauri::command]
pub fn export_history(ledger: State<'_, Ledger>) -> Result<Vec<export::PastExport>, String> {
    ledger.with(|c| export::history(c))
}

#[tauri::command]
pub async fn backup_now(
    ledger: State<'_, Ledger>,
    path: PathBuf,
) -> Result<backup::BackupInfo, String> {
    ledger.with(|c| {
        files::chosen_for_writing(&path, &["sqlite3", "db"])?;
        backup::backup(c, &path)
    })
}

#[tauri::command]
pub fn backups_list(ledger: State<'_, Ledger>) -> Result<Vec<String>, String> {
    ledger.with(|c| backup::list(c))
}

#[tauri::command]
pub async fn restore_from(
    ledger: State<'_, Ledger>,
    path: PathBuf,
) -> Result<backup::BackupInfo, String> {
    ledger.with(|c| {
        let by = audit::default_actor(c)?;
        backup::restore(c, &path, &by)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_command_is_an_error_and_the_ledger_stays_usable() {
        let dir = std::env::temp_dir().join(format!("ce-ledger-panic-{}", std::process::id()));
        let path = dir.join("ledger.sqlite3");
        let ledger = Ledger::new(path.clone(), ce_ledger_core::ledger::db::open(&path));
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {})); // the expected panic prints nothing
        let outcome: Result<(), String> = ledger.with(|c| {
            let tx = ce_ledger_core::ledger::db::write_tx(c)?;
            tx.execute(
                "INSERT OR REPLACE INTO unit_profile (id, name) VALUES (1, '半写入')",
                [],
            )?;
            let cells: Vec<&str> = Vec::new();
            let _ = cells[3]; // a bug: indexing past the end
            tx.commit()?;
            Ok(())
        });
        std::panic::set_hook(hook);
        assert_eq!(outcome, Err(PANICKED.to_string()));
        let name = ledger
            .with(|c| Ok(unit::get(c)?.name))
            .expect("the next command works, the lock is not poisoned");
        assert_ne!(name, "半写入", "the panicked write rolled back");
        let _ = std::fs::remove_dir_all(dir);
    }
}

//! IPC commands: each maps one UI call onto one core function. No logic lives here.

// `#[tauri::command]` expands async commands with an `unreachable!()` of its own.
#![allow(clippy::unreachable)]

use ce_ledger_core::domain::{codes, rules};
use ce_ledger_core::io::{backup, certificates, export, import, pdf, reminders, table};
use ce_ledger_core::ledger::db::Connection;
use ce_ledger_core::ledger::{
    audit, evidence, notice, plan, policy, progress, records, review, staff, unit,
};
use ce_ledger_core::{files, Error};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tauri::ipc::Channel;
use tauri::State;

pub const PANICKED: &str =
    "内部错误：此操作未完成，台账没有任何改动，可以继续使用。请把操作步骤告诉维护人员";

/// An error as the window receives it: a code to branch on (`busy` offers 重试, `rows` shows a
/// table of `rows`), and the Chinese message to show.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rows: Option<Vec<ce_ledger_core::RowError>>,
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        let rows = match &e {
            Error::Rows { errors, .. } => Some(errors.clone()),
            _ => None,
        };
        IpcError {
            code: e.code(),
            message: e.to_string(),
            rows,
        }
    }
}

impl IpcError {
    fn internal(message: impl Into<String>) -> Self {
        IpcError {
            code: "internal",
            message: message.into(),
            rows: None,
        }
    }
}

pub type Answer<T> = Result<T, IpcError>;

/// One ledger connection; `None` until first used (reads) or when it failed to open.
/// The writing connection, or why the ledger did not open (its error as the window gets it).
type Slot = Mutex<Result<Connection, IpcError>>;

struct Inner {
    path: PathBuf,
    /// Whether the ledger opened at start: known without the writer's lock, which a long
    /// import holds.
    opened: AtomicBool,
    /// Writes and long jobs take turns here.
    writer: Slot,
    /// Reads have a connection of their own: under WAL they never wait behind a long write.
    reader: Mutex<Option<Connection>>,
    /// Print previews handed to the PDF viewer; removed when the app exits.
    previews: Mutex<Option<files::PrivateTempDir>>,
    /// Cancel flags of the long jobs now running, by the job number the window chose.
    jobs: Mutex<std::collections::HashMap<u32, Arc<AtomicBool>>>,
    /// Files picked in the window: (number, name, bytes).
    uploads: Mutex<Vec<Upload>>,
}

type Upload = (u32, String, Arc<Vec<u8>>);

#[derive(Clone)]
pub struct Ledger(Arc<Inner>);

/// Runs `f` on `conn`. A panic inside (a bug, or a file nobody foresaw) becomes an error
/// message: its transaction has rolled back while unwinding, the lock is not poisoned, and the
/// next command works as before.
fn guarded<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> Result<T, Error>,
) -> Answer<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut *conn))) {
        Ok(done) => done.map_err(IpcError::from),
        Err(_) => {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            Err(IpcError::internal(PANICKED))
        }
    }
}

impl Ledger {
    pub fn new(path: PathBuf, opened: Result<Connection, Error>) -> Self {
        Ledger(Arc::new(Inner {
            path,
            opened: AtomicBool::new(opened.is_ok()),
            writer: Mutex::new(opened.map_err(IpcError::from)),
            reader: Mutex::new(None),
            previews: Mutex::new(None),
            jobs: Mutex::default(),
            uploads: Mutex::default(),
        }))
    }

    /// Removes the print previews written this session (at exit).
    pub fn remove_previews(&self) {
        let taken = self.0.previews.lock().map(|mut p| p.take());
        drop(taken);
    }

    /// The ledger's file, when it opened.
    pub fn opened_path(&self) -> Option<PathBuf> {
        self.0
            .opened
            .load(Ordering::SeqCst)
            .then(|| self.0.path.clone())
    }

    /// Runs `f` on the writing connection, on the blocking pool: the window keeps painting.
    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, Error>) -> Answer<T> {
        let mut guard = self.0.writer.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_mut() {
            Ok(conn) => guarded(conn, f),
            Err(open_error) => Err(open_error.clone()),
        }
    }

    /// Runs a read on the reading connection (opened on first use).
    fn with_reader<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, Error>) -> Answer<T> {
        if !self.0.opened.load(Ordering::SeqCst) {
            return self.with(f);
        }
        let mut guard = self.0.reader.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            *guard = Some(ce_ledger_core::ledger::db::open(&self.0.path)?);
        }
        match guard.as_mut() {
            Some(conn) => guarded(conn, f),
            None => Err(IpcError::internal(PANICKED)),
        }
    }

    /// After a restore the reading connection is opened afresh, with the restored ledger's key.
    fn reset_reader(&self) {
        *self.0.reader.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// A write, off the UI thread.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    ) -> Answer<T> {
        let me = self.clone();
        blocking(move || me.with(f)).await
    }

    /// A read, off the UI thread and beside any write in progress.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    ) -> Answer<T> {
        let me = self.clone();
        blocking(move || me.with_reader(f)).await
    }

    /// A write done in someone's name: `actor` finds who (the unit's reviewer for audit
    /// decisions, the ledger's officer for the rest) and `f` gets the name.
    async fn write_as<T: Send + 'static>(
        &self,
        actor: fn(&Connection) -> Result<String, Error>,
        f: impl FnOnce(&mut Connection, &str) -> Result<T, Error> + Send + 'static,
    ) -> Answer<T> {
        self.write(move |c| {
            let by = actor(c)?;
            f(c, &by)
        })
        .await
    }

    /// Starts long job `id`, which the window may cancel by its number until it commits; its
    /// progress goes to `channel`. Move the job into the work's closure: it ends with it.
    fn start(&self, id: u32, channel: Channel<JobProgress>) -> Job {
        let flag = Arc::new(AtomicBool::new(false));
        self.0
            .jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, flag.clone());
        Job {
            report: Box::new(progress_of(channel, flag)),
            _registered: JobGuard {
                ledger: self.clone(),
                id,
            },
        }
    }
}

/// What a job's progress is reported to (the core's `table::Progress`, owned).
type Reporter = Box<dyn Fn(u32, &str) -> ce_ledger_core::Result<()> + Send + Sync>;

/// A running long job: what the core reports its progress to, registered for cancelling.
struct Job {
    report: Reporter,
    _registered: JobGuard,
}

impl Job {
    /// The core's progress callback for this job.
    fn progress(&self) -> table::Progress<'_> {
        &*self.report
    }
}

/// Unregisters a job's cancel flag when the job ends.
struct JobGuard {
    ledger: Ledger,
    id: u32,
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        self.ledger
            .0
            .jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

/// Blocking work on Tokio's blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Answer<T> + Send + 'static) -> Answer<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|_| Err(IpcError::internal(PANICKED)))
}

/// How far a long job is, sent on the job's channel.
#[derive(Clone, Serialize, ts_rs::TS)]
pub struct JobProgress {
    percent: u32,
    stage: String,
}

/// The core's progress callback for a job: reports on `channel`, and stops the job (before it
/// commits) once the window has cancelled it.
fn progress_of(
    channel: Channel<JobProgress>,
    flag: Arc<AtomicBool>,
) -> impl Fn(u32, &str) -> ce_ledger_core::Result<()> + Send + Sync + 'static {
    move |percent, stage| {
        if flag.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let _ = channel.send(JobProgress {
            percent,
            stage: stage.to_string(),
        });
        Ok(())
    }
}

/// Cancels a running job; it stops at its next progress report and writes nothing.
#[tauri::command]
pub fn job_cancel(ledger: State<'_, Ledger>, job: u32) {
    if let Some(flag) = ledger
        .0
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&job)
    {
        flag.store(true, Ordering::Relaxed);
    }
}

#[derive(Serialize, ts_rs::TS)]
pub struct LedgerInfo {
    path: String,
    error: Option<String>,
    /// `locked`: encrypted, and this computer has not its key (the window asks for the
    /// recovery code); `refused`: not the ledger expected at its place.
    error_code: Option<String>,
    /// The ledger opened and its recovery code has not yet been filed: the window shows it.
    recovery_pending: bool,
}

fn info_of(ledger: &Ledger) -> LedgerInfo {
    let guard = ledger.0.writer.lock().unwrap_or_else(|e| e.into_inner());
    let (error, error_code, recovery_pending) = match guard.as_ref() {
        Ok(conn) => (
            None,
            None,
            ce_ledger_core::ledger::lock::recovery(conn).is_ok_and(|(_, kept)| !kept),
        ),
        Err(e) => (Some(e.message.clone()), Some(e.code.to_string()), false),
    };
    LedgerInfo {
        path: ledger.0.path.display().to_string(),
        error,
        error_code,
        recovery_pending,
    }
}

#[tauri::command]
pub fn ledger_info(ledger: State<'_, Ledger>) -> LedgerInfo {
    info_of(&ledger)
}

/// On a computer without the ledger's key: the recovery code opens it, and the window carries on
/// with it as if it had opened at start.
#[tauri::command]
pub async fn recover_ledger(ledger: State<'_, Ledger>, code: String) -> Answer<LedgerInfo> {
    let ledger = ledger.inner().clone();
    blocking(move || {
        ce_ledger_core::ledger::lock::recover(&ledger.0.path, &code)?;
        let conn = ce_ledger_core::ledger::db::open(&ledger.0.path)?;
        *ledger.0.writer.lock().unwrap_or_else(|e| e.into_inner()) = Ok(conn);
        ledger.0.opened.store(true, Ordering::SeqCst);
        ledger.reset_reader();
        Ok(info_of(&ledger))
    })
    .await
}

/// The recovery code, for the dialog that shows it until the officer has filed it.
#[tauri::command]
pub async fn recovery_code(ledger: State<'_, Ledger>) -> Answer<String> {
    ledger
        .read(|c| Ok(ce_ledger_core::ledger::lock::recovery(c)?.0))
        .await
}

/// The officer has written the code down or printed its sheet.
#[tauri::command]
pub async fn recovery_kept(ledger: State<'_, Ledger>) -> Answer<()> {
    ledger
        .read(|c| ce_ledger_core::ledger::lock::recovery_kept(c))
        .await
}

/// The recovery sheet as a PDF at `path`, chosen in a save dialog.
#[tauri::command]
pub async fn save_recovery_sheet(ledger: State<'_, Ledger>, path: String) -> Answer<()> {
    ledger
        .read(move |c| pdf::write_recovery_sheet(c, std::path::Path::new(&path)))
        .await
}

#[tauri::command]
pub fn hr_offices() -> Vec<unit::HrOffice> {
    unit::HR_OFFICES.to_vec()
}

#[tauri::command]
pub fn code_lists() -> codes::Lists {
    codes::lists()
}

#[tauri::command]
pub async fn unit_get(ledger: State<'_, Ledger>) -> Answer<unit::UnitProfile> {
    ledger.read(|c| unit::get(c)).await
}

#[tauri::command]
pub async fn unit_save(
    ledger: State<'_, Ledger>,
    profile: unit::UnitProfile,
) -> Answer<unit::UnitProfile> {
    ledger.write(move |c| unit::save(c, &profile)).await
}

#[tauri::command]
pub async fn staff_page(
    ledger: State<'_, Ledger>,
    query: staff::StaffQuery,
) -> Answer<staff::StaffPage> {
    ledger.read(move |c| staff::page(c, &query)).await
}

#[tauri::command]
pub async fn staff_get(ledger: State<'_, Ledger>, id: i64) -> Answer<staff::Staff> {
    ledger.read(move |c| staff::get(c, id)).await
}

#[tauri::command]
pub async fn staff_add(
    ledger: State<'_, Ledger>,
    input: staff::StaffInput,
) -> Answer<staff::StaffRow> {
    ledger
        .write(move |c| staff::add(c, &input).map(Into::into))
        .await
}

#[tauri::command]
pub async fn staff_update(
    ledger: State<'_, Ledger>,
    id: i64,
    input: staff::StaffInput,
) -> Answer<staff::StaffRow> {
    ledger
        .write(move |c| staff::update(c, id, &input).map(Into::into))
        .await
}

#[tauri::command]
pub async fn staff_set_archived(
    ledger: State<'_, Ledger>,
    id: i64,
    archived: bool,
) -> Answer<staff::StaffRow> {
    ledger
        .write(move |c| staff::set_archived(c, id, archived).map(Into::into))
        .await
}

#[tauri::command]
pub async fn staff_departments(ledger: State<'_, Ledger>) -> Answer<Vec<String>> {
    ledger.read(|c| staff::departments(c)).await
}

#[tauri::command]
pub async fn policy_years(ledger: State<'_, Ledger>) -> Answer<Vec<i32>> {
    ledger.read(|c| policy::years(c)).await
}

#[tauri::command]
pub async fn policy_get(ledger: State<'_, Ledger>, year: i32) -> Answer<policy::YearPolicy> {
    ledger.read(move |c| policy::get_or_create(c, year)).await
}

#[tauri::command]
pub async fn policy_save(
    ledger: State<'_, Ledger>,
    policy: policy::YearPolicy,
) -> Answer<policy::YearPolicy> {
    ledger.write(move |c| policy::save(c, &policy)).await
}

#[tauri::command]
pub async fn calendar_get(ledger: State<'_, Ledger>, year: i32) -> Answer<policy::CalendarYear> {
    ledger.read(move |c| policy::calendar_year(c, year)).await
}

#[tauri::command]
pub async fn calendar_set(ledger: State<'_, Ledger>, calendar: policy::CalendarYear) -> Answer<()> {
    ledger
        .write(move |c| policy::set_calendar_year(c, &calendar))
        .await
}

#[tauri::command]
pub async fn record_add(
    ledger: State<'_, Ledger>,
    input: records::RecordInput,
) -> Answer<records::Record> {
    ledger
        .write(move |c| records::add(c, &input).map(records::Record::masked))
        .await
}

#[tauri::command]
pub async fn record_update(
    ledger: State<'_, Ledger>,
    id: i64,
    input: records::RecordInput,
) -> Answer<records::Record> {
    ledger
        .write(move |c| records::update(c, id, &input).map(records::Record::masked))
        .await
}

#[tauri::command]
pub async fn record_delete(ledger: State<'_, Ledger>, id: i64) -> Answer<()> {
    ledger.write(move |c| records::delete(c, id)).await
}

#[tauri::command]
pub async fn record_preview(
    ledger: State<'_, Ledger>,
    input: records::RecordInput,
    editing: Option<i64>,
) -> Answer<rules::Recognition> {
    ledger
        .read(move |c| records::preview(c, &input, editing))
        .await
}

#[tauri::command]
pub async fn person_page(
    ledger: State<'_, Ledger>,
    staff_id: i64,
    year: i32,
) -> Answer<progress::PersonPage> {
    ledger
        .read(move |c| progress::person_page(c, staff_id, year, progress::today()))
        .await
}

#[tauri::command]
pub async fn title_applicant_set(
    ledger: State<'_, Ledger>,
    staff_id: i64,
    year: i32,
    materials_date: Option<chrono::NaiveDate>,
) -> Answer<()> {
    ledger
        .write(move |c| progress::set_title_applicant(c, staff_id, year, materials_date))
        .await
}

#[tauri::command]
pub async fn dashboard(ledger: State<'_, Ledger>, year: i32) -> Answer<progress::Dashboard> {
    ledger
        .read(move |c| progress::dashboard(c, year, progress::today()))
        .await
}

#[tauri::command]
pub async fn records_page(
    ledger: State<'_, Ledger>,
    filter: records::RecordFilter,
    page: u32,
    page_size: u32,
) -> Answer<records::RecordPage> {
    ledger
        .read(move |c| {
            let p = records::page(c, &filter, page, page_size.min(500))?;
            Ok(records::RecordPage {
                total: p.total,
                items: p.items.into_iter().map(records::Record::masked).collect(),
            })
        })
        .await
}

#[tauri::command]
pub async fn record_history(ledger: State<'_, Ledger>, id: i64) -> Answer<Vec<audit::Event>> {
    ledger.read(move |c| audit::log(c, Some(id))).await
}

#[tauri::command]
pub async fn review_approve_selected(
    ledger: State<'_, Ledger>,
    ids: Vec<i64>,
    ticked: BTreeMap<String, Vec<String>>,
) -> Answer<review::BatchOutcome> {
    let checklist = review::Checklist::Ticked(ticked);
    ledger
        .write_as(review::unit_reviewer, move |c, by| {
            review::approve_selected(c, &ids, by, &checklist)
        })
        .await
}

/// Approves every eligible pending record the filter selects, on every page.
#[tauri::command]
pub async fn review_approve_matching(
    ledger: State<'_, Ledger>,
    filter: records::RecordFilter,
    ticked: BTreeMap<String, Vec<String>>,
    job: u32,
    on_progress: Channel<JobProgress>,
) -> Answer<review::BatchOutcome> {
    let checklist = review::Checklist::Ticked(ticked);
    let job = ledger.start(job, on_progress);
    ledger
        .write_as(review::unit_reviewer, move |c, by| {
            review::approve_eligible_reporting(c, &filter, by, &checklist, job.progress())
        })
        .await
}

/// Records of the year whose 公需 hours come from a source the notice does not allow.
#[tauri::command]
pub async fn review_public_problems(
    ledger: State<'_, Ledger>,
    year: i32,
) -> Answer<Vec<records::PublicSourceProblem>> {
    ledger
        .read(move |c| records::public_source_problems(c, year))
        .await
}

#[tauri::command]
pub async fn review_reject(
    ledger: State<'_, Ledger>,
    id: i64,
    reason: String,
) -> Answer<records::Record> {
    ledger
        .write_as(review::unit_reviewer, move |c, by| {
            review::reject(c, id, &reason, by).map(records::Record::masked)
        })
        .await
}

#[tauri::command]
pub async fn review_reopen(
    ledger: State<'_, Ledger>,
    id: i64,
    reason: String,
) -> Answer<records::Record> {
    ledger
        .write_as(review::unit_reviewer, move |c, by| {
            review::reopen(c, id, &reason, by).map(records::Record::masked)
        })
        .await
}

/// What a batch approval of the filter's pending records would take and leave, by category.
#[tauri::command]
pub async fn review_batch_preview(
    ledger: State<'_, Ledger>,
    filter: records::RecordFilter,
) -> Answer<Vec<review::BatchCategory>> {
    ledger
        .read(move |c| review::batch_preview(c, &filter))
        .await
}

/// 审核模式's `Z`: the last decision on a record taken back.
#[tauri::command]
pub async fn review_undo(ledger: State<'_, Ledger>, id: i64) -> Answer<records::Record> {
    ledger
        .write_as(review::unit_reviewer, move |c, by| {
            review::undo(c, id, by).map(records::Record::masked)
        })
        .await
}

/// The year's records to review, in 审核模式's order (ids only: a big unit's year is 100,000).
#[tauri::command]
pub async fn review_queue(
    ledger: State<'_, Ledger>,
    year: i32,
    category: Option<rules::Category>,
    with_file: Option<bool>,
    doubtful: bool,
) -> Answer<Vec<i64>> {
    ledger
        .read(move |c| review::queue(c, year, category, with_file, doubtful))
        .await
}

/// The files that may be a record's certificate (a bulk attach left them for the officer).
#[tauri::command]
pub async fn record_doubts(ledger: State<'_, Ledger>, id: i64) -> Answer<Vec<(String, String)>> {
    ledger.read(move |c| evidence::doubts(c, id)).await
}

/// How a folder or ZIP of certificates meets the year's records awaiting review.
#[tauri::command]
pub async fn certificates_plan(
    ledger: State<'_, Ledger>,
    path: PathBuf,
    year: i32,
) -> Answer<certificates::BulkPlan> {
    ledger
        .read(move |c| {
            let bundle = certificates::read(&path)?;
            certificates::plan(c, year, &table::file_label(&path), &bundle)
        })
        .await
}

/// Attaches the matched certificates and the officer's picks, in one transaction.
#[tauri::command]
pub async fn certificates_attach(
    ledger: State<'_, Ledger>,
    path: PathBuf,
    year: i32,
    picks: Vec<certificates::Pick>,
) -> Answer<certificates::BulkOutcome> {
    ledger
        .write_as(audit::default_actor, move |c, by| {
            let bundle = certificates::read(&path)?;
            certificates::attach(c, year, &table::file_label(&path), &bundle, &picks, by)
        })
        .await
}

#[tauri::command]
pub async fn audit_verify(
    ledger: State<'_, Ledger>,
    job: u32,
    on_progress: Channel<JobProgress>,
) -> Answer<audit::Verification> {
    let job = ledger.start(job, on_progress);
    ledger
        .read(move |c| audit::verify_reporting(c, Vec::new(), job.progress()))
        .await
}

#[tauri::command]
pub async fn evidence_list(
    ledger: State<'_, Ledger>,
    record_id: i64,
) -> Answer<Vec<evidence::Attachment>> {
    ledger.read(move |c| evidence::list(c, record_id)).await
}

#[tauri::command]
pub async fn evidence_attach(
    ledger: State<'_, Ledger>,
    record_id: i64,
    upload: u32,
) -> Answer<evidence::Attachment> {
    let (name, bytes) = ledger.upload(upload)?;
    ledger
        .write_as(audit::default_actor, move |c, by| {
            evidence::attach(c, record_id, &name, &bytes, by)
        })
        .await
}

#[tauri::command]
pub async fn evidence_read(
    ledger: State<'_, Ledger>,
    file_id: i64,
) -> Answer<tauri::ipc::Response> {
    ledger
        .read(move |c| evidence::read(c, file_id))
        .await
        .map(|(_, bytes)| tauri::ipc::Response::new(bytes))
}

#[tauri::command]
pub async fn notices_list(ledger: State<'_, Ledger>, year: i32) -> Answer<Vec<notice::Notice>> {
    ledger.read(move |c| notice::list(c, year)).await
}

#[tauri::command]
pub async fn notice_add(
    ledger: State<'_, Ledger>,
    input: notice::NoticeInput,
) -> Answer<notice::Notice> {
    ledger
        .write_as(audit::default_actor, move |c, by| {
            notice::add(c, &input, by)
        })
        .await
}

#[tauri::command]
pub async fn reminders_page(
    ledger: State<'_, Ledger>,
    year: i32,
    page: u32,
    page_size: u32,
) -> Answer<notice::ReminderPage> {
    ledger
        .read(move |c| notice::reminders_page(c, year, progress::today(), page, page_size.min(500)))
        .await
}

#[tauri::command]
pub async fn reminders_export(
    ledger: State<'_, Ledger>,
    year: i32,
    path: PathBuf,
) -> Answer<usize> {
    ledger
        .read(move |c| {
            files::chosen_for_writing(&path, &["xlsx", "csv"])?;
            let rows = notice::reminders(c, year, progress::today())?;
            reminders::write_reminders(&path, year, &rows)?;
            Ok(rows.len())
        })
        .await
}

#[tauri::command]
pub async fn record_get(ledger: State<'_, Ledger>, id: i64) -> Answer<records::Record> {
    ledger
        .read(move |c| records::get(c, id).map(records::Record::masked))
        .await
}

#[tauri::command]
pub async fn plans_list(ledger: State<'_, Ledger>, year: Option<i32>) -> Answer<Vec<plan::Plan>> {
    ledger.read(move |c| plan::list(c, year)).await
}

#[tauri::command]
pub fn plan_check(form: plan::PlanForm) -> Vec<String> {
    plan::check(&form).err().unwrap_or_default()
}

#[tauri::command]
pub async fn plan_add(ledger: State<'_, Ledger>, form: plan::PlanForm) -> Answer<plan::Plan> {
    ledger
        .write_as(audit::default_actor, move |c, by| plan::add(c, &form, by))
        .await
}

#[tauri::command]
pub async fn plan_update(
    ledger: State<'_, Ledger>,
    id: i64,
    form: plan::PlanForm,
) -> Answer<plan::Plan> {
    ledger
        .write_as(audit::default_actor, move |c, by| {
            plan::update(c, id, &form, by)
        })
        .await
}

#[tauri::command]
pub async fn plan_transition(
    ledger: State<'_, Ledger>,
    id: i64,
    transition: plan::Transition,
) -> Answer<plan::Plan> {
    ledger
        .write_as(audit::default_actor, move |c, by| {
            plan::transition(c, id, &transition, by)
        })
        .await
}

#[derive(serde::Deserialize, ts_rs::TS)]
pub struct PdfRequest {
    id: i64,
    /// An uploaded PNG seal.
    seal: Option<u32>,
    date: Option<chrono::NaiveDate>,
    two_copies: bool,
}

/// Renders the form of a stored plan, marking a draft as printed.
async fn render_plan(ledger: &Ledger, req: PdfRequest) -> Answer<Vec<u8>> {
    let seal_png = match req.seal {
        Some(upload) => {
            let (_, bytes) = ledger.upload(upload)?;
            if bytes.len() > pdf::MAX_SEAL_BYTES {
                return Err(Error::invalid("印章图片过大，不超过5 MB").into());
            }
            Some(bytes.to_vec())
        }
        None => None,
    };
    let options = pdf::FormOptions {
        seal_png,
        date: req.date,
        two_copies: req.two_copies,
    };
    ledger
        .write(move |c| pdf::print_plan(c, req.id, &options, Ok))
        .await
}

#[tauri::command]
pub async fn plan_pdf(
    ledger: State<'_, Ledger>,
    request: PdfRequest,
) -> Answer<tauri::ipc::Response> {
    render_plan(&ledger, request)
        .await
        .map(tauri::ipc::Response::new)
}

#[tauri::command]
pub async fn plan_pdf_save(
    ledger: State<'_, Ledger>,
    request: PdfRequest,
    path: PathBuf,
) -> Answer<()> {
    files::chosen_for_writing(&path, &["pdf"])?;
    let bytes = render_plan(&ledger, request).await?;
    blocking(move || files::write_bytes(&path, &bytes).map_err(IpcError::from)).await
}

/// Writes the form to a temporary file and opens it in the system's PDF viewer, to read or print.
#[tauri::command]
pub async fn plan_pdf_open(ledger: State<'_, Ledger>, request: PdfRequest) -> Answer<()> {
    let bytes = render_plan(&ledger, request).await?;
    let path = {
        let mut previews = ledger.0.previews.lock().unwrap_or_else(|e| e.into_inner());
        if previews.is_none() {
            *previews = Some(files::PrivateTempDir::new()?);
        }
        let dir = previews
            .as_ref()
            .ok_or_else(|| IpcError::internal("无法创建临时文件夹"))?;
        dir.write(".pdf", &bytes)?
    };
    tauri_plugin_opener::open_path(&path, None::<&str>)
        .map_err(|e| IpcError::internal(format!("无法打开系统PDF阅读器：{e}")))
}

/// The most a file picked in the window may weigh.
const MAX_UPLOAD: usize = 100 * 1024 * 1024;
/// Uploads kept for a later command (a preview, then its import); the oldest go first.
const UPLOADS_KEPT: usize = 4;

impl Ledger {
    /// An uploaded file by its number: (name, bytes).
    fn upload(&self, id: u32) -> Answer<(String, Arc<Vec<u8>>)> {
        self.0
            .uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(n, _, _)| *n == id)
            .map(|(_, name, bytes)| (name.clone(), bytes.clone()))
            .ok_or_else(|| IpcError {
                code: "invalid",
                message: "所选文件已失效，请重新选择文件".into(),
                rows: None,
            })
    }
}

fn check_upload_size(len: usize) -> Answer<()> {
    if len > MAX_UPLOAD {
        return Err(Error::invalid("文件过大（超过100 MB）").into());
    }
    Ok(())
}

/// The longest file name kept, in characters (most file systems stop at 255 bytes).
const MAX_NAME_CHARS: usize = 255;

/// The picked file's name from the percent-encoded `x-file-name` header, as the window sent it or
/// as anything else could: only its last path component, without control characters, at most
/// `MAX_NAME_CHARS`; invalid encodings become U+FFFD. It only ever labels messages and evidence.
fn upload_name(header: Option<&[u8]>) -> String {
    let decoded = header
        .map(|v| {
            percent_encoding::percent_decode(v)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    decoded
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect()
}

/// A file picked in the window, sent as the raw request body (no base64, no JSON) with its name
/// percent-encoded in the `x-file-name` header; returns the number later commands name it by.
#[tauri::command]
pub fn file_upload(ledger: State<'_, Ledger>, request: tauri::ipc::Request<'_>) -> Answer<u32> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(IpcError::internal("文件内容传输有误，请重试"));
    };
    check_upload_size(bytes.len())?;
    let name = upload_name(request.headers().get("x-file-name").map(|v| v.as_bytes()));
    let mut uploads = ledger.0.uploads.lock().unwrap_or_else(|e| e.into_inner());
    let id = uploads.last().map_or(1, |(n, _, _)| n.wrapping_add(1));
    if uploads.len() >= UPLOADS_KEPT {
        uploads.remove(0);
    }
    uploads.push((id, name, Arc::new(bytes.clone())));
    Ok(id)
}

/// Runs an import step (preview or commit) of an uploaded file as a cancellable job.
async fn import_job<T: Send + 'static>(
    ledger: &Ledger,
    upload: u32,
    job: u32,
    on_progress: Channel<JobProgress>,
    step: impl FnOnce(&mut Connection, &str, &[u8], table::Progress<'_>) -> Result<T, Error>
        + Send
        + 'static,
) -> Answer<T> {
    let (name, bytes) = ledger.upload(upload)?;
    let job = ledger.start(job, on_progress);
    ledger
        .write(move |c| step(c, &name, &bytes, job.progress()))
        .await
}

#[tauri::command]
pub async fn import_preview(
    ledger: State<'_, Ledger>,
    kind: import::Kind,
    upload: u32,
    options: import::Options,
    job: u32,
    on_progress: Channel<JobProgress>,
) -> Answer<import::Preview> {
    import_job(
        &ledger,
        upload,
        job,
        on_progress,
        move |c, name, bytes, progress| import::preview(c, kind, name, bytes, &options, progress),
    )
    .await
}

#[tauri::command]
pub async fn import_commit(
    ledger: State<'_, Ledger>,
    kind: import::Kind,
    upload: u32,
    options: import::Options,
    job: u32,
    on_progress: Channel<JobProgress>,
) -> Answer<import::Outcome> {
    import_job(
        &ledger,
        upload,
        job,
        on_progress,
        move |c, name, bytes, progress| import::commit(c, kind, name, bytes, &options, progress),
    )
    .await
}

/// 标注错误后下载: the picked file written back with a 问题 column and its bad cells marked.
#[tauri::command]
pub async fn import_annotate(
    ledger: State<'_, Ledger>,
    kind: import::Kind,
    upload: u32,
    options: import::Options,
    path: PathBuf,
) -> Answer<usize> {
    files::chosen_for_writing(&path, &["xlsx"])?;
    let (name, bytes) = ledger.upload(upload)?;
    ledger
        .write(move |c| import::annotate(c, kind, &name, &bytes, &options, &path))
        .await
}

#[tauri::command]
pub async fn export_approved(
    ledger: State<'_, Ledger>,
    year: i32,
    path: PathBuf,
    job: u32,
    on_progress: Channel<JobProgress>,
) -> Answer<export::ExportSummary> {
    files::chosen_for_writing(&path, &["csv", "xlsx"])?;
    let job = ledger.start(job, on_progress);
    ledger
        .write_as(audit::default_actor, move |c, by| {
            export::export_reporting(c, year, &path, by, job.progress())
        })
        .await
}

#[tauri::command]
pub async fn export_history(
    ledger: State<'_, Ledger>,
    page: u32,
    page_size: u32,
) -> Answer<export::PastExportPage> {
    ledger
        .read(move |c| export::history_page(c, page, page_size))
        .await
}

#[tauri::command]
pub async fn backup_now(
    ledger: State<'_, Ledger>,
    path: PathBuf,
    job: u32,
    on_progress: Channel<JobProgress>,
) -> Answer<backup::BackupInfo> {
    let job = ledger.start(job, on_progress);
    ledger
        .read(move |c| {
            files::chosen_for_writing(&path, &["sqlite3", "db"])?;
            backup::backup_reporting(c, &path, job.progress())
        })
        .await
}

#[tauri::command]
pub async fn backups_list(ledger: State<'_, Ledger>) -> Answer<Vec<String>> {
    ledger.read(|c| backup::list(c)).await
}

#[tauri::command]
pub async fn restore_from(
    ledger: State<'_, Ledger>,
    path: PathBuf,
    job: u32,
    on_progress: Channel<JobProgress>,
) -> Answer<backup::BackupInfo> {
    let job = ledger.start(job, on_progress);
    let restored = ledger
        .write_as(audit::default_actor, move |c, by| {
            backup::restore_reporting(c, &path, by, job.progress())
        })
        .await;
    ledger.reset_reader();
    restored
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the `x-file-name` header holds, the name kept is one plain file name; a body over
    /// the cap is refused before it is kept.
    #[test]
    fn hostile_upload_names_and_sizes_are_tamed() {
        let cases: Vec<(Option<&[u8]>, String)> = vec![
            (Some(b"%E5%AD%A6%E6%97%B6.xlsx"), "学时.xlsx".into()),
            (None, String::new()),
            (Some(b"..%2F..%2Fetc%2Fpasswd"), "passwd".into()),
            (
                Some(b"C:%5CUsers%5Cme%5C%E5%90%8D%E5%86%8C.csv"),
                "名册.csv".into(),
            ),
            (Some(b"a%00b%0A%0Dc%1B.csv"), "abc.csv".into()),
            (Some(b"%ZZ%E5.csv"), "%ZZ\u{fffd}.csv".into()),
            (Some(&[0xff, 0xfe, b'x']), "\u{fffd}\u{fffd}x".into()),
            (Some(b"trailing%2F"), String::new()),
        ];
        for (header, want) in cases {
            assert_eq!(upload_name(header), want, "{header:?}");
        }
        let long = "名".repeat(10_000);
        assert_eq!(
            upload_name(Some(long.as_bytes())).chars().count(),
            MAX_NAME_CHARS
        );

        assert!(check_upload_size(MAX_UPLOAD).is_ok());
        let refused = check_upload_size(MAX_UPLOAD + 1).unwrap_err();
        assert_eq!(refused.code, "invalid");
        assert!(refused.message.contains("文件过大"), "{}", refused.message);
    }

    /// The window branches on `code` and lists `rows`; the message is the core's Chinese text.
    #[test]
    fn errors_cross_with_a_code_the_message_and_the_rows() {
        let rows = vec![ce_ledger_core::RowError {
            line: 3,
            column: "身份证号".into(),
            message: "校验码不符".into(),
        }];
        let e = IpcError::from(Error::Rows {
            file: "名单.csv".into(),
            errors: rows.clone(),
        });
        assert_eq!((e.code, e.rows.as_ref()), ("rows", Some(&rows)));
        assert!(e.message.contains("第3行"), "{}", e.message);
        let busy = IpcError::from(Error::Busy { seconds: 10 });
        assert_eq!((busy.code, busy.rows), ("busy", None));
        assert_eq!(IpcError::from(Error::Cancelled).code, "cancelled");
        let json = serde_json::to_value(IpcError::from(Error::invalid("x"))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid", "message": "x"}),
            "no rows key when there are none"
        );
    }

    /// A read does not wait for a write in progress: the write below holds the writing
    /// connection until the read has answered (or gives up after 10 s and the test fails).
    #[test]
    fn a_read_answers_while_a_write_holds_the_ledger() {
        let dir = tempfile_dir("read-beside-write");
        let path = dir.join("ledger.sqlite3");
        let ledger = Ledger::new(path.clone(), ce_ledger_core::ledger::db::open(&path));
        let (started, writing) = std::sync::mpsc::channel();
        let (answered, read_done) = std::sync::mpsc::channel::<()>();
        let writer = {
            let ledger = ledger.clone();
            std::thread::spawn(move || {
                ledger.with(move |_| {
                    started.send(()).unwrap();
                    Ok(read_done
                        .recv_timeout(std::time::Duration::from_secs(10))
                        .is_ok())
                })
            })
        };
        writing.recv().unwrap();
        let unit = ledger.with_reader(|c| unit::get(c));
        answered.send(()).unwrap();
        assert!(unit.is_ok(), "{unit:?}");
        assert_eq!(
            writer.join().unwrap(),
            Ok(true),
            "the read answered during the write"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("ce-ledger-{name}-{}", std::process::id()))
    }

    #[test]
    fn a_panicking_command_is_an_error_and_the_ledger_stays_usable() {
        let dir = std::env::temp_dir().join(format!("ce-ledger-panic-{}", std::process::id()));
        let path = dir.join("ledger.sqlite3");
        let ledger = Ledger::new(path.clone(), ce_ledger_core::ledger::db::open(&path));
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {})); // the expected panic prints nothing
        let outcome: Answer<()> = ledger.with(|c| {
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
        assert_eq!(outcome, Err(IpcError::internal(PANICKED)));
        let name = ledger
            .with(|c| Ok(unit::get(c)?.name))
            .expect("the next command works, the lock is not poisoned");
        assert_ne!(name, "半写入", "the panicked write rolled back");
        let _ = std::fs::remove_dir_all(dir);
    }
}

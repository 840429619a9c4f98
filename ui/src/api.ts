// Typed wrappers over the shell's IPC commands. The types are generated from the Rust types
// (bindings.ts, ts-rs); only shapes the window composes itself are declared here.
import { Channel, invoke } from '@tauri-apps/api/core'
import type {
  AuditEvent, Attachment, BackupInfo, BatchOutcome, CalendarYear, CodeLists, Dashboard, ExportSummary, HrOffice,
  BatchCategory, BulkOutcome, BulkPlan, CertificatePick, ImportKind, ImportOptions, ImportOutcome, ImportPreview, IpcError, JobProgress, LedgerInfo, LedgerRecord, Mapping, Notice, NoticeInput,
  PastExportPage, PdfRequest, PersonPage, Plan, PlanForm, PlanTransition, PublicSourceProblem, Recognition, RecordFilter,
  RecordInput, RecordPage, ReminderPage, Staff, StaffInput, StaffPage, StaffQuery, StaffRow, Status, UnitProfile,
  Verification, YearPolicy,
} from './bindings'

export type * from './bindings'
export type StatusCode = Status
/** What a record's review adds to the list row (all part of LedgerRecord). */
export type ReviewFields = Pick<LedgerRecord, 'reviewer' | 'reviewed_at' | 'review_reason' | 'attachments'>

export const api = {
  ledgerInfo: () => invoke<LedgerInfo>('ledger_info'),
  recoverLedger: (code: string) => invoke<LedgerInfo>('recover_ledger', { code }),
  recoveryCode: () => invoke<string>('recovery_code'),
  recoveryKept: () => invoke<void>('recovery_kept'),
  saveRecoverySheet: (path: string) => invoke<void>('save_recovery_sheet', { path }),
  hrOffices: () => invoke<HrOffice[]>('hr_offices'),
  unitGet: () => invoke<UnitProfile>('unit_get'),
  unitSave: (profile: UnitProfile) => invoke<UnitProfile>('unit_save', { profile }),
  staffPage: (query: StaffQuery) => invoke<StaffPage>('staff_page', { query }),
  staffGet: (id: number) => invoke<Staff>('staff_get', { id }),
  staffAdd: (input: StaffInput) => invoke<StaffRow>('staff_add', { input }),
  staffUpdate: (id: number, input: StaffInput) => invoke<StaffRow>('staff_update', { id, input }),
  staffSetArchived: (id: number, archived: boolean) => invoke<StaffRow>('staff_set_archived', { id, archived }),
  staffDepartments: () => invoke<string[]>('staff_departments'),
}

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === 'object' && e !== null && typeof (e as IpcError).code === 'string' && typeof (e as IpcError).message === 'string'
}

/** The Chinese message of any error a command or the window raised. */
export function errorText(e: unknown): string {
  return isIpcError(e) ? e.message : typeof e === 'string' ? e : e instanceof Error ? e.message : String(e)
}

/** Sends a picked file to the shell as raw bytes (no base64); later commands name it by the number. */
export async function upload(file: File): Promise<number> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  return invoke<number>('file_upload', bytes, { headers: { 'x-file-name': encodeURIComponent(file.name) } })
}

let lastJob = 0
/** A long job: its number (to cancel it) and the channel its progress arrives on. */
export function newJob(onProgress: (p: JobProgress) => void): { job: number; onProgress: Channel<JobProgress> } {
  const channel = new Channel<JobProgress>()
  channel.onmessage = onProgress
  lastJob += 1
  return { job: lastJob, onProgress: channel }
}
export const cancelJob = (job: number) => invoke<void>('job_cancel', { job })

/** What a progress bar shows of a long job: its number (0 when none runs), percent and stage. */
export interface JobBar { job: number; percent: number; stage: string }
/** A long job whose progress moves `bar`, starting at `stage`. */
export function barJob(bar: JobBar, stage: string): ReturnType<typeof newJob> {
  const job = newJob((p) => Object.assign(bar, { percent: p.percent, stage: p.stage }))
  Object.assign(bar, { job: job.job, percent: 0, stage })
  return job
}

export const ledgerApi = {
  codeLists: () => invoke<CodeLists>('code_lists'),
  policyYears: () => invoke<number[]>('policy_years'),
  policyGet: (year: number) => invoke<YearPolicy>('policy_get', { year }),
  policySave: (policy: YearPolicy) => invoke<YearPolicy>('policy_save', { policy }),
  calendarGet: (year: number) => invoke<CalendarYear>('calendar_get', { year }),
  calendarSet: (calendar: CalendarYear) => invoke<void>('calendar_set', { calendar }),
  recordAdd: (input: RecordInput) => invoke<LedgerRecord>('record_add', { input }),
  recordUpdate: (id: number, input: RecordInput) => invoke<LedgerRecord>('record_update', { id, input }),
  recordDelete: (id: number) => invoke<void>('record_delete', { id }),
  recordPreview: (input: RecordInput, editing: number | null) => invoke<Recognition>('record_preview', { input, editing }),
  personPage: (staffId: number, year: number) => invoke<PersonPage>('person_page', { staffId, year }),
  titleApplicantSet: (staffId: number, year: number, materialsDate: string | null) =>
    invoke<void>('title_applicant_set', { staffId, year, materialsDate }),
  dashboard: (year: number) => invoke<Dashboard>('dashboard', { year }),
}

/** The evidence checklist items ticked, by category code. */
export type Ticked = Record<string, string[]>

export const reviewApi = {
  recordsPage: (filter: RecordFilter, page: number, pageSize: number) =>
    invoke<RecordPage>('records_page', { filter, page, pageSize }),
  recordGet: (id: number) => invoke<LedgerRecord & ReviewFields>('record_get', { id }),
  history: (id: number) => invoke<AuditEvent[]>('record_history', { id }),
  approveSelected: (ids: number[], ticked: Ticked) => invoke<BatchOutcome>('review_approve_selected', { ids, ticked }),
  approveMatching: (filter: RecordFilter, ticked: Ticked, job: ReturnType<typeof newJob>) =>
    invoke<BatchOutcome>('review_approve_matching', { filter, ticked, ...job }),
  publicProblems: (year: number) => invoke<PublicSourceProblem[]>('review_public_problems', { year }),
  reject: (id: number, reason: string) => invoke<LedgerRecord>('review_reject', { id, reason }),
  reopen: (id: number, reason: string) => invoke<LedgerRecord>('review_reopen', { id, reason }),
  undo: (id: number) => invoke<LedgerRecord>('review_undo', { id }),
  batchPreview: (filter: RecordFilter) => invoke<BatchCategory[]>('review_batch_preview', { filter }),
  queue: (year: number, category: string | null, withFile: boolean | null, doubtful: boolean) =>
    invoke<number[]>('review_queue', { year, category, withFile, doubtful }),
  doubts: (id: number) => invoke<[string, string][]>('record_doubts', { id }),
  certificatesPlan: (path: string, year: number) => invoke<BulkPlan>('certificates_plan', { path, year }),
  certificatesAttach: (path: string, year: number, picks: CertificatePick[]) => invoke<BulkOutcome>('certificates_attach', { path, year, picks }),
  verify: (job: ReturnType<typeof newJob>) => invoke<Verification>('audit_verify', { ...job }),
  evidenceList: (recordId: number) => invoke<Attachment[]>('evidence_list', { recordId }),
  evidenceAttach: (recordId: number, upload: number) => invoke<Attachment>('evidence_attach', { recordId, upload }),
  evidenceRead: (fileId: number) => invoke<ArrayBuffer>('evidence_read', { fileId }),
  noticesList: (year: number) => invoke<Notice[]>('notices_list', { year }),
  noticeAdd: (input: NoticeInput) => invoke<Notice>('notice_add', { input }),
  remindersPage: (year: number, page: number, pageSize: number) => invoke<ReminderPage>('reminders_page', { year, page, pageSize }),
  remindersExport: (year: number, path: string) => invoke<number>('reminders_export', { year, path }),
}

export const planApi = {
  list: (year: number | null) => invoke<Plan[]>('plans_list', { year }),
  check: (form: PlanForm) => invoke<string[]>('plan_check', { form }),
  add: (form: PlanForm) => invoke<Plan>('plan_add', { form }),
  update: (id: number, form: PlanForm) => invoke<Plan>('plan_update', { id, form }),
  transition: (id: number, transition: PlanTransition) => invoke<Plan>('plan_transition', { id, transition }),
  pdf: (request: PdfRequest) => invoke<ArrayBuffer>('plan_pdf', { request }),
  save: (request: PdfRequest, path: string) => invoke<void>('plan_pdf_save', { request, path }),
  open: (request: PdfRequest) => invoke<void>('plan_pdf_open', { request }),
}

export const dataApi = {
  preview: (kind: ImportKind, upload: number, options: ImportOptions, job: ReturnType<typeof newJob>) =>
    invoke<ImportPreview>('import_preview', { kind, upload, options, ...job }),
  commit: (kind: ImportKind, upload: number, options: ImportOptions, job: ReturnType<typeof newJob>) =>
    invoke<ImportOutcome>('import_commit', { kind, upload, options, ...job }),
  annotate: (kind: ImportKind, upload: number, options: ImportOptions, path: string) =>
    invoke<number>('import_annotate', { kind, upload, options, path }),
  exportApproved: (year: number, path: string, job: ReturnType<typeof newJob>) =>
    invoke<ExportSummary>('export_approved', { year, path, ...job }),
  exportHistory: (page: number, pageSize: number) => invoke<PastExportPage>('export_history', { page, pageSize }),
  backupNow: (path: string, job: ReturnType<typeof newJob>) => invoke<BackupInfo>('backup_now', { path, ...job }),
  backups: () => invoke<string[]>('backups_list'),
  restore: (path: string, job: ReturnType<typeof newJob>) => invoke<BackupInfo>('restore_from', { path, ...job }),
}

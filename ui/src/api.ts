// Typed wrappers over the shell's IPC commands; the shapes mirror the core's serde types.
import { Channel, invoke } from '@tauri-apps/api/core'

export interface LedgerInfo { path: string; error: string | null }
export interface HrOffice { name: string; phone: string }
export interface UnitProfile {
  name: string; address: string; leader: string; officer: string; phone: string; hr_office: string
  /** 市直单位: only such a unit has the May 20 plan filing duty and its warnings. */
  city_level: boolean
}
export interface StaffInput {
  name: string; id_number: string; department: string; title_series: string
  title: string; mobile: string; employment: string
  /** 专技人员 (null: yes); 入职日期; the date of a 退休/离职/调出 employment state. */
  professional: boolean | null; joined_on: string; left_on: string
}
export interface Staff extends StaffInput {
  id: number; archived: boolean; gender: string; birth_date: string; created_at: string; updated_at: string
}
export interface StaffRow extends Omit<StaffInput, 'id_number' | 'professional'> {
  professional: boolean
  id: number; id_masked: string; archived: boolean; gender: string; birth_year: string
}
export type SortKey = 'department' | 'name' | 'title' | 'created'
export interface StaffQuery {
  search: string; department: string; include_archived: boolean
  sort: SortKey; descending: boolean; page: number; page_size: number
}
export interface StaffPage { total: number; items: StaffRow[] }

export const api = {
  ledgerInfo: () => invoke<LedgerInfo>('ledger_info'),
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

/** An error as a command returns it: `busy` may be retried, `rows` lists a file's bad rows. */
export interface IpcError { code: string; message: string; rows?: RowError[] }

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

export interface JobProgress { percent: number; stage: string }
let lastJob = 0
/** A long job: its number (to cancel it) and the channel its progress arrives on. */
export function newJob(onProgress: (p: JobProgress) => void): { job: number; onProgress: Channel<JobProgress> } {
  const channel = new Channel<JobProgress>()
  channel.onmessage = onProgress
  lastJob += 1
  return { job: lastJob, onProgress: channel }
}
export const cancelJob = (job: number) => invoke<void>('job_cancel', { job })

export interface CategoryInfo {
  code: string; label: string; uses_months: boolean; fixed_hours: boolean
  daily_capped: boolean; professional_only: boolean; needs_audit: boolean
  /** Training and study count as 公需 only when they name one of the year's topics. */
  public_needs_topic: boolean
  /** What the reviewer ticks among the evidence before approving (附件1第8条). */
  evidence_checklist: string[]
  /** 援派月数 / 离岗月数: what the months field means, where the category has one. */
  months_label: string | null
}
/** One entry of a code list the core declares (value stored, label shown). */
export interface CodeOption { code: string; label: string }
/** Every list the screens offer, served by the core so the UI keeps no copies. */
export interface CodeLists {
  categories: CategoryInfo[]; subjects: CodeOption[]; statuses: CodeOption[]; situations: CodeOption[]
  genders: CodeOption[]; employment: CodeOption[]; channels: CodeOption[]; plan_statuses: CodeOption[]
}
export interface YearPolicy {
  year: number; public_required: number; professional_required: number; total_required: number
  topics: string[]; study_deadline: string; plan_deadline: string
}
export interface CalendarYear { year: number; off: string[]; work: string[] }
export interface RecordInput {
  staff_id: number; category: string; subject: string; title: string; start: string; end: string
  claimed: number | null; months: number | null; situation: string; evidence: string; plan_id: number | null
  topic: string; filing_number: string
}
export type StatusCode = 'pending' | 'approved' | 'rejected' | 'synced'
export interface LedgerRecord {
  id: number; staff_id: number; name: string; id_number: string; department: string; year: number
  category: string; category_label: string; subject: string | null; subject_label: string; title: string
  start: string; end: string; claimed_hours: number | null; months: number | null; situation: string | null
  evidence: string; status: StatusCode; status_label: string; expected_hours: number
  recognized_public: number; recognized_professional: number; recognized_hours: number; reason: string
  plan_id: number | null; topic: string | null; filing_number: string | null
}
export interface Recognition { public: number; professional: number; reason: string }
export interface PersonProgress {
  staff_id: number; id_number: string; name: string; department: string
  public: number; professional: number; total: number; pending: number; compliant: boolean
  short_public: number; short_professional: number; title_applicant: boolean
  materials_date: string | null; deadline: string; days_left: number; last_notified: string | null
  /** Title applicants only: counted hours of records that ended by the deadline. */
  public_by_deadline?: number; professional_by_deadline?: number
  /** In the year's count: 专技人员 at the unit on the study deadline. */
  counted: boolean
}
export interface PersonPage {
  staff: StaffRow; year: number; policy: YearPolicy; progress: PersonProgress; records: LedgerRecord[]
  after_deadline: number[]
}
export interface DepartmentStat { department: string; done: number; short: number }
export interface Dashboard {
  year: number; policy: YearPolicy; today: string; staff_count: number; done: number; short: number
  pending_records: number; study_days_left: number; plan_days_left: number; applicants_at_risk: number; plans_unfiled: number
  by_department: DepartmentStat[]; short_list: PersonProgress[]; city_level: boolean
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

export interface RecordFilter {
  year: number | null; staff_id: number | null; status: StatusCode | null; category: string | null
  department: string; search: string
}
export interface RecordPage { total: number; items: (LedgerRecord & ReviewFields)[] }
export interface ReviewFields { reviewer: string; reviewed_at: string; review_reason: string; attachments: number }
export interface AuditEvent {
  id: number; at: string; actor: string; action: string; action_label: string; entity: string
  entity_id: number | null; entity_id_to: number | null; before: Record<string, unknown> | null
  after: Record<string, unknown> | null; reason: string
}
export interface Skipped { id: number; name: string; title: string; reason: string }
export interface BatchOutcome { approved: number[]; skipped: Skipped[] }
/** The evidence checklist items ticked, by category code. */
export type Ticked = Record<string, string[]>
export interface PublicSourceProblem { id: number; name: string; title: string; category_label: string; status_label: string; reason: string }
export interface Verification { events: number; broken: [number, string] | null; differences: string[]; problems: string[]; anchors: string[] }
export interface Attachment { file_id: number; name: string; size: number; mime: string; sha256: string }
/** `all_short_of`: a year — notify everyone short that year (the core resolves who), instead of `recipients`. */
export interface NoticeInput { date: string; channel: string; content: string; recipients: number[]; all_short_of?: number | null }
export interface ReminderPage { total: number; items: PersonProgress[] }
export interface Notice { id: number; date: string; channel: string; content: string; recipients: number; created_at: string }

export const reviewApi = {
  recordsPage: (filter: RecordFilter, page: number, pageSize: number) =>
    invoke<RecordPage>('records_page', { filter, page, pageSize }),
  recordGet: (id: number) => invoke<LedgerRecord & ReviewFields>('record_get', { id }),
  history: (id: number) => invoke<AuditEvent[]>('record_history', { id }),
  approveSelected: (ids: number[], ticked: Ticked) => invoke<BatchOutcome>('review_approve_selected', { ids, ticked }),
  approveMatching: (filter: RecordFilter, ticked: Ticked) => invoke<BatchOutcome>('review_approve_matching', { filter, ticked }),
  publicProblems: (year: number) => invoke<PublicSourceProblem[]>('review_public_problems', { year }),
  reject: (id: number, reason: string) => invoke<LedgerRecord>('review_reject', { id, reason }),
  reopen: (id: number, reason: string) => invoke<LedgerRecord>('review_reopen', { id, reason }),
  verify: () => invoke<Verification>('audit_verify'),
  evidenceList: (recordId: number) => invoke<Attachment[]>('evidence_list', { recordId }),
  evidenceAttach: (recordId: number, upload: number) => invoke<Attachment>('evidence_attach', { recordId, upload }),
  evidenceRead: (fileId: number) => invoke<ArrayBuffer>('evidence_read', { fileId }),
  noticesList: (year: number) => invoke<Notice[]>('notices_list', { year }),
  noticeAdd: (input: NoticeInput) => invoke<Notice>('notice_add', { input }),
  remindersPage: (year: number, page: number, pageSize: number) => invoke<ReminderPage>('reminders_page', { year, page, pageSize }),
  remindersExport: (year: number, path: string) => invoke<number>('reminders_export', { year, path }),
}

export interface PlanForm {
  unit: string; address: string; project: string; leader: string; contact: string; phone: string
  advanced_seminar: boolean; trainees: string; trainee_count: number; start: string; end: string
  days: number; hours: number; venue_and_form: string
}
export type PlanStatus = 'draft' | 'printed' | 'submitted' | 'filed' | 'returned'
export interface Plan {
  id: number; year: number; form: PlanForm; status: PlanStatus; status_label: string
  submitted_date: string | null; filed_date: string | null; filing_number: string | null; return_reason: string | null
  /** A city-level unit's plan submitted after the filing deadline, or unsubmitted past it. */
  late: boolean
}
export type PlanTransition =
  | { to: 'printed' } | { to: 'submitted'; date: string } | { to: 'filed'; date: string; number: string } | { to: 'returned'; reason: string }
/** `seal`: an uploaded PNG's number. */
export interface PdfRequest { id: number; seal: number | null; date: string | null; two_copies: boolean }

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

export type ImportKind = 'staff' | 'records' | 'city'
export interface Mapping { header_index: number; positions: (number | null)[] }
export interface RowError { line: number; column: string; message: string }
export interface ImportPreview {
  file: string; header: string[]; columns: { label: string; required: boolean }[]; mapping: Mapping
  sample: [number, string[]][]; total_rows: number; errors: RowError[]; would_import: number; already_present: number
}
export interface ImportOutcome { imported: number; already_present: number }
export interface BackupInfo { path: string; bytes: number; schema_version: number }

export const dataApi = {
  preview: (kind: ImportKind, upload: number, mapping: Mapping | null, job: ReturnType<typeof newJob>) =>
    invoke<ImportPreview>('import_preview', { kind, upload, mapping, ...job }),
  commit: (kind: ImportKind, upload: number, mapping: Mapping | null, job: ReturnType<typeof newJob>) =>
    invoke<ImportOutcome>('import_commit', { kind, upload, mapping, ...job }),
  exportApproved: (year: number, path: string) => invoke<{ rows: number; path: string }>('export_approved', { year, path }),
  exportHistory: () => invoke<(AuditEvent & { stale: string | null })[]>('export_history'),
  backupNow: (path: string) => invoke<BackupInfo>('backup_now', { path }),
  backups: () => invoke<string[]>('backups_list'),
  restore: (path: string) => invoke<BackupInfo>('restore_from', { path }),
}

// Generated from the Rust types by ts-rs (src-tauri/src/bindings.rs); do not edit.
// `make bindings` rewrites it; `cargo test` fails when it is out of date.

export type Hours = number;

/**
 * One kind of activity of appendix 1 (a record category).
 */
export type Category = "city_platform" | "training" | "study" | "qualification_exam" | "achievement" | "expert" | "posting" | "competition" | "exam_service" | "special" | "digital_engineer" | "filed_training" | "transfer_in";

/**
 * 公需科目 or 专业科目.
 */
export type Subject = "public" | "professional";

/**
 * Where a record stands in the unit's audit.
 */
export type Status = "pending" | "approved" | "rejected" | "synced";

/**
 * The special circumstance of appendix 1 rule 7, stored and shown as its label.
 */
export type Situation = "出国" | "病假" | "产假" | "其他";

/**
 * Where a training plan of the unit stands (appendix 2 filing).
 */
export type PlanStatus = "draft" | "printed" | "submitted" | "filed" | "returned";

/**
 * One entry of a code list, as the UI shows it in a select.
 */
export type CodeOption = { code: string, label: string, };

/**
 * What the entry form needs to know of a category, so the UI holds no rule knowledge of its own.
 */
export type CategoryInfo = { code: string, label: string, uses_months: boolean, fixed_hours: boolean, daily_capped: boolean, professional_only: boolean, 
/**
 * Counts as 公需 only when it names one of the year's public topics.
 */
public_needs_topic: boolean, needs_audit: boolean, 
/**
 * What the months field means for this category (援派月数 / 离岗月数), where it has one.
 */
months_label: string | null, 
/**
 * The evidence items the reviewer ticks before approving (附件1第8条).
 */
evidence_checklist: string[], };

/**
 * Every list the UI offers, served by the core so no screen keeps a copy.
 */
export type CodeLists = { categories: Array<CategoryInfo>, subjects: Array<CodeOption>, statuses: Array<CodeOption>, situations: Array<CodeOption>, genders: Array<CodeOption>, employment: Array<CodeOption>, channels: Array<CodeOption>, plan_statuses: Array<CodeOption>, };

export type UnitProfile = { name: string, address: string, leader: string, officer: string, phone: string, hr_office: string, 
/**
 * 市直单位: the May 20 plan filing duty and its warnings are a city-level unit's.
 */
city_level: boolean, };

export type HrOffice = { name: string, phone: string, };

/**
 * What a person or an import supplies; everything else is derived.
 */
export type StaffInput = { name: string, id_number: string, department: string, title_series: string, title: string, mobile: string, employment: string, 
/**
 * 专技人员: counted in the yearly requirement. Not stated means yes.
 */
professional: boolean | null, 
/**
 * 入职日期, if the person joined the unit recently.
 */
joined_on: string, 
/**
 * The date of the state in `employment`: 退休、离职 or 调出日期.
 */
left_on: string, };

/**
 * A stored person, with the full ID number: for the edit form and the CLI, not for lists on screen.
 */
export type Staff = { id: number, name: string, id_number: string, department: string, title_series: string, title: string, mobile: string, employment: string, archived: boolean, professional: boolean, joined_on: string, left_on: string, gender: string, birth_date: string, created_at: string, updated_at: string, };

/**
 * A roster line for the screen: the ID number is masked.
 */
export type StaffRow = { id: number, name: string, id_masked: string, department: string, title_series: string, title: string, mobile: string, employment: string, archived: boolean, professional: boolean, joined_on: string, left_on: string, gender: string, 
/**
 * The year alone: beside the mask, a full birth date leaves about ten candidates for the number.
 */
birth_year: string, };

export type SortKey = "department" | "name" | "title" | "created";

export type StaffQuery = { 
/**
 * Name fragment, department fragment, or the tail of an ID number (4+ digits).
 */
search: string, department: string, include_archived: boolean, sort: SortKey, descending: boolean, 
/**
 * 1-based; 0 means the first page.
 */
page: number, 
/**
 * 0 means every row (CLI).
 */
page_size: number, };

export type StaffPage = { total: number, items: Array<StaffRow>, };

export type YearPolicy = { year: number, public_required: Hours, professional_required: Hours, total_required: Hours, topics: Array<string>, study_deadline: string, plan_deadline: string, };

export type CalendarYear = { year: number, 
/**
 * Weekdays off by the State Council's schedule.
 */
off: Array<string>, 
/**
 * Weekend days worked (调休上班).
 */
work: Array<string>, };

/**
 * A record as the form, the CLI or an import row supplies it.
 */
export type RecordInput = { staff_id: number, 
/**
 * Category code or Chinese label.
 */
category: string, 
/**
 * 公需/专业/public/professional, or empty.
 */
subject: string, title: string, start: string, end: string, claimed: Hours | null, months: number | null, situation: string, evidence: string, 
/**
 * For `filed_training`: one of the unit's own plans, whose filing status decides the hours.
 */
plan_id: number | null, 
/**
 * 公需专题: for training or study counted as public, one of the year's public topics.
 */
topic: string, 
/**
 * 备案/证书编号: the filing or certificate number, where the officer has one.
 */
filing_number: string, };

/**
 * A stored record with its recognised hours. `id_number` is full: for the CLI and exports.
 */
export type LedgerRecord = { id: number, staff_id: number, name: string, id_number: string, department: string, year: number, category: Category, category_label: string, subject: Subject | null, subject_label: string, title: string, start: string, end: string, claimed_hours: Hours | null, months: number | null, situation: Situation | null, evidence: string, status: Status, status_label: string, 
/**
 * What the rules give this record on its own, before yearly caps and audit.
 */
expected_hours: Hours, recognized_public: Hours, recognized_professional: Hours, recognized_hours: Hours, reason: string, created_at: string, updated_at: string, reviewer: string, reviewed_at: string, 
/**
 * Why it was rejected or reopened.
 */
review_reason: string, attachments: number, plan_id: number | null, 
/**
 * 公需专题 a public training or study record names.
 */
topic: string | null, 
/**
 * 备案/证书编号.
 */
filing_number: string | null, };

export type RecordFilter = { year: number | null, staff_id: number | null, status: Status | null, category: Category | null, department: string, 
/**
 * A fragment of the person's name or the record's title.
 */
search: string, };

export type RecordPage = { total: number, items: Array<LedgerRecord>, };

/**
 * A record already in the ledger whose 公需 hours break where the notice allows them (issue 13
 * item 2): entered before the check existed, or edited outside the program. Listed for the
 * officer; its hours are left as they are.
 */
export type PublicSourceProblem = { id: number, name: string, title: string, category_label: string, status_label: string, reason: string, };

export type Recognition = { public: Hours, professional: Hours, reason: string, };

export type PersonProgress = { staff_id: number, id_number: string, name: string, department: string, public: Hours, professional: Hours, total: Hours, 
/**
 * Claimed hours still awaiting the unit's audit.
 */
pending: Hours, compliant: boolean, short_public: Hours, short_professional: Hours, title_applicant: boolean, materials_date: string | null, 
/**
 * The study deadline, or for a title applicant the 5th working day before the materials date.
 */
deadline: string, days_left: number, 
/**
 * When the unit last told this person about their hours (a notice of this year naming them).
 */
last_notified: string | null, 
/**
 * A title applicant's counted hours from records that ended by the deadline: what the
 * title application can use, and what `compliant` and the shortfalls follow for them.
 */
public_by_deadline?: Hours, professional_by_deadline?: Hours, 
/**
 * In this year's count: professional-technical and at the unit on the study deadline. Only a
 * person's own page shows someone who is not.
 */
counted: boolean, };

export type PersonPage = { staff: StaffRow, year: number, policy: YearPolicy, progress: PersonProgress, records: Array<LedgerRecord>, 
/**
 * For a title applicant: the records that ended after their deadline, which the title
 * application cannot use (「截止日后完成，不计入职称申报」).
 */
after_deadline: Array<number>, };

export type DepartmentStat = { department: string, done: number, short: number, };

export type Dashboard = { year: number, policy: YearPolicy, today: string, staff_count: number, done: number, short: number, pending_records: number, study_days_left: number, plan_days_left: number, applicants_at_risk: number, 
/**
 * The unit's own plans of the year not yet 已备案 (the May 20 filing deadline).
 */
plans_unfiled: number, 
/**
 * A city-level unit (市直单位): only such a unit has the May 20 plan duty and its warnings.
 */
city_level: boolean, by_department: Array<DepartmentStat>, 
/**
 * The most urgent of who is short (`short` counts them all): title applicants first (by their
 * deadline), then the largest shortfall. IDs masked. The reminder page pages through the rest.
 */
short_list: Array<PersonProgress>, 
/**
 * The three first steps of a new ledger, done or not: the dashboard guides through them.
 */
first_steps: FirstSteps, };

/**
 * A new ledger's first steps (单位信息 → 人员名册 → 学时记录), each done or not.
 */
export type FirstSteps = { unit: boolean, roster: boolean, records: boolean, };

export type AuditEvent = { id: number, at: string, actor: string, action: string, action_label: string, entity: string, entity_id: number | null, entity_id_to: number | null, before: Record<string, unknown> | null, after: Record<string, unknown> | null, reason: string, prev_hash: string, hash: string, };

export type Verification = { events: number, 
/**
 * The first event that does not hold, with why.
 */
broken: [number, string] | null, 
/**
 * Where the ledger's rows differ from what the trail says they are, by row and field.
 */
differences: Array<string>, 
/**
 * What else does not hold: a missing key or seal, an anchor the chain no longer passes through.
 */
problems: Array<string>, 
/**
 * Each anchor checked, and what was found.
 */
anchors: Array<string>, 
/**
 * Events whose MAC was checked against this ledger's key.
 */
signed: number, 
/**
 * Rows of the tables compared with what the trail says.
 */
rows: number, 
/**
 * Certificate files re-read and re-hashed, and source files re-hashed.
 */
evidence_files: number, source_files: number, 
/**
 * Whether the key store's record of the latest head was there to compare with.
 */
head_checked: boolean, 
/**
 * What was checked and what no check can see, in the words the CLI and the window show
 * when everything holds.
 */
summary: string, };

export type Skipped = { id: number, name: string, title: string, reason: string, };

export type BatchOutcome = { approved: Array<number>, skipped: Array<Skipped>, };

export type Attachment = { file_id: number, name: string, size: number, mime: string, sha256: string, };

export type NoticeInput = { date: string, channel: string, content: string, recipients: Array<number>, 
/**
 * Besides `recipients`: everyone short in this year as the notice is recorded (the window
 * shows the list a page at a time, and "all" means all of it).
 */
all_short_of: number | null, };

/**
 * One page of the reminder list, and how many are short in all.
 */
export type ReminderPage = { total: number, items: Array<PersonProgress>, };

export type Notice = { id: number, date: string, channel: string, content: string, recipients: number, created_at: string, };

/**
 * Every field of 「枣庄市专业培训项目计划申报表」, with the keys of PLAN.json.
 */
export type PlanForm = { 
/**
 * 申报单位
 */
unit: string, 
/**
 * 地址
 */
address: string, 
/**
 * 申请培训项目名称
 */
project: string, 
/**
 * 负责人
 */
leader: string, 
/**
 * 联系人
 */
contact: string, 
/**
 * 联系电话
 */
phone: string, 
/**
 * 是否申请为市级高级研修班
 */
advanced_seminar: boolean, 
/**
 * 计划培训对象
 */
trainees: string, 
/**
 * 计划培训人数
 */
trainee_count: number, 
/**
 * 计划培训时间
 */
start: string, end: string, 
/**
 * 培训天数
 */
days: number, 
/**
 * 拟计算学时
 */
hours: Hours, 
/**
 * 培训地点及培训形式
 */
venue_and_form: string, };

export type Plan = { id: number, year: number, form: PlanForm, status: PlanStatus, status_label: string, submitted_date: string | null, filed_date: string | null, filing_number: string | null, return_reason: string | null, created_at: string, updated_at: string, 
/**
 * Issue 13 item 7: a city-level unit's plan submitted after the year's filing deadline (May 20),
 * or still unsubmitted once it has passed.
 */
late: boolean, };

/**
 * A move along 草稿 → 已打印 → 已报送 → 已备案 / 退回, with the date, filing number or reason it needs.
 */
export type PlanTransition = { "to": "printed" } | { "to": "submitted", date: string, } | { "to": "filed", date: string, number: string, } | { "to": "returned", reason: string, };

export type PdfRequest = { id: number, 
/**
 * An uploaded PNG seal.
 */
seal: number | null, date: string | null, two_copies: boolean, };

/**
 * Which row is the header and which file column feeds each requested column.
 */
export type Mapping = { 
/**
 * Index among the raw rows (0 = first row of the file).
 */
header_index: number, positions: Array<number | null>, };

/**
 * One problem in one row of an input file, reported together with all the others.
 */
export type RowError = { 
/**
 * Line in the file, header = 1.
 */
line: number, column: string, message: string, };

export type ImportKind = "staff" | "records" | "city";

export type ColumnInfo = { label: string, required: boolean, };

export type ImportPreview = { file: string, header: Array<string>, columns: Array<ColumnInfo>, mapping: Mapping, 
/**
 * Header cells no column reads.
 */
ignored: Array<string>, 
/**
 * The first rows as they will be read: (line, one cell per column).
 */
sample: Array<[number, Array<string>]>, total_rows: number, skipped: Array<SkippedRow>, questions: Array<ValueQuestion>, 
/**
 * Cells read differently from how they were written (at most `SHOWN_CONVERSIONS`).
 */
converted: Array<Converted>, converted_total: number, 
/**
 * The first `SHOWN_ERRORS` errors in file order; `groups` count them all.
 */
errors: Array<RowError>, error_total: number, groups: Array<ErrorGroup>, 
/**
 * Rows with errors, to correct in place (at most `SHOWN_PROBLEM_ROWS`).
 */
problem_rows: Array<ProblemRow>, 
/**
 * Rows of people not on the roster who carry name and ID (the officer may add them).
 */
addable_rows: number, 
/**
 * People the import puts on the roster (with `add_people`).
 */
people_to_add: number, 
/**
 * How the certificates meet the file's records (once the rows are free of errors).
 */
certificates: BulkPlan | null, would_import: number, already_present: number, };

export type ImportOutcome = { imported: number, already_present: number, 
/**
 * People put on the roster with their records.
 */
people_added: number, 
/**
 * The years of the imported records, newest last.
 */
years: Array<number>, 
/**
 * Certificates attached with the records.
 */
certificates_attached: number, };

/**
 * How to read a file: the window's column mapping or the CLI's `--map`, the answers to value
 * questions, corrected cells, and whether people not on the roster join it.
 */
export type ImportOptions = { mapping: Mapping | null, 
/**
 * (header as written, field label), as `--map 表头=字段` gives it.
 */
map: Array<[string, string]>, values: Array<ValueChoice>, 
/**
 * Take every suggestion the preview offers (the CLI's `--accept-suggested`).
 */
accept_suggested: boolean, fixes: Array<CellFix>, add_people: boolean, 
/**
 * Lines the officer leaves out of this import (only the department can answer them); they
 * are listed as skipped and named in the import event.
 */
leave_out: Array<number>, 
/**
 * A folder or ZIP of the declarations' certificates, attached in the import's transaction
 * (issue 25); files that fit several records wait for the officer's pick afterwards.
 */
evidence: string | null, };

/**
 * The officer's answer to a value question: read `raw` of `field` as `code`.
 */
export type ValueChoice = { field: string, raw: string, code: string, };

/**
 * A cell the officer corrected in the preview: the file's `line`, the column's label.
 */
export type CellFix = { line: number, field: string, value: string, };

/**
 * A value of a coded field that is none of the program's names: asked once for all its rows.
 */
export type ValueQuestion = { field: string, raw: string, rows: number, 
/**
 * The code the notice's wording suggests, if any.
 */
suggestion: string | null, 
/**
 * The code in force: the officer's answer, a remembered one, or an accepted suggestion.
 */
chosen: string | null, 
/**
 * 本次选择 / 已记住 / 采纳建议, when `chosen` is set.
 */
source: string, options: Array<CodeOption>, };

/**
 * Errors of one kind (one column, one message), counted.
 */
export type ErrorGroup = { column: string, message: string, rows: number, first_line: number, };

/**
 * A row with errors, as the officer corrects it in the preview: its cells by column (ID
 * numbers masked), and the columns at fault.
 */
export type ProblemRow = { line: number, cells: Array<string>, bad: Array<string>, };

/**
 * A row of the file that is not data (a total, who made the table, a note), left out and listed.
 */
export type SkippedRow = { line: number, 
/**
 * The row's text, its cells joined (cut to 60 characters).
 */
text: string, why: string, };

/**
 * A cell the import read differently from how it was written, shown marked in the preview.
 */
export type Converted = { line: number, column: string, from: string, to: string, };

/**
 * A record as the matching report shows it: who, what, when (no ID number).
 */
export type RecordBrief = { record_id: number, name: string, department: string, title: string, start: string, };

/**
 * A file and the record it goes to.
 */
export type MatchedFile = { path: string, record: RecordBrief, };

/**
 * A file that fits several records: the officer picks one.
 */
export type DoubtfulFile = { path: string, choices: Array<RecordBrief>, };

/**
 * How a folder or archive of certificates meets a year's records awaiting review.
 */
export type BulkPlan = { source: string, year: number, matched: Array<MatchedFile>, doubtful: Array<DoubtfulFile>, 
/**
 * Files that fit no record of the year (another year's, an ID card, a stranger's).
 */
unmatched: Array<string>, 
/**
 * Records awaiting review that no file reaches and that have none attached yet.
 */
without_file: Array<RecordBrief>, 
/**
 * Files passed over as no certificate (Thumbs.db, __MACOSX/…, a .txt).
 */
passed_over: Array<string>, };

/**
 * The officer's pick for a doubtful file.
 */
export type CertificatePick = { path: string, record_id: number, };

/**
 * What a bulk attach did.
 */
export type BulkOutcome = { attached: number, 
/**
 * Files already attached to their record (the same content), not attached again.
 */
already: number, };

/**
 * One category of a batch approval, before it runs.
 */
export type BatchCategory = { code: string, label: string, 
/**
 * Pending records with evidence: the batch approves them once the checklist is confirmed.
 */
ready: number, 
/**
 * Pending records without any evidence: the batch leaves them.
 */
without_evidence: number, };

export type BackupInfo = { path: string, bytes: number, schema_version: number, };

export type ExportSummary = { rows: number, path: string, };

/**
 * One past export, and whether hours it carried have moved since.
 */
export type PastExport = { 
/**
 * 「此后已有记录的认定学时变化，请重新导出」 when a re-cut of that year's records came after it.
 */
stale: string | null, id: number, at: string, actor: string, action: string, action_label: string, entity: string, entity_id: number | null, entity_id_to: number | null, before: Record<string, unknown> | null, after: Record<string, unknown> | null, reason: string, prev_hash: string, hash: string, };

/**
 * One page of past exports, newest first.
 */
export type PastExportPage = { total: number, items: Array<PastExport>, };

/**
 * How far a long job is, sent on the job's channel.
 */
export type JobProgress = { percent: number, stage: string, };

/**
 * An error as the window receives it: a code to branch on (`busy` offers 重试, `rows` shows a
 * table of `rows`), and the Chinese message to show.
 */
export type IpcError = { code: string, message: string, rows?: Array<RowError>, };

export type LedgerInfo = { path: string, error: string | null, 
/**
 * `locked`: encrypted, and this computer has not its key (the window asks for the
 * recovery code); `refused`: not the ledger expected at its place.
 */
error_code: string | null, 
/**
 * The ledger opened and its recovery code has not yet been filed: the window shows it.
 */
recovery_pending: boolean, };


//! The command line as clap declares it: nouns, their verbs and arguments. Parsing only.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "ce-ledger",
    version,
    about = "CE Ledger 继续教育学时台账（命令行）"
)]
pub struct Cli {
    /// Ledger file; overrides CE_LEDGER_DB and the default in the user data directory.
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Staff roster (专业技术人员)
    #[command(subcommand)]
    Staff(StaffCmd),
    /// Unit profile (单位信息)
    #[command(subcommand)]
    Unit(UnitCmd),
    /// Hour records (学时记录)
    #[command(subcommand)]
    Records(RecordsCmd),
    /// Everyone's standing against the year's requirement
    Progress {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        json: bool,
    },
    /// The year's policy (要求、公需科目、截止日期)
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// Mark a title applicant (拟申报职称) with the date their materials go in
    Applicant {
        #[arg(long)]
        id_number: String,
        #[arg(long)]
        year: i32,
        /// YYYY-MM-DD; or --remove to unmark
        #[arg(long, required_unless_present = "remove", conflicts_with = "remove")]
        materials_date: Option<String>,
        #[arg(long)]
        remove: bool,
    },
    /// Fill an empty ledger with a deterministic sample unit (for trying the program)
    Demo {
        #[arg(long, default_value_t = 200)]
        staff: usize,
        #[arg(long, default_value_t = 12)]
        records_per_person: usize,
        #[arg(long)]
        year: i32,
        /// Only write the sample roster and records as CSV files into DIR (for benchmarks)
        #[arg(long, value_name = "DIR", hide = true)]
        files_only: Option<PathBuf>,
    },
    /// The unit's audit of declarations (审核)
    #[command(subcommand)]
    Review(ReviewCmd),
    /// The audit trail (审计记录)
    #[command(subcommand)]
    Audit(AuditCmd),
    /// The ledger's encryption key: recovery code, recovery on a new computer, adopting a file
    /// (密钥与恢复码)
    #[command(subcommand)]
    Key(KeyCmd),
    /// Notices to staff and the reminder list (通知)
    #[command(subcommand)]
    Notice(NoticeCmd),
    /// The unit's training plans and the appendix 2 form (培训计划)
    #[command(subcommand)]
    Plan(PlanCmd),
    /// Approved hours for upload to the provincial platform (never city-platform hours)
    Export {
        #[arg(long)]
        year: i32,
        /// FILE.csv (UTF-8 with BOM) or FILE.xlsx
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        by: Option<String>,
    },
    /// Copy the ledger to FILE with SQLite's backup API, and check the copy
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the ledger with a checked backup (the current state is saved first)
    Restore {
        file: PathBuf,
        #[arg(long)]
        by: Option<String>,
    },
    /// Print where the ledger file is
    Where,
}

#[derive(Subcommand)]
pub enum PlanCmd {
    /// Add a plan from PLAN.json (keys: unit, address, project, leader, contact, phone, advanced_seminar,
    /// trainees, trainee_count, start, end, days, hours, venue_and_form)
    Add { file: PathBuf },
    /// List the plans
    List {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        year: Option<i32>,
    },
    /// Write the appendix 2 form: of a stored plan (ID) or straight from --from PLAN.json
    Pdf {
        #[arg(required_unless_present = "from", conflicts_with = "from")]
        id: Option<i64>,
        #[arg(long)]
        from: Option<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        /// A PNG seal with transparency, placed over 申报单位意见
        #[arg(long)]
        seal: Option<PathBuf>,
        /// Fill 年 月 日 under 申报单位意见 (YYYY-MM-DD)
        #[arg(long)]
        date: Option<String>,
        /// How many copies: the notice asks for 一式二份 (two pages), the default; 1 for one
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
        copies: u8,
        /// Accepted for scripts written before --copies; two copies are the default
        #[arg(long, hide = true)]
        two_copies: bool,
    },
    /// Move a plan along 草稿 → 已打印 → 已报送 → 已备案 / 退回
    Status {
        id: i64,
        #[arg(long, value_enum)]
        to: PlanTarget,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        number: Option<String>,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ReviewCmd {
    /// Approve the given records (all or none), or with --all-pending every eligible one of a year
    Approve {
        #[arg(required_unless_present = "all_pending")]
        ids: Vec<i64>,
        #[arg(long, conflicts_with = "ids", requires = "year")]
        all_pending: bool,
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        by: String,
    },
    /// Reject a pending record; the reason is required
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        by: String,
    },
    /// Take an approved record back to audit; the reason is required
    Reopen {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        by: String,
    },
    /// Attach an evidence file (PDF or image) to a record
    Attach {
        id: i64,
        file: PathBuf,
        #[arg(long)]
        by: Option<String>,
    },
    /// Attach a folder or ZIP of certificates to the year's records awaiting review, each file
    /// matched by its name (person or ID digits, title words or date); doubtful ones are listed
    AttachBulk {
        /// A folder, or a .zip (names in GBK as Chinese Windows writes them are read too)
        source: PathBuf,
        #[arg(long)]
        year: i32,
        /// Put a doubtful file with one of its records: 文件路径=记录编号 (repeatable)
        #[arg(long = "pick", value_name = "文件=记录编号", value_parser = parse_pick)]
        picks: Vec<(String, i64)>,
        /// Report only; attach nothing
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        by: Option<String>,
    },
}

fn parse_pick(s: &str) -> Result<(String, i64), String> {
    let bad = || format!("“{s}”应写作 文件路径=记录编号，例如 内科/张伟.jpg=1024");
    let (path, id) = s.rsplit_once('=').ok_or_else(bad)?;
    Ok((
        path.trim().to_string(),
        id.trim().parse().map_err(|_| bad())?,
    ))
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Show the audit trail, or one record's history
    Log {
        #[arg(long)]
        record: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Check the chain (hashes, signatures under the ledger's key), the ledger against its trail,
    /// and every anchor (the file beside the ledger, backups, --anchor); exits non-zero on any
    /// difference
    Verify {
        /// An export (CSV/XLSX), anchor file or backup whose anchor the chain must pass through
        #[arg(long)]
        anchor: Vec<PathBuf>,
    },
    /// Where this ledger's audit key is kept; --export writes it to FILE for safe keeping,
    /// --import takes it back (e.g. on a new computer)
    Key {
        #[arg(long, conflicts_with = "import")]
        export: Option<PathBuf>,
        #[arg(long)]
        import: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Where this ledger's key is kept, and whether its recovery code has been filed
    Show,
    /// Print the recovery code on an A4 sheet (PDF) to file with the unit's seal
    Sheet {
        #[arg(long)]
        out: PathBuf,
    },
    /// On a computer without the key: open the ledger with its recovery code and keep the key here
    Recover {
        #[arg(long)]
        code: String,
    },
    /// Use the file now at the ledger's place although it is not the ledger expected there (the
    /// old file is kept in backups/, and the trail records it)
    Adopt {
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum NoticeCmd {
    /// Record a notice sent to staff: by ID numbers, or everyone short in --short-in YEAR
    Add {
        #[arg(long)]
        date: String,
        /// 通知/短信/微信/会议 (or notice/sms/wechat/meeting)
        #[arg(long)]
        channel: String,
        #[arg(long)]
        content: String,
        #[arg(long = "id-number")]
        id_numbers: Vec<String>,
        #[arg(long)]
        short_in: Option<i32>,
        #[arg(long)]
        by: Option<String>,
    },
    /// List a year's notices
    List {
        #[arg(long)]
        year: i32,
    },
    /// Write who is short (title applicants first) to FILE.xlsx or FILE.csv
    Reminders {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum RecordsCmd {
    /// Import declarations (CSV or .xlsx): 身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料[,公需专题,备案/证书编号,姓名,部门],
    /// headers and values as departments write them; every error reported in one pass; all or nothing
    Import(ImportArgs),
    /// Import the city platform's study records (身份证号, 课程名称, 科目, 学习日期, 学时) as synced;
    /// rows already in the ledger are not added again
    ImportCity(ImportArgs),
    /// List records with recognised hours and reasons
    List {
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum PolicyCmd {
    /// Show a year's policy as JSON (a new year starts as a copy of the previous one)
    Show {
        #[arg(long)]
        year: i32,
    },
    /// Replace a year's policy from a JSON file shaped like `policy show`
    Set { file: PathBuf },
    /// Replace a year's State Council adjustments from JSON {"year":Y,"off":[dates],"work":[dates]}
    Calendar { file: PathBuf },
}

#[derive(Subcommand)]
pub enum StaffCmd {
    /// Import a CSV or workbook (header 姓名,身份证号,部门[,职称系列,现职称,手机,在职状态,专技人员,入职日期,离开日期],
    /// headers as HR clerks write them); every error reported in one pass; all or nothing
    Import(ImportArgs),
    /// List active staff
    List {
        #[arg(long)]
        json: bool,
        /// Include archived people
        #[arg(long)]
        all: bool,
    },
    /// Add one person
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        id_number: String,
        #[arg(long, default_value = "")]
        department: String,
        #[arg(long, default_value = "")]
        title: String,
        #[arg(long, default_value = "")]
        mobile: String,
        /// 在职 (default), 离职, 退休 or 调出
        #[arg(long, default_value = "")]
        employment: String,
        /// Not professional-technical staff (专技人员): left out of every year's count
        #[arg(long)]
        not_professional: bool,
        /// 入职日期 (YYYY-MM-DD)
        #[arg(long, default_value = "")]
        joined_on: String,
        /// The date of --employment 离职/退休/调出 (YYYY-MM-DD)
        #[arg(long, default_value = "")]
        left_on: String,
    },
    /// Archive (hide) a person without deleting their hours
    Archive { id: i64 },
}

#[derive(Subcommand)]
pub enum UnitCmd {
    /// Show the unit profile as JSON
    Show,
    /// Set the unit profile from a JSON file with keys name, address, leader, officer, phone, hr_office, city_level
    Set { file: PathBuf },
}

/// Where `plan status --to` moves a plan; the Chinese status names work too.
#[derive(Clone, Copy, ValueEnum)]
pub enum PlanTarget {
    #[value(alias = "已打印")]
    Printed,
    #[value(alias = "已报送")]
    Submitted,
    #[value(alias = "已备案")]
    Filed,
    #[value(alias = "退回")]
    Returned,
}

/// How an import reads a file written in the clerks' own words (issue 24).
#[derive(clap::Args)]
pub struct ImportArgs {
    pub file: PathBuf,
    /// Read a header as a field, e.g. --map 专业技术职务=现职称 (remembered for later files)
    #[arg(long = "map", value_name = "表头=字段", value_parser = parse_map)]
    pub map: Vec<(String, String)>,
    /// Take every suggested reading of a value (类别“学术会议”→培训进修) and remember it
    #[arg(long)]
    pub accept_suggested: bool,
    /// Cell corrections: {"fixes": [{"line": N, "field": "学时", "value": "8"}]}, by the file's line
    /// and the field's name
    #[arg(long, value_name = "FILE.json")]
    pub fix: Option<PathBuf>,
    /// Put people who are not on the roster on it, when their rows carry 姓名 and 身份证号
    #[arg(long)]
    pub add_people: bool,
    /// Leave these lines of the file out of this import (e.g. --leave-out 30,405), for rows only a
    /// department can answer; they are named in the import event
    #[arg(long, value_delimiter = ',', value_name = "行号")]
    pub leave_out: Vec<usize>,
    /// When rows have errors, write the file back here (.xlsx) with a 问题 column and the bad
    /// cells marked, for the departments
    #[arg(long, value_name = "OUT.xlsx")]
    pub annotate: Option<PathBuf>,
    /// Check and report only; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// A folder or ZIP of the declarations' certificates, attached in the same transaction
    /// (records import only); files that fit several records are left for `review attach-bulk --pick`
    #[arg(long, value_name = "DIR|ZIP")]
    pub evidence: Option<PathBuf>,
}

fn parse_map(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((header, field)) if !header.trim().is_empty() && !field.trim().is_empty() => {
            Ok((header.trim().to_string(), field.trim().to_string()))
        }
        _ => Err(format!("“{s}”应写作 表头=字段，例如 专业技术职务=现职称")),
    }
}

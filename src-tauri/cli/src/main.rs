//! `ce-ledger`: the officer's command-line tool over the same ledger as the desktop app.

use ce_ledger_core::{
    audit, db, evidence, notice, policy, progress, records, review, staff, table, unit, Error,
};
use ce_ledger_core::{backup, export, pdf, plan};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ce-ledger",
    version,
    about = "CE Ledger 继续教育学时台账（命令行）"
)]
struct Cli {
    /// Ledger file; overrides CE_LEDGER_DB and the default in the user data directory.
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        /// YYYY-MM-DD; omit together with --remove to unmark
        #[arg(long)]
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
    },
    /// The unit's audit of declarations (审核)
    #[command(subcommand)]
    Review(ReviewCmd),
    /// The audit trail (审计记录)
    #[command(subcommand)]
    Audit(AuditCmd),
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
enum PlanCmd {
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
        /// Print both copies the notice asks for (two pages)
        #[arg(long)]
        two_copies: bool,
    },
    /// Move a plan along 草稿 → 已打印 → 已报送 → 已备案 / 退回
    Status {
        id: i64,
        /// printed | submitted | filed | returned
        #[arg(long)]
        to: String,
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
enum ReviewCmd {
    /// Approve the given records (all or none), or with --all-pending every eligible one of a year
    Approve {
        ids: Vec<i64>,
        #[arg(long)]
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
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Show the audit trail, or one record's history
    Log {
        #[arg(long)]
        record: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Check the hash chain; exits non-zero naming the first broken event
    Verify,
}

#[derive(Subcommand)]
enum NoticeCmd {
    /// Record a notice sent to staff: by ID numbers, or everyone short in --short-in YEAR
    Add {
        #[arg(long)]
        date: String,
        /// 通知/短信/微信/会议
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
enum RecordsCmd {
    /// Import a CSV: 身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料; all or nothing
    Import { file: PathBuf },
    /// Import the city platform's study records (身份证号, 课程名称, 科目, 学习日期, 学时) as synced;
    /// rows already in the ledger are not added again
    ImportCity { file: PathBuf },
    /// List records with recognised hours and reasons
    List {
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PolicyCmd {
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
enum StaffCmd {
    /// Import a CSV (UTF-8, header 姓名,身份证号,部门[,职称系列,现职称,手机]); all or nothing
    Import { file: PathBuf },
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
    },
    /// Archive (hide) a person without deleting their hours
    Archive { id: i64 },
}

#[derive(Subcommand)]
enum UnitCmd {
    /// Show the unit profile as JSON
    Show,
    /// Set the unit profile from a JSON file with keys name, address, leader, officer, phone, hr_office
    Set { file: PathBuf },
}

fn main() -> ExitCode {
    // Piped into `head` or `less`, stop quietly like other command-line tools instead of panicking.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<(), Error> {
    println!(
        "{}",
        serde_json::to_string_pretty(v).map_err(|e| Error::invalid(e.to_string()))?
    );
    Ok(())
}

/// Renders the form and writes it; nothing is written when anything fails.
fn write_form(
    form: &plan::PlanForm,
    out: &std::path::Path,
    seal: Option<&std::path::Path>,
    date: Option<&str>,
    two_copies: bool,
) -> Result<(), Error> {
    let seal_png = match seal {
        Some(p) => {
            let len = std::fs::metadata(p)
                .map_err(|e| Error::Io {
                    path: p.display().to_string(),
                    reason: e.to_string(),
                })?
                .len();
            if len > pdf::MAX_SEAL_BYTES as u64 {
                return Err(Error::invalid(format!(
                    "印章图片过大（{:.1} MB），不超过5 MB",
                    len as f64 / 1048576.0
                )));
            }
            Some(std::fs::read(p).map_err(|e| Error::Io {
                path: p.display().to_string(),
                reason: e.to_string(),
            })?)
        }
        None => None,
    };
    let date = date
        .map(table::parse_date)
        .transpose()
        .map_err(|m| Error::invalid(format!("--date：{m}")))?;
    let bytes = pdf::render(
        form,
        &pdf::FormOptions {
            seal_png,
            date,
            two_copies,
        },
    )?;
    ce_ledger_core::files::write_bytes(out, &bytes)?;
    println!("已生成 {}", out.display());
    Ok(())
}

fn run(cli: Cli) -> Result<(), Error> {
    let path = db::resolve_path(cli.db.as_deref());
    if let Command::Where = cli.command {
        println!("{}", path.display());
        return Ok(());
    }
    // Rendering a form from a JSON file needs no ledger at all.
    if let Command::Plan(PlanCmd::Pdf {
        id: None,
        from: Some(from),
        out,
        seal,
        date,
        two_copies,
    }) = &cli.command
    {
        let form: plan::PlanForm = ce_ledger_core::jsonfile::read(from)?;
        return write_form(&form, out, seal.as_deref(), date.as_deref(), *two_copies);
    }
    let mut conn = db::open(&path)?;
    match cli.command {
        Command::Where => unreachable!(),
        Command::Staff(StaffCmd::Import { file }) => {
            let s = staff::import_csv(&mut conn, &file)?;
            println!("已导入 {} 名人员", s.imported);
        }
        Command::Staff(StaffCmd::List { json, all }) => {
            let q = staff::StaffQuery {
                include_archived: all,
                ..Default::default()
            };
            let (_, people) = staff::list(&conn, &q)?;
            if json {
                print_json(&people)?;
            } else {
                for p in people {
                    let flag = if p.archived { "（已归档）" } else { "" };
                    println!(
                        "{}\t{}\t{}\t{}\t{}{flag}",
                        p.id,
                        p.name,
                        ce_ledger_core::idcard::mask(&p.id_number),
                        p.department,
                        p.title
                    );
                }
            }
        }
        Command::Staff(StaffCmd::Add {
            name,
            id_number,
            department,
            title,
            mobile,
        }) => {
            let s = staff::add(
                &conn,
                &staff::StaffInput {
                    name,
                    id_number,
                    department,
                    title,
                    mobile,
                    ..Default::default()
                },
            )?;
            println!("已添加：{}（编号 {}）", s.name, s.id);
        }
        Command::Staff(StaffCmd::Archive { id }) => {
            let s = staff::set_archived(&conn, id, true)?;
            println!("已归档：{}", s.name);
        }
        Command::Records(RecordsCmd::Import { file }) => {
            let s = records::import_csv(&mut conn, &file)?;
            println!(
                "已导入 {} 条学时记录（涉及 {} 人），待单位审核",
                s.imported, s.people
            );
        }
        Command::Records(RecordsCmd::ImportCity { file }) => {
            let bytes = std::fs::read(&file).map_err(|e| Error::Io {
                path: file.display().to_string(),
                reason: e.to_string(),
            })?;
            let o = ce_ledger_core::import::commit(
                &mut conn,
                ce_ledger_core::import::Kind::City,
                &file.to_string_lossy(),
                &bytes,
                None,
                &table::no_progress,
            )?;
            println!(
                "已导入 {} 条市平台学习记录（已同步，无需审核）；{} 条已在台账中，未重复导入",
                o.imported, o.already_present
            );
        }
        Command::Records(RecordsCmd::List { year, json }) => {
            let list = records::list(
                &conn,
                &records::RecordFilter {
                    year,
                    ..Default::default()
                },
            )?;
            if json {
                print_json(&list)?;
            } else {
                for r in list {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t认定{}\t{}",
                        r.id,
                        r.name,
                        r.category_label,
                        r.title,
                        r.start,
                        r.status_label,
                        r.recognized_hours,
                        r.reason
                    );
                }
            }
        }
        Command::Progress { year, json } => {
            let p = progress::progress(&conn, year, progress::today())?;
            if json {
                print_json(&p)?;
            } else {
                for s in &p.staff {
                    let state = if s.compliant {
                        "达标".to_string()
                    } else {
                        format!("差公需{} 专业{}", s.short_public, s.short_professional)
                    };
                    println!(
                        "{}\t{}\t公需{}\t专业{}\t待审{}\t{state}",
                        s.name, s.department, s.public, s.professional, s.pending
                    );
                }
            }
        }
        Command::Policy(PolicyCmd::Show { year }) => {
            print_json(&policy::get_or_create(&conn, year)?)?
        }
        Command::Policy(PolicyCmd::Set { file }) => {
            let p: policy::YearPolicy = ce_ledger_core::jsonfile::read(&file)?;
            print_json(&policy::save(&conn, &p)?)?;
        }
        Command::Policy(PolicyCmd::Calendar { file }) => {
            let c: policy::CalendarYear = ce_ledger_core::jsonfile::read(&file)?;
            policy::set_calendar_year(&mut conn, &c)?;
            println!(
                "已更新{}年调休安排：放假{}天，调休上班{}天",
                c.year,
                c.off.len(),
                c.work.len()
            );
        }
        Command::Applicant {
            id_number,
            year,
            materials_date,
            remove,
        } => {
            let id = ce_ledger_core::idcard::IdNumber::parse(&id_number).map_err(Error::Invalid)?;
            let person = staff::find_by_id_number(&conn, id.as_str())?
                .ok_or_else(|| Error::NotFound("该身份证号的人员".into()))?;
            let date = match (materials_date, remove) {
                (Some(d), false) => Some(table::parse_date(&d).map_err(Error::Invalid)?),
                (None, true) => None,
                _ => return Err(Error::invalid("请给出 --materials-date 或 --remove 之一")),
            };
            progress::set_title_applicant(&conn, person.id, year, date)?;
            println!(
                "{}：{}",
                person.name,
                if date.is_some() {
                    "已标记为拟申报职称"
                } else {
                    "已取消拟申报职称"
                }
            );
        }
        Command::Demo {
            staff: n,
            records_per_person,
            year,
        } => {
            let (count, _) = staff::list(
                &conn,
                &staff::StaffQuery {
                    include_archived: true,
                    page_size: 1,
                    ..Default::default()
                },
            )?;
            if count > 0 {
                return Err(Error::invalid("台账中已有人员，示例数据只能写入空台账"));
            }
            let dir = std::env::temp_dir();
            ce_ledger_core::sample::populate(&mut conn, n, records_per_person, year, &dir)?;
            println!("已生成示例台账：{n} 人，每人 {records_per_person} 条{year}年度记录");
        }
        Command::Review(ReviewCmd::Approve {
            ids,
            all_pending,
            year,
            by,
        }) => {
            if all_pending {
                let year =
                    year.ok_or_else(|| Error::invalid("--all-pending 需要同时给出 --year"))?;
                if !ids.is_empty() {
                    return Err(Error::invalid("--all-pending 与记录编号不能同时使用"));
                }
                let out = review::approve_eligible(
                    &mut conn,
                    &records::RecordFilter {
                        year: Some(year),
                        ..Default::default()
                    },
                    &by,
                )?;
                println!("已审核通过 {} 条记录", out.approved.len());
                for s in &out.skipped {
                    println!(
                        "未通过：记录{}（{} {}）：{}",
                        s.id, s.name, s.title, s.reason
                    );
                }
            } else {
                let done = review::approve(&mut conn, &ids, &by)?;
                println!("已审核通过 {} 条记录", done.len());
            }
        }
        Command::Review(ReviewCmd::Reject { id, reason, by }) => {
            let r = review::reject(&mut conn, id, &reason, &by)?;
            println!(
                "已驳回记录{}（{} {}）：{}",
                r.id, r.name, r.title, r.review_reason
            );
        }
        Command::Review(ReviewCmd::Reopen { id, reason, by }) => {
            let r = review::reopen(&mut conn, id, &reason, &by)?;
            println!("已撤销通过，记录{}回到待审核：{}", r.id, r.review_reason);
        }
        Command::Review(ReviewCmd::Attach { id, file, by }) => {
            let bytes = std::fs::read(&file).map_err(|e| Error::Io {
                path: file.display().to_string(),
                reason: e.to_string(),
            })?;
            let by = match by {
                Some(b) => b,
                None => audit::default_actor(&conn)?,
            };
            let a = evidence::attach(&mut conn, id, &file.to_string_lossy(), &bytes, &by)?;
            println!("已添加证明材料：{}（{} 字节）", a.name, a.size);
        }
        Command::Audit(AuditCmd::Log { record, json }) => {
            let events = audit::log(&conn, record)?;
            if json {
                print_json(&events)?;
            } else {
                for e in events {
                    let target = match (e.entity_id, e.entity_id_to) {
                        (Some(a), Some(b)) if a != b => format!("{}{a}–{b}", e.entity),
                        (Some(a), _) => format!("{}{a}", e.entity),
                        _ => e.entity.clone(),
                    };
                    println!(
                        "{}\t{}\t{}\t{target}\t{}",
                        e.at, e.actor, e.action_label, e.reason
                    );
                }
            }
        }
        Command::Audit(AuditCmd::Verify) => {
            let v = audit::verify(&conn)?;
            match v.broken {
                None => println!("审计链完整：共 {} 个事件，均未被改动", v.events),
                Some((id, why)) => {
                    return Err(Error::invalid(format!(
                        "审计链在第{id}号事件处断开：{why}（此前 {} 个事件完好）",
                        v.events
                    )))
                }
            }
        }
        Command::Notice(NoticeCmd::Add {
            date,
            channel,
            content,
            id_numbers,
            short_in,
            by,
        }) => {
            let mut recipients = Vec::new();
            for raw in &id_numbers {
                let id = ce_ledger_core::idcard::IdNumber::parse(raw).map_err(Error::Invalid)?;
                let p = staff::find_by_id_number(&conn, id.as_str())?
                    .ok_or_else(|| Error::NotFound("该身份证号的人员".into()))?;
                recipients.push(p.id);
            }
            if let Some(year) = short_in {
                recipients.extend(
                    notice::reminders(&conn, year, progress::today())?
                        .iter()
                        .map(|p| p.staff_id),
                );
            }
            let by = match by {
                Some(b) => b,
                None => audit::default_actor(&conn)?,
            };
            let n = notice::add(
                &mut conn,
                &notice::NoticeInput {
                    date,
                    channel,
                    content,
                    recipients,
                },
                &by,
            )?;
            println!(
                "已登记通知：{} {}，通知 {} 人",
                n.date, n.channel, n.recipients
            );
        }
        Command::Notice(NoticeCmd::List { year }) => {
            for n in notice::list(&conn, year)? {
                println!(
                    "{}\t{}\t{}人\t{}",
                    n.date, n.channel, n.recipients, n.content
                );
            }
        }
        Command::Notice(NoticeCmd::Reminders { year, out }) => {
            let rows = notice::reminders(&conn, year, progress::today())?;
            notice::write_reminders(&out, year, &rows)?;
            println!(
                "提醒名单已写入 {}（{} 人未达标）",
                out.display(),
                rows.len()
            );
        }
        Command::Plan(PlanCmd::Add { file }) => {
            let form: plan::PlanForm = ce_ledger_core::jsonfile::read(&file)?;
            let by = audit::default_actor(&conn)?;
            let p = plan::add(&mut conn, &form, &by)?;
            println!("已添加培训计划 {}：{}", p.id, p.form.project);
        }
        Command::Plan(PlanCmd::List { json, year }) => {
            let plans = plan::list(&conn, year)?;
            if json {
                print_json(&plans)?;
            } else {
                for p in plans {
                    println!(
                        "{}\t{}\t{}\t{}\t{}～{}\t{}学时",
                        p.id,
                        p.year,
                        p.status_label,
                        p.form.project,
                        p.form.start,
                        p.form.end,
                        p.form.hours
                    );
                }
            }
        }
        Command::Plan(PlanCmd::Pdf {
            id,
            from,
            out,
            seal,
            date,
            two_copies,
        }) => {
            let id = match (id, from) {
                (Some(id), None) => id,
                _ => {
                    return Err(Error::invalid(
                        "请给出计划编号，或 --from PLAN.json（二选一）",
                    ))
                }
            };
            let p = plan::get(&conn, id)?;
            write_form(&p.form, &out, seal.as_deref(), date.as_deref(), two_copies)?;
            if p.status == plan::PlanStatus::Draft {
                let by = audit::default_actor(&conn)?;
                plan::transition(&mut conn, id, &plan::Transition::Printed, &by)?;
            }
        }
        Command::Plan(PlanCmd::Status {
            id,
            to,
            date,
            number,
            reason,
            by,
        }) => {
            let need = |v: Option<String>, what: &str| {
                v.ok_or_else(|| Error::invalid(format!("请给出 --{what}")))
            };
            let t = match to.as_str() {
                "printed" | "已打印" => plan::Transition::Printed,
                "submitted" | "已报送" => plan::Transition::Submitted {
                    date: need(date, "date")?,
                },
                "filed" | "已备案" => plan::Transition::Filed {
                    date: need(date, "date")?,
                    number: need(number, "number")?,
                },
                "returned" | "退回" => plan::Transition::Returned {
                    reason: need(reason, "reason")?,
                },
                other => {
                    return Err(Error::invalid(format!(
                        "状态“{other}”无效，应为 printed/submitted/filed/returned"
                    )))
                }
            };
            let by = match by {
                Some(b) => b,
                None => audit::default_actor(&conn)?,
            };
            let p = plan::transition(&mut conn, id, &t, &by)?;
            println!("培训计划 {}：{}", p.id, p.status_label);
        }
        Command::Export { year, out, by } => {
            let by = match by {
                Some(b) => b,
                None => audit::default_actor(&conn)?,
            };
            let s = export::export(&mut conn, year, &out, &by)?;
            println!(
                "已导出 {} 行认定学时到 {}（不含市平台已同步学时）",
                s.rows, s.path
            );
        }
        Command::Backup { out } => {
            let b = backup::backup(&conn, &out)?;
            println!("已备份到 {}（{} 字节，已校验）", b.path, b.bytes);
        }
        Command::Restore { file, by } => {
            let by = match by {
                Some(b) => b,
                None => audit::default_actor(&conn)?,
            };
            let b = backup::restore(&mut conn, &file, &by)?;
            println!(
                "已从 {} 恢复；恢复前的台账另存为 {}",
                file.display(),
                b.path
            );
        }
        Command::Unit(UnitCmd::Show) => print_json(&unit::get(&conn)?)?,
        Command::Unit(UnitCmd::Set { file }) => {
            let p: unit::UnitProfile = ce_ledger_core::jsonfile::read(&file)?;
            print_json(&unit::save(&conn, &p)?)?;
        }
    }
    Ok(())
}

//! `ce-ledger`: the officer's command-line tool over the same ledger as the desktop app.

use ce_ledger_core::{db, staff, unit, Error};
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
    /// Print where the ledger file is
    Where,
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

fn run(cli: Cli) -> Result<(), Error> {
    let path = db::resolve_path(cli.db.as_deref());
    if let Command::Where = cli.command {
        println!("{}", path.display());
        return Ok(());
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
        Command::Unit(UnitCmd::Show) => print_json(&unit::get(&conn)?)?,
        Command::Unit(UnitCmd::Set { file }) => {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::Io {
                path: file.display().to_string(),
                reason: e.to_string(),
            })?;
            let p: unit::UnitProfile = serde_json::from_str(&text)
                .map_err(|e| Error::invalid(format!("{}：JSON格式错误（{e}）", file.display())))?;
            print_json(&unit::save(&conn, &p)?)?;
        }
    }
    Ok(())
}

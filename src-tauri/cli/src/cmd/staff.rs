//! `staff`: the roster.

use crate::args::StaffCmd;
use crate::context::{print_json, Context};
use ce_ledger_core::domain::idcard;
use ce_ledger_core::ledger::staff;
use ce_ledger_core::Result;

pub fn run(ctx: &mut Context, cmd: StaffCmd) -> Result<()> {
    match cmd {
        StaffCmd::Import(args) => {
            let o = crate::cmd::import::run(ctx, ce_ledger_core::io::import::Kind::Staff, args)?;
            println!("已导入 {} 名人员", o.imported);
        }
        StaffCmd::List { json, all } => {
            let q = staff::StaffQuery {
                include_archived: all,
                ..Default::default()
            };
            let (_, people) = staff::list(ctx.conn()?, &q)?;
            if json {
                print_json(&people)?;
            } else {
                for p in people {
                    let flag = if p.archived { "（已归档）" } else { "" };
                    println!(
                        "{}\t{}\t{}\t{}\t{}{flag}",
                        p.id,
                        p.name,
                        idcard::mask(&p.id_number),
                        p.department,
                        p.title
                    );
                }
            }
        }
        StaffCmd::Add {
            name,
            id_number,
            department,
            title,
            mobile,
            employment,
            not_professional,
            joined_on,
            left_on,
        } => {
            let s = staff::add(
                ctx.conn()?,
                &staff::StaffInput {
                    name,
                    id_number,
                    department,
                    title,
                    mobile,
                    employment,
                    professional: Some(!not_professional),
                    joined_on,
                    left_on,
                    ..Default::default()
                },
            )?;
            println!("已添加：{}（编号 {}）", s.name, s.id);
        }
        StaffCmd::Archive { id } => {
            let s = staff::set_archived(ctx.conn()?, id, true)?;
            println!("已归档：{}", s.name);
        }
    }
    Ok(())
}

/// The person with this ID number, or a message that names no number.
pub fn find(conn: &ce_ledger_core::ledger::db::Connection, raw: &str) -> Result<staff::Staff> {
    let id = idcard::IdNumber::parse(raw).map_err(ce_ledger_core::Error::Invalid)?;
    staff::find_by_id_number(conn, id.as_str())?
        .ok_or_else(|| ce_ledger_core::Error::NotFound("该身份证号的人员".into()))
}

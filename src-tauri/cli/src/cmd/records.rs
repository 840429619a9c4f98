//! `records`: hour records, imported or listed.

use crate::args::RecordsCmd;
use crate::cmd::import;
use crate::context::{print_json, Context};
use ce_ledger_core::ledger::records;
use ce_ledger_core::Result;

pub fn run(ctx: &mut Context, cmd: RecordsCmd) -> Result<()> {
    match cmd {
        RecordsCmd::Import(args) => {
            let o = import::run(ctx, ce_ledger_core::io::import::Kind::Records, args)?;
            if o.imported > 0 || o.already_present > 0 {
                println!("已导入 {} 条学时记录，待单位审核", o.imported);
            }
            if o.people_added > 0 {
                println!("已将 {} 名不在名册中的人员加入名册", o.people_added);
            }
            if o.certificates_attached > 0 {
                println!("已随记录添加证明材料 {} 个", o.certificates_attached);
            }
        }
        RecordsCmd::ImportCity(args) => {
            let o = import::run(ctx, ce_ledger_core::io::import::Kind::City, args)?;
            println!(
                "已导入 {} 条市平台学习记录（已同步，无需审核）；{} 条已在台账中，未重复导入",
                o.imported, o.already_present
            );
        }
        RecordsCmd::List { year, json } => {
            let list = records::list(
                ctx.conn()?,
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
    }
    Ok(())
}

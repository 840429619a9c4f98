//! `records`: hour records, imported or listed.

use crate::args::RecordsCmd;
use crate::context::{print_json, Context};
use ce_ledger_core::io::{import, record_import, table};
use ce_ledger_core::ledger::records;
use ce_ledger_core::{Error, Result};

pub fn run(ctx: &mut Context, cmd: RecordsCmd) -> Result<()> {
    let conn = ctx.conn()?;
    match cmd {
        RecordsCmd::Import { file } => {
            let s = record_import::import_csv(conn, &file)?;
            println!(
                "已导入 {} 条学时记录（涉及 {} 人），待单位审核",
                s.imported, s.people
            );
        }
        RecordsCmd::ImportCity { file } => {
            let bytes = std::fs::read(&file).map_err(|e| Error::Io {
                path: file.display().to_string(),
                reason: e.to_string(),
            })?;
            let o = import::commit(
                conn,
                import::Kind::City,
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
        RecordsCmd::List { year, json } => {
            let list = records::list(
                conn,
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

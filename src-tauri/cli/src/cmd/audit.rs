//! `audit`: the audit trail and its check.

use crate::args::AuditCmd;
use crate::context::{print_json, Context};
use ce_ledger_core::ledger::audit;
use ce_ledger_core::{Error, Result};

pub fn run(ctx: &mut Context, cmd: AuditCmd) -> Result<()> {
    let conn = ctx.conn()?;
    match cmd {
        AuditCmd::Log { record, json } => {
            let events = audit::log(conn, record)?;
            if json {
                return print_json(&events);
            }
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
            Ok(())
        }
        AuditCmd::Verify => {
            let v = audit::verify(conn)?;
            match v.broken {
                None if v.differences.is_empty() => {
                    println!(
                        "审计链完整：共 {} 个事件，均未被改动；台账内容与审计记录一致",
                        v.events
                    );
                    Ok(())
                }
                None => Err(Error::invalid(format!(
                    "台账内容与审计记录不一致（审计链本身完好，共 {} 个事件），以下内容在程序之外被改动：\n{}",
                    v.events,
                    v.differences.join("\n")
                ))),
                Some((id, why)) => Err(Error::invalid(format!(
                    "审计链在第{id}号事件处断开：{why}（此前 {} 个事件完好）",
                    v.events
                ))),
            }
        }
    }
}

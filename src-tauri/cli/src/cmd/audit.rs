//! `audit`: the audit trail and its check.

use crate::args::AuditCmd;
use crate::context::{print_json, Context};
use ce_ledger_core::ledger::{audit, key};
use ce_ledger_core::{Error, Result};

pub fn run(ctx: &mut Context, cmd: AuditCmd) -> Result<()> {
    // A ledger carried to this computer without its key does not open: its key file opens it.
    if let AuditCmd::Key {
        import: Some(from), ..
    } = &cmd
    {
        let place = ce_ledger_core::ledger::lock::import_key_file(ctx.path(), from)?;
        println!("已导入审计密钥，保存在{place}");
        return Ok(());
    }
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
        AuditCmd::Verify { anchor } => {
            let outside = anchor
                .iter()
                .map(|path| {
                    let a = ce_ledger_core::io::anchor::read(path, key::installed(conn)?.as_ref())?;
                    Ok((
                        format!("锚点 {}", ce_ledger_core::io::table::file_label(path)),
                        a,
                    ))
                })
                .collect::<Result<Vec<_>>>()?;
            let v = audit::verify_with(conn, outside)?;
            for line in &v.anchors {
                println!("{line}");
            }
            if v.holds() {
                println!("{}", v.summary);
                return Ok(());
            }
            let mut report = Vec::new();
            if let Some((id, why)) = &v.broken {
                report.push(format!(
                    "审计链在第{id}号事件处断开：{why}（此前 {} 个事件完好）",
                    v.events
                ));
            }
            report.extend(v.problems.iter().cloned());
            if !v.differences.is_empty() {
                report.push(format!(
                    "台账内容与审计记录不一致，以下内容在程序之外被改动：\n{}",
                    v.differences.join("\n")
                ));
            }
            Err(Error::invalid(report.join("\n")))
        }
        AuditCmd::Key { export, import } => {
            if let Some(out) = export {
                key::export(conn, &out)?;
                println!(
                    "已将本台账的审计密钥写入 {}（仅本人可读）。请与备份分开妥善保管",
                    out.display()
                );
                return Ok(());
            }
            if let Some(from) = import {
                let place = key::import(conn, &from)?;
                println!("已导入审计密钥，保存在{place}");
                return Ok(());
            }
            match key::place(conn)? {
                Some(place) => println!(
                    "台账编号 {}；审计密钥保存在{place}",
                    key::ledger_id(conn)?.unwrap_or_default()
                ),
                None => return Err(Error::invalid(key::missing_message(conn)?)),
            }
            Ok(())
        }
    }
}

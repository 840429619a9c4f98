//! `review`: the unit's audit of declarations.

use crate::args::ReviewCmd;
use crate::context::Context;
use ce_ledger_core::ledger::{evidence, records, review};
use ce_ledger_core::{Error, Result};

pub fn run(ctx: &mut Context, cmd: ReviewCmd) -> Result<()> {
    match cmd {
        ReviewCmd::Approve {
            ids,
            all_pending,
            year,
            by,
        } => {
            let conn = ctx.conn()?;
            // clap makes --all-pending come with --year and without record ids.
            match year.filter(|_| all_pending) {
                Some(year) => {
                    let out = review::approve_eligible(
                        conn,
                        &records::RecordFilter {
                            year: Some(year),
                            ..Default::default()
                        },
                        &by,
                        // `--by` is the reviewer's confirmation of each evidence checklist.
                        &review::Checklist::ConfirmedBy,
                    )?;
                    println!("已审核通过 {} 条记录", out.approved.len());
                    for s in &out.skipped {
                        println!(
                            "未通过：记录{}（{} {}）：{}",
                            s.id, s.name, s.title, s.reason
                        );
                    }
                }
                None => {
                    let done = review::approve(conn, &ids, &by)?;
                    println!("已审核通过 {} 条记录", done.len());
                }
            }
        }
        ReviewCmd::Reject { id, reason, by } => {
            let r = review::reject(ctx.conn()?, id, &reason, &by)?;
            println!(
                "已驳回记录{}（{} {}）：{}",
                r.id, r.name, r.title, r.review_reason
            );
        }
        ReviewCmd::Reopen { id, reason, by } => {
            let r = review::reopen(ctx.conn()?, id, &reason, &by)?;
            println!("已撤销通过，记录{}回到待审核：{}", r.id, r.review_reason);
        }
        ReviewCmd::Attach { id, file, by } => {
            let bytes = std::fs::read(&file).map_err(|e| Error::Io {
                path: file.display().to_string(),
                reason: e.to_string(),
            })?;
            let by = ctx.actor(by)?;
            let a = evidence::attach(ctx.conn()?, id, &file.to_string_lossy(), &bytes, &by)?;
            println!("已添加证明材料：{}（{} 字节）", a.name, a.size);
        }
    }
    Ok(())
}

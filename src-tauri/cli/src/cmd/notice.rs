//! `notice`: notices sent to staff, and the reminder list.

use crate::args::NoticeCmd;
use crate::context::Context;
use ce_ledger_core::io::reminders;
use ce_ledger_core::ledger::{notice, progress};
use ce_ledger_core::Result;

pub fn run(ctx: &mut Context, cmd: NoticeCmd) -> Result<()> {
    match cmd {
        NoticeCmd::Add {
            date,
            channel,
            content,
            id_numbers,
            short_in,
            by,
        } => {
            let by = ctx.actor(by)?;
            let conn = ctx.conn()?;
            let mut recipients = Vec::new();
            for raw in &id_numbers {
                recipients.push(super::staff::find(conn, raw)?.id);
            }
            let n = notice::add(
                conn,
                &notice::NoticeInput {
                    date,
                    channel,
                    content,
                    recipients,
                    all_short_of: short_in,
                },
                &by,
            )?;
            println!(
                "已登记通知：{} {}，通知 {} 人",
                n.date, n.channel, n.recipients
            );
        }
        NoticeCmd::List { year } => {
            for n in notice::list(ctx.conn()?, year)? {
                println!(
                    "{}\t{}\t{}人\t{}",
                    n.date, n.channel, n.recipients, n.content
                );
            }
        }
        NoticeCmd::Reminders { year, out } => {
            let rows = notice::reminders(ctx.conn()?, year, progress::today())?;
            reminders::write_reminders(&out, year, &rows)?;
            println!(
                "提醒名单已写入 {}（{} 人未达标）",
                out.display(),
                rows.len()
            );
        }
    }
    Ok(())
}

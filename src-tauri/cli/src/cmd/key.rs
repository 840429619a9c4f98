//! `key`: the ledger's encryption key, its recovery code, and the deliberate steps around them.

use crate::args::KeyCmd;
use crate::context::Context;
use ce_ledger_core::ledger::{key, lock};
use ce_ledger_core::{Error, Result};

pub fn run(ctx: &mut Context, cmd: KeyCmd) -> Result<()> {
    match cmd {
        KeyCmd::Recover { code } => {
            let id = lock::recover(ctx.path(), &code)?;
            println!(
                "恢复码正确：台账（编号 {id}）的密钥已保存在本机，可以照常使用 {}",
                ctx.path().display()
            );
            Ok(())
        }
        KeyCmd::Adopt { by } => {
            let by = by.unwrap_or_else(|| "专管员".to_string());
            let conn = lock::adopt(ctx.path(), &by)?;
            println!(
                "已改用 {} 作为台账（编号 {}）；原文件已保留在 backups 文件夹中，此操作已记入审计",
                ctx.path().display(),
                key::ledger_id(&conn)?.unwrap_or_default()
            );
            Ok(())
        }
        KeyCmd::Sheet { out } => {
            let conn = ctx.conn()?;
            ce_ledger_core::io::pdf::write_recovery_sheet(conn, &out)?;
            println!(
                "已生成恢复码单 {}：请打印后与单位公章一同保管，然后删除该文件",
                out.display()
            );
            Ok(())
        }
        KeyCmd::Show => {
            let conn = ctx.conn()?;
            let id = key::ledger_id(conn)?.unwrap_or_default();
            let place = key::place(conn)?
                .ok_or_else(|| Error::invalid(key::missing_message(conn).unwrap_or_default()))?;
            let (_, kept) = lock::recovery(conn)?;
            println!("台账编号 {id}；密钥保存在{place}");
            println!(
                "台账文件：{}",
                if lock::is_encrypted(conn)? {
                    "已加密"
                } else {
                    "未加密"
                }
            );
            println!(
                "恢复码：{}",
                if kept {
                    "已打印或确认保存"
                } else {
                    "尚未确认保存，请运行“ce-ledger key sheet --out 恢复码.pdf”打印"
                }
            );
            Ok(())
        }
    }
}

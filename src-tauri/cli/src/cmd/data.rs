//! `export`, `backup`, `restore` and `demo`: the ledger as a whole, in and out.

use crate::context::Context;
use ce_ledger_core::dev::sample;
use ce_ledger_core::io::{backup, export};
use ce_ledger_core::ledger::staff;
use ce_ledger_core::{Error, Result};
use std::path::Path;

pub fn export(ctx: &mut Context, year: i32, out: &Path, by: Option<String>) -> Result<()> {
    let by = ctx.actor(by)?;
    let s = export::export(ctx.conn()?, year, out, &by)?;
    println!(
        "已导出 {} 行认定学时到 {}（不含市平台已同步学时）",
        s.rows, s.path
    );
    if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        println!(
            "审计锚点另存为 {}（CSV只含数据行，便于上传；锚点文件请与CSV一起保存）",
            ce_ledger_core::io::anchor::sidecar(out).display()
        );
    }
    Ok(())
}

pub fn backup(ctx: &mut Context, out: &Path) -> Result<()> {
    let b = backup::backup(ctx.conn()?, out)?;
    println!("已备份到 {}（{} 字节，已校验）", b.path, b.bytes);
    Ok(())
}

pub fn restore(ctx: &mut Context, file: &Path, by: Option<String>) -> Result<()> {
    let by = ctx.actor(by)?;
    let b = backup::restore(ctx.conn()?, file, &by)?;
    println!(
        "已从 {} 恢复；恢复前的台账另存为 {}",
        file.display(),
        b.path
    );
    Ok(())
}

/// Fills an empty ledger with a deterministic sample unit.
pub fn demo(ctx: &mut Context, people: usize, per_person: usize, year: i32) -> Result<()> {
    let conn = ctx.conn()?;
    let (count, _) = staff::list(
        conn,
        &staff::StaffQuery {
            include_archived: true,
            page_size: 1,
            ..Default::default()
        },
    )?;
    if count > 0 {
        return Err(Error::invalid("台账中已有人员，示例数据只能写入空台账"));
    }
    sample::populate(conn, people, per_person, year, &std::env::temp_dir())?;
    println!("已生成示例台账：{people} 人，每人 {per_person} 条{year}年度记录");
    Ok(())
}

/// Writes the sample unit's roster and records as CSV files, touching no ledger.
pub fn demo_files(dir: &Path, people: usize, per_person: usize, year: i32) -> Result<()> {
    let (staff_csv, records_csv) = sample::write_files(dir, people, per_person, year)?;
    println!("{}\n{}", staff_csv.display(), records_csv.display());
    Ok(())
}

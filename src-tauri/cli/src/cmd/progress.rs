//! `progress` and `applicant`: everyone's standing, and who applies for a title.

use crate::context::{print_json, Context};
use ce_ledger_core::domain::dates::parse_date;
use ce_ledger_core::ledger::progress;
use ce_ledger_core::{Error, Result};

pub fn show(ctx: &mut Context, year: i32, json: bool) -> Result<()> {
    let p = progress::progress(ctx.conn()?, year, progress::today())?;
    if json {
        return print_json(&p);
    }
    for s in &p.staff {
        let state = if s.compliant {
            "达标".to_string()
        } else {
            format!("差公需{} 专业{}", s.short_public, s.short_professional)
        };
        println!(
            "{}\t{}\t公需{}\t专业{}\t待审{}\t{state}",
            s.name, s.department, s.public, s.professional, s.pending
        );
    }
    Ok(())
}

/// Marks a title applicant with their materials date, or unmarks them (`materials_date` None).
pub fn applicant(
    ctx: &mut Context,
    id_number: &str,
    year: i32,
    materials_date: Option<String>,
) -> Result<()> {
    let conn = ctx.conn()?;
    let person = super::staff::find(conn, id_number)?;
    let date = materials_date
        .map(|d| parse_date(&d).map_err(Error::Invalid))
        .transpose()?;
    progress::set_title_applicant(conn, person.id, year, date)?;
    println!(
        "{}：{}",
        person.name,
        if date.is_some() {
            "已标记为拟申报职称"
        } else {
            "已取消拟申报职称"
        }
    );
    Ok(())
}

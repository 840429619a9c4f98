//! `policy`: the year's requirement, topics and dates, and the working-day calendar.

use crate::args::PolicyCmd;
use crate::context::{print_json, Context};
use ce_ledger_core::io::jsonfile;
use ce_ledger_core::ledger::policy;
use ce_ledger_core::Result;

pub fn run(ctx: &mut Context, cmd: PolicyCmd) -> Result<()> {
    let conn = ctx.conn()?;
    match cmd {
        PolicyCmd::Show { year } => print_json(&policy::get_or_create(conn, year)?),
        PolicyCmd::Set { file } => {
            let p: policy::YearPolicy = jsonfile::read(&file)?;
            print_json(&policy::save(conn, &p)?)
        }
        PolicyCmd::Calendar { file } => {
            let c: policy::CalendarYear = jsonfile::read(&file)?;
            policy::set_calendar_year(conn, &c)?;
            println!(
                "已更新{}年调休安排：放假{}天，调休上班{}天",
                c.year,
                c.off.len(),
                c.work.len()
            );
            Ok(())
        }
    }
}

//! `unit`: the unit profile.

use crate::args::UnitCmd;
use crate::context::{print_json, Context};
use ce_ledger_core::io::jsonfile;
use ce_ledger_core::ledger::unit;
use ce_ledger_core::Result;

pub fn run(ctx: &mut Context, cmd: UnitCmd) -> Result<()> {
    let conn = ctx.conn()?;
    match cmd {
        UnitCmd::Show => print_json(&unit::get(conn)?),
        UnitCmd::Set { file } => {
            let p: unit::UnitProfile = jsonfile::read(&file)?;
            print_json(&unit::save(conn, &p)?)
        }
    }
}

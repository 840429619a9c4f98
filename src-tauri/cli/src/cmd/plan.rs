//! `plan`: the unit's training plans and the appendix 2 form.

use crate::args::{PlanCmd, PlanTarget};
use crate::context::{print_json, Context};
use ce_ledger_core::domain::dates::parse_date;
use ce_ledger_core::io::{jsonfile, pdf};
use ce_ledger_core::ledger::plan;
use ce_ledger_core::{files, Error, Result};
use std::path::Path;

pub fn run(ctx: &mut Context, cmd: PlanCmd) -> Result<()> {
    match cmd {
        PlanCmd::Add { file } => {
            let form: plan::PlanForm = jsonfile::read(&file)?;
            let by = ctx.actor(None)?;
            let p = plan::add(ctx.conn()?, &form, &by)?;
            println!("已添加培训计划 {}：{}", p.id, p.form.project);
        }
        PlanCmd::List { json, year } => {
            let plans = plan::list(ctx.conn()?, year)?;
            if json {
                return print_json(&plans);
            }
            for p in plans {
                println!(
                    "{}\t{}\t{}\t{}\t{}～{}\t{}学时",
                    p.id,
                    p.year,
                    p.status_label,
                    p.form.project,
                    p.form.start,
                    p.form.end,
                    p.form.hours
                );
            }
        }
        PlanCmd::Pdf {
            id,
            from,
            out,
            seal,
            date,
            copies,
            two_copies,
        } => {
            let opts = pdf::FormOptions {
                seal_png: seal.as_deref().map(pdf::read_seal).transpose()?,
                date: date
                    .as_deref()
                    .map(parse_date)
                    .transpose()
                    .map_err(|m| Error::invalid(format!("--date：{m}")))?,
                two_copies: copies == 2 || two_copies,
            };
            // clap gives exactly one of ID and --from; a form from a file needs no ledger.
            match (id, from) {
                (Some(id), _) => {
                    pdf::print_plan(ctx.conn()?, id, &opts, |bytes| write_form(&out, &bytes))?
                }
                (None, Some(from)) => {
                    write_form(&out, &pdf::render(&jsonfile::read(&from)?, &opts)?)?
                }
                (None, None) => return Err(Error::invalid("请给出计划编号，或 --from PLAN.json")),
            }
        }
        PlanCmd::Status {
            id,
            to,
            date,
            number,
            reason,
            by,
        } => {
            let need = |v: Option<String>, what: &str| {
                v.ok_or_else(|| Error::invalid(format!("请给出 --{what}")))
            };
            let t = match to {
                PlanTarget::Printed => plan::Transition::Printed,
                PlanTarget::Submitted => plan::Transition::Submitted {
                    date: need(date, "date")?,
                },
                PlanTarget::Filed => plan::Transition::Filed {
                    date: need(date, "date")?,
                    number: need(number, "number")?,
                },
                PlanTarget::Returned => plan::Transition::Returned {
                    reason: need(reason, "reason")?,
                },
            };
            let by = ctx.actor(by)?;
            let p = plan::transition(ctx.conn()?, id, &t, &by)?;
            println!("培训计划 {}：{}", p.id, p.status_label);
        }
    }
    Ok(())
}

/// Nothing is written when anything before this failed.
fn write_form(out: &Path, bytes: &[u8]) -> Result<()> {
    files::write_bytes(out, bytes)?;
    println!("已生成 {}", out.display());
    Ok(())
}

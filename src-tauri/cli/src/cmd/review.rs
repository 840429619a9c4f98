//! `review`: the unit's audit of declarations.

use crate::args::ReviewCmd;
use crate::context::Context;
use ce_ledger_core::io::certificates;
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
        ReviewCmd::AttachBulk {
            source,
            year,
            picks,
            dry_run,
            by,
        } => attach_bulk(ctx, &source, year, &picks, dry_run, by)?,
    }
    Ok(())
}

/// At most this many lines are printed for each part of the matching report.
const LISTED: usize = 20;

fn listed<T>(items: &[T], line: impl Fn(&T) -> String) {
    for item in items.iter().take(LISTED) {
        println!("  {}", line(item));
    }
    if items.len() > LISTED {
        println!("  …另有 {} 项", items.len() - LISTED);
    }
}

fn attach_bulk(
    ctx: &mut Context,
    source: &std::path::Path,
    year: i32,
    picks: &[(String, i64)],
    dry_run: bool,
    by: Option<String>,
) -> Result<()> {
    let by = ctx.actor(by)?;
    let label = ce_ledger_core::io::table::file_label(source);
    let bundle = certificates::read(source)?;
    let conn = ctx.conn()?;
    let plan = certificates::plan(conn, year, &label, &bundle)?;
    let record = |r: &certificates::RecordBrief| {
        format!(
            "记录{} {} {} {} {}",
            r.record_id, r.department, r.name, r.start, r.title
        )
    };
    println!("{label}：{} 个证明材料文件", bundle.certificates.len());
    println!("对应到一条记录：{} 个", plan.matched.len());
    let picked: Vec<&str> = picks.iter().map(|(p, _)| p.as_str()).collect();
    let open: Vec<&certificates::DoubtfulFile> = plan
        .doubtful
        .iter()
        .filter(|d| !picked.contains(&d.path.as_str()))
        .collect();
    if !plan.doubtful.is_empty() {
        println!(
            "可能对应多条记录：{} 个（用 --pick 文件=记录编号 指定，未指定的不添加）",
            plan.doubtful.len()
        );
        listed(&open, |d| {
            let choices: Vec<String> = d.choices.iter().map(record).collect();
            format!("{}：{}", d.path, choices.join("；"))
        });
    }
    if !plan.unmatched.is_empty() {
        println!("没有对应记录的文件：{} 个（不添加）", plan.unmatched.len());
        listed(&plan.unmatched, |p| p.clone());
    }
    if !plan.without_file.is_empty() {
        println!("仍没有证明材料的待审核记录：{} 条", plan.without_file.len());
        listed(&plan.without_file, record);
    }
    if !plan.passed_over.is_empty() {
        println!("跳过的系统文件：{}", plan.passed_over.join("、"));
    }
    if dry_run {
        println!("（--dry-run：未添加任何文件）");
        return Ok(());
    }
    let picks: Vec<certificates::Pick> = picks
        .iter()
        .map(|(path, record_id)| certificates::Pick {
            path: path.clone(),
            record_id: *record_id,
        })
        .collect();
    let out = certificates::attach(conn, year, &label, &bundle, &picks, &by)?;
    println!(
        "已添加证明材料 {} 个{}",
        out.attached,
        if out.already > 0 {
            format!("；{} 个已在对应记录中，未重复添加", out.already)
        } else {
            String::new()
        }
    );
    Ok(())
}

//! The imports of `staff import`, `records import` and `records import-city`: the one-pass
//! report the window shows (columns ignored, rows skipped, values read in the notice's words,
//! cells converted, errors grouped), then the import, all or nothing.

use crate::args::ImportArgs;
use crate::context::Context;
use ce_ledger_core::io::import::{self, Attempt, FixFile, Kind, Options};
use ce_ledger_core::io::{jsonfile, table};
use ce_ledger_core::{Error, Result};

/// The largest file an import reads, as in the window.
const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;

/// At most this many rows are listed for one kind of error; the full list follows the summary.
const EXAMPLES: usize = 5;

pub fn run(ctx: &mut Context, kind: Kind, args: ImportArgs) -> Result<import::Outcome> {
    let fixes = match &args.fix {
        Some(path) => jsonfile::read::<FixFile>(path)?.fixes,
        None => Vec::new(),
    };
    let options = Options {
        map: args.map,
        accept_suggested: args.accept_suggested,
        fixes,
        add_people: args.add_people,
        leave_out: args.leave_out,
        evidence: args
            .evidence
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()),
        ..Default::default()
    };
    let name = args.file.to_string_lossy();
    let read = || ce_ledger_core::files::read_capped(&args.file, MAX_FILE_BYTES);
    let conn = ctx.conn()?;
    // One pass: the report, and the import itself unless anything is wrong or it is a dry run.
    // The file's bytes go once it is read: a large file is not held through the import.
    let prepared = import::prepare(conn, kind, &name, &read()?, &options, &table::no_progress)?;
    let a = import::attempt_prepared(
        conn,
        kind,
        prepared,
        &options,
        args.dry_run,
        &table::no_progress,
    )?;
    report(&a, options.accept_suggested);
    if !a.errors.is_empty() {
        if let Some(out) = &args.annotate {
            let rows = import::annotate(conn, kind, &name, &read()?, &options, out)?;
            println!(
                "已写出标注错误的工作簿：{}（{rows}行有问题，见“问题”列）",
                table::file_label(out)
            );
        }
        return Err(Error::Rows {
            file: a.file,
            errors: a.errors,
        });
    }
    if args.dry_run {
        println!(
            "检查完毕，没有错误：将导入 {} 条（未写入，去掉 --dry-run 即导入）",
            a.outcome.imported
        );
        return Ok(import::Outcome {
            imported: 0,
            ..a.outcome
        });
    }
    Ok(a.outcome)
}

/// What the preview found, in the order an officer works through it.
fn report(p: &Attempt, accepted: bool) {
    if !p.ignored.is_empty() {
        println!("未导入的列：{}", p.ignored.join("、"));
    }
    for s in &p.skipped {
        println!("跳过第{}行（{}）：{}", s.line, s.why, s.text);
    }
    let mut unanswered = 0;
    for q in &p.questions {
        let label = |code: &str| {
            q.options
                .iter()
                .find(|o| o.code == code)
                .map_or(code.to_string(), |o| o.label.to_string())
        };
        match (&q.chosen, &q.suggestion) {
            (Some(c), _) => println!(
                "{}“{}”→{}（{}）：{}行",
                q.field,
                q.raw,
                label(c),
                q.source,
                q.rows
            ),
            (None, Some(s)) => {
                unanswered += 1;
                println!(
                    "{}“{}”建议→{}，未确认：{}行",
                    q.field,
                    q.raw,
                    label(s),
                    q.rows
                )
            }
            (None, None) => println!(
                "{}“{}”无法对应：{}行，可选：{}",
                q.field,
                q.raw,
                q.rows,
                q.options
                    .iter()
                    .map(|o| o.label)
                    .collect::<Vec<_>>()
                    .join("/")
            ),
        }
    }
    if unanswered > 0 && !accepted {
        println!("有{unanswered}个取值待确认：核对以上建议后加 --accept-suggested 采纳（会记住，下次自动采用）");
    }
    if !p.converted.is_empty() {
        let examples: Vec<String> = p
            .converted
            .iter()
            .take(EXAMPLES)
            .map(|c| format!("第{}行{}“{}”→{}", c.line, c.column, c.from, c.to))
            .collect();
        println!(
            "按写法换算{}处：{}…",
            p.converted.len(),
            examples.join("；")
        );
    }
    if let Some(c) = &p.certificates {
        println!(
            "证明材料（{}）：对应到一条记录 {} 个；可能对应多条 {} 个（导入后用 review attach-bulk {} --year {} --pick 文件=记录编号 指定）；没有对应记录 {} 个；仍没有证明材料的记录 {} 条",
            c.source,
            c.matched.len(),
            c.doubtful.len(),
            c.source,
            c.year,
            c.unmatched.len(),
            c.without_file.len()
        );
    }
    if p.addable_rows > 0 {
        println!(
            "{}行的人员不在名册中但有姓名和身份证号：加 --add-people 一并加入名册",
            p.addable_rows
        );
    }
    let groups = import::group_errors(&p.errors);
    if !groups.is_empty() {
        println!("共{}处错误，按类别：", p.errors.len());
        for g in &groups {
            let lines: Vec<String> = p
                .errors
                .iter()
                .filter(|e| e.column == g.column && e.message == g.message)
                .take(EXAMPLES)
                .map(|e| e.line.to_string())
                .collect();
            let more = if g.rows > EXAMPLES { "…" } else { "" };
            println!(
                "  【{}】{}：{}行（第{}{more}行）",
                g.column,
                g.message,
                g.rows,
                lines.join("、")
            );
        }
    }
}

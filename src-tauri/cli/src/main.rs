//! `ce-ledger`: the officer's command-line tool over the same ledger as the desktop app.
//! This file parses and dispatches; `args` declares the command line, `cmd/<noun>` runs it.

mod args;
mod cmd;
mod context;

use args::{Cli, Command};
use clap::Parser;
use context::Context;
use std::process::ExitCode;

fn main() -> ExitCode {
    ce_ledger_core::platform::quiet_broken_pipe();
    ce_ledger_core::platform::console_speaks_utf8();
    ce_ledger_core::platform::install_panic_hook("ce-ledger");
    let cli = Cli::parse();
    let mut ctx = Context::new(cli.db.as_deref());
    match run(&mut ctx, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

fn run(ctx: &mut Context, command: Command) -> ce_ledger_core::Result<()> {
    match command {
        Command::Where => {
            println!("{}", ctx.path().display());
            Ok(())
        }
        Command::Staff(c) => cmd::staff::run(ctx, c),
        Command::Unit(c) => cmd::unit::run(ctx, c),
        Command::Records(c) => cmd::records::run(ctx, c),
        Command::Progress { year, json } => cmd::progress::show(ctx, year, json),
        Command::Policy(c) => cmd::policy::run(ctx, c),
        Command::Applicant {
            id_number,
            year,
            materials_date,
            remove: _,
        } => cmd::progress::applicant(ctx, &id_number, year, materials_date),
        Command::Demo {
            staff,
            records_per_person,
            year,
            files_only: Some(dir),
        } => cmd::data::demo_files(&dir, staff, records_per_person, year),
        Command::Demo {
            staff,
            records_per_person,
            year,
            files_only: None,
        } => cmd::data::demo(ctx, staff, records_per_person, year),
        Command::Review(c) => cmd::review::run(ctx, c),
        Command::Audit(c) => cmd::audit::run(ctx, c),
        Command::Key(c) => cmd::key::run(ctx, c),
        Command::Notice(c) => cmd::notice::run(ctx, c),
        Command::Plan(c) => cmd::plan::run(ctx, c),
        Command::Export { year, out, by } => cmd::data::export(ctx, year, &out, by),
        Command::Backup { out } => cmd::data::backup(ctx, &out),
        Command::Restore { file, by } => cmd::data::restore(ctx, &file, by),
    }
}

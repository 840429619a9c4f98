//! Issue 26, item 7: what encryption costs, measured side by side in one run on the 10,000-staff
//! ledger (10,000 staff × 20 records): the import that fills it, open-to-dashboard, and
//! `audit verify`, on a SQLCipher ledger and on the same program's plain one. Target: at most
//! 15 % slower. Each step runs `RUNS` times per kind, alternating; the medians are compared.
//! Prints a table and writes it to target/bench-encryption.txt.

use ce_ledger_core::dev::{open_plain_for_comparison, sample};
use ce_ledger_core::ledger::{audit, db, progress};
use chrono::NaiveDate;
use std::path::Path;
use std::time::{Duration, Instant};

const STAFF: usize = 10_000;
const PER_PERSON: usize = 20;
const YEAR: i32 = 2025;
const RUNS: usize = 3;
const REPEAT: usize = 5;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Encrypted,
    Plain,
}

fn open(kind: Kind, path: &Path) -> rusqlite::Connection {
    match kind {
        Kind::Encrypted => db::open(path).unwrap(),
        Kind::Plain => open_plain_for_comparison(path).unwrap(),
    }
}

/// One run: (import, open to dashboard, verify).
fn run(kind: Kind, dir: &Path) -> [Duration; 3] {
    let path = dir.join(match kind {
        Kind::Encrypted => "encrypted.sqlite3",
        Kind::Plain => "plain.sqlite3",
    });
    let files = dir.join(format!("files-{}", kind as u8));
    std::fs::create_dir_all(&files).unwrap();
    let mut conn = open(kind, &path);
    let started = Instant::now();
    sample::populate(&mut conn, STAFF, PER_PERSON, YEAR, &files).unwrap();
    let import = started.elapsed();
    drop(conn);
    // The shorter steps are taken REPEAT times on the same ledger, the median kept: one run of a
    // 50 ms step says little.
    let mut dashboards = Vec::new();
    let mut verifies = Vec::new();
    for _ in 0..REPEAT {
        let started = Instant::now();
        let conn = open(kind, &path);
        let today = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
        let board = progress::dashboard(&conn, YEAR, today).unwrap();
        std::hint::black_box(board);
        dashboards.push(started.elapsed());
        let started = Instant::now();
        let v = audit::verify(&conn).unwrap();
        assert!(v.holds(), "{v:?}");
        verifies.push(started.elapsed());
    }
    let _ = std::fs::remove_dir_all(dir);
    [import, median(dashboards), median(verifies)]
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes --bench; a filter that is not ours skips the run.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with("--") && a != "encryption")
    {
        return;
    }
    let root =
        std::env::temp_dir().join(format!("ce-ledger-encryption-bench-{}", std::process::id()));
    let mut times: [[Vec<Duration>; 3]; 2] = Default::default();
    for i in 0..RUNS {
        for kind in [Kind::Encrypted, Kind::Plain] {
            let dir = root.join(format!("{i}"));
            std::fs::create_dir_all(&dir).unwrap();
            let t = run(kind, &dir);
            for (step, d) in t.into_iter().enumerate() {
                times[kind as usize][step].push(d);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    let mut table = format!(
        "Encryption cost, {STAFF} staff × {PER_PERSON} records, median of {RUNS} runs (open and verify: of {REPEAT} each per run; release build)\n{:<22}{:>12}{:>12}{:>10}\n",
        "step", "SQLCipher", "plain", "cost"
    );
    for (step, name) in ["import (populate)", "open → dashboard", "audit verify"]
        .iter()
        .enumerate()
    {
        let enc = median(times[0][step].clone());
        let plain = median(times[1][step].clone());
        let cost = (enc.as_secs_f64() / plain.as_secs_f64() - 1.0) * 100.0;
        table.push_str(&format!(
            "{name:<22}{:>10.0}ms{:>10.0}ms{cost:>9.1}%\n",
            enc.as_secs_f64() * 1000.0,
            plain.as_secs_f64() * 1000.0
        ));
    }
    print!("{table}");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-encryption.txt");
    let _ = std::fs::write(out, &table);
}

//! Fault injection: the real CLI on a real ledger of 50,000 records, killed with SIGKILL at random
//! moments during a large import, a batch approval, a bulk attach of certificates, an export and
//! a backup. After every kill the
//! ledger must open without repair, pass SQLite's integrity check and `audit verify`, and hold
//! either all of the interrupted operation's changes or none; its output file is whole or absent.
//!
//! The seed is printed; `CRASH_SEED=N` replays a run, `CRASH_KILLS=N` sets kills per operation.
mod common;

use common::path_str;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

const YEAR: &str = "2025";
const STAFF: usize = 4200;
const RECORDS_PER_PERSON: usize = 12;

/// What "all or none" compares: every table an operation may change, summarised.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    records: i64,
    approved: i64,
    pending: i64,
    recognised_tenths: i64,
    events: i64,
    attachments: i64,
}

fn state(db: &Path) -> State {
    let conn = ce_ledger_core::ledger::lock::open_raw(db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "integrity_check on {}", db.display());
    conn.query_row(
        "SELECT (SELECT COUNT(*) FROM record),
                (SELECT COUNT(*) FROM record WHERE status = 'approved'),
                (SELECT COUNT(*) FROM record WHERE status = 'pending'),
                (SELECT COALESCE(SUM(rec_public + rec_professional), 0) FROM record),
                (SELECT COUNT(*) FROM audit_event),
                (SELECT COUNT(*) FROM record_evidence)",
        [],
        |r| {
            Ok(State {
                records: r.get(0)?,
                approved: r.get(1)?,
                pending: r.get(2)?,
                recognised_tenths: r.get(3)?,
                events: r.get(4)?,
                attachments: r.get(5)?,
            })
        },
    )
    .unwrap()
}

/// The hash of the newest event: what every later event must still chain onto.
fn last_hash(db: &Path) -> String {
    ce_ledger_core::ledger::lock::open_raw(db)
        .unwrap()
        .query_row(
            "SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn hash_of_event(db: &Path, id: i64) -> String {
    ce_ledger_core::ledger::lock::open_raw(db)
        .unwrap()
        .query_row("SELECT hash FROM audit_event WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
}

/// xorshift64*: enough randomness for kill moments, reproducible from the printed seed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

/// The key store's note of whichever ledger was last opened at `ledger` no longer names that
/// place: the harness resets the ledger there on purpose.
fn forget_place(ledger: &Path) {
    let place = ce_ledger_core::platform::place_of(ledger);
    let keys = std::path::PathBuf::from(keys());
    for entry in std::fs::read_dir(&keys).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ledger") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if let Ok(mut note) = serde_json::from_str::<serde_json::Value>(&text) {
                if note["path"] == place.as_str() {
                    note["path"] = "".into();
                    std::fs::write(&path, note.to_string()).unwrap();
                }
            }
        }
    }
}

/// One key store for every copy of the base ledger, shared with the test's own reads.
fn keys() -> std::ffi::OsString {
    std::env::var_os("CE_LEDGER_KEY_DIR").expect("make test sets CE_LEDGER_KEY_DIR")
}

fn cli(db: &Path, args: &[String]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ce-ledger"));
    c.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CE_LEDGER_DB")
        .env("CE_LEDGER_KEY_DIR", keys())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    c
}

/// Runs the command, killing it with SIGKILL after `after` if it is still running.
/// Returns the exit status if it finished by itself.
fn run_or_kill(mut cmd: Command, after: Duration) -> Option<ExitStatus> {
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + after;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            return None;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

struct Operation {
    name: &'static str,
    args: Vec<String>,
    /// The file the operation writes, if any.
    output: Option<PathBuf>,
}

/// Checks an output file left behind: absent, or identical in meaning to the uninterrupted one.
fn check_output(out: &Path, reference: &Path) {
    if !out.exists() {
        return;
    }
    match out.extension().and_then(|e| e.to_str()) {
        Some("csv") => assert_eq!(
            std::fs::read(out).unwrap(),
            std::fs::read(reference).unwrap(),
            "a killed CSV export left a partial file"
        ),
        Some("xlsx") => {
            use calamine::{open_workbook, Reader, Xlsx};
            let rows = |p: &Path| {
                let mut book: Xlsx<_> =
                    open_workbook(p).expect("a killed export left a broken workbook");
                let first = book.sheet_names()[0].clone();
                book.worksheet_range(&first).unwrap().height()
            };
            assert_eq!(rows(out), rows(reference));
        }
        _ => {
            let key = ce_ledger_core::ledger::key::installed(
                &ce_ledger_core::ledger::lock::open_raw(out)
                    .expect("a killed backup left a broken file"),
            )
            .unwrap();
            ce_ledger_core::io::backup::verify_file(out, key.as_ref())
                .expect("a killed backup left a broken file");
            assert_eq!(state(out).records, state(reference).records);
        }
    }
}

#[test]
fn sigkill_at_random_moments_loses_or_half_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let base = work.path().join("base.sqlite3");
    let demo = cli(
        &base,
        &[
            "demo".into(),
            "--staff".into(),
            STAFF.to_string(),
            "--records-per-person".into(),
            RECORDS_PER_PERSON.to_string(),
            "--year".into(),
            YEAR.into(),
        ],
    )
    .output()
    .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let base_state = state(&base);
    assert!(base_state.records >= 50_000, "{base_state:?}");
    assert!(base_state.pending > 1000, "{base_state:?}");
    let base_hash = last_hash(&base);

    // 20,400 new rows for the next year: the large import.
    let people = ce_ledger_core::dev::sample::staff_inputs(STAFF);
    let import_file = work.path().join("import.csv");
    std::fs::write(
        &import_file,
        ce_ledger_core::dev::sample::records_csv(&people[..1700], RECORDS_PER_PERSON, 2026),
    )
    .unwrap();

    // A department's folder of certificates for 4,000 of the pending records, named as
    // secretaries name them (person and date): the bulk attach.
    let certificates = work.path().join("证明材料");
    {
        let conn = ce_ledger_core::ledger::lock::open_raw(&base).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT s.department, s.name, replace(r.start_date, '-', '') FROM record r
                 JOIN staff s ON s.id = r.staff_id
                 WHERE r.status = 'pending' AND r.category <> 'city_platform' LIMIT 4000",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .unwrap();
        for (i, row) in rows.enumerate() {
            let (department, name, date) = row.unwrap();
            let folder = certificates.join(&department);
            std::fs::create_dir_all(&folder).unwrap();
            // A few kilobytes each, as a phone photo saved small; unique, so each is stored.
            let jpeg = [
                &b"\xFF\xD8\xFF\xE0"[..],
                format!("{i:04}").repeat(1000).as_bytes(),
            ]
            .concat();
            std::fs::write(folder.join(format!("{name}-{date}.jpg")), jpeg).unwrap();
        }
    }

    let out = |name: &str| work.path().join(name);
    let export = |name: &'static str, file: &str| {
        let file = out(file);
        Operation {
            name,
            args: ["export", "--year", YEAR, "--out", path_str(&file)]
                .map(String::from)
                .to_vec(),
            output: Some(file),
        }
    };
    let operations = [
        Operation {
            name: "import",
            args: vec![
                "records".into(),
                "import".into(),
                path_str(&import_file).into(),
            ],
            output: None,
        },
        Operation {
            name: "approve",
            args: [
                "review",
                "approve",
                "--all-pending",
                "--year",
                YEAR,
                "--by",
                "审核员",
            ]
            .map(String::from)
            .to_vec(),
            output: None,
        },
        Operation {
            name: "attach-bulk",
            args: vec![
                "review".into(),
                "attach-bulk".into(),
                path_str(&certificates).into(),
                "--year".into(),
                YEAR.into(),
                "--by".into(),
                "审核员".into(),
            ],
            output: None,
        },
        export("export-xlsx", "export.xlsx"),
        export("export-csv", "export.csv"),
        Operation {
            name: "backup",
            args: vec![
                "backup".into(),
                "--out".into(),
                path_str(&out("backup.sqlite3")).into(),
            ],
            output: Some(out("backup.sqlite3")),
        },
    ];

    let seed = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let kills_each: usize = std::env::var("CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
        .max(10);
    eprintln!(
        "crash test seed {seed} ({kills_each} kills per operation; CRASH_SEED={seed} replays)"
    );
    let base = Base {
        path: &base,
        state: base_state,
        hash: base_hash,
    };
    // Two operations at a time, each on a ledger of its own: the runs are single-threaded, and
    // this machine class has two cores.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let total_kills: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut kills = 0;
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(op) = operations.get(i) else {
                            return kills;
                        };
                        let mut rng =
                            Rng(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                        kills +=
                            kill_repeatedly(op, &base, work.path(), &mut rng, seed, kills_each);
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert!(total_kills >= 50, "only {total_kills} kills");
}

/// The ledger every run starts from.
struct Base<'a> {
    path: &'a Path,
    state: State,
    hash: String,
}

/// Copies the base ledger, and the anchor beside it, to `ledger`, leaving nothing of a run before:
/// the evidence folder beside it goes too (only the bulk attach writes there), so every run
/// stores its certificates anew.
fn fresh_copy(base: &Path, ledger: &Path) {
    // Putting an older copy back at a ledger's place is what the key store's head exists to
    // find (issue 26); each run here is a new place, as a copy made on purpose would be.
    forget_place(ledger);
    let _ = std::fs::remove_dir_all(ledger.with_file_name("evidence"));
    std::fs::copy(base, ledger).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", ledger.display()));
    }
    std::fs::copy(
        ce_ledger_core::ledger::anchor::file_beside(base),
        ce_ledger_core::ledger::anchor::file_beside(ledger),
    )
    .unwrap();
}

/// Runs `op` once whole, then kills it at random moments until `kills_each` kills, checking the
/// ledger after each. Returns the number of kills.
fn kill_repeatedly(
    op: &Operation,
    base: &Base<'_>,
    work: &Path,
    rng: &mut Rng,
    seed: u64,
    kills_each: usize,
) -> usize {
    let ledger = work.join(format!("ledger-{}.sqlite3", op.name));
    // The uninterrupted run: how long it takes and what "all" looks like.
    fresh_copy(base.path, &ledger);
    let started = Instant::now();
    let finished = cli(&ledger, &op.args).output().unwrap();
    let took = started.elapsed();
    assert!(
        finished.status.success(),
        "{}: {}",
        op.name,
        String::from_utf8_lossy(&finished.stderr)
    );
    let done_state = state(&ledger);
    let reference = op.output.as_ref().map(|o| {
        let keep = o.with_file_name(format!(
            "reference-{}",
            o.file_name().unwrap().to_str().unwrap()
        ));
        std::fs::rename(o, &keep).unwrap();
        keep
    });
    // A backup reads the ledger; everything else changes it.
    assert_eq!(done_state == base.state, op.name == "backup", "{}", op.name);

    let mut kills = 0;
    let mut attempts = 0;
    let mut left_all = 0;
    while kills < kills_each {
        attempts += 1;
        assert!(
            attempts < kills_each * 4,
            "{}: too few runs were still going when killed",
            op.name
        );
        fresh_copy(base.path, &ledger);
        if let Some(o) = &op.output {
            let _ = std::fs::remove_file(o);
        }
        // Mostly past start-up, where the work and its one transaction happen.
        let micros = took.as_micros() as u64;
        let after = Duration::from_micros(micros / 5 + rng.below(micros * 4 / 5));
        let status = run_or_kill(cli(&ledger, &op.args), after);
        let killed = status.is_none();
        if killed {
            kills += 1;
        }
        // The next start opens the killed ledger as it is, and its audit chain holds, signed, and
        // passes through the anchor beside it (written after each commit, so never ahead of it).
        let verify = cli(&ledger, &["audit".into(), "verify".into()])
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "{} killed after {after:?} (seed {seed}): audit verify failed: {}",
            op.name,
            String::from_utf8_lossy(&verify.stderr)
        );
        let anchor = ce_ledger_core::ledger::anchor::read_text_or_backup(
            &ce_ledger_core::ledger::anchor::file_beside(&ledger),
            None,
        )
        .expect("the anchor file is whole after a kill");
        let now = state(&ledger);
        assert!(
            anchor.events >= base.state.events && anchor.events <= now.events,
            "{} killed after {after:?} (seed {seed}): anchor at {} outside {}..={}",
            op.name,
            anchor.events,
            base.state.events,
            now.events
        );
        assert_eq!(
            hash_of_event(&ledger, base.state.events),
            base.hash,
            "the trail before the kill changed"
        );
        let whole = now == base.state || now == done_state;
        // An export is recorded in the trail; the file and the event belong together.
        assert!(
            whole,
            "{} killed after {after:?} (seed {seed}) left a partial change: {now:?}\nnone: {:?}\nall: {done_state:?}",
            op.name, base.state
        );
        if killed
            && now == done_state
            && (op.output.is_none() || op.output.as_ref().is_some_and(|o| o.exists()))
        {
            left_all += 1;
        }
        if let (Some(o), Some(r)) = (&op.output, &reference) {
            check_output(o, r);
            if op.name.starts_with("export") && now == done_state {
                assert!(o.exists(), "export recorded but no file (seed {seed})");
            }
        }
    }
    eprintln!(
        "{}: {kills} kills in {attempts} runs ({left_all} after the work was whole), uninterrupted run {took:?}",
        op.name
    );
    kills
}

#[test]
fn a_cli_write_waits_while_another_program_writes_then_succeeds() {
    let ledger = common::Ledger::new();
    ledger.ok(&["staff", "list"]); // the CLI makes the ledger and its key
    let mut holder = ce_ledger_core::ledger::db::open(&ledger.db).unwrap();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let hold = std::thread::spawn(move || {
        let tx = ce_ledger_core::ledger::db::write_tx(&mut holder).unwrap();
        locked_tx.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        tx.commit().unwrap();
    });
    locked_rx.recv().unwrap();
    let started = Instant::now();
    let id = common::id_number("19800101", 1);
    let out = ledger.run(&["staff", "add", "--name", "王芳", "--id-number", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "the write did not wait for the lock"
    );
    hold.join().unwrap();
    assert!(ledger.ok(&["staff", "list"]).contains("王芳"));
}

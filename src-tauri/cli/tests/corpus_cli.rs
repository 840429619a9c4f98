//! The bad-input corpus (`tests/corpus/cases.tsv`): every file is fed through the real CLI against
//! a real ledger, and must be refused with a Chinese message naming the file, row and field it
//! lists; nothing may be written, memory must stay bounded, nothing may panic, and no message
//! may carry an ID number or a raw control character.
mod common;

use common::{id_number, path_str, Ledger};
use rusqlite::types::ValueRef;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Peak memory one refusal may take (the import benchmark's bound for 200,000 good rows).
const MAX_RSS_KB: i64 = 300 * 1024;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

/// Everything the ledger holds, as text, plus the files beside it: equal before and after means
/// nothing was written.
fn contents(db: &Path) -> String {
    let conn = ce_ledger_core::ledger::lock::open_raw(db).unwrap();
    let mut out = String::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            out.push_str(&t);
            for i in 0..n {
                match r.get_ref(i).unwrap() {
                    ValueRef::Null => out.push_str("|null"),
                    ValueRef::Integer(v) => out.push_str(&format!("|{v}")),
                    ValueRef::Real(v) => out.push_str(&format!("|{v}")),
                    ValueRef::Text(v) => out.push_str(&format!("|{}", String::from_utf8_lossy(v))),
                    ValueRef::Blob(v) => out.push_str(&format!("|blob{}", v.len())),
                }
            }
            out.push('\n');
        }
    }
    let dir = db.parent().unwrap();
    for sub in ["evidence", "backups"] {
        let mut names: Vec<String> = std::fs::read_dir(dir.join(sub))
            .map(|it| {
                it.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        out.push_str(&format!("{sub}: {names:?}\n"));
    }
    out
}

/// Runs the CLI and returns (exit code, stderr, peak RSS in KB) — measured with wait4.
#[allow(clippy::zombie_processes)] // reaped by wait4, which also reports the peak RSS
fn run_measured(cwd: &Path, db: &Path, args: &[String]) -> (i32, String, i64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ce-ledger"))
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(cwd)
        .env_remove("CE_LEDGER_DB")
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut s).unwrap();
        s
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -libc::WTERMSIG(status)
    };
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    (code, stderr, usage.ru_maxrss)
}

/// Makes the inputs too large to commit.
fn generate(name: &str, at: &Path, ledger: &Ledger) {
    use std::io::Write;
    const HEADER: &str = common::RECORDS_HEADER;
    let mut f = std::io::BufWriter::new(std::fs::File::create(at).unwrap());
    match name {
        "million-empty-rows.csv" => {
            f.write_all(HEADER.as_bytes()).unwrap();
            for _ in 0..1_000_000 {
                f.write_all(b",,,,,,,,,\n").unwrap();
            }
            let id = id_number("19800101", 1);
            writeln!(f, "{id},培训进修,专业,课程,2025-03-01,2025-03-01,八小时,,,").unwrap();
        }
        "huge-cell.csv" => {
            f.write_all(HEADER.as_bytes()).unwrap();
            let id = id_number("19800101", 1);
            write!(f, "{id},培训进修,专业,").unwrap();
            f.write_all("长".repeat(7_000_000).as_bytes()).unwrap();
            f.write_all(b",2025-03-01,2025-03-01,8,,,\n").unwrap();
        }
        "seal-50mb.png" => {
            f.write_all(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0")
                .unwrap();
            f.write_all(&vec![0x5a; 50 * 1024 * 1024]).unwrap();
        }
        "evidence-21mb.pdf" => {
            f.write_all(b"%PDF-1.4\n").unwrap();
            f.write_all(&vec![b' '; 21 * 1024 * 1024]).unwrap();
        }
        "backup-newer-version.sqlite3" | "backup-damaged.sqlite3" => {
            drop(f);
            std::fs::remove_file(at).unwrap();
            ledger.ok(&["backup", "--out", path_str(at)]);
            if name == "backup-newer-version.sqlite3" {
                let c = ce_ledger_core::ledger::lock::open_raw(at).unwrap();
                c.pragma_update(None, "user_version", 999).unwrap();
            } else {
                let mut bytes = std::fs::read(at).unwrap();
                let len = bytes.len();
                for b in &mut bytes[4096..len - 100] {
                    *b ^= 0xA5;
                }
                std::fs::write(at, bytes).unwrap();
            }
            return;
        }
        other => panic!("cases.tsv names an unknown generated file @{other}"),
    }
    f.flush().unwrap();
}

/// `\xNN` in a name from cases.tsv becomes that byte.
fn unescape(name: &str) -> String {
    let mut out = String::new();
    let mut rest = name;
    while let Some(i) = rest.find("\\x") {
        out.push_str(&rest[..i]);
        let code = u8::from_str_radix(&rest[i + 2..i + 4], 16).unwrap();
        out.push(code as char);
        rest = &rest[i + 4..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_bad_file_is_refused_by_row_and_field_and_nothing_is_written() {
    let ledger = Ledger::new();
    let people: String = (1..=5)
        .map(|i| format!("人员{i},{},内科,卫生,医师,\n", id_number("19800101", i)))
        .collect();
    let roster = ledger.write(
        "roster.csv",
        format!("姓名,身份证号,部门,职称系列,现职称,手机\n{people}"),
    );
    ledger.ok(&["staff", "import", path_str(&roster)]);
    let records = ledger.write(
        "records.csv",
        format!(
            "身份证号,类别,科目,项目名称,开始日期,结束日期,学时\n{},培训进修,专业,课程,2025-03-01,2025-03-02,16\n",
            id_number("19800101", 1)
        ),
    );
    ledger.ok(&["records", "import", path_str(&records)]);
    let mut before = contents(&ledger.db);

    let cases = std::fs::read_to_string(corpus_dir().join("cases.tsv")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut peak = (0, String::new());
    for line in cases
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, command, expected) = (cols[0], cols[1], cols[2]);
        let case_dir = work.path().join(format!("case{checked}"));
        std::fs::create_dir_all(case_dir.join("a/b")).unwrap();
        let given_name = cols
            .get(3)
            .map(|n| unescape(n))
            .unwrap_or_else(|| file.trim_start_matches('@').to_string());
        let input = case_dir.join(&given_name);
        if let Some(generated) = file.strip_prefix('@') {
            generate(generated, &input, &ledger);
        } else {
            std::fs::copy(corpus_dir().join(file), &input)
                .unwrap_or_else(|e| panic!("tests/corpus/{file}: {e}"));
        }
        let out = case_dir.join("out");
        let args: Vec<String> = command
            .split(' ')
            .map(|a| {
                a.replace("{file}", &given_name)
                    .replace("{out}", path_str(&out))
                    .replace("{corpus}", path_str(&corpus_dir()))
            })
            .collect();
        let (code, stderr, rss_kb) = run_measured(&case_dir, &ledger.db, &args);
        if rss_kb > peak.0 {
            peak = (rss_kb, file.to_string());
        }
        let mut problems = Vec::new();
        if code != 1 {
            problems.push(format!("exit code {code}, expected a refusal (1)"));
        }
        if ["panicked", "RUST_BACKTRACE", "内部错误（"]
            .iter()
            .any(|p| stderr.contains(p))
        {
            problems.push("panicked".into());
        }
        let file_name = Path::new(&given_name)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for fragment in expected.split('|') {
            let fragment = fragment.replace("{name}", &file_name);
            if !stderr.contains(&fragment) {
                problems.push(format!("message lacks {fragment:?}"));
            }
        }
        if !stderr.contains("错误") {
            problems.push("no Chinese error message".into());
        }
        if stderr
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            problems.push("message carries a raw control character".into());
        }
        if !ce_ledger_core::domain::idcard::find_id_like(&stderr).is_empty() {
            problems.push("message carries an ID number".into());
        }
        if rss_kb > MAX_RSS_KB {
            problems.push(format!("peak memory {} MB", rss_kb / 1024));
        }
        if std::fs::read_dir(&case_dir)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().starts_with("out"))
        {
            problems.push("an output file was written".into());
        }
        let after = contents(&ledger.db);
        if after != before {
            problems.push("the ledger changed".into());
            before = after; // report this case alone, not every case after it
        }
        if !problems.is_empty() {
            let shown: String = stderr.chars().take(300).collect();
            failures.push(format!(
                "{file} ({command}): {}\n    stderr: {shown}",
                problems.join("; ")
            ));
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} cases");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{checked} bad inputs refused; peak memory {} MB ({})",
        peak.0 / 1024,
        peak.1
    );
}

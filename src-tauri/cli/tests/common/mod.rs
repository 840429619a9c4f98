//! Helpers shared by the CLI integration tests: run the real binary on a real ledger file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Ledger {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    /// Where this test's audit keys go (never the user's keyring or config folder).
    pub keys: PathBuf,
}

impl Ledger {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ledger.sqlite3");
        let keys = dir.path().join("keys");
        // The test itself reads the ledger as an insider holding the key (`lock::open_raw`):
        // from the same key store as the program it runs.
        std::env::set_var("CE_LEDGER_KEY_DIR", &keys);
        Ledger { dir, db, keys }
    }

    /// The ledger file opened with its key, as an insider with a SQLite tool would.
    pub fn raw(&self) -> rusqlite::Connection {
        std::env::set_var("CE_LEDGER_KEY_DIR", &self.keys);
        ce_ledger_core::ledger::lock::open_raw(&self.db).unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_keys(&self.keys, args)
    }

    /// As on a computer whose audit keys are in `keys`.
    pub fn run_with_keys(&self, keys: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ce-ledger"))
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .env_remove("CE_LEDGER_DB")
            .env("CE_LEDGER_KEY_DIR", keys)
            .output()
            .unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }
}

/// A valid GB 11643 number for the given birth date and sequence.
pub fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("370402{birth}{seq:03}");
    format!(
        "{body}{}",
        ce_ledger_core::domain::idcard::check_char(&body).unwrap()
    )
}

/// The header row of the records CSV the CLI imports.
pub const RECORDS_HEADER: &str =
    "身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料\n";

/// One person's row of `progress --year YEAR --json`, by ID number.
pub fn progress_of(l: &Ledger, year: &str, id_number: &str) -> serde_json::Value {
    let p = l.json(&["progress", "--year", year, "--json"]);
    p["staff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id_number"] == id_number)
        .unwrap_or_else(|| panic!("{id_number} not in {p}"))
        .clone()
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The status code of record `id`, as `records list --json` reports it.
pub fn status_of(l: &Ledger, id: i64) -> String {
    let list = l.json(&["records", "list", "--json"]);
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

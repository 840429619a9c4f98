//! What every command shares: the ledger (opened on first use, so `where` and `plan pdf --from`
//! never touch it) and who is acting.

use ce_ledger_core::ledger::{audit, db};
use ce_ledger_core::Result;
use std::path::{Path, PathBuf};

pub struct Context {
    path: PathBuf,
    conn: Option<db::Connection>,
}

impl Context {
    /// `--db` beats `CE_LEDGER_DB`, which beats the per-user default.
    pub fn new(db: Option<&Path>) -> Context {
        Context {
            path: db::resolve_path(db),
            conn: None,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The ledger, opened and migrated on first use.
    pub fn conn(&mut self) -> Result<&mut db::Connection> {
        let conn = match self.conn.take() {
            Some(conn) => conn,
            None => {
                let conn = db::open(&self.path)?;
                // A ledger made just now: its recovery code, shown this once.
                if ce_ledger_core::ledger::key::created_now(&conn)? {
                    let (code, _) = ce_ledger_core::ledger::lock::recovery(&conn)?;
                    eprintln!(
                        "已新建加密台账 {}。\n恢复码：{code}\n请抄下，或运行“ce-ledger key sheet --out 恢复码.pdf”打印，与单位公章一同保管：换电脑时凭它打开台账；没有密钥也没有恢复码，台账无法打开。",
                        self.path.display()
                    );
                }
                conn
            }
        };
        Ok(self.conn.insert(conn))
    }

    /// Who the audit trail names: `--by` when given, else the unit's officer.
    pub fn actor(&mut self, by: Option<String>) -> Result<String> {
        match by {
            Some(by) => Ok(by),
            None => audit::default_actor(self.conn()?),
        }
    }
}

/// Prints a value as pretty JSON, the `--json` output of every listing.
pub fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| ce_ledger_core::Error::invalid(e.to_string()))?;
    println!("{text}");
    Ok(())
}

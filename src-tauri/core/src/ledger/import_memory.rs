//! What the officer taught the import, kept for the next file: a header of their files read as a
//! field (`header:<kind>`), a value in the clerks' words read as a code (`value:<field>`).

use crate::error::Result;
use rusqlite::{params, Connection};

/// Every (key, value) of one scope.
pub fn load(conn: &Connection, scope: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM import_memory WHERE scope = ?1")?;
    let pairs = stmt
        .query_map([scope], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(pairs)
}

/// Keeps each pair, replacing what the scope held for its key.
pub fn remember(conn: &Connection, scope: &str, pairs: &[(String, String)]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO import_memory (scope, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value",
    )?;
    for (key, value) in pairs {
        stmt.execute(params![scope, key, value])?;
    }
    if !pairs.is_empty() {
        // What later imports will read a header or a word as is part of the audited ledger.
        crate::ledger::audit::rows_changed(
            conn,
            crate::domain::codes::Action::Edit,
            "import_memory",
            1,
            1,
            "记住导入时表头和取值的对应关系",
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_pair_is_replaced_not_duplicated() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        remember(&conn, "value:类别", &[pair("培训", "training")]).unwrap();
        remember(
            &conn,
            "value:类别",
            &[pair("培训", "study"), pair("论文", "achievement")],
        )
        .unwrap();
        remember(&conn, "header:staff", &[pair("专业技术职务", "现职称")]).unwrap();
        let mut got = load(&conn, "value:类别").unwrap();
        got.sort();
        assert_eq!(got, [pair("培训", "study"), pair("论文", "achievement")]);
        assert_eq!(load(&conn, "header:records").unwrap(), []);
    }
}

//! Development aids: a deterministic sample unit (for trying the program, benchmarks and the
//! 10,000-staff checks) and the hooks the fuzz targets call. May use everything else.

#[doc(hidden)]
pub mod fuzzing;
pub mod sample;

/// A ledger left plain, as before issue 26: the same program and schema with no encryption, for
/// the side-by-side measure of what encryption costs (`make bench`). Never used by the program.
pub fn open_plain_for_comparison(path: &std::path::Path) -> crate::Result<rusqlite::Connection> {
    let mut conn = rusqlite::Connection::open(path)?;
    crate::ledger::db::configure(&conn)?;
    crate::ledger::db::check_schema(&conn)?;
    crate::ledger::db::attach_key(&conn)?;
    crate::ledger::db::migrate(&mut conn)?;
    crate::ledger::db::attach_key(&conn)?;
    Ok(conn)
}

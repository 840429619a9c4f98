//! The recognition cache: every record row carries the hours the rules give it next to the
//! person's other records of the year, recomputed per person-year inside the writing transaction.

use super::query::date_col;
use crate::domain::record::ValidRecord;
use crate::domain::rules::{self, Recognition, RuleInput, Situation, Subject};
use crate::error::Result;
use crate::ledger::db;
use rusqlite::{params, Connection};

/// The rule inputs of one person-year in entry order, with their record ids.
pub(super) fn person_year_inputs(
    conn: &Connection,
    staff_id: i64,
    year: i32,
) -> Result<Vec<(i64, RuleInput)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, category, subject, start_date, end_date, claimed, months, situation, status,
                (SELECT p.status = 'filed' FROM plan p WHERE p.id = record.plan_id)
         FROM record WHERE staff_id = ?1 AND year = ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![staff_id, year], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            RuleInput {
                category: db::code_col(r, 1)?,
                subject: db::opt_code_col(r, 2)?,
                start: date_col(r, 3)?,
                end: date_col(r, 4)?,
                claimed: r.get(5)?,
                months: r.get(6)?,
                situation: db::opt_code_col(r, 7)?,
                status: db::code_col(r, 8)?,
                own_plan_filed: r.get(9)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Recomputes the recognised hours of one person-year; call inside the transaction that changed it.
pub fn refresh(conn: &Connection, staff_id: i64, year: i32) -> Result<()> {
    store_person_year(conn, staff_id, year, &[], "")?;
    Ok(())
}

fn write_recognition(
    conn: &Connection,
    id: i64,
    input: &RuleInput,
    rec: &Recognition,
) -> Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE record SET expected = ?1, rec_public = ?2, rec_professional = ?3, reason = ?4 WHERE id = ?5")?;
    stmt.execute(params![
        rules::base(input).total(),
        rec.public,
        rec.professional,
        rec.reason,
        id
    ])?;
    Ok(())
}

/// Stores `new` records of one person-year with their recognised hours and recomputes the
/// person-year's existing records; returns the new ids. Recognition is worked out before
/// writing, so each row is written once.
pub(super) fn store_person_year(
    conn: &Connection,
    staff_id: i64,
    year: i32,
    new: &[&ValidRecord],
    now: &str,
) -> Result<Vec<i64>> {
    let existing = person_year_inputs(conn, staff_id, year)?;
    let all: Vec<RuleInput> = existing
        .iter()
        .map(|(_, r)| r.clone())
        .chain(new.iter().map(|v| v.rule.clone()))
        .collect();
    let recognized = rules::recognize(&all);
    for ((id, input), rec) in existing.iter().zip(&recognized) {
        write_recognition(conn, *id, input, rec)?;
    }
    new.iter()
        .zip(&recognized[existing.len()..])
        .map(|(v, rec)| insert(conn, v, now, rec))
        .collect()
}

/// Recomputes every person-year of `year` (after a bulk status change).
pub fn refresh_year(conn: &Connection, year: i32) -> Result<()> {
    let people: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT DISTINCT staff_id FROM record WHERE year = ?1")?;
        let ids = stmt
            .query_map([year], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids
    };
    for staff_id in people {
        refresh(conn, staff_id, year)?;
    }
    Ok(())
}

fn insert(conn: &Connection, v: &ValidRecord, now: &str, rec: &Recognition) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO record (staff_id, year, category, subject, title, start_date, end_date, claimed, months, situation,
            evidence, status, created_at, updated_at, expected, rec_public, rec_professional, reason, plan_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?;
    let r = &v.rule;
    stmt.execute(params![
        v.staff_id,
        v.year(),
        r.category.code(),
        r.subject.map(Subject::code),
        v.title,
        r.start.to_string(),
        r.end.to_string(),
        r.claimed,
        r.months,
        r.situation.map(Situation::label),
        v.evidence,
        r.status.code(),
        now,
        rules::base(r).total(),
        rec.public,
        rec.professional,
        rec.reason,
        v.plan_id
    ])?;
    Ok(conn.last_insert_rowid())
}

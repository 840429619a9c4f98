//! The recognition cache: every record row carries the hours the rules give it next to the
//! person's other records of the year, recomputed per person-year inside the writing transaction.

use super::query::date_col;
use crate::domain::hours::Hours;
use crate::domain::record::ValidRecord;
use crate::domain::rules::{self, Assessed, RuleInput, Situation, Subject};
use crate::error::Result;
use crate::ledger::{audit, db};
use rusqlite::{params, Connection};

/// A stored record's id, rule input and recognised (public, professional) tenths.
pub(super) type StoredRecord = (i64, RuleInput, (i64, i64));

/// The rule inputs of one person-year in entry order, with their record ids and the recognised
/// (public, professional) tenths stored now.
pub(super) fn person_year_inputs(
    conn: &Connection,
    staff_id: i64,
    year: i32,
) -> Result<Vec<StoredRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, category, subject, start_date, end_date, claimed, months, situation, status,
                (SELECT p.status = 'filed' FROM plan p WHERE p.id = record.plan_id),
                rec_public, rec_professional, claimed_in_days
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
                claimed_in_days: r.get(12)?,
            },
            (r.get(10)?, r.get(11)?),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Recomputes the recognised hours of one person-year; call inside the transaction that changed
/// it. Every other counted record whose recognised hours change (a re-cut: an earlier-dated record
/// approved or reopened takes the cap first) gets an event of its own; `subjects`, the records the
/// write is about, get theirs from the caller.
pub fn refresh(conn: &Connection, staff_id: i64, year: i32, subjects: &[i64]) -> Result<()> {
    store_person_year(conn, staff_id, year, &[], "", Some(subjects))?;
    Ok(())
}

/// A record whose recognised (public, professional) tenths moved: id, before, after.
type Recut = (i64, (i64, i64), (i64, i64));

/// One event per re-cut record, with its hours before and after and why.
fn audit_recuts(conn: &Connection, recuts: &[Recut]) -> Result<()> {
    if recuts.is_empty() {
        return Ok(());
    }
    let actor = audit::default_actor(conn)?;
    let hours = |(p, q): (i64, i64)| serde_json::json!({ "认定公需": Hours(p).to_string(), "认定专业": Hours(q).to_string() });
    let events: Vec<audit::NewEvent<'_>> = recuts
        .iter()
        .map(|&(id, before, after)| audit::NewEvent {
            actor: &actor,
            action: audit::Action::Recut,
            entity: "record",
            entity_id: Some(id),
            entity_id_to: None,
            before: Some(hours(before)),
            after: Some(hours(after)),
            reason: "同一人同年度的其他记录有变动，按认定规则重新计算",
        })
        .collect();
    audit::append(conn, &events)?;
    Ok(())
}

/// What the `expected` column holds: for a pending record its share of what approval would add
/// (issue 13 item 12), for any other what the rules give it on its own.
fn expected(input: &RuleInput, a: &Assessed) -> crate::domain::hours::Hours {
    a.pending_gain.unwrap_or_else(|| rules::base(input).total())
}

fn write_recognition(conn: &Connection, id: i64, input: &RuleInput, a: &Assessed) -> Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE record SET expected = ?1, rec_public = ?2, rec_professional = ?3, reason = ?4 WHERE id = ?5")?;
    let rec = &a.recognition;
    stmt.execute(params![
        expected(input, a),
        rec.public,
        rec.professional,
        rec.reason,
        id
    ])?;
    Ok(())
}

/// Migration 7's seed: `expected` of pending records becomes what approval would add. Only that
/// column changes (it is no audited field), so no recognised hours move unseen.
pub fn refresh_pending_gains(conn: &Connection) -> Result<()> {
    let person_years: Vec<(i64, i32)> = {
        let mut stmt =
            conn.prepare("SELECT DISTINCT staff_id, year FROM record WHERE status = 'pending'")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows
    };
    let mut update = conn.prepare("UPDATE record SET expected = ?1 WHERE id = ?2")?;
    for (staff_id, year) in person_years {
        let stored = person_year_inputs(conn, staff_id, year)?;
        let inputs: Vec<RuleInput> = stored.iter().map(|(_, r, _)| r.clone()).collect();
        for ((id, input, _), a) in stored.iter().zip(rules::assess(&inputs)) {
            if a.pending_gain.is_some() {
                update.execute(params![expected(input, &a), id])?;
            }
        }
    }
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
    audited_except: Option<&[i64]>,
) -> Result<Vec<i64>> {
    let existing = person_year_inputs(conn, staff_id, year)?;
    store_beside(conn, &existing, new, now, audited_except)
}

/// Stores the records of a person-year the ledger has none of yet (an import's usual case):
/// nothing to re-read or re-cut.
pub(super) fn store_new_person_year(
    conn: &Connection,
    new: &[&ValidRecord],
    now: &str,
) -> Result<Vec<i64>> {
    store_beside(conn, &[], new, now, None)
}

/// Recognises `existing` and `new` together, rewrites the existing ones' hours (auditing
/// re-cuts unless `audited_except` is `None`) and inserts the new ones; returns their ids.
fn store_beside(
    conn: &Connection,
    existing: &[StoredRecord],
    new: &[&ValidRecord],
    now: &str,
    audited_except: Option<&[i64]>,
) -> Result<Vec<i64>> {
    let all: Vec<RuleInput> = existing
        .iter()
        .map(|(_, r, _)| r.clone())
        .chain(new.iter().map(|v| v.rule.clone()))
        .collect();
    let assessed = rules::assess(&all);
    let mut recuts: Vec<Recut> = Vec::new();
    for ((id, input, (old_public, old_professional)), a) in existing.iter().zip(&assessed) {
        write_recognition(conn, *id, input, a)?;
        let rec = &a.recognition;
        let (public, professional) = (rec.public.tenths(), rec.professional.tenths());
        let changed = (*old_public, *old_professional) != (public, professional);
        if let Some(except) = audited_except.filter(|_| changed && input.status.counts()) {
            if !except.contains(id) {
                recuts.push((
                    *id,
                    (*old_public, *old_professional),
                    (public, professional),
                ));
            }
        }
    }
    audit_recuts(conn, &recuts)?;
    new.iter()
        .zip(&assessed[existing.len()..])
        .map(|(v, a)| insert(conn, v, now, a))
        .collect()
}

/// Recomputes every person-year of `year` after a bulk status change, without re-cut events: the
/// caller (the sample generator) records a baseline of everything instead.
pub fn refresh_year(conn: &Connection, year: i32) -> Result<()> {
    let people: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT DISTINCT staff_id FROM record WHERE year = ?1")?;
        let ids = stmt
            .query_map([year], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids
    };
    for staff_id in people {
        store_person_year(conn, staff_id, year, &[], "", None)?;
    }
    Ok(())
}

fn insert(conn: &Connection, v: &ValidRecord, now: &str, a: &Assessed) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO record (staff_id, year, category, subject, title, start_date, end_date, claimed, months, situation,
            evidence, status, created_at, updated_at, expected, rec_public, rec_professional, reason, plan_id,
            topic, filing_number, claimed_in_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    )?;
    let r = &v.rule;
    let rec = &a.recognition;
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
        expected(r, a),
        rec.public,
        rec.professional,
        rec.reason,
        v.plan_id,
        v.topic,
        v.filing_number,
        r.claimed_in_days
    ])?;
    Ok(conn.last_insert_rowid())
}

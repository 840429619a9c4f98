//! Writing records: add, edit, delete, the what-if preview, and the all-or-nothing batch an
//! import stores. Each write is one transaction that refreshes the recognition cache and
//! appends its audit event before it commits.

use super::query::{date_col, get, Record};
use super::recognition::{person_year_inputs, refresh, store_new_person_year, store_person_year};
use crate::domain::hours::Hours;
use crate::domain::record::{joined, validate, RecordInput, ValidRecord};
use crate::domain::rules::{self, Category, Recognition, RuleInput, Situation, Status, Subject};
use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action};
use crate::ledger::db::{self, now_local};
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The part of a record the audit trail keeps in before/after (no ID numbers).
fn snapshot(r: &Record) -> serde_json::Value {
    serde_json::json!({
        "category": r.category.code(), "subject": r.subject.map(Subject::code), "title": r.title,
        "start": r.start, "end": r.end, "claimed": r.claimed_hours, "months": r.months,
        "situation": r.situation.map(Situation::label), "evidence": r.evidence, "status": r.status.code(),
        "topic": r.topic, "filing_number": r.filing_number,
        "recognized_public": r.recognized_public, "recognized_professional": r.recognized_professional,
    })
}

pub(crate) fn record_event<'a>(
    actor: &'a str,
    action: Action,
    before: Option<&Record>,
    after: Option<&Record>,
    reason: &'a str,
) -> audit::NewEvent<'a> {
    audit::NewEvent {
        actor,
        action,
        entity: "record",
        entity_id: before.or(after).map(|r| r.id),
        entity_id_to: None,
        before: before.map(snapshot),
        after: after.map(snapshot),
        reason,
    }
}

/// Reads the filing state of the plan a record names, so its hours follow the plan.
fn with_plan_state(conn: &Connection, mut v: ValidRecord) -> Result<ValidRecord> {
    if let Some(id) = v.plan_id {
        let plan = crate::ledger::plan::get(conn, id)
            .map_err(|_| Error::invalid(format!("培训计划（编号{id}）不存在")))?;
        // Issue 13 item 7: training under the unit's own plan lies within it.
        let project = &plan.form.project;
        if plan.year != v.year() {
            return Err(Error::invalid(format!(
                "培训计划：计划“{project}”属于{}年度，本记录在{}年度",
                plan.year,
                v.year()
            )));
        }
        let dates = (
            plan.form.start_date(),
            crate::domain::dates::parse_date(&plan.form.end).ok(),
        );
        if let (Some(from), Some(to)) = dates {
            if v.rule.start < from || v.rule.end > to {
                return Err(Error::invalid(format!(
                    "培训计划：记录日期{}至{}不在计划“{project}”的培训日期{from}至{to}之内",
                    v.rule.start, v.rule.end
                )));
            }
        }
        if let Some(claimed) = v.rule.claimed.filter(|h| *h > plan.form.hours) {
            return Err(Error::invalid(format!(
                "学时：申报{claimed}学时超过计划“{project}”的拟计算学时{}",
                plan.form.hours
            )));
        }
        v.rule.own_plan_filed = Some(plan.status == crate::ledger::plan::PlanStatus::Filed);
    }
    Ok(v)
}

fn require_person(conn: &Connection, staff_id: i64) -> Result<()> {
    crate::ledger::staff::get(conn, staff_id)
        .map(|_| ())
        .map_err(|_| Error::invalid(format!("人员（编号{staff_id}）不在台账中")))
}

/// The most months of posting and special records one person-year can hold.
const MONTHS_PER_YEAR: u32 = 12;

/// What a record may hold only in view of its person and their year: 产假 only for women (the ID
/// number's gender digit), the months of posting and special records of one person-year at most
/// 12 in all, counting the ledger's other records (`except`: the record being edited; issue 13
/// item 4), and a public topic that is one of the year's (item 2). `lines` are the batch's file lines, named in the message (empty for the form).
/// Returns (batch index, column, message).
pub fn person_year_problems(
    conn: &Connection,
    batch: &[&ValidRecord],
    lines: &[usize],
    except: Option<i64>,
) -> Result<Vec<(usize, &'static str, String)>> {
    use crate::domain::rules::Situation;
    let mut problems = Vec::new();
    let mut groups: std::collections::BTreeMap<(i64, i32), Vec<usize>> = Default::default();
    let mut topics: std::collections::HashMap<i32, Vec<String>> = Default::default();
    for (i, v) in batch.iter().enumerate() {
        if v.topic.is_some() || v.rule.subject.is_some() {
            let year = v.year();
            let known = match topics.entry(year) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(crate::ledger::policy::of_year(conn, year)?.topics)
                }
            };
            if let Err((column, message)) = rules::check_topic(
                v.rule.category,
                v.rule.subject,
                v.topic.as_deref(),
                year,
                known,
            ) {
                problems.push((i, column, message));
            }
        }
        if v.rule.situation == Some(Situation::Maternity) {
            let id_number: String = conn.query_row(
                "SELECT id_number FROM staff WHERE id = ?1",
                [v.staff_id],
                |r| r.get(0),
            )?;
            if crate::domain::idcard::gender_of(&id_number)
                == Some(crate::domain::idcard::Gender::Male)
            {
                problems.push((
                    i,
                    "情形",
                    "产假只适用于女职工（按身份证号第17位，此人为男性）".to_string(),
                ));
            }
        }
        if v.rule.category.uses_months() {
            groups.entry((v.staff_id, v.year())).or_default().push(i);
        }
    }
    for ((staff_id, year), members) in groups {
        let in_ledger: u32 = conn.query_row(
            "SELECT COALESCE(SUM(months), 0) FROM record WHERE staff_id = ?1 AND year = ?2
             AND category IN ('posting', 'special') AND status <> 'rejected' AND id <> COALESCE(?3, -1)",
            params![staff_id, year, except],
            |r| r.get(0),
        )?;
        let here: u32 = members
            .iter()
            .map(|&i| batch[i].rule.months.unwrap_or(0))
            .sum();
        if in_ledger + here <= MONTHS_PER_YEAR {
            continue;
        }
        let named: Vec<String> = members
            .iter()
            .filter_map(|&i| lines.get(i).map(|l| format!("第{l}行")))
            .collect();
        let this = if named.is_empty() {
            format!("本条{here}个月")
        } else {
            format!("本文件{}共{here}个月", named.join("、"))
        };
        let message = format!(
            "援派和特殊情况的月数同一人同一年度合计不能超过12个月：{year}年{this}，台账中已有{in_ledger}个月，合计{}个月",
            in_ledger + here
        );
        problems.extend(members.into_iter().map(|i| (i, "月数", message.clone())));
    }
    Ok(problems)
}

fn refuse_person_year_problems(
    conn: &Connection,
    v: &ValidRecord,
    except: Option<i64>,
) -> Result<()> {
    let problems = person_year_problems(conn, &[v], &[], except)?;
    if problems.is_empty() {
        return Ok(());
    }
    Err(joined(
        problems.into_iter().map(|(_, c, m)| (c, m)).collect(),
    ))
}

pub fn add(conn: &mut Connection, input: &RecordInput) -> Result<Record> {
    require_person(conn, input.staff_id)?;
    let v = with_plan_state(conn, validate(input).map_err(joined)?)?;
    refuse_person_year_problems(conn, &v, None)?;
    let tx = db::write_tx(conn)?;
    let id = store_person_year(&tx, v.staff_id, v.year(), &[&v], &now_local(), Some(&[]))?[0];
    let after = get(&tx, id)?;
    audit::append(
        &tx,
        &[record_event(
            &audit::default_actor(&tx)?,
            Action::Create,
            None,
            Some(&after),
            "",
        )],
    )?;
    crate::ledger::anchor::commit(tx)?;
    Ok(after)
}

/// Edits a record still awaiting audit (or rejected, which sends it back to audit).
pub fn update(conn: &mut Connection, id: i64, input: &RecordInput) -> Result<Record> {
    // Checked under the write lock: another program cannot approve it in between.
    let tx = db::write_tx(conn)?;
    let old = get(&tx, id)?;
    if matches!(old.status, Status::Approved | Status::Synced) {
        return Err(Error::invalid(format!(
            "记录{id}已{}，不能直接修改",
            old.status_label
        )));
    }
    let input = RecordInput {
        staff_id: old.staff_id,
        ..input.clone()
    };
    let v = with_plan_state(&tx, validate(&input).map_err(joined)?)?;
    refuse_person_year_problems(&tx, &v, Some(id))?;
    let r = &v.rule;
    tx.execute(
        "UPDATE record SET year=?1, category=?2, subject=?3, title=?4, start_date=?5, end_date=?6, claimed=?7, months=?8,
            situation=?9, evidence=?10, status=?11, updated_at=?12, plan_id=?14, topic=?15, filing_number=?16,
            claimed_in_days=?17
         WHERE id=?13",
        params![
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
            now_local(),
            id,
            v.plan_id,
            v.topic,
            v.filing_number,
            r.claimed_in_days
        ],
    )?;
    refresh(&tx, old.staff_id, old.year, &[id])?;
    if v.year() != old.year {
        refresh(&tx, old.staff_id, v.year(), &[id])?;
    }
    let after = get(&tx, id)?;
    // Correcting a rejected record sends it back to audit.
    let action = if old.status == Status::Rejected {
        Action::Resubmit
    } else {
        Action::Edit
    };
    audit::append(
        &tx,
        &[record_event(
            &audit::default_actor(&tx)?,
            action,
            Some(&old),
            Some(&after),
            "",
        )],
    )?;
    crate::ledger::anchor::commit(tx)?;
    Ok(after)
}

/// Removes a record that was never recognised (pending or rejected).
pub fn delete(conn: &mut Connection, id: i64) -> Result<()> {
    let tx = db::write_tx(conn)?;
    let old = get(&tx, id)?;
    if matches!(old.status, Status::Approved | Status::Synced) {
        return Err(Error::invalid(format!(
            "记录{id}已{}，不能删除",
            old.status_label
        )));
    }
    tx.execute("DELETE FROM record WHERE id = ?1", [id])?;
    refresh(&tx, old.staff_id, old.year, &[id])?;
    audit::append(
        &tx,
        &[record_event(
            &audit::default_actor(&tx)?,
            Action::Delete,
            Some(&old),
            None,
            "",
        )],
    )?;
    crate::ledger::anchor::commit(tx)?;
    crate::ledger::evidence::collect_garbage(conn)?;
    Ok(())
}

/// What a record would be recognised as if approved now, next to the person's other approved records.
pub fn preview(
    conn: &Connection,
    input: &RecordInput,
    editing: Option<i64>,
) -> Result<Recognition> {
    require_person(conn, input.staff_id)?;
    let v = with_plan_state(conn, validate(input).map_err(joined)?)?;
    let mut inputs: Vec<RuleInput> = person_year_inputs(conn, v.staff_id, v.year())?
        .into_iter()
        .filter(|(id, _, _)| Some(*id) != editing)
        .map(|(_, r, _)| r)
        .collect();
    let status = if v.rule.status == Status::Synced {
        Status::Synced
    } else {
        Status::Approved
    };
    inputs.push(RuleInput { status, ..v.rule });
    Ok(rules::recognize(&inputs).pop().expect("one record pushed"))
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordImportSummary {
    pub imported: usize,
    pub people: usize,
    /// City-platform rows already in the ledger (re-importing the same export adds nothing twice).
    pub already_present: usize,
}

/// What identifies one city-platform study record: person, course, dates and hours.
type CityKey = (i64, String, NaiveDate, NaiveDate, Option<Hours>);

fn city_key(v: &ValidRecord) -> CityKey {
    (
        v.staff_id,
        v.title.clone(),
        v.rule.start,
        v.rule.end,
        v.rule.claimed,
    )
}

/// Drops city-platform rows the ledger (or an earlier row of the file) already has.
fn drop_known_city_rows(
    conn: &Connection,
    good: Vec<ValidRecord>,
) -> Result<(Vec<ValidRecord>, usize)> {
    let mut known: HashSet<CityKey> = HashSet::new();
    let mut stmt = conn.prepare("SELECT staff_id, title, start_date, end_date, claimed FROM record WHERE category = 'city_platform'")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            date_col(r, 2)?,
            date_col(r, 3)?,
            r.get(4)?,
        ))
    })?;
    for row in rows {
        known.insert(row?);
    }
    let before = good.len();
    let kept: Vec<ValidRecord> = good
        .into_iter()
        .filter(|v| v.rule.category != Category::CityPlatform || known.insert(city_key(v)))
        .collect();
    let dropped = before - kept.len();
    Ok((kept, dropped))
}

/// The page cache of a bulk insert, in KiB (negative: SQLite's unit for a size, not pages).
const BULK_CACHE_KIB: i64 = -16 * 1024;

/// Stores checked records all or nothing under one audit event naming the file; city-platform
/// rows the ledger already has are skipped. With `dry_run` everything is written, then rolled back.
/// `on_person_year(i, n)` reports progress through the person-years.
/// `new_people` go on the roster first, in the same transaction; a record of the i-th of them
/// carries the staff id `-1 - i` until then. `details` (what the officer changed on the way in)
/// go into the import event beside the file's name.
/// `source`: the file the rows came from (the city platform's export), kept whole by its hash and
/// linked to each stored record. `then` runs inside the transaction once the records of ids
/// `first..=last` are stored (an import's certificates are attached there); what it returns joins
/// the import event's details.
pub type AfterInsert<'a> = &'a dyn Fn(&Connection, i64, i64) -> Result<serde_json::Value>;

#[allow(clippy::too_many_arguments)]
pub fn insert_batch(
    conn: &mut Connection,
    file: &str,
    good: Vec<ValidRecord>,
    new_people: &[crate::ledger::staff::StaffInput],
    source: Option<&[u8]>,
    then: Option<AfterInsert<'_>>,
    details: serde_json::Value,
    dry_run: bool,
    on_person_year: &dyn Fn(usize, usize) -> Result<()>,
) -> Result<RecordImportSummary> {
    let (mut good, already_present) = drop_known_city_rows(conn, good)?;
    if good.is_empty() {
        return Ok(RecordImportSummary {
            imported: 0,
            people: 0,
            already_present,
        });
    }
    let tx = db::write_tx(conn)?;
    if !new_people.is_empty() {
        let added = crate::ledger::staff::insert_in(
            &tx,
            new_people,
            &|_, _| Ok(()),
            Some(serde_json::json!({ "file": file, "with_records": true })),
        )?;
        for v in good.iter_mut().filter(|v| v.staff_id < 0) {
            v.staff_id = added[(-1 - v.staff_id) as usize];
        }
    }
    // Group by person-year, keeping file order (the entry order the caps fall back on).
    let mut groups: BTreeMap<(i64, i32), Vec<&ValidRecord>> = BTreeMap::new();
    for v in &good {
        groups.entry((v.staff_id, v.year())).or_default().push(v);
    }
    // A bulk insert keeps its index pages in memory instead of spilling them to the WAL and
    // reading them back (about a tenth of a 200,000-row import); the default returns after.
    tx.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
    // Person-years the ledger already has records in; the rest need no recognition re-read.
    let mut known: HashSet<(i64, i32)> = HashSet::new();
    for year in groups.keys().map(|(_, y)| *y).collect::<BTreeSet<_>>() {
        let mut stmt = tx.prepare_cached("SELECT DISTINCT staff_id FROM record WHERE year = ?1")?;
        for staff_id in stmt.query_map([year], |r| r.get::<_, i64>(0))? {
            known.insert((staff_id?, year));
        }
    }
    let now = now_local();
    let mut ids = Vec::with_capacity(good.len());
    for (i, ((staff_id, year), new)) in groups.iter().enumerate() {
        on_person_year(i, groups.len())?;
        let stored = if known.contains(&(*staff_id, *year)) {
            store_person_year(&tx, *staff_id, *year, new, &now, Some(&[]))?
        } else {
            store_new_person_year(&tx, new, &now)?
        };
        ids.extend(stored);
    }
    let people = groups.keys().map(|(s, _)| s).collect::<BTreeSet<_>>().len();
    let imported = good.len();
    // The stored records are not needed for the event: freed before it reads their state back.
    drop(groups);
    drop(good);
    // One event names the whole import: the ids are consecutive within this transaction.
    let (first, last) = (ids.iter().min().copied(), ids.iter().max().copied());
    let mut details = details;
    if let (Some(then), Some(first), Some(last)) = (then, first, last) {
        if let (Some(all), serde_json::Value::Object(more)) =
            (details.as_object_mut(), then(&tx, first, last)?)
        {
            all.extend(more);
        }
    }
    if let (Some(bytes), Some(first), Some(last)) = (source, first, last) {
        let sha = audit::hex(&sha2::Digest::finalize(sha2::Digest::chain_update(
            <sha2::Sha256 as sha2::Digest>::new(),
            bytes,
        )));
        tx.execute(
            "INSERT INTO import_source (sha256, name, bytes, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(sha256) DO NOTHING",
            params![sha, file, bytes, now],
        )?;
        tx.execute(
            "UPDATE record SET source_id = (SELECT id FROM import_source WHERE sha256 = ?1)
             WHERE id BETWEEN ?2 AND ?3",
            params![sha, first, last],
        )?;
        details["source_sha256"] = sha.into();
    }
    let actor = audit::default_actor(&tx)?;
    audit::append(
        &tx,
        &[audit::NewEvent {
            actor: &actor,
            action: Action::Import,
            entity: "record",
            entity_id: first,
            entity_id_to: last,
            before: None,
            after: Some(import_details(file, ids.len(), details)),
            reason: "",
        }],
    )?;
    tx.pragma_update(None, "cache_size", db::DEFAULT_CACHE_KIB)?;
    if !dry_run {
        crate::ledger::anchor::commit(tx)?;
    }
    Ok(RecordImportSummary {
        imported,
        people,
        already_present,
    })
}

/// The import event's state: the file, the count, and what the officer changed on the way in.
fn import_details(file: &str, records: usize, details: serde_json::Value) -> serde_json::Value {
    let mut after = serde_json::json!({ "file": file, "records": records });
    if let (Some(all), serde_json::Value::Object(more)) = (after.as_object_mut(), details) {
        all.extend(more);
    }
    after
}

/// Sets a status without review or audit: for tests that need approved records quickly.
#[cfg(test)]
pub fn set_status(conn: &Connection, id: i64, status: Status) -> Result<()> {
    let r = get(conn, id)?;
    conn.execute(
        "UPDATE record SET status = ?1, updated_at = ?2 WHERE id = ?3",
        params![status.code(), now_local(), id],
    )?;
    refresh(conn, r.staff_id, r.year, &[id])
}

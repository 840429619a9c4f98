//! Hour records: one activity of one person. Entry, storage, and the recognition cache.

use crate::audit::{self, Action};
use crate::db::{self, now_local};
use crate::error::{Error, Result, RowError};
use crate::hours::Hours;
use crate::idcard::{self, IdNumber};
use crate::rules::{self, Category, Recognition, RuleInput, Situation, Status, Subject};
use crate::table::{self, parse_date, Column};
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// A record as the form, the CLI or an import row supplies it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordInput {
    pub staff_id: i64,
    /// Category code or Chinese label.
    pub category: String,
    /// 公需/专业/public/professional, or empty.
    pub subject: String,
    pub title: String,
    pub start: String,
    pub end: String,
    pub claimed: Option<Hours>,
    pub months: Option<u32>,
    pub situation: String,
    pub evidence: String,
    /// For `filed_training`: one of the unit's own plans, whose filing status decides the hours.
    pub plan_id: Option<i64>,
}

/// A checked record, ready to store.
#[derive(Debug, Clone)]
pub struct ValidRecord {
    pub staff_id: i64,
    pub rule: RuleInput,
    pub title: String,
    pub evidence: String,
    pub plan_id: Option<i64>,
}

impl ValidRecord {
    pub fn year(&self) -> i32 {
        self.rule.start.year()
    }
}

type FieldErrors = Vec<(&'static str, String)>;

/// Checks everything but the person (which the caller resolves); errors are (column, message).
pub fn validate(input: &RecordInput) -> std::result::Result<ValidRecord, FieldErrors> {
    let mut errs: FieldErrors = Vec::new();
    let category = Category::parse(&input.category);
    if category.is_none() {
        errs.push((
            "类别",
            if input.category.trim().is_empty() {
                "类别不能为空".into()
            } else {
                format!("类别“{}”无效", input.category.trim())
            },
        ));
    }
    let subject = match input.subject.trim() {
        "" => None,
        s => Subject::parse(s).or_else(|| {
            errs.push(("科目", format!("科目“{s}”无效，应为 公需 或 专业")));
            None
        }),
    };
    let situation = match input.situation.trim() {
        "" => None,
        s => Situation::parse(s).or_else(|| {
            errs.push(("情形", format!("情形“{s}”无效，应为 出国/病假/产假/其他")));
            None
        }),
    };
    let title = input.title.trim().to_string();
    if title.is_empty() {
        errs.push(("项目名称", "项目名称不能为空".into()));
    } else if title.chars().count() > 200 {
        errs.push(("项目名称", "项目名称过长（最多200字）".into()));
    }
    let start = parse_date(&input.start)
        .map_err(|m| errs.push(("开始日期", m)))
        .ok();
    let end = parse_date(&input.end)
        .map_err(|m| errs.push(("结束日期", m)))
        .ok();
    if let Some(s) = start {
        if !(2000..=2100).contains(&s.year()) {
            errs.push(("开始日期", format!("开始日期{s}不在合理年份内")));
        }
    }
    let evidence = input.evidence.trim().to_string();
    if evidence.chars().count() > 500 {
        errs.push(("证明材料", "证明材料说明过长（最多500字）".into()));
    }
    let (Some(category), Some(start), Some(end)) = (category, start, end) else {
        return Err(errs);
    };
    let status = if category == Category::CityPlatform {
        Status::Synced
    } else {
        Status::Pending
    };
    let rule = RuleInput {
        category,
        subject,
        start,
        end,
        claimed: input.claimed,
        months: input.months,
        situation,
        status,
        own_plan_filed: None,
    };
    if let Err(e) = rules::check(&rule) {
        errs.push(e);
    }
    if input.plan_id.is_some() && category != Category::FiledTraining {
        errs.push(("培训计划", "只有备案培训可以关联本单位的培训计划".into()));
    }
    if errs.is_empty() {
        Ok(ValidRecord {
            staff_id: input.staff_id,
            rule,
            title,
            evidence,
            plan_id: input.plan_id,
        })
    } else {
        Err(errs)
    }
}

fn joined(errs: FieldErrors) -> Error {
    Error::invalid(
        errs.into_iter()
            .map(|(c, m)| format!("{c}：{m}"))
            .collect::<Vec<_>>()
            .join("；"),
    )
}

/// The part of a record the audit trail keeps in before/after (no ID numbers).
pub(crate) fn snapshot(r: &Record) -> serde_json::Value {
    serde_json::json!({
        "category": r.category.code(), "subject": r.subject.map(Subject::code), "title": r.title,
        "start": r.start, "end": r.end, "claimed": r.claimed_hours, "months": r.months,
        "situation": r.situation.map(Situation::label), "evidence": r.evidence, "status": r.status.code(),
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

/// A stored record with its recognised hours. `id_number` is full: for the CLI and exports.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub id: i64,
    pub staff_id: i64,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub year: i32,
    pub category: Category,
    pub category_label: &'static str,
    pub subject: Option<Subject>,
    pub subject_label: &'static str,
    pub title: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub claimed_hours: Option<Hours>,
    pub months: Option<u32>,
    pub situation: Option<Situation>,
    pub evidence: String,
    pub status: Status,
    pub status_label: &'static str,
    /// What the rules give this record on its own, before yearly caps and audit.
    pub expected_hours: Hours,
    pub recognized_public: Hours,
    pub recognized_professional: Hours,
    pub recognized_hours: Hours,
    pub reason: String,
    pub created_at: String,
    pub updated_at: String,
    pub reviewer: String,
    pub reviewed_at: String,
    /// Why it was rejected or reopened.
    pub review_reason: String,
    pub attachments: i64,
    pub plan_id: Option<i64>,
}

impl Record {
    /// Evidence is a written reference or at least one attached file (appendix 1 rule 8).
    pub fn has_evidence(&self) -> bool {
        !self.evidence.trim().is_empty() || self.attachments > 0
    }

    /// For screens: the ID number masked.
    pub fn masked(mut self) -> Record {
        self.id_number = idcard::mask(&self.id_number);
        self
    }
}

const SELECT: &str = "SELECT r.id, r.staff_id, s.name, s.id_number, s.department, r.year, r.category, r.subject, r.title,
    r.start_date, r.end_date, r.claimed, r.months, r.situation, r.evidence, r.status, r.expected, r.rec_public,
    r.rec_professional, r.reason, r.created_at, r.updated_at, r.reviewer, r.reviewed_at, r.review_reason,
    (SELECT COUNT(*) FROM record_evidence e WHERE e.record_id = r.id), r.plan_id
    FROM record r JOIN staff s ON s.id = r.staff_id";

fn date_col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let category = Category::parse(&r.get::<_, String>(6)?).unwrap_or(Category::Training);
    let subject = r
        .get::<_, Option<String>>(7)?
        .and_then(|s| Subject::parse(&s));
    let status = Status::parse(&r.get::<_, String>(15)?).unwrap_or(Status::Pending);
    let public: Hours = r.get(17)?;
    let professional: Hours = r.get(18)?;
    Ok(Record {
        id: r.get(0)?,
        staff_id: r.get(1)?,
        name: r.get(2)?,
        id_number: r.get(3)?,
        department: r.get(4)?,
        year: r.get(5)?,
        category,
        category_label: category.label(),
        subject,
        subject_label: match (subject, category.uses_months()) {
            (_, true) => "公需+专业",
            (Some(s), _) => s.label(),
            (None, _) => "",
        },
        title: r.get(8)?,
        start: date_col(r, 9)?,
        end: date_col(r, 10)?,
        claimed_hours: r.get(11)?,
        months: r.get(12)?,
        situation: r
            .get::<_, Option<String>>(13)?
            .and_then(|s| Situation::parse(&s)),
        evidence: r.get(14)?,
        status,
        status_label: status.label(),
        expected_hours: r.get(16)?,
        recognized_public: public,
        recognized_professional: professional,
        recognized_hours: public + professional,
        reason: r.get(19)?,
        created_at: r.get(20)?,
        updated_at: r.get(21)?,
        reviewer: r.get(22)?,
        reviewed_at: r.get(23)?,
        review_reason: r.get(24)?,
        attachments: r.get(25)?,
        plan_id: r.get(26)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Record> {
    conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("编号为{id}的学时记录")))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordFilter {
    pub year: Option<i32>,
    pub staff_id: Option<i64>,
    pub status: Option<Status>,
    pub category: Option<Category>,
    pub department: String,
    /// A fragment of the person's name or the record's title.
    pub search: String,
}

/// The WHERE clause and its bound values for a filter (always bound, never spliced: search boxes included).
fn filter_sql(f: &RecordFilter) -> (String, Vec<Box<dyn rusqlite::ToSql>>) {
    let mut sql = String::from(" WHERE 1=1");
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    let mut add = |clause: &str, v: Box<dyn rusqlite::ToSql>| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(y) = f.year {
        add(" AND r.year = ?", Box::new(y));
    }
    if let Some(s) = f.staff_id {
        add(" AND r.staff_id = ?", Box::new(s));
    }
    if let Some(s) = f.status {
        add(" AND r.status = ?", Box::new(s.code()));
    }
    if let Some(c) = f.category {
        add(" AND r.category = ?", Box::new(c.code()));
    }
    if !f.department.trim().is_empty() {
        add(
            " AND s.department = ?",
            Box::new(f.department.trim().to_string()),
        );
    }
    if !f.search.trim().is_empty() {
        let like = format!("%{}%", db::like_escape(f.search.trim()));
        add(
            " AND (s.name LIKE ? ESCAPE '\\' OR r.title LIKE ? ESCAPE '\\')",
            Box::new(like),
        );
    }
    (sql, args)
}

pub fn list(conn: &Connection, f: &RecordFilter) -> Result<Vec<Record>> {
    Ok(page(conn, f, 0, 0)?.items)
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordPage {
    pub total: u64,
    pub items: Vec<Record>,
}

/// One page (1-based; `page_size` 0 = all) of the filtered records, in person and date order.
pub fn page(conn: &Connection, f: &RecordFilter, page: u32, page_size: u32) -> Result<RecordPage> {
    let (where_sql, args) = filter_sql(f);
    let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM record r JOIN staff s ON s.id = r.staff_id{where_sql}"),
        params.as_slice(),
        |r| r.get(0),
    )?;
    let (limit, page_values) = db::page_clause(page, page_size, params.len());
    let mut page_params = params.clone();
    page_params.extend(page_values.iter().map(|v| v as &dyn rusqlite::ToSql));
    let mut stmt = conn.prepare(&format!(
        "{SELECT}{where_sql} ORDER BY r.staff_id, r.start_date, r.id{limit}"
    ))?;
    let items = stmt
        .query_map(page_params.as_slice(), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(RecordPage {
        total: total as u64,
        items,
    })
}

/// The rule inputs of one person-year in entry order, with their record ids.
fn person_year_inputs(
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
                category: Category::parse(&r.get::<_, String>(1)?).unwrap_or(Category::Training),
                subject: r
                    .get::<_, Option<String>>(2)?
                    .and_then(|s| Subject::parse(&s)),
                start: date_col(r, 3)?,
                end: date_col(r, 4)?,
                claimed: r.get(5)?,
                months: r.get(6)?,
                situation: r
                    .get::<_, Option<String>>(7)?
                    .and_then(|s| Situation::parse(&s)),
                status: Status::parse(&r.get::<_, String>(8)?).unwrap_or(Status::Pending),
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
fn store_person_year(
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

/// Reads the filing state of the plan a record names, so its hours follow the plan.
fn with_plan_state(conn: &Connection, mut v: ValidRecord) -> Result<ValidRecord> {
    if let Some(id) = v.plan_id {
        let plan = crate::plan::get(conn, id)
            .map_err(|_| Error::invalid(format!("培训计划（编号{id}）不存在")))?;
        v.rule.own_plan_filed = Some(plan.status == crate::plan::PlanStatus::Filed);
    }
    Ok(v)
}

fn require_person(conn: &Connection, staff_id: i64) -> Result<()> {
    crate::staff::get(conn, staff_id)
        .map(|_| ())
        .map_err(|_| Error::invalid(format!("人员（编号{staff_id}）不在台账中")))
}

pub fn add(conn: &mut Connection, input: &RecordInput) -> Result<Record> {
    require_person(conn, input.staff_id)?;
    let v = with_plan_state(conn, validate(input).map_err(joined)?)?;
    let tx = db::write_tx(conn)?;
    let id = store_person_year(&tx, v.staff_id, v.year(), &[&v], &now_local())?[0];
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
    tx.commit()?;
    Ok(after)
}

/// Edits a record still awaiting audit (or rejected, which sends it back to audit).
pub fn update(conn: &mut Connection, id: i64, input: &RecordInput) -> Result<Record> {
    let old = get(conn, id)?;
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
    let v = with_plan_state(conn, validate(&input).map_err(joined)?)?;
    let tx = db::write_tx(conn)?;
    let r = &v.rule;
    tx.execute(
        "UPDATE record SET year=?1, category=?2, subject=?3, title=?4, start_date=?5, end_date=?6, claimed=?7, months=?8,
            situation=?9, evidence=?10, status=?11, updated_at=?12, plan_id=?14 WHERE id=?13",
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
            v.plan_id
        ],
    )?;
    refresh(&tx, old.staff_id, old.year)?;
    if v.year() != old.year {
        refresh(&tx, old.staff_id, v.year())?;
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
    tx.commit()?;
    Ok(after)
}

/// Removes a record that was never recognised (pending or rejected).
pub fn delete(conn: &mut Connection, id: i64) -> Result<()> {
    let old = get(conn, id)?;
    if matches!(old.status, Status::Approved | Status::Synced) {
        return Err(Error::invalid(format!(
            "记录{id}已{}，不能删除",
            old.status_label
        )));
    }
    let tx = db::write_tx(conn)?;
    tx.execute("DELETE FROM record WHERE id = ?1", [id])?;
    refresh(&tx, old.staff_id, old.year)?;
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
    tx.commit()?;
    crate::evidence::collect_garbage(conn)?;
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
        .filter(|(id, _)| Some(*id) != editing)
        .map(|(_, r)| r)
        .collect();
    let status = if v.rule.status == Status::Synced {
        Status::Synced
    } else {
        Status::Approved
    };
    inputs.push(RuleInput { status, ..v.rule });
    Ok(rules::recognize(&inputs).pop().expect("one record pushed"))
}

pub const IMPORT_COLUMNS: [Column; 10] = [
    Column {
        label: "身份证号",
        aliases: &["id_number", "身份证号码", "公民身份号码"],
        required: true,
    },
    Column {
        label: "类别",
        aliases: &["category"],
        required: true,
    },
    Column {
        label: "科目",
        aliases: &["subject", "科目类别"],
        required: false,
    },
    Column {
        label: "项目名称",
        aliases: &["title", "名称"],
        required: true,
    },
    Column {
        label: "开始日期",
        aliases: &["start", "start_date"],
        required: true,
    },
    Column {
        label: "结束日期",
        aliases: &["end", "end_date"],
        required: true,
    },
    Column {
        label: "学时",
        aliases: &["hours", "claimed", "申报学时"],
        required: false,
    },
    Column {
        label: "月数",
        aliases: &["months"],
        required: false,
    },
    Column {
        label: "情形",
        aliases: &["situation"],
        required: false,
    },
    Column {
        label: "证明材料",
        aliases: &["evidence"],
        required: false,
    },
];

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
    let mut known: std::collections::HashSet<CityKey> = std::collections::HashSet::new();
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

/// All or nothing: every bad row is listed; nothing is written unless every row is good.
pub fn import_csv(conn: &mut Connection, path: &Path) -> Result<RecordImportSummary> {
    let rows = table::read_table(path, &IMPORT_COLUMNS)?;
    import_rows(
        conn,
        &table::file_label(path),
        &rows,
        false,
        &table::no_progress,
    )
}

/// The city platform's study records: person, course, subject, date, hours.
pub const CITY_COLUMNS: [Column; 5] = [
    Column {
        label: "身份证号",
        aliases: &["id_number", "身份证号码", "公民身份号码", "证件号码"],
        required: true,
    },
    Column {
        label: "课程名称",
        aliases: &["项目名称", "课程", "title", "course"],
        required: true,
    },
    Column {
        label: "科目",
        aliases: &["subject", "科目类别", "课程类别"],
        required: false,
    },
    Column {
        label: "学习日期",
        aliases: &[
            "完成日期",
            "完成时间",
            "学习时间",
            "开始日期",
            "date",
            "start",
        ],
        required: true,
    },
    Column {
        label: "学时",
        aliases: &["hours", "获得学时", "认定学时"],
        required: true,
    },
];

/// Turns city-platform rows into rows of the records import, as synced `city_platform` study.
pub fn city_rows(rows: &[table::Row]) -> Vec<table::Row> {
    rows.iter()
        .map(|r| {
            let cell = |i: usize| r.cells.get(i).cloned().flatten();
            table::Row {
                line: r.line,
                cells: vec![
                    cell(0),
                    Some("city_platform".into()),
                    cell(2),
                    cell(1),
                    cell(3),
                    cell(3),
                    cell(4),
                    None,
                    None,
                    None,
                ],
            }
        })
        .collect()
}

/// Imports rows read with `IMPORT_COLUMNS`; with `dry_run` everything is checked and nothing kept.
pub fn import_rows(
    conn: &mut Connection,
    file: &str,
    rows: &[table::Row],
    dry_run: bool,
    progress: table::Progress<'_>,
) -> Result<RecordImportSummary> {
    let file = file.to_string();
    let people: HashMap<String, i64> = {
        let mut stmt = conn.prepare("SELECT id_number, id FROM staff")?;
        let m = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        m
    };
    let mut errors = Vec::new();
    let mut good = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        table::report(progress, i, rows.len(), 10, 60, "检查数据");
        let mut row_errs: FieldErrors = Vec::new();
        let staff_id = match IdNumber::parse(row.get(0)) {
            Ok(id) => people.get(id.as_str()).copied().or_else(|| {
                row_errs.push((
                    "身份证号",
                    format!(
                        "台账中没有身份证号为{}的人员，请先导入人员",
                        idcard::mask(id.as_str())
                    ),
                ));
                None
            }),
            Err(m) => {
                row_errs.push(("身份证号", m));
                None
            }
        };
        let claimed = match row.get(6) {
            "" => None,
            s => Hours::parse(s).map_err(|m| row_errs.push(("学时", m))).ok(),
        };
        let months = match row.get(7) {
            "" => None,
            s => idcard::normalize_input(s)
                .parse::<u32>()
                .map_err(|_| row_errs.push(("月数", format!("月数“{s}”应为1–12的整数"))))
                .ok(),
        };
        let input = RecordInput {
            staff_id: staff_id.unwrap_or(0),
            category: row.get(1).into(),
            subject: row.get(2).into(),
            title: row.get(3).into(),
            start: row.get(4).into(),
            end: row.get(5).into(),
            claimed,
            months,
            situation: row.get(8).into(),
            evidence: row.get(9).into(),
            plan_id: None,
        };
        // A field that failed to parse is reported once, not again by the validator.
        let parse_failed: Vec<&str> = row_errs.iter().map(|(c, _)| *c).collect();
        match validate(&input) {
            Ok(v) if row_errs.is_empty() => good.push(v),
            Ok(_) => {}
            Err(errs) => {
                row_errs.extend(errs.into_iter().filter(|(c, _)| !parse_failed.contains(c)))
            }
        }
        errors.extend(row_errs.into_iter().map(|(c, m)| RowError {
            line: row.line,
            column: c.into(),
            message: m,
        }));
    }
    let good = table::all_or_nothing(&file, errors, good)?;
    let (good, already_present) = drop_known_city_rows(conn, good)?;
    if good.is_empty() {
        return Ok(RecordImportSummary {
            imported: 0,
            people: 0,
            already_present,
        });
    }
    // Group by person-year, keeping file order (the entry order the caps fall back on).
    let mut groups: BTreeMap<(i64, i32), Vec<&ValidRecord>> = BTreeMap::new();
    for v in &good {
        groups.entry((v.staff_id, v.year())).or_default().push(v);
    }
    let tx = db::write_tx(conn)?;
    let now = now_local();
    let mut ids = Vec::with_capacity(good.len());
    for (i, ((staff_id, year), new)) in groups.iter().enumerate() {
        table::report(progress, i, groups.len(), 70, 30, "写入台账");
        ids.extend(store_person_year(&tx, *staff_id, *year, new, &now)?);
    }
    // One event names the whole import: the ids are consecutive within this transaction.
    let (first, last) = (ids.iter().min().copied(), ids.iter().max().copied());
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
            after: Some(serde_json::json!({ "file": file, "records": ids.len() })),
            reason: "",
        }],
    )?;
    if !dry_run {
        tx.commit()?;
    }
    let people = groups.keys().map(|(s, _)| s).collect::<BTreeSet<_>>().len();
    Ok(RecordImportSummary {
        imported: good.len(),
        people,
        already_present,
    })
}

/// Sets a status without review or audit: for tests that need approved records quickly.
#[cfg(test)]
pub fn set_status(conn: &Connection, id: i64, status: Status) -> Result<()> {
    let r = get(conn, id)?;
    conn.execute(
        "UPDATE record SET status = ?1, updated_at = ?2 WHERE id = ?3",
        params![status.code(), now_local(), id],
    )?;
    refresh(conn, r.staff_id, r.year)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::idcard::tests::make_id;
    use crate::staff::{self, StaffInput};

    pub fn person(conn: &Connection, seq: u32) -> staff::Staff {
        staff::add(
            conn,
            &StaffInput {
                name: format!("员工{seq}"),
                id_number: make_id("370402", "19900101", &format!("{seq:03}")),
                department: "内科".into(),
                ..Default::default()
            },
        )
        .unwrap()
    }

    pub fn input(staff_id: i64, category: &str, start: &str, claimed: Option<i64>) -> RecordInput {
        RecordInput {
            staff_id,
            category: category.into(),
            title: format!("{category}项目"),
            start: start.into(),
            end: start.into(),
            claimed: claimed.map(Hours::from_whole),
            evidence: "证书扫描件".into(),
            ..Default::default()
        }
    }

    #[test]
    fn added_records_are_pending_and_recognised_only_once_approved() {
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let r = add(&mut conn, &input(p.id, "training", "2025-03-01", Some(6))).unwrap();
        assert_eq!(
            (r.status, r.recognized_hours, r.expected_hours),
            (Status::Pending, Hours::ZERO, Hours::from_whole(6))
        );
        assert!(r.reason.starts_with("待审核"));
        set_status(&conn, r.id, Status::Approved).unwrap();
        let r = get(&conn, r.id).unwrap();
        assert_eq!(r.recognized_professional, Hours::from_whole(6));
        let city = add(
            &mut conn,
            &input(p.id, "市平台学习", "2025-02-01", Some(30)),
        )
        .unwrap();
        assert_eq!(
            (city.status, city.recognized_public),
            (Status::Synced, Hours::from_whole(30))
        );
    }

    #[test]
    fn approving_a_later_record_can_cut_an_earlier_entered_one() {
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let ids: Vec<i64> = ["2025-06-01", "2025-01-01", "2025-02-01", "2025-03-01"]
            .iter()
            .map(|d| {
                add(&mut conn, &input(p.id, "achievement", d, None))
                    .unwrap()
                    .id
            })
            .collect();
        for id in &ids {
            set_status(&conn, *id, Status::Approved).unwrap();
        }
        let june = get(&conn, ids[0]).unwrap();
        assert_eq!(
            june.recognized_hours,
            Hours::ZERO,
            "the latest-dated record is the one cut"
        );
        assert!(june.reason.contains("本条计0"));
    }

    #[test]
    fn invalid_records_are_refused_and_nothing_written() {
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let mut bad = input(p.id, "training", "2025-03-02", Some(8));
        bad.end = "2025-03-01".into();
        assert!(add(&mut conn, &bad)
            .unwrap_err()
            .to_string()
            .contains("结束日期早于开始日期"));
        assert!(
            add(&mut conn, &input(9999, "training", "2025-03-01", Some(8)))
                .unwrap_err()
                .to_string()
                .contains("不在台账中")
        );
        assert!(add(&mut conn, &input(p.id, "旅游", "2025-03-01", Some(8)))
            .unwrap_err()
            .to_string()
            .contains("类别“旅游”无效"));
        assert!(list(&conn, &RecordFilter::default()).unwrap().is_empty());
    }

    #[test]
    fn preview_counts_against_approved_records_of_the_year() {
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        for d in ["2025-01-01", "2025-02-01"] {
            let id = add(&mut conn, &input(p.id, "study", d, Some(18)))
                .unwrap()
                .id;
            set_status(&conn, id, Status::Approved).unwrap();
        }
        let pv = preview(&conn, &input(p.id, "study", "2025-05-01", Some(10)), None).unwrap();
        assert_eq!(pv.professional, Hours::from_whole(4));
        assert!(pv.reason.contains("核减为4学时"), "{}", pv.reason);
    }

    #[test]
    fn only_unrecognised_records_can_be_edited_or_deleted() {
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let r = add(&mut conn, &input(p.id, "training", "2025-03-01", Some(6))).unwrap();
        let edited = update(
            &mut conn,
            r.id,
            &input(p.id, "training", "2026-03-01", Some(7)),
        )
        .unwrap();
        assert_eq!(
            (edited.year, edited.claimed_hours),
            (2026, Some(Hours::from_whole(7)))
        );
        set_status(&conn, r.id, Status::Approved).unwrap();
        assert!(update(
            &mut conn,
            r.id,
            &input(p.id, "training", "2026-03-01", Some(8))
        )
        .is_err());
        assert!(delete(&mut conn, r.id).is_err());
    }

    #[test]
    fn filed_training_follows_the_filing_of_the_units_own_plan() {
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let plan = crate::plan::add(&mut conn, &crate::plan::tests::sample(), "王敏").unwrap();
        let mut inp = input(p.id, "filed_training", "2025-06-10", Some(16));
        inp.end = "2025-06-11".into();
        inp.plan_id = Some(plan.id);
        let r = add(&mut conn, &inp).unwrap();
        set_status(&conn, r.id, Status::Approved).unwrap();
        let r = get(&conn, r.id).unwrap();
        assert_eq!(r.recognized_hours, Hours::ZERO);
        assert!(r.reason.contains("未在市人社局备案"), "{}", r.reason);
        use crate::plan::{transition, Transition};
        transition(
            &mut conn,
            plan.id,
            &Transition::Submitted {
                date: "2025-05-08".into(),
            },
            "王敏",
        )
        .unwrap();
        transition(
            &mut conn,
            plan.id,
            &Transition::Filed {
                date: "2025-05-15".into(),
                number: "备-1".into(),
            },
            "王敏",
        )
        .unwrap();
        assert_eq!(
            get(&conn, r.id).unwrap().recognized_hours,
            Hours::from_whole(16),
            "filing the plan recognises the hours"
        );
        let mut wrong = input(p.id, "training", "2025-06-10", Some(8));
        wrong.plan_id = Some(plan.id);
        assert!(add(&mut conn, &wrong)
            .unwrap_err()
            .to_string()
            .contains("只有备案培训"));
    }

    #[test]
    fn xlsx_dates_as_excel_serials_full_width_hours_and_slash_dates() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let path = dir.path().join("学时.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in [
            "身份证号",
            "类别",
            "科目",
            "项目名称",
            "开始日期",
            "结束日期",
            "学时",
            "证明材料",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_string(1, 0, &p.id_number).unwrap();
        sheet.write_string(1, 1, "培训进修").unwrap();
        sheet.write_string(1, 3, "心电图培训").unwrap();
        sheet
            .write_number_with_format(1, 4, 45717.0, &date)
            .unwrap(); // a date cell: 2025-03-01
        sheet.write_number(1, 5, 45718.0).unwrap(); // the same kind of value without a date format
        sheet.write_string(1, 6, "１２．５").unwrap();
        sheet.write_string(1, 7, "证书").unwrap();
        sheet.write_string(2, 0, &p.id_number).unwrap();
        sheet.write_string(2, 1, "study").unwrap();
        sheet.write_string(2, 3, "业务学习").unwrap();
        sheet.write_string(2, 4, "2025/3/5").unwrap();
        sheet.write_string(2, 5, "2025年3月5日").unwrap();
        sheet.write_number(2, 6, 4.0).unwrap();
        book.save(&path).unwrap();
        assert_eq!(import_csv(&mut conn, &path).unwrap().imported, 2);
        let all = list(&conn, &RecordFilter::default()).unwrap();
        let training = all.iter().find(|r| r.title == "心电图培训").unwrap();
        assert_eq!(
            (training.start.to_string(), training.end.to_string()),
            ("2025-03-01".into(), "2025-03-02".into())
        );
        assert_eq!(training.claimed_hours, Some(Hours(125)));
        assert_eq!(
            all.iter()
                .find(|r| r.title == "业务学习")
                .unwrap()
                .start
                .to_string(),
            "2025-03-05"
        );
    }

    #[test]
    fn reimporting_a_city_platform_export_adds_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let path = dir.path().join("市平台.csv");
        let csv = format!(
            "身份证号,类别,科目,项目名称,开始日期,结束日期,学时\n{id},市平台学习,公需,数字技术,2025-04-01,2025-04-01,12\n{id},市平台学习,公需,网络安全,2025-04-02,2025-04-02,8\n{id},市平台学习,公需,网络安全,2025-04-02,2025-04-02,8\n",
            id = p.id_number
        );
        std::fs::write(&path, csv).unwrap();
        let first = import_csv(&mut conn, &path).unwrap();
        assert_eq!(
            (first.imported, first.already_present),
            (2, 1),
            "a duplicate row within the file counts once"
        );
        let again = import_csv(&mut conn, &path).unwrap();
        assert_eq!((again.imported, again.already_present), (0, 3));
        assert_eq!(list(&conn, &RecordFilter::default()).unwrap().len(), 2);
    }

    #[test]
    fn page_filters_by_search_and_pages_in_order() {
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        for d in ["2025-01-01", "2025-02-01", "2025-03-01"] {
            add(&mut conn, &input(p.id, "training", d, Some(4))).unwrap();
        }
        let mut odd = input(p.id, "study", "2025-04-01", Some(2));
        odd.title = "100%_完成".into();
        add(&mut conn, &odd).unwrap();
        let f = |search: &str| RecordFilter {
            year: Some(2025),
            search: search.into(),
            ..Default::default()
        };
        assert_eq!(page(&conn, &f("员工101"), 1, 2).unwrap().total, 4);
        assert_eq!(page(&conn, &f("员工101"), 2, 3).unwrap().items.len(), 1);
        assert_eq!(
            page(&conn, &f("%_"), 0, 0).unwrap().total,
            1,
            "wildcards are literal"
        );
        assert_eq!(page(&conn, &f("无此人"), 0, 0).unwrap().total, 0);
    }

    #[test]
    fn csv_import_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let stranger = make_id("370402", "19900101", "555");
        let header = "身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料\n";
        let rows = format!(
            "{id},培训进修,专业,心电图培训,2025-03-01,2025-03-02,20,,,培训证书\n\
             {id},posting,,援疆,2025-01-01,2025-12-31,,7,,派遣文件\n\
             {stranger},training,,x,2025-03-01,2025-03-01,8,,,\n\
             {id},special,,病休,2025-01-01,2025-12-31,,5,病假,诊断证明\n\
             {id},training,,y,2025-02-30,2025-03-01,1e9,,,\n",
            id = p.id_number
        );
        let path = dir.path().join("records.csv");
        std::fs::write(&path, format!("{header}{rows}")).unwrap();
        let err = import_csv(&mut conn, &path).unwrap_err();
        let Error::Rows { errors, .. } = &err else {
            panic!("{err}")
        };
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            got,
            vec![(4, "身份证号"), (5, "月数"), (6, "学时"), (6, "开始日期")],
            "{err}"
        );
        assert!(
            !err.to_string().contains(&stranger),
            "ID numbers are masked in messages"
        );
        assert!(list(&conn, &RecordFilter::default()).unwrap().is_empty());

        let good = format!(
            "{header}{id},培训进修,专业,心电图培训,2025-03-01,2025-03-02,20,,,培训证书\n{id},posting,,援疆,2025-01-01,2025-12-31,,7,,派遣文件\n{id},city_platform,公需,数字技术,2025-04-01,2025-04-01,12.5,,,\n",
            id = p.id_number
        );
        std::fs::write(&path, good).unwrap();
        let s = import_csv(&mut conn, &path).unwrap();
        assert_eq!((s.imported, s.people), (3, 1));
        let all = list(
            &conn,
            &RecordFilter {
                year: Some(2025),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(all.len(), 3);
        let training = all
            .iter()
            .find(|r| r.category == Category::Training)
            .unwrap();
        assert_eq!(
            (training.status, training.expected_hours),
            (Status::Pending, Hours::from_whole(16))
        );
        let city = all
            .iter()
            .find(|r| r.category == Category::CityPlatform)
            .unwrap();
        assert_eq!(
            (city.status, city.recognized_public),
            (Status::Synced, Hours(125))
        );
    }
}

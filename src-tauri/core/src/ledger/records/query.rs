//! Reading records: the stored record with its recognised hours, by id, filtered and paged.

use crate::domain::hours::Hours;
use crate::domain::idcard;
use crate::domain::rules::{Category, Situation, Status, Subject};
use crate::error::{Error, Result};
use crate::ledger::db;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A stored record with its recognised hours. `id_number` is full: for the CLI and exports.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "LedgerRecord")]
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
    /// 公需专题 a public training or study record names.
    pub topic: Option<String>,
    /// 备案/证书编号.
    pub filing_number: Option<String>,
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
    (SELECT COUNT(*) FROM record_evidence e WHERE e.record_id = r.id), r.plan_id, r.topic, r.filing_number
    FROM record r JOIN staff s ON s.id = r.staff_id";

pub(super) fn date_col(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let category: Category = db::code_col(r, 6)?;
    let subject: Option<Subject> = db::opt_code_col(r, 7)?;
    let status: Status = db::code_col(r, 15)?;
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
        situation: db::opt_code_col(r, 13)?,
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
        topic: r.get(27)?,
        filing_number: r.get(28)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Record> {
    conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("编号为{id}的学时记录")))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
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

/// The WHERE clause and its bound values for a filter (always bound, never spliced: search boxes
/// included), and whether the clause reads the roster (`s.`).
fn filter_sql(f: &RecordFilter) -> (String, Vec<Box<dyn rusqlite::ToSql>>, bool) {
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
    let by_department = !f.department.trim().is_empty();
    let by_search = !f.search.trim().is_empty();
    if by_department {
        add(
            " AND s.department = ?",
            Box::new(f.department.trim().to_string()),
        );
    }
    if by_search {
        let like = format!("%{}%", db::like_escape(f.search.trim()));
        add(
            " AND (s.name LIKE ? ESCAPE '\\' OR r.title LIKE ? ESCAPE '\\')",
            Box::new(like),
        );
    }
    (sql, args, by_department || by_search)
}

pub fn list(conn: &Connection, f: &RecordFilter) -> Result<Vec<Record>> {
    Ok(page(conn, f, 0, 0)?.items)
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RecordPage {
    pub total: u64,
    pub items: Vec<Record>,
}

/// One page (1-based; `page_size` 0 = all) of the filtered records, in person and date order.
pub fn page(conn: &Connection, f: &RecordFilter, page: u32, page_size: u32) -> Result<RecordPage> {
    let (where_sql, args, reads_roster) = filter_sql(f);
    let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
    // The count joins the roster only when the filter reads it: the join cost the review page's
    // count ten times its time at 200,000 records.
    let counted = if reads_roster {
        "record r JOIN staff s ON s.id = r.staff_id"
    } else {
        "record r"
    };
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM {counted}{where_sql}"),
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

/// A record already in the ledger whose 公需 hours break where the notice allows them (issue 13
/// item 2): entered before the check existed, or edited outside the program. Listed for the
/// officer; its hours are left as they are.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PublicSourceProblem {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub category_label: &'static str,
    pub status_label: &'static str,
    pub reason: String,
}

pub(super) const PUBLIC_SOURCE_CANDIDATES: &str =
    "SELECT r.id, r.category, r.subject, r.topic FROM record r
     WHERE r.year = ?1 AND r.status <> 'rejected' AND (topic IS NOT NULL
       OR (subject = 'public' AND category NOT IN ('city_platform', 'transfer_in')))
     ORDER BY r.id";

/// Every record of `year` with a 公需 subject or a topic that the rules would refuse now.
pub fn public_source_problems(conn: &Connection, year: i32) -> Result<Vec<PublicSourceProblem>> {
    use crate::domain::rules;
    let topics = crate::ledger::policy::of_year(conn, year)?.topics;
    // The rules read only these three columns, and the partial index `record_public_source`
    // (its WHERE is this one's last term, word for word) holds just the records they could
    // refuse: the review page's check reads those, not the year's 200,000. Refused ones are then
    // read in full.
    let mut stmt = conn.prepare_cached(PUBLIC_SOURCE_CANDIDATES)?;
    let candidates = stmt.query_map([year], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            db::code_col::<Category>(r, 1)?,
            db::opt_code_col::<Subject>(r, 2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for candidate in candidates {
        let (id, category, subject, topic) = candidate?;
        let refused = rules::check_subject(category, subject)
            .and_then(|()| rules::check_topic(category, subject, topic.as_deref(), year, &topics));
        if let Err((_, reason)) = refused {
            let r = get(conn, id)?;
            out.push(PublicSourceProblem {
                id: r.id,
                name: r.name,
                title: r.title,
                category_label: r.category_label,
                status_label: r.status_label,
                reason,
            });
        }
    }
    Ok(out)
}

/// The year's records a certificate may still be attached to (pending or rejected, not synced
/// city-platform study), with what matching a file name to them needs.
pub fn awaiting_certificates(
    conn: &Connection,
    year: i32,
) -> Result<Vec<crate::domain::matching::Candidate>> {
    certificate_candidates(conn, "r.year = ?1", rusqlite::params![year])
}

/// `awaiting_certificates` among the records of ids `first..=last` (an import's, before it commits).
pub fn awaiting_certificates_between(
    conn: &Connection,
    first: i64,
    last: i64,
) -> Result<Vec<crate::domain::matching::Candidate>> {
    certificate_candidates(
        conn,
        "r.id BETWEEN ?1 AND ?2",
        rusqlite::params![first, last],
    )
}

fn certificate_candidates(
    conn: &Connection,
    which: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<crate::domain::matching::Candidate>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT r.id, s.name, s.id_number, s.department, r.title, r.start_date, r.evidence,
                EXISTS (SELECT 1 FROM record_evidence e WHERE e.record_id = r.id)
         FROM record r JOIN staff s ON s.id = r.staff_id
         WHERE {which} AND r.status IN ('pending', 'rejected') AND r.category <> 'city_platform'
         ORDER BY s.department, s.name, r.start_date, r.id"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok(crate::domain::matching::Candidate {
            record_id: r.get(0)?,
            name: r.get(1)?,
            id_number: r.get(2)?,
            department: r.get(3)?,
            title: r.get(4)?,
            start: date_col(r, 5)?,
            evidence: r.get(6)?,
            has_file: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The pending records a filter selects, counted by category and by whether they carry evidence
/// (a written reference or a file): what a batch approval of them would and would not take.
pub fn pending_by_evidence(
    conn: &Connection,
    f: &RecordFilter,
) -> Result<Vec<(Category, bool, u64)>> {
    let (where_sql, args, _) = filter_sql(&RecordFilter {
        status: Some(Status::Pending),
        ..f.clone()
    });
    let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT r.category,
                trim(r.evidence) <> '' OR EXISTS (SELECT 1 FROM record_evidence e WHERE e.record_id = r.id),
                COUNT(*)
         FROM record r JOIN staff s ON s.id = r.staff_id{where_sql} GROUP BY 1, 2 ORDER BY 1, 2"
    ))?;
    let rows = stmt.query_map(params.as_slice(), |r| {
        Ok((db::code_col(r, 0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

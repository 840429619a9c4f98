//! Where every person stands against the year's requirement, and the unit dashboard.

use crate::domain::hours::Hours;
use crate::domain::idcard;
use crate::error::{Error, Result};
use crate::ledger::policy::{self, YearPolicy};
use crate::ledger::records::{self, Record, RecordFilter};
use crate::ledger::staff::{self, StaffRow};
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The local calendar date, which drives every days-left figure.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PersonProgress {
    pub staff_id: i64,
    pub id_number: String,
    pub name: String,
    pub department: String,
    pub public: Hours,
    pub professional: Hours,
    pub total: Hours,
    /// Claimed hours still awaiting the unit's audit.
    pub pending: Hours,
    pub compliant: bool,
    pub short_public: Hours,
    pub short_professional: Hours,
    pub title_applicant: bool,
    pub materials_date: Option<NaiveDate>,
    /// The study deadline, or for a title applicant the 5th working day before the materials date.
    pub deadline: NaiveDate,
    pub days_left: i64,
    /// When the unit last told this person about their hours (a notice of this year naming them).
    pub last_notified: Option<NaiveDate>,
    /// A title applicant's counted hours from records that ended by the deadline: what the
    /// title application can use, and what `compliant` and the shortfalls follow for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub public_by_deadline: Option<Hours>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub professional_by_deadline: Option<Hours>,
    /// In this year's count: professional-technical and at the unit on the study deadline. Only a
    /// person's own page shows someone who is not.
    pub counted: bool,
}

impl PersonProgress {
    pub fn shortfall(&self) -> Hours {
        self.short_public + self.short_professional
    }
    fn masked(mut self) -> Self {
        self.id_number = idcard::mask(&self.id_number);
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub year: i32,
    pub staff: Vec<PersonProgress>,
}

/// Compliant ⇔ public ≥ requirement AND professional ≥ requirement (README, 认定规则): surplus in one
/// does not make up the other.
pub fn assess(policy: &YearPolicy, public: Hours, professional: Hours) -> (bool, Hours, Hours) {
    let short_public = policy.public_required.saturating_sub(public);
    let short_professional = policy.professional_required.saturating_sub(professional);
    let short_total = policy.total_required.saturating_sub(public + professional);
    let compliant = short_public == Hours::ZERO
        && short_professional == Hours::ZERO
        && short_total == Hours::ZERO;
    (compliant, short_public, short_professional)
}

/// Whether a staff row (`s`) is in the count of the year whose study deadline is `?3`: flagged
/// 专技人员, joined by the deadline, and not gone before it (retired, left or transferred out).
const COUNTED: &str = "(s.professional = 1 AND (s.joined_on IS NULL OR s.joined_on <= ?3)
    AND (s.left_on IS NULL OR s.left_on >= ?3))";

/// Every active person's standing in `year`, in roster order. `today` drives days-left.
pub fn progress(conn: &Connection, year: i32, today: NaiveDate) -> Result<Progress> {
    Ok(Progress {
        year,
        staff: standings(conn, year, today, None)?,
    })
}

/// Standings of all active staff, or of one person (archived or not).
fn standings(
    conn: &Connection,
    year: i32,
    today: NaiveDate,
    only: Option<i64>,
) -> Result<Vec<PersonProgress>> {
    let policy = policy::get_or_create(conn, year)?;
    let cal = policy::calendar(conn)?;
    let applicants: HashMap<i64, NaiveDate> = {
        let mut stmt = conn.prepare_cached(
            "SELECT staff_id, materials_date FROM title_applicant WHERE year = ?1",
        )?;
        let rows = stmt.query_map([year], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.filter_map(|r| r.ok())
            .filter_map(|(id, d)| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .ok()
                    .map(|d| (id, d))
            })
            .collect()
    };
    // One person reads only their own rows; everyone streams the covering index in staff order.
    // Issue 13 item 9: a year counts the professional-technical staff at the unit on its deadline.
    let (record_filter, staff_filter) = match only {
        Some(_) => ("year = ?1 AND staff_id = ?2", "s.id = ?2"),
        None => (
            "year = ?1 AND ?2 IS NULL",
            &*format!("s.archived = 0 AND {COUNTED}"),
        ),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.id_number, s.name, s.department,
                COALESCE(t.public, 0), COALESCE(t.professional, 0), COALESCE(t.pending, 0),
                (SELECT MAX(n.date) FROM notice_recipient nr JOIN notice n ON n.id = nr.notice_id
                  WHERE nr.staff_id = s.id AND substr(n.date, 1, 4) = printf('%04d', ?1)),
                {COUNTED}
         FROM staff s
         LEFT JOIN (SELECT staff_id, SUM(rec_public) AS public, SUM(rec_professional) AS professional,
                           SUM(CASE WHEN status = 'pending' THEN expected ELSE 0 END) AS pending
                    FROM record WHERE {record_filter} GROUP BY staff_id) t ON t.staff_id = s.id
         WHERE {staff_filter}
         ORDER BY s.department, s.name, s.id"
    ))?;
    let rows = stmt.query_map(
        params![year, only, policy.study_deadline.to_string()],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Hours>(4)?,
                r.get::<_, Hours>(5)?,
                r.get::<_, Hours>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, bool>(8)?,
            ))
        },
    )?;
    let mut staff = Vec::new();
    for row in rows {
        let (
            staff_id,
            id_number,
            name,
            department,
            public,
            professional,
            pending,
            notified,
            counted,
        ) = row?;
        let last_notified = notified.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        let materials_date = applicants.get(&staff_id).copied();
        let deadline = match materials_date {
            Some(d) => policy::working_days_before(d, policy::TITLE_APPLICANT_WORKING_DAYS, &cal)
                .min(policy.study_deadline),
            None => policy.study_deadline,
        };
        // Issue 13 item 1: an applicant is judged by what was done by their deadline. Caps ran over
        // the whole year in date order (the stored recognised hours); only the ending date decides.
        let by_deadline = match materials_date {
            Some(_) => Some(counted_by(conn, staff_id, year, deadline)?),
            None => None,
        };
        let (judged_public, judged_professional) = by_deadline.unwrap_or((public, professional));
        let (compliant, short_public, short_professional) =
            assess(&policy, judged_public, judged_professional);
        staff.push(PersonProgress {
            staff_id,
            id_number,
            name,
            department,
            public,
            professional,
            total: public + professional,
            pending,
            compliant,
            short_public,
            short_professional,
            title_applicant: materials_date.is_some(),
            materials_date,
            deadline,
            days_left: (deadline - today).num_days(),
            last_notified,
            public_by_deadline: by_deadline.map(|(p, _)| p),
            professional_by_deadline: by_deadline.map(|(_, p)| p),
            counted,
        });
    }
    Ok(staff)
}

/// Counted (approved or synced) recognised hours of one person-year from records that ended on or
/// before `deadline`: (public, professional).
pub fn counted_by(
    conn: &Connection,
    staff_id: i64,
    year: i32,
    deadline: NaiveDate,
) -> Result<(Hours, Hours)> {
    let mut stmt = conn.prepare_cached(
        "SELECT COALESCE(SUM(rec_public), 0), COALESCE(SUM(rec_professional), 0) FROM record
         WHERE staff_id = ?1 AND year = ?2 AND status IN ('approved', 'synced') AND end_date <= ?3",
    )?;
    Ok(
        stmt.query_row(params![staff_id, year, deadline.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?,
    )
}

/// Marks (or with `None` unmarks) a person as applying for a title this year (拟申报职称).
pub fn set_title_applicant(
    conn: &Connection,
    staff_id: i64,
    year: i32,
    materials_date: Option<NaiveDate>,
) -> Result<()> {
    staff::get(conn, staff_id)?;
    if let Some(d) = materials_date.filter(|d| chrono::Datelike::year(d) != year) {
        return Err(Error::invalid(format!("材料报送日期{d}不在{year}年内")));
    }
    crate::ledger::db::in_write_tx(conn, |tx| {
        match materials_date {
            Some(d) => tx.execute(
                "INSERT INTO title_applicant (staff_id, year, materials_date) VALUES (?1, ?2, ?3)
                 ON CONFLICT(staff_id, year) DO UPDATE SET materials_date = ?3",
                params![staff_id, year, d.to_string()],
            )?,
            None => tx.execute(
                "DELETE FROM title_applicant WHERE staff_id = ?1 AND year = ?2",
                params![staff_id, year],
            )?,
        };
        let why = format!("{year}年度");
        crate::ledger::audit::rows_changed(
            tx,
            crate::ledger::audit::Action::Edit,
            "applicant",
            staff_id,
            staff_id,
            &why,
        )
    })
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PersonPage {
    pub staff: StaffRow,
    pub year: i32,
    pub policy: YearPolicy,
    pub progress: PersonProgress,
    pub records: Vec<Record>,
    /// For a title applicant: the records that ended after their deadline, which the title
    /// application cannot use (「截止日后完成，不计入职称申报」).
    pub after_deadline: Vec<i64>,
}

/// One person's year: standing, and every record with its recognised hours and reason (IDs masked).
pub fn person_page(
    conn: &Connection,
    staff_id: i64,
    year: i32,
    today: NaiveDate,
) -> Result<PersonPage> {
    let person = staff::get(conn, staff_id)?;
    let policy = policy::get_or_create(conn, year)?;
    let standing = standings(conn, year, today, Some(staff_id))?
        .pop()
        .expect("the person exists")
        .masked();
    let records = records::list(
        conn,
        &RecordFilter {
            year: Some(year),
            staff_id: Some(staff_id),
            ..Default::default()
        },
    )?
    .into_iter()
    .map(Record::masked)
    .collect::<Vec<_>>();
    let after_deadline = match standing.title_applicant {
        true => records
            .iter()
            .filter(|r| r.end > standing.deadline)
            .map(|r| r.id)
            .collect(),
        false => Vec::new(),
    };
    Ok(PersonPage {
        staff: person.into(),
        year,
        policy,
        progress: standing,
        records,
        after_deadline,
    })
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DepartmentStat {
    pub department: String,
    pub done: usize,
    pub short: usize,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Dashboard {
    pub year: i32,
    pub policy: YearPolicy,
    pub today: NaiveDate,
    pub staff_count: usize,
    pub done: usize,
    pub short: usize,
    pub pending_records: usize,
    pub study_days_left: i64,
    pub plan_days_left: i64,
    pub applicants_at_risk: usize,
    /// The unit's own plans of the year not yet 已备案 (the May 20 filing deadline).
    pub plans_unfiled: usize,
    /// A city-level unit (市直单位): only such a unit has the May 20 plan duty and its warnings.
    pub city_level: bool,
    pub by_department: Vec<DepartmentStat>,
    /// The most urgent of who is short (`short` counts them all): title applicants first (by their
    /// deadline), then the largest shortfall. IDs masked. The reminder page pages through the rest.
    pub short_list: Vec<PersonProgress>,
    /// The three first steps of a new ledger, done or not: the dashboard guides through them.
    pub first_steps: FirstSteps,
}

/// A new ledger's first steps (单位信息 → 人员名册 → 学时记录), each done or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FirstSteps {
    pub unit: bool,
    pub roster: bool,
    pub records: bool,
}

impl FirstSteps {
    pub fn of(conn: &Connection) -> Result<FirstSteps> {
        let exists = |table: &str| -> Result<bool> {
            Ok(
                conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), [], |r| {
                    r.get(0)
                })?,
            )
        };
        Ok(FirstSteps {
            unit: !crate::ledger::unit::get(conn)?.name.trim().is_empty(),
            roster: exists("staff")?,
            records: exists("record")?,
        })
    }
}

/// How many of the short people the dashboard lists.
pub const DASHBOARD_SHORT_LIST: usize = 20;

/// Who is short, most urgent first: title applicants (nearest deadline first), then the nearest
/// deadline, the largest shortfall, the name. IDs masked.
fn short_people(staff: &[PersonProgress]) -> Vec<PersonProgress> {
    let mut short: Vec<PersonProgress> = staff
        .iter()
        .filter(|s| !s.compliant)
        .cloned()
        .map(PersonProgress::masked)
        .collect();
    short.sort_by(|a, b| {
        b.title_applicant
            .cmp(&a.title_applicant)
            .then(a.deadline.cmp(&b.deadline))
            .then(b.shortfall().cmp(&a.shortfall()))
            .then(a.name.cmp(&b.name))
    });
    short
}

/// Everyone short in `year`, most urgent first (the reminder list and its export).
pub fn short_list(conn: &Connection, year: i32, today: NaiveDate) -> Result<Vec<PersonProgress>> {
    Ok(short_people(&progress(conn, year, today)?.staff))
}

pub fn dashboard(conn: &Connection, year: i32, today: NaiveDate) -> Result<Dashboard> {
    let policy = policy::get_or_create(conn, year)?;
    let pending_records: i64 = conn.query_row(
        "SELECT COUNT(*) FROM record WHERE year = ?1 AND status = 'pending'",
        [year],
        |r| r.get(0),
    )?;
    // Counts by aggregate queries (issue 14): the year's figures decide everyone but title
    // applicants, who are judged apart by their deadline and corrected for below.
    let requirement = (
        policy.public_required,
        policy.professional_required,
        policy.total_required,
    );
    let mut by_department: BTreeMap<String, DepartmentStat> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.department, COUNT(*), COALESCE(SUM({MEETS}), 0)
         FROM staff s LEFT JOIN ({PERSON_YEAR_SUMS}) t ON t.staff_id = s.id
         WHERE s.archived = 0 AND {COUNTED}
         GROUP BY s.department"
    ))?;
    let rows = stmt.query_map(
        params![
            year,
            requirement.0,
            policy.study_deadline.to_string(),
            requirement.1,
            requirement.2
        ],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )?;
    for row in rows {
        let (department, counted, meets) = row?;
        let stat = department_stat(&mut by_department, &department);
        stat.done += meets as usize;
        stat.short += (counted - meets) as usize;
    }
    let applicants = standings_of(conn, year, today, &applicant_ids(conn, year, &policy)?)?;
    for a in &applicants {
        let by_year = assess(&policy, a.public, a.professional).0;
        if by_year != a.compliant {
            let stat = department_stat(&mut by_department, &a.department);
            let (gain, loss) = match a.compliant {
                true => (&mut stat.done, &mut stat.short),
                false => (&mut stat.short, &mut stat.done),
            };
            *gain += 1;
            *loss -= 1;
        }
    }
    let applicants_at_risk = applicants
        .iter()
        .filter(|a| a.title_applicant && !a.compliant)
        .count();
    // The most urgent short people: short applicants, then the largest shortfalls of the rest
    // (whose deadline is the study deadline), in the order `short_people` gives.
    let mut candidates = applicants;
    let furthest_short = largest_shortfall_ids(conn, year, &policy)?;
    candidates.extend(standings_of(conn, year, today, &furthest_short)?);
    // `short_people` keeps the roster order among equals, as the reminder list does.
    candidates.sort_by(|a, b| {
        (&a.department, &a.name, a.staff_id).cmp(&(&b.department, &b.name, b.staff_id))
    });
    let mut short_list = short_people(&candidates);
    short_list.truncate(DASHBOARD_SHORT_LIST);
    let staff_count = by_department.values().map(|d| d.done + d.short).sum();
    let done = by_department.values().map(|d| d.done).sum();
    Ok(Dashboard {
        year,
        today,
        staff_count,
        done,
        short: staff_count - done,
        pending_records: pending_records as usize,
        study_days_left: (policy.study_deadline - today).num_days(),
        plan_days_left: (policy.plan_deadline - today).num_days(),
        applicants_at_risk,
        plans_unfiled: crate::ledger::plan::unfiled_count(conn, year)?,
        city_level: crate::ledger::unit::get(conn)?.city_level,
        by_department: by_department.into_values().collect(),
        short_list,
        policy,
        first_steps: FirstSteps::of(conn)?,
    })
}

/// Each person's recognised hours of year `?1`, from the covering index.
const PERSON_YEAR_SUMS: &str = "SELECT staff_id, SUM(rec_public) AS public,
    SUM(rec_professional) AS professional FROM record WHERE year = ?1 GROUP BY staff_id";

/// Whether the year's figures of `t` (`PERSON_YEAR_SUMS`) meet the requirement `?2` public,
/// `?4` professional, `?5` in all: `assess` in SQL.
const MEETS: &str = "(COALESCE(t.public, 0) >= ?2 AND COALESCE(t.professional, 0) >= ?4
    AND COALESCE(t.public, 0) + COALESCE(t.professional, 0) >= ?5)";

fn department_stat<'a>(
    stats: &'a mut BTreeMap<String, DepartmentStat>,
    department: &str,
) -> &'a mut DepartmentStat {
    let name = match department {
        "" => "（未填部门）",
        d => d,
    };
    stats
        .entry(name.to_string())
        .or_insert_with(|| DepartmentStat {
            department: name.to_string(),
            done: 0,
            short: 0,
        })
}

/// The active, counted staff with a title-applicant row this year (a row whose date cannot be
/// read leaves its person judged as everyone else, as `standings` does).
fn applicant_ids(conn: &Connection, year: i32, policy: &YearPolicy) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id FROM title_applicant ta JOIN staff s ON s.id = ta.staff_id
         WHERE ta.year = ?1 AND ?2 IS NULL AND s.archived = 0 AND {COUNTED}"
    ))?;
    let ids = stmt
        .query_map(
            params![year, None::<i64>, policy.study_deadline.to_string()],
            |r| r.get::<_, i64>(0),
        )?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// The `DASHBOARD_SHORT_LIST` counted people (not title applicants) furthest short, largest
/// shortfall first, then by name (`short_people`'s order for one deadline).
fn largest_shortfall_ids(conn: &Connection, year: i32, policy: &YearPolicy) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id FROM staff s LEFT JOIN ({PERSON_YEAR_SUMS}) t ON t.staff_id = s.id
         WHERE s.archived = 0 AND {COUNTED} AND NOT {MEETS}
           AND s.id NOT IN (SELECT staff_id FROM title_applicant WHERE year = ?1)
         ORDER BY MAX(?2 - COALESCE(t.public, 0), 0) + MAX(?4 - COALESCE(t.professional, 0), 0) DESC,
                  s.name, s.department, s.id
         LIMIT ?6"
    ))?;
    let ids = stmt
        .query_map(
            params![
                year,
                policy.public_required,
                policy.study_deadline.to_string(),
                policy.professional_required,
                policy.total_required,
                DASHBOARD_SHORT_LIST as i64
            ],
            |r| r.get::<_, i64>(0),
        )?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// The standings of the people `ids`, in that order.
fn standings_of(
    conn: &Connection,
    year: i32,
    today: NaiveDate,
    ids: &[i64],
) -> Result<Vec<PersonProgress>> {
    let mut standing = Vec::with_capacity(ids.len());
    for &id in ids {
        standing.extend(standings(conn, year, today, Some(id))?);
    }
    Ok(standing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::Status;
    use crate::ledger::records::tests::{input, person};
    use crate::ledger::records::{add, set_status};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn compliance_needs_both_parts() {
        let p = policy::builtin_2025();
        assert_eq!(
            assess(&p, Hours::from_whole(30), Hours::from_whole(60)),
            (true, Hours::ZERO, Hours::ZERO)
        );
        let (ok, sp, spro) = assess(&p, Hours::from_whole(60), Hours::from_whole(50));
        assert!(!ok, "surplus public does not make up professional");
        assert_eq!((sp, spro), (Hours::ZERO, Hours::from_whole(10)));
        assert_eq!(assess(&p, Hours(299), Hours::from_whole(100)).1, Hours(1));
    }

    #[test]
    fn progress_sums_recognised_hours_and_pending_claims() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let a = person(&conn, 101);
        let b = person(&conn, 102);
        let mut posting = input(a.id, "posting", "2025-01-01", None);
        posting.end = "2025-12-31".into();
        posting.months = Some(12);
        let id = add(&mut conn, &posting).unwrap().id;
        set_status(&conn, id, Status::Approved).unwrap();
        add(&mut conn, &input(b.id, "training", "2025-03-01", Some(8))).unwrap();
        add(
            &mut conn,
            &input(b.id, "city_platform", "2025-03-01", Some(12)),
        )
        .unwrap();
        let p = progress(&conn, 2025, d("2025-12-01")).unwrap();
        let pa = p.staff.iter().find(|s| s.staff_id == a.id).unwrap();
        assert!(pa.compliant && pa.total == Hours::from_whole(90));
        let pb = p.staff.iter().find(|s| s.staff_id == b.id).unwrap();
        assert_eq!(
            (
                pb.public,
                pb.pending,
                pb.short_public,
                pb.short_professional
            ),
            (
                Hours::from_whole(12),
                Hours::from_whole(8),
                Hours::from_whole(18),
                Hours::from_whole(60)
            )
        );
        assert_eq!(pb.days_left, 30);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["staff"][1]["public"], 12.0);
    }

    #[test]
    fn title_applicants_get_the_earlier_deadline_and_lead_the_short_list() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        let a = person(&conn, 101);
        let b = person(&conn, 102);
        set_title_applicant(&conn, b.id, 2025, Some(d("2025-10-13"))).unwrap();
        let dash = dashboard(&conn, 2025, d("2025-09-01")).unwrap();
        assert_eq!(
            (
                dash.staff_count,
                dash.done,
                dash.short,
                dash.applicants_at_risk
            ),
            (2, 0, 2, 1)
        );
        assert_eq!(dash.short_list[0].staff_id, b.id);
        assert_eq!(dash.short_list[0].deadline, d("2025-09-29"));
        assert!(
            dash.short_list[0].id_number.contains("**"),
            "dashboard IDs are masked"
        );
        assert_eq!(dash.short_list[1].staff_id, a.id);
        assert_eq!(
            dash.plan_days_left,
            (d("2025-05-20") - d("2025-09-01")).num_days()
        );
        assert!(set_title_applicant(&conn, a.id, 2025, Some(d("2026-01-10"))).is_err());
        set_title_applicant(&conn, b.id, 2025, None).unwrap();
        assert_eq!(
            dashboard(&conn, 2025, d("2025-09-01"))
                .unwrap()
                .applicants_at_risk,
            0
        );
    }

    /// Issue 14: the dashboard's aggregate queries give what everyone's standing gives (the
    /// reminder list's path), over departments, leavers, non-professional and archived staff,
    /// title applicants short only by their deadline, and ties in shortfall and name.
    #[test]
    fn the_dashboard_aggregates_agree_with_everyone_s_standing() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let today = d("2025-09-01");
        let departments = ["内科", "外科", "", "儿科"];
        let names = ["张三", "李四", "王五"];
        for i in 0..48u32 {
            let (employment, left_on) = match i % 11 {
                5 => ("退休", "2025-06-30"),
                _ => ("在职", ""),
            };
            let person = staff::add(
                &conn,
                &staff::StaffInput {
                    name: names[(i % 3) as usize].into(),
                    id_number: crate::domain::idcard::tests::make_id(
                        "370402",
                        "19900101",
                        &format!("{i:03}"),
                    ),
                    department: departments[(i % 4) as usize].into(),
                    employment: employment.into(),
                    left_on: left_on.into(),
                    professional: Some(i % 13 != 7),
                    ..Default::default()
                },
            )
            .unwrap();
            if i % 17 == 16 {
                staff::set_archived(&conn, person.id, true).unwrap();
            }
            // Hours in steps of 10 make equal shortfalls; an applicant's later half ends after
            // their deadline (2025-09-29).
            let public = [0, 10, 30][(i / 3 % 3) as usize];
            let professional = [0, 20, 60][(i % 3) as usize];
            for (subject, hours, date) in [
                ("公需", public, "2025-03-01"),
                ("专业", professional / 2, "2025-04-01"),
                ("专业", professional - professional / 2, "2025-11-01"),
            ] {
                if hours > 0 {
                    let mut r = input(person.id, "city_platform", date, Some(hours));
                    r.subject = subject.into();
                    r.title = format!("{subject}{date}");
                    add(&mut conn, &r).unwrap();
                }
            }
            if i % 8 == 1 {
                set_title_applicant(&conn, person.id, 2025, Some(d("2025-10-13"))).unwrap();
            }
        }
        let everyone = progress(&conn, 2025, today).unwrap().staff;
        let dash = dashboard(&conn, 2025, today).unwrap();
        let mut by_department: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for p in &everyone {
            let name = match p.department.as_str() {
                "" => "（未填部门）".to_string(),
                d => d.to_string(),
            };
            let e = by_department.entry(name).or_default();
            match p.compliant {
                true => e.0 += 1,
                false => e.1 += 1,
            }
        }
        let got: BTreeMap<String, (usize, usize)> = dash
            .by_department
            .iter()
            .map(|d| (d.department.clone(), (d.done, d.short)))
            .collect();
        assert_eq!(got, by_department);
        let done = everyone.iter().filter(|p| p.compliant).count();
        assert_eq!(
            (dash.staff_count, dash.done, dash.short),
            (everyone.len(), done, everyone.len() - done)
        );
        let short = short_list(&conn, 2025, today).unwrap();
        assert!(short.len() > DASHBOARD_SHORT_LIST, "the list is cut");
        let applicants_short = short.iter().filter(|p| p.title_applicant).count();
        assert!(
            applicants_short > 0
                && everyone.iter().any(|p| p.title_applicant
                    && !p.compliant
                    && assess(&policy::builtin_2025(), p.public, p.professional).0),
            "an applicant short only by their deadline is in the ledger"
        );
        assert_eq!(dash.applicants_at_risk, applicants_short);
        let ids = |list: &[PersonProgress]| list.iter().map(|p| p.staff_id).collect::<Vec<_>>();
        assert_eq!(
            ids(&dash.short_list),
            ids(&short[..DASHBOARD_SHORT_LIST]),
            "the same 20, in the same order"
        );
        assert_eq!(
            serde_json::to_value(&dash.short_list).unwrap(),
            serde_json::to_value(&short[..DASHBOARD_SHORT_LIST]).unwrap()
        );
    }

    /// Issue 13 item 1: a title applicant whose 90 hours are complete only after the deadline is
    /// not compliant; the year's figures stay what they are.
    #[test]
    fn an_applicant_is_judged_by_hours_finished_by_their_deadline() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let a = person(&conn, 101);
        let mut posting = input(a.id, "posting", "2025-01-01", None);
        posting.end = "2025-06-30".into();
        posting.months = Some(6); // 15 public + 30 professional, ended 2025-06-30
        let mut late = input(a.id, "posting", "2025-07-01", None);
        late.end = "2025-12-31".into();
        late.months = Some(6); // the other half, ended 2025-12-31
        for r in [posting, late] {
            let id = add(&mut conn, &r).unwrap().id;
            set_status(&conn, id, Status::Approved).unwrap();
        }
        let year = |conn: &Connection| {
            progress(conn, 2025, d("2025-09-01"))
                .unwrap()
                .staff
                .pop()
                .unwrap()
        };
        let before = year(&conn);
        assert!(before.compliant && before.public_by_deadline.is_none());
        set_title_applicant(&conn, a.id, 2025, Some(d("2025-10-13"))).unwrap();
        let p = year(&conn);
        assert_eq!(p.deadline, d("2025-09-29"));
        assert_eq!(
            (p.public, p.professional),
            (Hours::from_whole(30), Hours::from_whole(60))
        );
        assert_eq!(
            (p.public_by_deadline, p.professional_by_deadline),
            (Some(Hours::from_whole(15)), Some(Hours::from_whole(30)))
        );
        assert!(
            !p.compliant,
            "half the year's hours ended after the deadline"
        );
        assert_eq!(
            (p.short_public, p.short_professional),
            (Hours::from_whole(15), Hours::from_whole(30))
        );
        let page = person_page(&conn, a.id, 2025, d("2025-09-01")).unwrap();
        assert_eq!(page.after_deadline.len(), 1);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["public_by_deadline"], 15.0);
        let other = serde_json::to_value(&before).unwrap();
        assert!(
            other.get("public_by_deadline").is_none(),
            "only applicants carry it"
        );
    }

    #[test]
    fn person_page_shows_masked_records_with_reasons() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let a = person(&conn, 101);
        add(&mut conn, &input(a.id, "achievement", "2025-03-01", None)).unwrap();
        let page = person_page(&conn, a.id, 2025, d("2025-06-01")).unwrap();
        assert_eq!(page.records.len(), 1);
        assert!(page.records[0].id_number.contains("**********"));
        assert_eq!(
            page.progress.pending,
            Hours::from_whole(10),
            "fixed-hour claims count as pending by the rule"
        );
    }
}

#[cfg(test)]
mod first_steps_tests {
    use super::FirstSteps;

    #[test]
    fn a_new_ledger_has_done_none_of_its_first_steps_and_each_counts_once_done() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        let none = FirstSteps {
            unit: false,
            roster: false,
            records: false,
        };
        assert_eq!(FirstSteps::of(&conn).unwrap(), none);
        let p = crate::ledger::records::tests::person(&conn, 101);
        assert_eq!(
            FirstSteps::of(&conn).unwrap(),
            FirstSteps {
                roster: true,
                ..none
            }
        );
        conn.execute(
            "UPDATE unit_profile SET name = '枣庄市立医院' WHERE id = 1",
            [],
        )
        .unwrap();
        let mut conn = conn;
        crate::ledger::records::add(
            &mut conn,
            &crate::ledger::records::tests::input(p.id, "training", "2025-03-01", Some(8)),
        )
        .unwrap();
        assert_eq!(
            FirstSteps::of(&conn).unwrap(),
            FirstSteps {
                unit: true,
                roster: true,
                records: true
            }
        );
    }
}

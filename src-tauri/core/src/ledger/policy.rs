//! The year's policy (requirement, topics, deadlines) and the State Council working-day calendar.

use crate::domain::hours::Hours;
use crate::error::{Error, Result};
use crate::ledger::audit::Action;
use crate::ledger::db;
use chrono::{Datelike, NaiveDate, Weekday};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct YearPolicy {
    pub year: i32,
    pub public_required: Hours,
    pub professional_required: Hours,
    pub total_required: Hours,
    pub topics: Vec<String>,
    pub study_deadline: NaiveDate,
    pub plan_deadline: NaiveDate,
}

/// The 2025 required public topics, from the notice.
pub const TOPICS_2025: [&str; 11] = [
    "习近平新时代中国特色社会主义思想",
    "深入贯彻中央八项规定精神学习教育",
    "黄河流域生态保护和高质量发展",
    "专业技术人员职业道德和能力建设",
    "数字技术",
    "知识产权",
    "网络安全",
    "医疗健康",
    "人才国际化",
    "DeepSeek",
    "枣庄市继续教育特色课程",
];

pub use crate::domain::codes::DayKind;

pub type Calendar = HashMap<NaiveDate, DayKind>;

pub fn is_working_day(date: NaiveDate, cal: &Calendar) -> bool {
    match cal.get(&date) {
        Some(DayKind::Off) => false,
        Some(DayKind::Work) => true,
        None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
    }
}

/// The `n`-th working day before `date` (not counting `date` itself): a title applicant's
/// hours must be complete by the end of that day.
pub fn working_days_before(date: NaiveDate, n: u32, cal: &Calendar) -> NaiveDate {
    let mut d = date;
    let mut left = n;
    while left > 0 {
        match d.pred_opt() {
            Some(earlier) => d = earlier,
            None => break, // the first day chrono knows: nothing earlier to count
        }
        if is_working_day(d, cal) {
            left -= 1;
        }
    }
    d
}

/// Title applicants finish 5 working days before they hand in their materials.
pub const TITLE_APPLICANT_WORKING_DAYS: u32 = 5;

/// One year of State Council adjustments: (year, off ranges first..=last, worked weekend days).
type ShippedYear = (
    i32,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

/// Shipped adjustments, as the State Council published them.
const SHIPPED: &[ShippedYear] = &[
    (
        2025,
        &[
            ("2025-01-01", "2025-01-01"),
            ("2025-01-28", "2025-02-04"),
            ("2025-04-04", "2025-04-06"),
            ("2025-05-01", "2025-05-05"),
            ("2025-05-31", "2025-06-02"),
            ("2025-10-01", "2025-10-08"),
        ],
        &[
            "2025-01-26",
            "2025-02-08",
            "2025-04-27",
            "2025-09-28",
            "2025-10-11",
        ],
    ),
    (
        2026,
        &[
            ("2026-01-01", "2026-01-03"),
            ("2026-02-15", "2026-02-23"),
            ("2026-04-04", "2026-04-06"),
            ("2026-05-01", "2026-05-05"),
            ("2026-06-19", "2026-06-21"),
            ("2026-09-25", "2026-09-27"),
            ("2026-10-01", "2026-10-07"),
        ],
        &[
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ],
    ),
];

fn ymd(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("shipped date")
}

/// Every shipped adjustment as (date, kind).
pub fn shipped_adjustments() -> Vec<(NaiveDate, DayKind)> {
    let mut out = Vec::new();
    for (_, offs, works) in SHIPPED {
        for (a, b) in offs.iter() {
            let mut d = ymd(a);
            while d <= ymd(b) {
                out.push((d, DayKind::Off));
                d = d.succ_opt().unwrap();
            }
        }
        out.extend(works.iter().map(|w| (ymd(w), DayKind::Work)));
    }
    out
}

pub fn builtin_2025() -> YearPolicy {
    YearPolicy {
        year: 2025,
        public_required: Hours::from_whole(30),
        professional_required: Hours::from_whole(60),
        total_required: Hours::from_whole(90),
        topics: TOPICS_2025.iter().map(|s| s.to_string()).collect(),
        study_deadline: ymd("2025-12-31"),
        plan_deadline: ymd("2025-05-20"),
    }
}

/// A new year starts as a copy of an earlier one with its dates moved into the new year.
pub fn copy_to_year(from: &YearPolicy, year: i32) -> YearPolicy {
    let shift = |d: NaiveDate| {
        d.with_year(year)
            .or_else(|| NaiveDate::from_ymd_opt(year, d.month(), 28))
            .unwrap_or(d) // a year chrono cannot hold; `validate` refuses it
    };
    YearPolicy {
        year,
        study_deadline: shift(from.study_deadline),
        plan_deadline: shift(from.plan_deadline),
        ..from.clone()
    }
}

/// Seeds 2025 from the notice, 2026 as its copy, and the shipped calendar; run once by migration.
pub(crate) fn seed(conn: &Connection) -> Result<()> {
    // Before the audit trail exists (migration 2): the baseline of migration 5 records these.
    let p2025 = builtin_2025();
    store(conn, &p2025)?;
    store(conn, &copy_to_year(&p2025, 2026))?;
    let mut stmt =
        conn.prepare("INSERT OR REPLACE INTO calendar_day (date, kind) VALUES (?1, ?2)")?;
    for (d, k) in shipped_adjustments() {
        stmt.execute(params![d.to_string(), DayKind::code(k)])?;
    }
    Ok(())
}

/// The years a policy (and so a record) may belong to.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn check_year(year: i32) -> Result<()> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "年度{year}无效，应在2000至2100之间"
        )))
    }
}

pub fn validate(p: &YearPolicy) -> Result<()> {
    check_year(p.year)?;
    for (label, h) in [
        ("公需科目", p.public_required),
        ("专业科目", p.professional_required),
        ("总学时", p.total_required),
    ] {
        if h < Hours::ZERO || h > Hours::from_whole(1000) {
            return Err(Error::invalid(format!("{label}要求{h}学时不合理")));
        }
    }
    if p.total_required < p.public_required + p.professional_required {
        return Err(Error::invalid("总学时要求不能少于公需与专业之和"));
    }
    if p.study_deadline.year() != p.year || p.plan_deadline.year() != p.year {
        return Err(Error::invalid("截止日期须在本年度内"));
    }
    Ok(())
}

pub fn save(conn: &Connection, p: &YearPolicy) -> Result<YearPolicy> {
    crate::ledger::db::in_write_tx(conn, |tx| {
        let saved = store(tx, p)?;
        let year = i64::from(p.year);
        crate::ledger::audit::rows_changed(tx, Action::Edit, "policy", year, year, "")?;
        Ok(saved)
    })
}

fn store(conn: &Connection, p: &YearPolicy) -> Result<YearPolicy> {
    validate(p)?;
    let topics: Vec<String> = p
        .topics
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    conn.execute(
        "INSERT INTO year_policy (year, public_required, professional_required, total_required, topics, study_deadline, plan_deadline)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(year) DO UPDATE SET public_required=?2, professional_required=?3, total_required=?4,
           topics=?5, study_deadline=?6, plan_deadline=?7",
        params![
            p.year,
            p.public_required,
            p.professional_required,
            p.total_required,
            serde_json::to_string(&topics).expect("strings serialise"),
            p.study_deadline.to_string(),
            p.plan_deadline.to_string()
        ],
    )?;
    Ok(YearPolicy {
        topics,
        ..p.clone()
    })
}

fn load(conn: &Connection, year: i32) -> Result<Option<YearPolicy>> {
    Ok(conn
        .query_row(
            "SELECT year, public_required, professional_required, total_required, topics, study_deadline, plan_deadline
             FROM year_policy WHERE year = ?1",
            [year],
            |r| {
                let topics: String = r.get(4)?;
                let date = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").unwrap_or_default();
                Ok(YearPolicy {
                    year: r.get(0)?,
                    public_required: r.get(1)?,
                    professional_required: r.get(2)?,
                    total_required: r.get(3)?,
                    topics: serde_json::from_str(&topics).unwrap_or_default(),
                    study_deadline: date(r.get(5)?),
                    plan_deadline: date(r.get(6)?),
                })
            },
        )
        .optional()?)
}

/// The policy of `year`; a year not yet set up starts as a copy of the nearest earlier one.
pub fn get_or_create(conn: &Connection, year: i32) -> Result<YearPolicy> {
    check_year(year)?;
    match load(conn, year)? {
        Some(p) => Ok(p),
        None => save(conn, &of_year(conn, year)?),
    }
}

/// The policy `year` has or would start with, without writing it.
pub fn of_year(conn: &Connection, year: i32) -> Result<YearPolicy> {
    check_year(year)?;
    if let Some(p) = load(conn, year)? {
        return Ok(p);
    }
    let earlier: Option<i32> = conn.query_row(
        "SELECT MAX(year) FROM year_policy WHERE year < ?1",
        [year],
        |r| r.get(0),
    )?;
    let base = match earlier {
        Some(y) => load(conn, y)?.expect("row exists"),
        None => builtin_2025(),
    };
    Ok(copy_to_year(&base, year))
}

pub fn years(conn: &Connection) -> Result<Vec<i32>> {
    let mut stmt = conn.prepare("SELECT year FROM year_policy ORDER BY year")?;
    let years = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i32>>>()?;
    Ok(years)
}

pub fn calendar(conn: &Connection) -> Result<Calendar> {
    let mut stmt = conn.prepare("SELECT date, kind FROM calendar_day")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, db::code_col::<DayKind>(r, 1)?))
    })?;
    let mut cal = Calendar::new();
    for row in rows {
        let (d, k) = row?;
        if let Ok(d) = NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            cal.insert(d, k);
        }
    }
    Ok(cal)
}

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct CalendarYear {
    pub year: i32,
    /// Weekdays off by the State Council's schedule.
    pub off: Vec<NaiveDate>,
    /// Weekend days worked (调休上班).
    pub work: Vec<NaiveDate>,
}

pub fn calendar_year(conn: &Connection, year: i32) -> Result<CalendarYear> {
    let cal = calendar(conn)?;
    let mut off: Vec<NaiveDate> = cal
        .iter()
        .filter(|(d, k)| d.year() == year && **k == DayKind::Off)
        .map(|(d, _)| *d)
        .collect();
    let mut work: Vec<NaiveDate> = cal
        .iter()
        .filter(|(d, k)| d.year() == year && **k == DayKind::Work)
        .map(|(d, _)| *d)
        .collect();
    off.sort();
    work.sort();
    Ok(CalendarYear { year, off, work })
}

/// Replaces one year's adjustments (the officer adds a year when the State Council publishes it).
pub fn set_calendar_year(conn: &mut Connection, c: &CalendarYear) -> Result<()> {
    if let Some(d) = c.off.iter().chain(&c.work).find(|d| d.year() != c.year) {
        return Err(Error::invalid(format!("日期{d}不在{}年内", c.year)));
    }
    if let Some(d) = c.off.iter().find(|d| c.work.contains(d)) {
        return Err(Error::invalid(format!("日期{d}不能既放假又上班")));
    }
    let tx = crate::ledger::db::write_tx(conn)?;
    tx.execute(
        "DELETE FROM calendar_day WHERE date LIKE ?1",
        [format!("{}-%", c.year)],
    )?;
    for (days, kind) in [(&c.off, DayKind::Off), (&c.work, DayKind::Work)] {
        for d in days {
            tx.execute(
                "INSERT INTO calendar_day (date, kind) VALUES (?1, ?2)",
                params![d.to_string(), DayKind::code(kind)],
            )?;
        }
    }
    let year = i64::from(c.year);
    crate::ledger::audit::rows_changed(&tx, Action::Edit, "calendar", year, year, "")?;
    crate::ledger::anchor::commit(tx)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> Calendar {
        shipped_adjustments().into_iter().collect()
    }

    #[test]
    fn weekends_holidays_and_worked_weekends() {
        let c = cal();
        assert!(!is_working_day(ymd("2025-10-03"), &c), "National Day");
        assert!(is_working_day(ymd("2025-09-28"), &c), "Sunday worked");
        assert!(!is_working_day(ymd("2025-03-01"), &c), "ordinary Saturday");
        assert!(is_working_day(ymd("2025-03-03"), &c));
        assert!(
            !is_working_day(ymd("2026-02-23"), &c),
            "Spring Festival 2026 ends on Monday 2/23"
        );
        assert!(is_working_day(ymd("2026-02-28"), &c), "Saturday worked");
    }

    #[test]
    fn five_working_days_before_counts_the_state_council_calendar() {
        let c = cal();
        // Plain week: Wed 2025-06-11 → Tue, Mon, Fri, Thu, Wed 6/4.
        assert_eq!(
            working_days_before(ymd("2025-06-11"), 5, &c),
            ymd("2025-06-04")
        );
        // Across National Day 2025: 10/13 (Mon) ← 10/11 Sat worked, 10/10, 10/9, 9/30, 9/29.
        assert_eq!(
            working_days_before(ymd("2025-10-13"), 5, &c),
            ymd("2025-09-29")
        );
        // Across Labour Day 2025 with 4/27 (Sun) worked: 5/7 ← 5/6, 4/30, 4/29, 4/28, 4/27.
        assert_eq!(
            working_days_before(ymd("2025-05-07"), 5, &c),
            ymd("2025-04-27")
        );
        // Across Spring Festival 2026: 2/26 ← 2/25, 2/24, 2/14 (Saturday worked), 2/13, 2/12.
        assert_eq!(
            working_days_before(ymd("2026-02-26"), 5, &c),
            ymd("2026-02-12")
        );
    }

    #[test]
    fn shipped_data_matches_the_published_schedule() {
        let c = cal();
        let off2025 = c
            .iter()
            .filter(|(d, k)| d.year() == 2025 && **k == DayKind::Off)
            .count();
        assert_eq!(off2025, 1 + 8 + 3 + 5 + 3 + 8);
        let work2026 = c
            .iter()
            .filter(|(d, k)| d.year() == 2026 && **k == DayKind::Work)
            .count();
        assert_eq!(work2026, 6);
    }

    #[test]
    fn years_are_seeded_and_a_new_year_copies_the_last() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        assert_eq!(years(&conn).unwrap(), vec![2025, 2026]);
        let p = get_or_create(&conn, 2025).unwrap();
        assert_eq!(p.topics.len(), 11);
        assert_eq!(p.plan_deadline, ymd("2025-05-20"));
        let mut p26 = get_or_create(&conn, 2026).unwrap();
        p26.topics = vec!["数字技术".into(), " ".into()];
        save(&conn, &p26).unwrap();
        let p27 = get_or_create(&conn, 2027).unwrap();
        assert_eq!(
            p27.topics,
            vec!["数字技术".to_string()],
            "copies the nearest earlier year"
        );
        assert_eq!(p27.study_deadline, ymd("2027-12-31"));
        assert_eq!(years(&conn).unwrap(), vec![2025, 2026, 2027]);
    }

    #[test]
    fn officer_adds_a_calendar_year() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let c2027 = CalendarYear {
            year: 2027,
            off: vec![ymd("2027-01-01")],
            work: vec![ymd("2027-01-09")],
        };
        set_calendar_year(&mut conn, &c2027).unwrap();
        let cal = calendar(&conn).unwrap();
        assert!(!is_working_day(ymd("2027-01-01"), &cal));
        assert!(is_working_day(ymd("2027-01-09"), &cal));
        let bad = CalendarYear {
            year: 2027,
            off: vec![ymd("2028-01-01")],
            work: vec![],
        };
        assert!(set_calendar_year(&mut conn, &bad).is_err());
        assert_eq!(calendar_year(&conn, 2025).unwrap().work.len(), 5);
    }

    #[test]
    fn invalid_policies_are_refused() {
        let mut p = builtin_2025();
        p.total_required = Hours::from_whole(80);
        assert!(validate(&p).is_err());
        let mut p = builtin_2025();
        p.study_deadline = ymd("2026-01-15");
        assert!(validate(&p).is_err());
    }
}

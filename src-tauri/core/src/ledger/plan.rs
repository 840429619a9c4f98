//! Training plans (appendix 2): the form's fields and checks, and the unit's plan registry
//! with its filing status (草稿 → 已打印 → 已报送 → 已备案 / 退回).

use crate::domain::dates::parse_date;
use crate::domain::hours::Hours;
use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action};
use crate::ledger::db;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Every field of 「枣庄市专业培训项目计划申报表」, with the keys of PLAN.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PlanForm {
    /// 申报单位
    pub unit: String,
    /// 地址
    pub address: String,
    /// 申请培训项目名称
    pub project: String,
    /// 负责人
    pub leader: String,
    /// 联系人
    pub contact: String,
    /// 联系电话
    pub phone: String,
    /// 是否申请为市级高级研修班
    pub advanced_seminar: bool,
    /// 计划培训对象
    pub trainees: String,
    /// 计划培训人数
    pub trainee_count: u32,
    /// 计划培训时间
    pub start: String,
    pub end: String,
    /// 培训天数
    pub days: u32,
    /// 拟计算学时
    pub hours: Hours,
    /// 培训地点及培训形式
    pub venue_and_form: String,
}

impl PlanForm {
    pub fn start_date(&self) -> Option<NaiveDate> {
        parse_date(&self.start).ok()
    }
    pub fn year(&self) -> i32 {
        self.start_date().map(|d| d.year()).unwrap_or(0)
    }
}

/// Every check of the form, each a Chinese message naming the field.
pub fn check(p: &PlanForm) -> std::result::Result<(), Vec<String>> {
    let mut errs = Vec::new();
    for (label, v, max) in [
        ("申报单位", &p.unit, 60),
        ("地址", &p.address, 100),
        ("申请培训项目名称", &p.project, 100),
        ("负责人", &p.leader, 30),
        ("联系人", &p.contact, 30),
        ("计划培训对象", &p.trainees, 200),
        ("培训地点及培训形式", &p.venue_and_form, 200),
    ] {
        let n = v.trim().chars().count();
        if n == 0 {
            errs.push(format!("{label}不能为空"));
        } else if n > max {
            errs.push(format!("{label}过长（最多{max}字）"));
        }
    }
    if !crate::ledger::staff::is_phone(p.phone.trim()) {
        errs.push("联系电话格式不正确（手机11位，或座机如 0632-3314140）".into());
    }
    if p.trainee_count < 1 {
        errs.push("计划培训人数至少为1".into());
    } else if p.trainee_count > 100_000 {
        errs.push("计划培训人数不合理".into());
    }
    let start = parse_date(&p.start)
        .map_err(|m| errs.push(format!("计划培训时间（开始）：{m}")))
        .ok();
    let end = parse_date(&p.end)
        .map_err(|m| errs.push(format!("计划培训时间（结束）：{m}")))
        .ok();
    if p.days < 1 {
        errs.push("培训天数至少为1天".into());
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errs.push("计划培训时间：结束日期早于开始日期".into());
        } else {
            let span = (e - s).num_days() + 1;
            if p.days as i64 > span {
                errs.push(format!("培训天数{}天超过了培训时间跨度{span}天", p.days));
            }
        }
    }
    if p.hours <= Hours::ZERO {
        errs.push("拟计算学时必须大于0".into());
    } else if p.days >= 1 && p.hours.tenths() > 80 * p.days as i64 {
        errs.push(format!(
            "拟计算学时{}超过每天8学时的上限（{}天最多{}学时，附件1第1条）",
            p.hours,
            p.days,
            8 * p.days
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

pub fn checked(p: &PlanForm) -> Result<()> {
    check(p).map_err(|errs| {
        Error::invalid(format!(
            "培训计划有{}处问题：\n{}",
            errs.len(),
            errs.join("\n")
        ))
    })
}

pub use crate::domain::codes::PlanStatus;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Plan {
    pub id: i64,
    pub year: i32,
    pub form: PlanForm,
    pub status: PlanStatus,
    pub status_label: &'static str,
    pub submitted_date: Option<String>,
    pub filed_date: Option<String>,
    pub filing_number: Option<String>,
    pub return_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Issue 13 item 7: a city-level unit's plan submitted after the year's filing deadline (May 20),
    /// or still unsubmitted once it has passed.
    pub late: bool,
}

const SELECT: &str = "SELECT id, year, form, status, submitted_date, filed_date, filing_number, return_reason, created_at, updated_at,
    (SELECT plan_deadline FROM year_policy y WHERE y.year = plan.year),
    (SELECT city_level FROM unit_profile WHERE id = 1)
    FROM plan";

/// Whether a plan missed the filing deadline. The duty is a city-level unit's (市直单位) only; a plan
/// not yet submitted is late once the deadline has passed.
pub fn is_late(
    city_level: bool,
    deadline: Option<NaiveDate>,
    submitted: Option<NaiveDate>,
    status: PlanStatus,
    today: NaiveDate,
) -> bool {
    let Some(deadline) = deadline.filter(|_| city_level) else {
        return false;
    };
    match submitted {
        Some(day) => day > deadline,
        None => matches!(status, PlanStatus::Draft | PlanStatus::Printed) && today > deadline,
    }
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Plan> {
    let form: String = r.get(2)?;
    let status: PlanStatus = db::code_col(r, 3)?;
    Ok(Plan {
        id: r.get(0)?,
        year: r.get(1)?,
        form: serde_json::from_str(&form).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?,
        status,
        status_label: status.label(),
        submitted_date: r.get(4)?,
        filed_date: r.get(5)?,
        filing_number: r.get(6)?,
        return_reason: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        late: is_late(
            r.get::<_, Option<bool>>(11)?.unwrap_or(false),
            day(r.get(10)?),
            day(r.get(4)?),
            status,
            crate::ledger::progress::today(),
        ),
    })
}

fn day(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
}

pub fn get(conn: &Connection, id: i64) -> Result<Plan> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("编号为{id}的培训计划")))
}

pub fn list(conn: &Connection, year: Option<i32>) -> Result<Vec<Plan>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE ?1 IS NULL OR year = ?1 ORDER BY year DESC, id"
    ))?;
    let rows = stmt
        .query_map([year], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn event<'a>(
    by: &'a str,
    action: Action,
    before: Option<&Plan>,
    after: &Plan,
    reason: &'a str,
) -> audit::NewEvent<'a> {
    let snap = |p: &Plan| serde_json::json!({ "status": p.status.code(), "form": p.form, "filing_number": p.filing_number });
    audit::NewEvent {
        actor: by,
        action,
        entity: "plan",
        entity_id: Some(after.id),
        entity_id_to: None,
        before: before.map(snap),
        after: Some(snap(after)),
        reason,
    }
}

pub fn add(conn: &mut Connection, form: &PlanForm, by: &str) -> Result<Plan> {
    checked(form)?;
    let tx = db::write_tx(conn)?;
    let now = db::now_local();
    tx.execute(
        "INSERT INTO plan (year, form, status, created_at, updated_at) VALUES (?1, ?2, 'draft', ?3, ?3)",
        params![form.year(), serde_json::to_string(form).expect("form serialises"), now],
    )?;
    let plan = get(&tx, tx.last_insert_rowid())?;
    audit::append(&tx, &[event(by, Action::Create, None, &plan, "")])?;
    crate::ledger::anchor::commit(tx)?;
    Ok(plan)
}

pub fn update(conn: &mut Connection, id: i64, form: &PlanForm, by: &str) -> Result<Plan> {
    checked(form)?;
    let tx = db::write_tx(conn)?;
    let before = get(&tx, id)?;
    if !before.status.editable() {
        return Err(Error::invalid(format!(
            "培训计划已{}，不能修改",
            before.status_label
        )));
    }
    tx.execute(
        "UPDATE plan SET year = ?1, form = ?2, status = 'draft', updated_at = ?3 WHERE id = ?4",
        params![
            form.year(),
            serde_json::to_string(form).expect("form serialises"),
            db::now_local(),
            id
        ],
    )?;
    let after = get(&tx, id)?;
    audit::append(&tx, &[event(by, Action::Edit, Some(&before), &after, "")])?;
    crate::ledger::anchor::commit(tx)?;
    Ok(after)
}

/// A move along 草稿 → 已打印 → 已报送 → 已备案 / 退回, with the date, filing number or reason it needs.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(tag = "to", rename_all = "snake_case")]
#[ts(rename = "PlanTransition")]
pub enum Transition {
    Printed,
    Submitted { date: String },
    Filed { date: String, number: String },
    Returned { reason: String },
}

pub fn transition(conn: &mut Connection, id: i64, t: &Transition, by: &str) -> Result<Plan> {
    let tx = db::write_tx(conn)?;
    let before = get(&tx, id)?;
    let from = before.status;
    let bad = |to: PlanStatus| {
        Error::invalid(format!(
            "培训计划当前为“{}”，不能改为“{}”",
            from.label(),
            to.label()
        ))
    };
    let now = db::now_local();
    let reason = match t {
        Transition::Printed => {
            if !matches!(from, PlanStatus::Draft | PlanStatus::Printed) {
                return Err(bad(PlanStatus::Printed));
            }
            tx.execute(
                "UPDATE plan SET status = 'printed', updated_at = ?1 WHERE id = ?2",
                params![now, id],
            )?;
            String::new()
        }
        Transition::Submitted { date } => {
            if !matches!(from, PlanStatus::Draft | PlanStatus::Printed) {
                return Err(bad(PlanStatus::Submitted));
            }
            let d = parse_date(date).map_err(|m| Error::invalid(format!("报送日期：{m}")))?;
            tx.execute("UPDATE plan SET status = 'submitted', submitted_date = ?1, updated_at = ?2 WHERE id = ?3", params![d.to_string(), now, id])?;
            String::new()
        }
        Transition::Filed { date, number } => {
            if from != PlanStatus::Submitted {
                return Err(bad(PlanStatus::Filed));
            }
            let d = parse_date(date).map_err(|m| Error::invalid(format!("备案日期：{m}")))?;
            if number.trim().is_empty() {
                return Err(Error::invalid("请填写备案编号"));
            }
            tx.execute(
                "UPDATE plan SET status = 'filed', filed_date = ?1, filing_number = ?2, updated_at = ?3 WHERE id = ?4",
                params![d.to_string(), number.trim(), now, id],
            )?;
            String::new()
        }
        Transition::Returned { reason } => {
            if from != PlanStatus::Submitted {
                return Err(bad(PlanStatus::Returned));
            }
            if reason.trim().is_empty() {
                return Err(Error::invalid("请填写退回原因"));
            }
            tx.execute("UPDATE plan SET status = 'returned', return_reason = ?1, updated_at = ?2 WHERE id = ?3", params![reason.trim(), now, id])?;
            reason.trim().to_string()
        }
    };
    // Filing status decides whether filed_training records naming this plan earn hours.
    let person_years: Vec<(i64, i32)> = {
        let mut stmt =
            tx.prepare("SELECT DISTINCT staff_id, year FROM record WHERE plan_id = ?1")?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows
    };
    for (staff_id, year) in person_years {
        crate::ledger::records::refresh(&tx, staff_id, year, &[])?;
    }
    let after = get(&tx, id)?;
    audit::append(
        &tx,
        &[event(by, Action::Edit, Some(&before), &after, &reason)],
    )?;
    crate::ledger::anchor::commit(tx)?;
    Ok(after)
}

/// Plans of `year` not yet filed (for the May 20 warning).
pub fn unfiled_count(conn: &Connection, year: i32) -> Result<usize> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM plan WHERE year = ?1 AND status <> 'filed'",
        [year],
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> PlanForm {
        PlanForm {
            unit: "枣庄市立医院".into(),
            address: "枣庄市市中区龙庭路1号".into(),
            project: "基层医师急危重症救治能力提升培训".into(),
            leader: "张主任".into(),
            contact: "李老师".into(),
            phone: "0632-3314140".into(),
            advanced_seminar: false,
            trainees: "全市二级以上医院急诊科医师".into(),
            trainee_count: 120,
            start: "2025-06-10".into(),
            end: "2025-06-12".into(),
            days: 3,
            hours: Hours::from_whole(24),
            venue_and_form: "枣庄市立医院学术报告厅，线下集中授课与实操".into(),
        }
    }

    #[test]
    fn a_good_plan_passes_and_each_rule_is_named() {
        assert!(check(&sample()).is_ok());
        let cases: Vec<(PlanForm, &str)> = vec![
            (
                PlanForm {
                    hours: Hours::from_whole(25),
                    ..sample()
                },
                "超过每天8学时的上限",
            ),
            (
                PlanForm {
                    days: 0,
                    ..sample()
                },
                "培训天数至少为1天",
            ),
            (
                PlanForm {
                    days: 4,
                    ..sample()
                },
                "超过了培训时间跨度3天",
            ),
            (
                PlanForm {
                    end: "2025-06-01".into(),
                    ..sample()
                },
                "结束日期早于开始日期",
            ),
            (
                PlanForm {
                    trainee_count: 0,
                    ..sample()
                },
                "计划培训人数至少为1",
            ),
            (
                PlanForm {
                    phone: "12345".into(),
                    ..sample()
                },
                "联系电话格式不正确",
            ),
            (
                PlanForm {
                    project: " ".into(),
                    ..sample()
                },
                "申请培训项目名称不能为空",
            ),
            (
                PlanForm {
                    start: "2025-02-30".into(),
                    ..sample()
                },
                "不存在",
            ),
        ];
        for (p, fragment) in cases {
            let errs = check(&p).unwrap_err();
            assert!(
                errs.iter().any(|e| e.contains(fragment)),
                "{errs:?} lacks {fragment}"
            );
        }
    }

    #[test]
    fn json_errors_name_the_key() {
        let good = serde_json::to_string(&sample()).unwrap();
        assert_eq!(
            crate::io::jsonfile::parse::<PlanForm>(&good, "p.json").unwrap(),
            sample()
        );
        let missing = good.replace("\"leader\":\"张主任\",", "");
        assert!(crate::io::jsonfile::parse::<PlanForm>(&missing, "p.json")
            .unwrap_err()
            .to_string()
            .contains("缺少字段 leader"));
        let wrong = good.replace("\"advanced_seminar\":false", "\"advanced_seminar\":\"否\"");
        assert!(crate::io::jsonfile::parse::<PlanForm>(&wrong, "p.json")
            .unwrap_err()
            .to_string()
            .contains("字段 advanced_seminar"));
    }

    #[test]
    fn status_moves_along_the_filing_path_with_audit() {
        let mut conn = db::open_in_memory().unwrap();
        let p = add(&mut conn, &sample(), "王敏").unwrap();
        assert_eq!((p.status, p.year), (PlanStatus::Draft, 2025));
        assert!(transition(
            &mut conn,
            p.id,
            &Transition::Filed {
                date: "2025-05-10".into(),
                number: "ZZ-1".into()
            },
            "王敏"
        )
        .is_err());
        transition(&mut conn, p.id, &Transition::Printed, "王敏").unwrap();
        transition(
            &mut conn,
            p.id,
            &Transition::Submitted {
                date: "2025-05-08".into(),
            },
            "王敏",
        )
        .unwrap();
        assert!(
            update(&mut conn, p.id, &sample(), "王敏").is_err(),
            "handed in: locked"
        );
        assert_eq!(unfiled_count(&conn, 2025).unwrap(), 1);
        let filed = transition(
            &mut conn,
            p.id,
            &Transition::Filed {
                date: "2025-05-15".into(),
                number: "枣人社备2025-018".into(),
            },
            "王敏",
        )
        .unwrap();
        assert_eq!(
            (filed.status_label, filed.filing_number.as_deref()),
            ("已备案", Some("枣人社备2025-018"))
        );
        assert_eq!(unfiled_count(&conn, 2025).unwrap(), 0);
        let v = audit::verify(&conn).unwrap();
        assert_eq!(
            v.events,
            crate::ledger::db::EVENTS_OF_A_NEW_LEDGER + 4,
            "the ledger's own events, then four plan events"
        );
        assert!(v.holds(), "{v:?}");
    }

    /// Issue 13 item 7: a plan is late only for a city-level unit, submitted after the deadline or
    /// still a draft once it has passed.
    #[test]
    fn a_plan_is_late_only_for_a_city_level_unit_past_the_deadline() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let deadline = Some(d("2025-05-20"));
        let cases = [
            (
                true,
                Some("2025-05-20"),
                PlanStatus::Submitted,
                "2025-06-01",
                false,
            ),
            (
                true,
                Some("2025-05-21"),
                PlanStatus::Filed,
                "2025-06-01",
                true,
            ),
            (
                false,
                Some("2025-05-21"),
                PlanStatus::Submitted,
                "2025-06-01",
                false,
            ),
            (true, None, PlanStatus::Draft, "2025-05-20", false),
            (true, None, PlanStatus::Draft, "2025-05-21", true),
            (true, None, PlanStatus::Returned, "2025-06-21", false),
        ];
        for (i, (city, submitted, status, today, late)) in cases.into_iter().enumerate() {
            assert_eq!(
                is_late(city, deadline, submitted.map(d), status, d(today)),
                late,
                "case {i}"
            );
        }
    }
}

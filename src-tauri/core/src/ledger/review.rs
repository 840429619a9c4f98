//! The unit's audit duty: approve, reject (with a reason), reopen — every decision one
//! transaction, every decision an audit event.

use crate::domain::rules::Status;
use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action};
use crate::ledger::db;
use crate::ledger::records::{self, record_event, Record, RecordFilter};
use crate::progress::{self, Progress};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::BTreeSet;

/// Why a record cannot be approved now, or None when it can.
pub fn blocker(r: &Record) -> Option<String> {
    match r.status {
        Status::Synced => Some("市平台学习自动同步，无需单位审核".into()),
        Status::Approved => Some("已审核通过".into()),
        Status::Rejected => Some("已驳回，须修改后重新提交".into()),
        Status::Pending if !r.has_evidence() => {
            Some("没有证明材料（附件1第8条：无证明材料单位不得审核通过）".into())
        }
        Status::Pending => None,
    }
}

/// How the reviewer confirmed each record's evidence checklist (附件1第8条) before approving.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Checklist {
    /// The command line: the reviewer named with `--by` confirms every item (the CLI's contract).
    #[default]
    ConfirmedBy,
    /// The app: the items ticked, by category code; every item of a record's category must be.
    Ticked(std::collections::BTreeMap<String, Vec<String>>),
}

impl Checklist {
    /// The items of `r`'s checklist not ticked, if any.
    fn unticked(&self, r: &Record) -> Vec<&'static str> {
        let items = r.category.evidence_checklist();
        match self {
            Checklist::ConfirmedBy => Vec::new(),
            Checklist::Ticked(ticked) => {
                let got = ticked.get(r.category.code());
                items
                    .iter()
                    .filter(|i| !got.is_some_and(|g| g.iter().any(|t| t == *i)))
                    .copied()
                    .collect()
            }
        }
    }

    /// What the approval event records of the check.
    fn recorded(&self, r: &Record) -> serde_json::Value {
        let how = match self {
            Checklist::ConfirmedBy => "审核人以署名确认已逐项核对（命令行 --by）",
            Checklist::Ticked(_) => "审核人在程序中逐项勾选",
        };
        serde_json::json!({ "方式": how, "已核对": r.category.evidence_checklist() })
    }
}

/// Why `r` cannot be approved under `checklist`, or None when it can.
fn blocker_checked(r: &Record, checklist: &Checklist) -> Option<String> {
    blocker(r).or_else(|| {
        let missing = checklist.unticked(r);
        (!missing.is_empty()).then(|| {
            format!(
                "证明材料清单未逐项核对（附件1第8条），未勾选：{}",
                missing.join("、")
            )
        })
    })
}

fn describe(r: &Record, why: &str) -> String {
    format!("记录{}（{} {}）：{why}", r.id, r.name, r.title)
}

/// The reviewer the desktop app signs decisions with: the officer named in the unit profile.
pub fn unit_reviewer(conn: &Connection) -> Result<String> {
    let officer = crate::ledger::unit::get(conn)?.officer;
    if officer.trim().is_empty() {
        return Err(Error::invalid(
            "请先在“单位信息”中填写继续教育专管员，审核记录将以其署名",
        ));
    }
    Ok(officer)
}

fn require_actor(by: &str) -> Result<&str> {
    let by = by.trim();
    if by.is_empty() {
        return Err(Error::invalid(
            "请注明审核人（单位信息中的继续教育专管员，或 --by 姓名）",
        ));
    }
    Ok(by)
}

/// What a decision does to each record: its new status, its audit action, the reviewer's reason,
/// and (for an approval) how the evidence checklist was confirmed.
#[derive(Clone, Copy)]
struct Decision<'a> {
    status: Status,
    action: Action,
    reason: &'a str,
    checklist: Option<&'a Checklist>,
}

/// Applies one decision to records already checked, inside `tx`; an approval's event records how
/// the evidence checklist was confirmed.
fn decide(
    tx: &Connection,
    records: &[Record],
    by: &str,
    d: &Decision<'_>,
    progress: Progress<'_>,
) -> Result<Vec<Record>> {
    let Decision {
        status,
        action,
        reason,
        checklist,
    } = *d;
    let now = db::now_local();
    let n = records.len();
    {
        let mut stmt = tx.prepare_cached("UPDATE record SET status = ?1, reviewer = ?2, reviewed_at = ?3, review_reason = ?4, updated_at = ?3 WHERE id = ?5")?;
        for (i, r) in records.iter().enumerate() {
            progress::report(progress, i, n, 0, 20, "更新审核状态")?;
            stmt.execute(params![status.code(), by, now, reason, r.id])?;
        }
    }
    let person_years: BTreeSet<(i64, i32)> = records.iter().map(|r| (r.staff_id, r.year)).collect();
    let subjects: Vec<i64> = records.iter().map(|r| r.id).collect();
    let people = person_years.len();
    for (i, (staff_id, year)) in person_years.into_iter().enumerate() {
        progress::report(progress, i, people, 20, 60, "重新认定学时")?;
        records::refresh(tx, staff_id, year, &subjects)?;
    }
    let after: Vec<Record> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            progress::report(progress, i, n, 80, 15, "记录审计事件")?;
            records::get(tx, r.id)
        })
        .collect::<Result<_>>()?;
    let events: Vec<_> = records
        .iter()
        .zip(&after)
        .map(|(b, a)| {
            let mut event = record_event(by, action, Some(b), Some(a), reason);
            if let (Some(c), Some(serde_json::Value::Object(after))) = (checklist, &mut event.after)
            {
                after.insert("evidence_checklist".into(), c.recorded(a));
            }
            event
        })
        .collect();
    audit::append(tx, &events)?;
    Ok(after)
}

/// Approves records already checked, recording how their evidence checklist was confirmed.
fn approve_now(
    tx: &Connection,
    records: &[Record],
    by: &str,
    checklist: &Checklist,
    progress: Progress<'_>,
) -> Result<Vec<Record>> {
    let approval = Decision {
        status: Status::Approved,
        action: Action::Approve,
        reason: "",
        checklist: Some(checklist),
    };
    decide(tx, records, by, &approval, progress)
}

/// Approves every given record, or — if any cannot be approved — none of them, naming each one and
/// why. The reviewer `by` confirms each record's evidence checklist (the CLI's `review approve`).
pub fn approve(conn: &mut Connection, ids: &[i64], by: &str) -> Result<Vec<Record>> {
    approve_checked(conn, ids, by, &Checklist::ConfirmedBy)
}

/// `approve` with the evidence checklist confirmed as `checklist` says.
pub fn approve_checked(
    conn: &mut Connection,
    ids: &[i64],
    by: &str,
    checklist: &Checklist,
) -> Result<Vec<Record>> {
    let by = require_actor(by)?;
    if ids.is_empty() {
        return Err(Error::invalid("没有指定要审核的记录"));
    }
    let tx = db::write_tx(conn)?;
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for id in ids.iter().collect::<BTreeSet<_>>() {
        match records::get(&tx, *id) {
            Ok(r) => match blocker_checked(&r, checklist) {
                Some(why) => problems.push(describe(&r, &why)),
                None => found.push(r),
            },
            Err(_) => problems.push(format!("记录{id}：不存在")),
        }
    }
    if !problems.is_empty() {
        return Err(Error::invalid(format!(
            "以下记录不能审核通过，本次未做任何更改：\n{}",
            problems.join("\n")
        )));
    }
    let after = approve_now(&tx, &found, by, checklist, &progress::no_progress)?;
    crate::ledger::anchor::commit(tx)?;
    Ok(after)
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Skipped {
    pub id: i64,
    pub name: String,
    pub title: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BatchOutcome {
    pub approved: Vec<i64>,
    pub skipped: Vec<Skipped>,
}

/// One category of a batch approval, before it runs.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BatchCategory {
    pub code: &'static str,
    pub label: &'static str,
    /// Pending records with evidence: the batch approves them once the checklist is confirmed.
    pub ready: u64,
    /// Pending records without any evidence: the batch leaves them.
    pub without_evidence: u64,
}

/// What a batch approval of the filter's pending records would take and leave, shown before the
/// officer confirms the checklists (issue 25: records without a file are named up front).
pub fn batch_preview(conn: &Connection, filter: &RecordFilter) -> Result<Vec<BatchCategory>> {
    let mut out: Vec<BatchCategory> = Vec::new();
    for (category, has, n) in records::pending_by_evidence(conn, filter)? {
        let entry = match out.iter_mut().find(|c| c.code == category.code()) {
            Some(e) => e,
            None => {
                out.push(BatchCategory {
                    code: category.code(),
                    label: category.label(),
                    ready: 0,
                    without_evidence: 0,
                });
                out.last_mut().expect("just pushed")
            }
        };
        match has {
            true => entry.ready += n,
            false => entry.without_evidence += n,
        }
    }
    Ok(out)
}

/// Approves every eligible pending record the filter selects, in one transaction; lists the others.
pub fn approve_eligible(
    conn: &mut Connection,
    filter: &RecordFilter,
    by: &str,
    checklist: &Checklist,
) -> Result<BatchOutcome> {
    approve_eligible_reporting(conn, filter, by, checklist, &progress::no_progress)
}

/// `approve_eligible`, reporting its progress; a report that returns an error (a cancel) rolls
/// the whole batch back.
pub fn approve_eligible_reporting(
    conn: &mut Connection,
    filter: &RecordFilter,
    by: &str,
    checklist: &Checklist,
    progress: Progress<'_>,
) -> Result<BatchOutcome> {
    let by = require_actor(by)?;
    let tx = db::write_tx(conn)?;
    let pending = records::list(
        &tx,
        &RecordFilter {
            status: Some(Status::Pending),
            ..filter.clone()
        },
    )?;
    let outcome = approve_those_eligible(&tx, pending, by, checklist, progress)?;
    progress(100, "完成")?;
    crate::ledger::anchor::commit(tx)?;
    Ok(outcome)
}

/// Approves the eligible ones among records picked on screen, in one transaction; lists the others.
pub fn approve_selected(
    conn: &mut Connection,
    ids: &[i64],
    by: &str,
    checklist: &Checklist,
) -> Result<BatchOutcome> {
    let by = require_actor(by)?;
    let tx = db::write_tx(conn)?;
    let picked = ids
        .iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|id| records::get(&tx, *id))
        .collect::<Result<Vec<_>>>()?;
    let outcome = approve_those_eligible(&tx, picked, by, checklist, &progress::no_progress)?;
    crate::ledger::anchor::commit(tx)?;
    Ok(outcome)
}

fn approve_those_eligible(
    tx: &Connection,
    candidates: Vec<Record>,
    by: &str,
    checklist: &Checklist,
    progress: Progress<'_>,
) -> Result<BatchOutcome> {
    let (eligible, blocked): (Vec<Record>, Vec<Record>) = candidates
        .into_iter()
        .partition(|r| blocker_checked(r, checklist).is_none());
    let skipped = blocked
        .into_iter()
        .map(|r| Skipped {
            id: r.id,
            reason: blocker_checked(&r, checklist).unwrap_or_default(),
            name: r.name,
            title: r.title,
        })
        .collect();
    if !eligible.is_empty() {
        approve_now(tx, &eligible, by, checklist, progress)?;
    }
    Ok(BatchOutcome {
        approved: eligible.iter().map(|r| r.id).collect(),
        skipped,
    })
}

fn single(
    conn: &mut Connection,
    id: i64,
    by: &str,
    reason: &str,
    from: Status,
    to: Status,
    action: Action,
) -> Result<Record> {
    let by = require_actor(by)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(format!(
            "{}必须填写理由",
            audit::Action::label_of(action.code())
        )));
    }
    let tx = db::write_tx(conn)?;
    let r = records::get(&tx, id)?;
    if r.status != from {
        return Err(Error::invalid(describe(
            &r,
            &format!(
                "当前为“{}”，只有“{}”的记录可以{}",
                r.status_label,
                from.label(),
                audit::Action::label_of(action.code())
            ),
        )));
    }
    let d = Decision {
        status: to,
        action,
        reason,
        checklist: None,
    };
    let after = decide(&tx, &[r], by, &d, &progress::no_progress)?.remove(0);
    crate::ledger::anchor::commit(tx)?;
    Ok(after)
}

/// Rejects a pending declaration; the person can correct it and resubmit.
pub fn reject(conn: &mut Connection, id: i64, reason: &str, by: &str) -> Result<Record> {
    single(
        conn,
        id,
        by,
        reason,
        Status::Pending,
        Status::Rejected,
        Action::Reject,
    )
}

/// Takes an approved record back to audit so it can be corrected; the reason is kept.
pub fn reopen(conn: &mut Connection, id: i64, reason: &str, by: &str) -> Result<Record> {
    single(
        conn,
        id,
        by,
        reason,
        Status::Approved,
        Status::Pending,
        Action::Reopen,
    )
}

/// Takes back the officer's last decision on a record (审核模式's `Z`): an approval is reopened, a
/// rejection withdrawn; either way the record is pending again and the trail says so.
pub fn undo(conn: &mut Connection, id: i64, by: &str) -> Result<Record> {
    const WHY: &str = "审核模式中撤销上一步决定";
    match records::get(conn, id)?.status {
        Status::Rejected => single(
            conn,
            id,
            by,
            WHY,
            Status::Rejected,
            Status::Pending,
            Action::UndoReject,
        ),
        _ => reopen(conn, id, WHY, by),
    }
}

/// The year's records still to review, in the order an officer goes through certificates:
/// department, person, date, so one person's papers come together. `with_file`: only those with
/// (true) or without (false) a certificate; `doubtful`: only those a doubtful file may belong to.
pub fn queue(
    conn: &Connection,
    year: i32,
    category: Option<crate::domain::rules::Category>,
    with_file: Option<bool>,
    doubtful: bool,
) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id FROM record r JOIN staff s ON s.id = r.staff_id
         WHERE r.year = ?1 AND r.status = 'pending' AND (?2 IS NULL OR r.category = ?2)
           AND (?3 IS NULL OR ?3 = EXISTS (SELECT 1 FROM record_evidence e WHERE e.record_id = r.id))
           AND (NOT ?4 OR EXISTS (SELECT 1 FROM certificate_doubt d WHERE d.record_id = r.id))
         ORDER BY s.department, s.name, r.start_date, r.id",
    )?;
    let ids = stmt
        .query_map(
            rusqlite::params![year, category.map(|c| c.code()), with_file, doubtful],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hours::Hours;
    use crate::ledger::records::tests::{input, person};

    fn setup() -> (Connection, i64) {
        let conn = db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        (conn, p.id)
    }

    #[test]
    fn approve_is_all_or_nothing_and_names_each_blocker() {
        let (mut conn, p) = setup();
        let good = records::add(&mut conn, &input(p, "training", "2025-03-01", Some(8))).unwrap();
        let mut bare = input(p, "training", "2025-03-02", Some(8));
        bare.evidence.clear();
        let bare = records::add(&mut conn, &bare).unwrap();
        let city =
            records::add(&mut conn, &input(p, "city_platform", "2025-03-03", Some(8))).unwrap();
        let err = approve(&mut conn, &[good.id, bare.id, city.id, 999], "王敏")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("记录{}", bare.id)) && err.contains("没有证明材料"),
            "{err}"
        );
        assert!(
            err.contains("无需单位审核") && err.contains("记录999：不存在"),
            "{err}"
        );
        assert_eq!(
            records::get(&conn, good.id).unwrap().status,
            Status::Pending,
            "nothing changed"
        );

        let done = approve(&mut conn, &[good.id], "王敏").unwrap();
        assert_eq!(
            (
                done[0].status,
                done[0].recognized_professional,
                done[0].reviewer.as_str()
            ),
            (Status::Approved, Hours::from_whole(8), "王敏")
        );
        assert!(approve(&mut conn, &[good.id], " ")
            .unwrap_err()
            .to_string()
            .contains("审核人"));
    }

    #[test]
    fn reject_needs_a_reason_and_resubmission_returns_to_pending() {
        let (mut conn, p) = setup();
        let r = records::add(&mut conn, &input(p, "achievement", "2025-03-01", None)).unwrap();
        assert!(reject(&mut conn, r.id, "  ", "王敏")
            .unwrap_err()
            .to_string()
            .contains("必须填写理由"));
        let rejected = reject(&mut conn, r.id, "论文未见期刊目录页", "王敏").unwrap();
        assert_eq!(
            (rejected.status, rejected.review_reason.as_str()),
            (Status::Rejected, "论文未见期刊目录页")
        );
        let fixed = records::update(
            &mut conn,
            r.id,
            &input(p, "achievement", "2025-03-01", None),
        )
        .unwrap();
        assert_eq!(fixed.status, Status::Pending);
        let history: Vec<String> = audit::log(&conn, Some(r.id))
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(history, vec!["create", "reject", "resubmit"]);
        assert_eq!(
            audit::log(&conn, Some(r.id)).unwrap()[1].reason,
            "论文未见期刊目录页"
        );
    }

    /// 审核模式's `Z`: the last approval or rejection taken back, audited as such; the queue
    /// comes in department, person, date order and leaves decided records out.
    #[test]
    fn undo_takes_back_either_decision_and_the_queue_follows_people() {
        let (mut conn, p) = setup();
        let other = person(&conn, 102);
        let later = records::add(&mut conn, &input(p, "training", "2025-06-01", Some(8))).unwrap();
        let earlier =
            records::add(&mut conn, &input(p, "training", "2025-03-01", Some(8))).unwrap();
        let theirs = records::add(
            &mut conn,
            &input(other.id, "training", "2025-01-01", Some(8)),
        )
        .unwrap();
        let queue_now = queue(&conn, 2025, None, None, false).unwrap();
        assert_eq!(queue_now.len(), 3);
        assert_eq!(
            queue_now.iter().position(|&i| i == earlier.id).unwrap() + 1,
            queue_now.iter().position(|&i| i == later.id).unwrap(),
            "one person's records together, by date: {queue_now:?}"
        );
        approve(&mut conn, &[earlier.id], "王敏").unwrap();
        reject(&mut conn, later.id, "证明材料不清晰", "王敏").unwrap();
        assert_eq!(queue(&conn, 2025, None, None, false).unwrap(), [theirs.id]);
        assert_eq!(
            undo(&mut conn, earlier.id, "王敏").unwrap().status,
            Status::Pending
        );
        assert_eq!(
            undo(&mut conn, later.id, "王敏").unwrap().status,
            Status::Pending
        );
        let actions: Vec<String> = audit::log(&conn, Some(later.id))
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions.last().map(String::as_str), Some("undo_reject"));
        assert!(
            undo(&mut conn, later.id, "王敏").is_err(),
            "a pending record has nothing to undo"
        );
        assert!(audit::verify(&conn).unwrap().holds());
        assert_eq!(
            queue(&conn, 2025, None, Some(true), false).unwrap(),
            Vec::<i64>::new()
        );
    }

    #[test]
    fn a_batch_is_counted_before_it_runs_with_the_records_it_would_leave() {
        let (mut conn, p) = setup();
        records::add(&mut conn, &input(p, "training", "2025-03-01", Some(8))).unwrap();
        let mut bare = input(p, "training", "2025-03-02", Some(8));
        bare.evidence.clear();
        records::add(&mut conn, &bare).unwrap();
        records::add(&mut conn, &input(p, "achievement", "2025-04-01", None)).unwrap();
        let filter = RecordFilter {
            year: Some(2025),
            ..Default::default()
        };
        let got: Vec<(&str, u64, u64)> = batch_preview(&conn, &filter)
            .unwrap()
            .iter()
            .map(|c| (c.code, c.ready, c.without_evidence))
            .collect();
        assert_eq!(got, [("achievement", 1, 0), ("training", 1, 1)]);
        let out = approve_eligible(&mut conn, &filter, "王敏", &Checklist::ConfirmedBy).unwrap();
        assert_eq!(
            (out.approved.len(), out.skipped.len()),
            (2, 1),
            "as counted"
        );
    }

    #[test]
    fn approved_records_are_locked_until_reopened() {
        let (mut conn, p) = setup();
        let r = records::add(&mut conn, &input(p, "training", "2025-03-01", Some(8))).unwrap();
        approve(&mut conn, &[r.id], "王敏").unwrap();
        assert!(records::update(
            &mut conn,
            r.id,
            &input(p, "training", "2025-03-01", Some(6))
        )
        .is_err());
        assert!(reopen(&mut conn, r.id, "", "王敏").is_err());
        let reopened = reopen(&mut conn, r.id, "学时登记有误", "王敏").unwrap();
        assert_eq!(
            (reopened.status, reopened.recognized_hours),
            (Status::Pending, Hours::ZERO)
        );
        assert!(records::update(
            &mut conn,
            r.id,
            &input(p, "training", "2025-03-01", Some(6))
        )
        .is_ok());
        assert!(audit::verify(&conn).unwrap().broken.is_none());
    }

    #[test]
    fn batch_approves_the_eligible_and_lists_the_rest() {
        let (mut conn, p) = setup();
        for d in ["2025-01-01", "2025-02-01", "2025-03-01"] {
            records::add(&mut conn, &input(p, "competition", d, None)).unwrap();
        }
        let mut bare = input(p, "training", "2025-04-01", Some(8));
        bare.evidence.clear();
        records::add(&mut conn, &bare).unwrap();
        let out = approve_eligible(
            &mut conn,
            &RecordFilter {
                year: Some(2025),
                ..Default::default()
            },
            "王敏",
            &Checklist::ConfirmedBy,
        )
        .unwrap();
        assert_eq!((out.approved.len(), out.skipped.len()), (3, 1));
        assert!(out.skipped[0].reason.contains("证明材料"));
        let picked = approve_selected(
            &mut conn,
            &[out.approved[0], out.skipped[0].id],
            "王敏",
            &Checklist::ConfirmedBy,
        )
        .unwrap();
        assert_eq!(
            (picked.approved.len(), picked.skipped.len()),
            (0, 2),
            "already approved and still without evidence"
        );
        let again = approve_eligible(
            &mut conn,
            &RecordFilter {
                year: Some(2025),
                ..Default::default()
            },
            "王敏",
            &Checklist::ConfirmedBy,
        )
        .unwrap();
        assert!(again.approved.is_empty());
        let v = audit::verify(&conn).unwrap();
        assert!(v.holds(), "{v:?}");
        // The ledger's own events, the person added, four records, three approvals.
        assert_eq!(
            v.events,
            crate::ledger::db::EVENTS_OF_A_NEW_LEDGER + 1 + 4 + 3
        );
    }

    /// Issue 13 item 8: in the app every item of the evidence checklist is ticked before approval,
    /// and the approval's event records the ticks; the CLI's `--by` confirms them and says so.
    #[test]
    fn approval_needs_every_checklist_item_ticked_and_the_event_keeps_them() {
        let (mut conn, p) = setup();
        let training =
            records::add(&mut conn, &input(p, "training", "2025-03-01", Some(8))).unwrap();
        let exam =
            records::add(&mut conn, &input(p, "exam_service", "2025-03-02", Some(4))).unwrap();
        let partly = Checklist::Ticked(
            [(
                "training".to_string(),
                vec!["培训合格证书或盖章证明".to_string()],
            )]
            .into(),
        );
        let err = approve_checked(&mut conn, &[training.id, exam.id], "王敏", &partly)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("未勾选：经人社部门备案（合格证书或备案编号）")
                && err.contains("未勾选：学时登记卡"),
            "{err}"
        );
        assert_eq!(
            records::get(&conn, training.id).unwrap().status,
            Status::Pending
        );

        let batch = approve_selected(&mut conn, &[training.id, exam.id], "王敏", &partly).unwrap();
        assert_eq!((batch.approved.len(), batch.skipped.len()), (0, 2));

        let all = Checklist::Ticked(
            [
                (
                    "training".to_string(),
                    vec![
                        "培训合格证书或盖章证明".to_string(),
                        "经人社部门备案（合格证书或备案编号）".to_string(),
                    ],
                ),
                ("exam_service".to_string(), vec!["学时登记卡".to_string()]),
            ]
            .into(),
        );
        approve_checked(&mut conn, &[training.id], "王敏", &all).unwrap();
        approve(&mut conn, &[exam.id], "王敏").unwrap();
        let checked = |id: i64| {
            let event = audit::log(&conn, Some(id))
                .unwrap()
                .into_iter()
                .find(|e| e.action == "approve")
                .unwrap();
            event.after.unwrap()["evidence_checklist"].clone()
        };
        let ticked = checked(training.id);
        assert_eq!(ticked["方式"], "审核人在程序中逐项勾选");
        assert_eq!(ticked["已核对"][1], "经人社部门备案（合格证书或备案编号）");
        assert!(checked(exam.id)["方式"].as_str().unwrap().contains("--by"));
    }

    /// Issue 14 item 2: approving everything that matches reports its progress, and a cancel
    /// before the commit leaves every record pending and no event behind.
    #[test]
    fn approve_all_reports_progress_and_a_cancel_writes_nothing() {
        let (mut conn, p) = setup();
        for day in 1..=28 {
            let r = input(p, "exam_service", &format!("2025-02-{day:02}"), Some(2));
            records::add(&mut conn, &r).unwrap();
        }
        let events = |c: &Connection| -> i64 {
            c.query_row("SELECT COUNT(*) FROM audit_event", [], |r| r.get(0))
                .unwrap()
        };
        let before = events(&conn);
        let all = RecordFilter {
            year: Some(2025),
            ..Default::default()
        };
        let cancel = crate::progress::cancel_from(20);
        let got =
            approve_eligible_reporting(&mut conn, &all, "王敏", &Checklist::ConfirmedBy, &cancel);
        assert!(matches!(got, Err(Error::Cancelled)), "{got:?}");
        assert_eq!(events(&conn), before, "no event");
        let pending = records::list(&conn, &all).unwrap();
        assert!(pending.iter().all(|r| r.status == Status::Pending));

        let seen = std::sync::Mutex::new(Vec::new());
        let report = |percent: u32, stage: &str| -> Result<()> {
            seen.lock().unwrap().push((percent, stage.to_string()));
            Ok(())
        };
        let done =
            approve_eligible_reporting(&mut conn, &all, "王敏", &Checklist::ConfirmedBy, &report)
                .unwrap();
        assert_eq!(done.approved.len(), 28);
        let seen = seen.into_inner().unwrap();
        assert!(seen.iter().any(|(_, s)| s == "重新认定学时"), "{seen:?}");
        assert_eq!(seen.last().map(|(p, _)| *p), Some(100));
    }
}

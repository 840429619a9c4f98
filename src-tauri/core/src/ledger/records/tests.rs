use super::*;
use crate::domain::hours::Hours;
use crate::domain::idcard::tests::make_id;
use crate::domain::rules::Status;
use crate::ledger::staff::{self, StaffInput};
use rusqlite::Connection;

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
        // The platform states each course's subject; these tests study public courses there.
        subject: if matches!(category, "city_platform" | "市平台学习") {
            "公需".into()
        } else {
            String::new()
        },
        ..Default::default()
    }
}

#[test]
fn added_records_are_pending_and_recognised_only_once_approved() {
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
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
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
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
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
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
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
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
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
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
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
    let p = person(&conn, 101);
    let plan =
        crate::ledger::plan::add(&mut conn, &crate::ledger::plan::tests::sample(), "王敏").unwrap();
    let mut inp = input(p.id, "filed_training", "2025-06-10", Some(16));
    inp.end = "2025-06-11".into();
    inp.plan_id = Some(plan.id);
    let r = add(&mut conn, &inp).unwrap();
    set_status(&conn, r.id, Status::Approved).unwrap();
    let r = get(&conn, r.id).unwrap();
    assert_eq!(r.recognized_hours, Hours::ZERO);
    assert!(r.reason.contains("未在市人社局备案"), "{}", r.reason);
    use crate::ledger::plan::{transition, Transition};
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
fn page_filters_by_search_or_department_and_pages_in_order() {
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
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
    // A department filter reads the roster: its count joins it (the unfiltered count does not).
    let in_department = |department: &str| RecordFilter {
        year: Some(2025),
        department: department.into(),
        ..Default::default()
    };
    assert_eq!(page(&conn, &in_department("内科"), 0, 0).unwrap().total, 4);
    assert_eq!(page(&conn, &in_department("外科"), 0, 0).unwrap().total, 0);
}

#[test]
fn an_unknown_code_in_the_file_is_an_error_not_a_default() {
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
    let p = person(&conn, 101);
    let r = add(&mut conn, &input(p.id, "training", "2025-03-01", Some(6))).unwrap();
    conn.execute("UPDATE record SET category = 'bogus' WHERE id = ?1", [r.id])
        .unwrap();
    let err = get(&conn, r.id).unwrap_err().to_string();
    assert!(err.contains("类别“bogus”无法识别"), "{err}");
    assert!(list(&conn, &RecordFilter::default()).is_err());
    let stored_id = "370402199001011234-and-more";
    conn.execute(
        "UPDATE record SET category = 'training', situation = ?2 WHERE id = ?1",
        rusqlite::params![r.id, stored_id],
    )
    .unwrap();
    let err = get(&conn, r.id).unwrap_err().to_string();
    assert!(
        err.contains("情形") && !err.contains(&stored_id[..18]),
        "{err}"
    );
}

/// Another program approves a record while this one is about to edit, delete or attach to it: the
/// status is read under the write lock, so the approved record is refused, never overwritten.
#[test]
fn a_record_approved_by_another_program_meanwhile_is_not_edited_deleted_or_attached_to() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    let mut conn = crate::ledger::db::open(&path).unwrap();
    let p = person(&conn, 101);
    let r = add(&mut conn, &input(p.id, "training", "2025-03-01", Some(6))).unwrap();
    let edited = input(p.id, "training", "2025-03-01", Some(8));
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake but sniffable";
    type Attempt = Box<dyn Fn(&mut Connection) -> crate::Result<()>>;
    let attempts: [(&str, Attempt); 3] = [
        (
            "修改",
            Box::new(move |c| update(c, r.id, &edited).map(|_| ())),
        ),
        ("删除", Box::new(move |c| delete(c, r.id))),
        (
            "添加证明材料",
            Box::new(move |c| {
                crate::ledger::evidence::attach(c, r.id, "证书.png", PNG, "王敏").map(|_| ())
            }),
        ),
    ];
    for (what, attempt) in attempts {
        set_status(&conn, r.id, Status::Pending).unwrap();
        let mut other = crate::ledger::db::open(&path).unwrap();
        let (locked, wait) = std::sync::mpsc::channel();
        let approver = std::thread::spawn(move || {
            let tx = crate::ledger::db::write_tx(&mut other).unwrap();
            tx.execute(
                "UPDATE record SET status = 'approved' WHERE id = ?1",
                [r.id],
            )
            .unwrap();
            locked.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(300));
            tx.commit().unwrap();
        });
        wait.recv().unwrap();
        let err = attempt(&mut conn).expect_err(what).to_string();
        approver.join().unwrap();
        assert!(err.contains("已通过"), "{what}: {err}");
        let now = get(&conn, r.id).unwrap();
        assert_eq!(
            (now.status, now.claimed_hours),
            (Status::Approved, Some(Hours::from_whole(6))),
            "{what}"
        );
    }
}

/// Issue 13 item 4: 产假 is for women only, and posting and special months of one person-year
/// add up to at most 12, counting what the ledger already holds.
#[test]
fn maternity_needs_a_woman_and_months_share_one_year() {
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
    let man = person(&conn, 101); // the 17th digit is odd
    let woman = person(&conn, 102);
    let leave = |staff_id: i64, months: u32| RecordInput {
        end: "2025-12-31".into(),
        months: Some(months),
        situation: "产假".into(),
        ..input(staff_id, "special", "2025-01-01", None)
    };
    let err = add(&mut conn, &leave(man.id, 4)).unwrap_err().to_string();
    assert!(err.contains("情形：产假只适用于女职工"), "{err}");
    add(&mut conn, &leave(woman.id, 4)).unwrap();
    let posting = |months: u32| RecordInput {
        end: "2025-12-31".into(),
        months: Some(months),
        ..input(woman.id, "posting", "2025-01-01", None)
    };
    let id = add(&mut conn, &posting(8)).unwrap().id;
    let err = add(&mut conn, &posting(1)).unwrap_err().to_string();
    assert!(
        err.contains("月数：援派和特殊情况的月数同一人同一年度合计不能超过12个月：2025年本条1个月，台账中已有12个月，合计13个月"),
        "{err}"
    );
    // Editing a record does not count it twice.
    update(&mut conn, id, &posting(7)).unwrap();
    add(&mut conn, &posting(1)).unwrap();
}

/// Issue 13 item 7: a 备案培训 record under the unit's own plan lies inside the plan's dates and
/// year, and claims no more than its 拟计算学时.
#[test]
fn training_under_an_own_plan_stays_within_the_plan() {
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
    let p = person(&conn, 101);
    let plan =
        crate::ledger::plan::add(&mut conn, &crate::ledger::plan::tests::sample(), "王敏").unwrap();
    let under = |start: &str, end: &str, hours: i64| RecordInput {
        end: end.into(),
        plan_id: Some(plan.id),
        ..input(p.id, "filed_training", start, Some(hours))
    };
    let refused = |conn: &mut Connection, r: RecordInput| add(conn, &r).unwrap_err().to_string();
    let err = refused(&mut conn, under("2025-06-09", "2025-06-10", 8));
    assert!(
        err.contains(
            "不在计划“基层医师急危重症救治能力提升培训”的培训日期2025-06-10至2025-06-12之内"
        ),
        "{err}"
    );
    let err = refused(&mut conn, under("2025-06-10", "2025-06-12", 25));
    assert!(
        err.contains("超过计划“基层医师急危重症救治能力提升培训”的拟计算学时24"),
        "{err}"
    );
    let err = refused(&mut conn, under("2026-06-10", "2026-06-10", 8));
    assert!(err.contains("属于2025年度，本记录在2026年度"), "{err}");
    add(&mut conn, &under("2025-06-10", "2025-06-12", 24)).unwrap();
}

/// Issue 13 item 2: records stored before the 公需 check (or edited in outside) are listed with the
/// reason, and their hours are left alone.
#[test]
fn public_hours_from_sources_the_notice_does_not_allow_are_listed_not_changed() {
    let mut conn = crate::ledger::db::open_in_memory().unwrap();
    let p = person(&conn, 101);
    let mut topic = input(p.id, "training", "2025-03-01", Some(6));
    topic.topic = "数字技术".into();
    let fine = add(&mut conn, &topic).unwrap();
    let competition = add(&mut conn, &input(p.id, "competition", "2025-04-01", None)).unwrap();
    set_status(&conn, competition.id, Status::Approved).unwrap();
    // As an older version (or an outside edit) left them.
    conn.execute(
        "UPDATE record SET subject = 'public' WHERE id = ?1",
        [competition.id],
    )
    .unwrap();
    conn.execute(
        "UPDATE record SET topic = '消防安全' WHERE id = ?1",
        [fine.id],
    )
    .unwrap();
    let listed = public_source_problems(&conn, 2025).unwrap();
    let reasons: Vec<(i64, &str)> = listed.iter().map(|l| (l.id, l.reason.as_str())).collect();
    assert_eq!(listed.len(), 2, "{reasons:?}");
    assert!(
        listed[0].reason.contains("不是2025年度的公需专题"),
        "{reasons:?}"
    );
    assert!(
        listed[1].reason.contains("比赛只能计入专业科目"),
        "{reasons:?}"
    );
    assert_eq!(
        get(&conn, competition.id).unwrap().recognized_professional,
        Hours::from_whole(10),
        "listed, not silently re-cut"
    );
    // The check reads the partial index's few records, not the year's (migration 9).
    let plan: String = conn
        .query_row(
            &format!(
                "EXPLAIN QUERY PLAN {}",
                super::query::PUBLIC_SOURCE_CANDIDATES
            ),
            [2025],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("record_public_source"), "{plan}");
}

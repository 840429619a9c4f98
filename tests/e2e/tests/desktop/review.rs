//! The review workflow end to end: reject a record with a reason through the UI, see the reason
//! in its history, batch-approve the rest, check the audit chain of the real ledger file, and see
//! 校验审计链 name a decision changed outside the program.

use crate::support::{id_number, App};
use ce_ledger_core::io::record_import;
use ce_ledger_core::ledger::{audit, db, progress, records, staff, unit};
use chrono::Datelike;

/// The unit whose officer, 王敏, reviews.
fn hospital_with_officer(conn: &rusqlite::Connection) {
    unit::save(
        conn,
        &unit::UnitProfile {
            name: "枣庄市立医院".into(),
            officer: "王敏".into(),
            ..Default::default()
        },
    )
    .unwrap();
}

#[tokio::test]
async fn reject_with_reason_then_batch_approve_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("review.sqlite3");
    let year = progress::today().year();
    let id = id_number("19820304", 111);
    {
        let mut conn = db::open(&ledger).unwrap();
        hospital_with_officer(&conn);
        staff::add(
            &conn,
            &staff::StaffInput {
                name: "华佗".into(),
                id_number: id.clone(),
                department: "外科".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let csv = dir.path().join("records.csv");
        std::fs::write(
            &csv,
            format!(
                "身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料\n\
                 {id},training,,麻醉新技术培训,{year}-03-01,{year}-03-02,16,,,培训证书\n\
                 {id},achievement,,外科论文,{year}-04-01,{year}-04-01,,,,期刊封面\n\
                 {id},competition,,技能大赛,{year}-05-01,{year}-05-01,,,,获奖证书\n"
            ),
        )
        .unwrap();
        record_import::import_csv(&mut conn, &csv).unwrap();
    }

    let app = App::start(&ledger).await;
    app.click("[data-testid=nav-review]").await;
    app.wait_for_text(".review-table tbody tr", "外科论文")
        .await;
    // The status filter shows the core's label for its code, not a copy kept in the UI.
    app.wait_for_text("[data-testid=rv-status]", "待审核").await;
    app.open_text(
        ".review-table tbody tr",
        "外科论文",
        "[data-testid=d-reject]",
    )
    .await;
    app.open("[data-testid=d-reject]", ".reason-box input")
        .await;
    app.type_into_css(".reason-box input", "论文缺期刊目录页")
        .await;
    app.click(".reason-box .el-button--primary").await;
    let history = app.wait_for_text("[data-testid=d-history]", "驳回").await;
    assert!(
        history.contains("理由：论文缺期刊目录页") && history.contains("王敏"),
        "{history}"
    );
    app.screenshot("review-history.png").await;
    app.click("[data-testid=record-detail] .el-drawer__close-btn")
        .await;

    // The pending list now holds the other two; select all and approve, ticking the evidence
    // checklist (附件1第8条) of the competition only: the training is not approved, and says why.
    app.wait_until_count(".review-table tbody tr", 2).await;
    app.click(".review-table thead .el-checkbox").await;
    app.open(
        "[data-testid=rv-approve]",
        "[data-testid=checklist-competition]",
    )
    .await;
    let offered = app.texts("[data-testid=checklist-dialog] .head b").await;
    assert_eq!(offered, vec!["培训进修", "比赛"], "the categories selected");
    app.click("[data-testid=checklist-competition] .el-checkbox")
        .await;
    app.screenshot("review-checklist-dialog.png").await;
    app.click("[data-testid=checklist-confirm]").await;
    let outcome = app
        .wait_for_text("[data-testid=rv-outcome]", "已审核通过 1 条")
        .await;
    assert!(outcome.contains("1 条未通过"), "{outcome}");
    let reason = app
        .wait_for_text(".el-dialog .el-table__body", "未勾选")
        .await;
    assert!(reason.contains("经人社部门备案"), "{reason}");
    app.screenshot("review-batch.png").await;
    app.click(".el-dialog__footer .el-button--primary").await;

    // One by one: the drawer's 审核通过 waits until every item beside the files is ticked.
    app.open_text(
        ".review-table tbody tr",
        "麻醉新技术培训",
        "[data-testid=d-checklist]",
    )
    .await;
    let disabled = app
        .find("[data-testid=d-approve]")
        .await
        .attr("disabled")
        .await
        .unwrap();
    assert!(disabled.is_some(), "approve waits for the checklist");
    for item in [
        "培训合格证书或盖章证明",
        "经人社部门备案（合格证书或备案编号）",
    ] {
        app.click_text("[data-testid=d-checklist] .el-checkbox__label", item)
            .await;
    }
    app.screenshot("review-checklist.png").await;
    app.click("[data-testid=d-approve]").await;
    app.wait_for_text("[data-testid=d-history]", "审核通过")
        .await;
    {
        let conn = ce_ledger_core::ledger::lock::open_raw(&ledger).unwrap();
        let ticked: String = conn
            .query_row(
                "SELECT after FROM audit_event WHERE action = 'approve' AND entity_id =
                   (SELECT id FROM record WHERE title = '麻醉新技术培训')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            ticked.contains("审核人在程序中逐项勾选") && ticked.contains("经人社部门备案"),
            "the approval's event keeps the ticks: {ticked}"
        );
    }
    app.click("[data-testid=record-detail] .el-drawer__close-btn")
        .await;

    // The program's own decisions match the trail; then someone flips the rejected paper to
    // 已通过 with a SQLite shell while the window is open, and 校验审计链 names it.
    app.click("[data-testid=rv-verify]").await;
    app.wait_for_text(".el-message-box", "与审计记录逐项一致")
        .await;
    app.click(".el-message-box__btns .el-button--primary").await;
    let paper: i64 = {
        let outsider = ce_ledger_core::ledger::lock::open_raw(&ledger).unwrap();
        outsider
            .execute(
                "UPDATE record SET status = 'approved' WHERE title = '外科论文'",
                [],
            )
            .unwrap();
        outsider
            .query_row(
                "SELECT id FROM record WHERE title = '外科论文'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    app.click("[data-testid=rv-verify]").await;
    let listed = app
        .wait_for_text("[data-testid=rv-differences]", "在程序之外被改动")
        .await;
    assert!(
        listed.contains(&format!(
            "记录 {paper}：状态 台账为“已通过”，审计记录为“已驳回”"
        )),
        "{listed}"
    );
    app.screenshot("review-verify-outside-edit.png").await;
    app.click(".el-message-box .el-button--primary").await;
    app.stop().await;

    let conn = db::open(&ledger).unwrap();
    let all = records::list(&conn, &records::RecordFilter::default()).unwrap();
    let statuses: Vec<(&str, &str)> = all
        .iter()
        .map(|r| (r.title.as_str(), r.status.code()))
        .collect();
    assert!(
        // The paper as the outsider left it; the trail still says 驳回 (below).
        statuses.contains(&("外科论文", "approved"))
            && statuses.contains(&("技能大赛", "approved")),
        "{statuses:?}"
    );
    let v = audit::verify(&conn).unwrap();
    assert_eq!(
        (v.events, v.broken),
        (ce_ledger_core::ledger::db::EVENTS_OF_A_NEW_LEDGER + 6, None),
        "the ledger's own events, unit, person, import, reject, two approvals"
    );
    assert_eq!(v.differences.len(), 1, "{:?}", v.differences);
}

/// Issue 14 item 1: 通过全部 approves every pending record the filter matches, on every page,
/// not only the 20 on screen.
#[tokio::test]
async fn approve_all_covers_every_page_of_matching_records() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("approve-all.sqlite3");
    let year = progress::today().year();
    {
        let mut conn = db::open(&ledger).unwrap();
        hospital_with_officer(&conn);
        let mut csv =
            String::from("身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料\n");
        for p in 0..3 {
            let id = id_number("19820304", 500 + p);
            staff::add(
                &conn,
                &staff::StaffInput {
                    name: format!("医师{p}"),
                    id_number: id.clone(),
                    department: "外科".into(),
                    ..Default::default()
                },
            )
            .unwrap();
            for k in 0..20 {
                let month = 1 + k % 10;
                let day = 1 + k;
                csv.push_str(&format!(
                    "{id},training,专业,培训{k},{year}-{month:02}-{day:02},{year}-{month:02}-{day:02},4,,,培训证书\n"
                ));
            }
        }
        let path = dir.path().join("records.csv");
        std::fs::write(&path, csv).unwrap();
        record_import::import_csv(&mut conn, &path).unwrap();
    }
    let app = App::start(&ledger).await;
    app.click("[data-testid=nav-review]").await;
    app.wait_until_count(".review-table tbody tr", 20).await;
    app.wait_for_text("[data-testid=rv-approve-all]", "通过全部（60）")
        .await;
    app.approve_all_ticking("training").await;
    app.wait_for_text("[data-testid=rv-outcome]", "已审核通过 60 条")
        .await;
    let conn = db::open(&ledger).unwrap();
    let pending: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM record WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0, "every page was approved");
    assert!(audit::verify(&conn).unwrap().holds());
    app.stop().await;
}

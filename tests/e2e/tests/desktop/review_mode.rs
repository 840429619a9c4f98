//! Issue 25 through the real window: a department's ZIP attached in bulk from the review page,
//! then 审核模式 — one look and one key per record. The key-to-painted times the page records
//! (`window.__reviewTimings`) are printed as a figure, not asserted; `make bench` prints them.

use crate::support::App;
use ce_ledger_core::io::import::{self, Kind, Options};
use ce_ledger_core::io::table::no_progress;
use ce_ledger_core::ledger::{db, unit};
use std::path::PathBuf;

fn messy(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus/messy")
        .join(name)
}

/// The first day's ledger (issue 24): the roster and the year's declarations imported, with the
/// departments' certificates when `with_certificates` (issue 25).
pub fn first_day_ledger(ledger: &std::path::Path, with_certificates: bool) {
    let mut conn = db::open(ledger).unwrap();
    let read = |name: &str| std::fs::read(messy(name)).unwrap();
    import::commit(
        &mut conn,
        Kind::Staff,
        "人员名册.xlsx",
        &read("人员名册.xlsx"),
        &Options::default(),
        &no_progress,
    )
    .unwrap();
    let zip = with_certificates.then(|| messy("证明材料.zip").to_string_lossy().into_owned());
    let options = ce_ledger_core::dev::sample::messy_first_day(zip);
    import::commit(
        &mut conn,
        Kind::Records,
        "学时申报.xlsx",
        &read("学时申报.xlsx"),
        &options,
        &no_progress,
    )
    .unwrap();
    let profile = unit::UnitProfile {
        name: "枣庄市立医院".into(),
        officer: "王敏".into(),
        ..unit::get(&conn).unwrap()
    };
    unit::save(&conn, &profile).unwrap();
}

/// The median and 95th percentile of the page's key-to-painted times.
pub async fn timings(app: &App) -> (f64, f64, usize) {
    let v = app
        .client
        .execute("return window.__reviewTimings || []", vec![])
        .await
        .unwrap();
    let mut t: Vec<f64> = serde_json::from_value(v).unwrap_or_default();
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| {
        t.get(((t.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    (at(0.5), at(0.95), t.len())
}

/// The review page on 2025: the ledger was filled outside the window, so the officer picks its year.
async fn open_review_of_2025(app: &App) {
    app.click("[data-testid=nav-review]").await;
    app.click(".toolbar .year").await;
    app.click_text(".el-select-dropdown__item", "2025年度")
        .await;
    app.wait_for_text(".review-table tbody", "2025-").await;
}

/// 审核模式 over the records `which` chooses (有证明材料的, 证明材料待选择的, …).
async fn open_review_mode(app: &App, which: &str) {
    app.click("[data-testid=rv-mode-files]").await;
    app.click_text(".el-select-dropdown__item", which).await;
    app.click("[data-testid=rv-mode]").await;
}

/// Which record 审核模式 shows now.
async fn shown(app: &App) -> String {
    let v = app
        .client
        .execute(
            "const e = document.querySelector('[data-shown-record]'); return e ? e.dataset.shownRecord : ''",
            vec![],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

/// Waits until 审核模式 shows a record other than `was`.
async fn moved_from(app: &App, was: &str) -> String {
    let deadline = std::time::Instant::now() + crate::support::WAIT;
    loop {
        let now = shown(app).await;
        if !now.is_empty() && now != was {
            return now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "审核模式 stayed on record {was}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_departments_zip_then_one_key_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("review-mode.sqlite3");
    first_day_ledger(&ledger, false);
    let app = App::start(&ledger).await;
    open_review_of_2025(&app).await;

    // The ZIP from the departments, by its path.
    app.click("[data-testid=rv-bulk]").await;
    app.type_into("cert-path", messy("证明材料.zip").to_str().unwrap())
        .await;
    app.click("[data-testid=cert-read]").await;
    let summary = app
        .wait_for_text("[data-testid=cert-summary]", "对应到一条记录")
        .await;
    assert!(
        summary.contains("1074") && summary.contains("可能对应多条 20"),
        "{summary}"
    );
    app.screenshot("review-bulk-certificates.png").await;
    app.click("[data-testid=cert-attach]").await;
    app.wait_for_text(".el-message", "已添加证明材料 1074 个")
        .await;

    app.click("[data-testid=rv-mode]").await;
    app.wait_for_text("[data-testid=rm-counter]", "已审 0 /")
        .await;
    let mut at = moved_from(&app, "").await;
    app.screenshot("review-mode.png").await;
    // One key a record: approve ten in a row.
    for _ in 0..10 {
        app.press('a').await;
        at = moved_from(&app, &at).await;
    }
    app.wait_for_text("[data-testid=rm-counter]", "已审 10 /")
        .await;
    // R, then 2: 与申报内容不符.
    let rejected = at.clone();
    app.press('r').await;
    app.wait_for_text("[data-testid=rm-reject]", "与申报内容不符")
        .await;
    app.press('2').await;
    at = moved_from(&app, &at).await;
    // Z takes the rejection back: the record shows again, pending.
    app.press('z').await;
    let back = moved_from(&app, &at).await;
    assert_eq!(back, rejected);
    app.wait_for_text("[data-testid=rm-status]", "待审核").await;
    app.wait_for_text("[data-testid=rm-counter]", "已审 10 /")
        .await;
    app.press('?').await;
    app.wait_for_text("[data-testid=rm-help]", "撤销").await;
    app.press('\u{E00C}').await; // Escape: the help closes
    let (median, p95, n) = timings(&app).await;
    println!("审核模式 (500 staff, debug build): key to painted record median {median:.0} ms, 95th percentile {p95:.0} ms over {n} keys");
    // The records a doubtful file may belong to, with the files named.
    app.click("[data-testid=rm-close]").await;
    open_review_mode(&app, "证明材料待选择的").await;
    let doubts = app
        .wait_for_text("[data-testid=rm-doubts]", "证明材料.zip")
        .await;
    assert!(doubts.contains("可能是本条的文件"), "{doubts}");
    app.screenshot("review-mode-doubtful.png").await;
    app.stop().await;

    let conn = ce_ledger_core::ledger::lock::open_raw(&ledger).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT COUNT(*) FROM record WHERE status = 'approved'"),
        10
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM record WHERE status = 'rejected'"),
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_event WHERE action = 'undo_reject'"),
        1
    );
}

/// `make bench`: 审核模式 on a big unit's ledger (10,000 staff × 20 records of the sample, with the
/// first day's 500 people and their certificates on top), a key a record for 200 records. Prints
/// the key-to-painted median and 95th percentile and the actions per record (a figure, not a
/// bound); run on the release build through `CE_LEDGER_APP`.
#[tokio::test]
#[ignore = "a figure for `make bench`: 审核模式 on the 10,000-staff ledger"]
async fn review_mode_on_a_ten_thousand_staff_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("big.sqlite3");
    {
        let mut conn = db::open(&ledger).unwrap();
        ce_ledger_core::dev::sample::populate(&mut conn, 10_000, 20, 2025, dir.path()).unwrap();
    }
    first_day_ledger(&ledger, true);
    let app = App::start(&ledger).await;
    open_review_of_2025(&app).await;
    open_review_mode(&app, "有证明材料的").await;
    let mut at = moved_from(&app, "").await;
    const RECORDS: usize = 200;
    let started = std::time::Instant::now();
    for _ in 0..RECORDS {
        app.press('a').await;
        at = moved_from(&app, &at).await;
    }
    let took = started.elapsed();
    let (median, p95, n) = timings(&app).await;
    app.screenshot("review-mode-10k.png").await;
    app.stop().await;
    let figure = format!(
        "审核模式（10,000人台账 + 首日500人及其证明材料）：{RECORDS} 条记录，每条 1 次按键；按键到下一条证明材料显示：中位数 {median:.0} ms，95% {p95:.0} ms（{n} 次）；驱动连同等待共 {:.1} s\n",
        took.as_secs_f64()
    );
    eprintln!("{figure}");
    std::fs::write(
        crate::support::artifacts_dir().join("review-mode-timings.txt"),
        figure,
    )
    .unwrap();
}

/// `make bench`: issue 25's day, whole. The first day's roster, declarations and the departments'
/// ZIP imported together, then the year reviewed in 审核模式: `A` on every record with a
/// certificate, `R` then `4` (缺少证明材料) on every one without. Prints keys per record and the
/// key-to-painted figures; nothing is left pending.
#[tokio::test]
#[ignore = "a figure for `make bench`: a year of 1,124 declarations reviewed key by key"]
async fn a_year_reviewed_in_one_sitting() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("year.sqlite3");
    first_day_ledger(&ledger, true);
    let pending = || -> i64 {
        ce_ledger_core::ledger::lock::open_raw(&ledger)
            .unwrap()
            .query_row(
                "SELECT COUNT(*) FROM record WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let records = pending();
    let app = App::start(&ledger).await;
    open_review_of_2025(&app).await;
    let started = std::time::Instant::now();
    let mut keys = 0;
    for (choice, decide) in [
        ("有证明材料的", &['a'][..]),
        ("没有证明材料的", &['r', '4'][..]),
    ] {
        open_review_mode(&app, choice).await;
        // The queue is in once the first record shows; then the counter holds its length.
        let mut at = moved_from(&app, "").await;
        let total: usize = {
            let counter = app
                .wait_for_text("[data-testid=rm-counter]", "已审 0 /")
                .await;
            counter
                .split('/')
                .nth(1)
                .unwrap()
                .trim()
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };

        for i in 0..total {
            for &key in decide {
                app.press(key).await;
                keys += 1;
                if key == 'r' {
                    app.wait_for_text("[data-testid=rm-reject]", "缺少证明材料")
                        .await;
                }
            }
            if i + 1 < total {
                at = moved_from(&app, &at).await;
            }
        }
        app.wait_for_text(
            "[data-testid=rm-counter]",
            &format!("已审 {total} / {total}"),
        )
        .await;
        app.click("[data-testid=rm-close]").await;
    }
    let took = started.elapsed();
    let (median, p95, n) = timings(&app).await;
    app.stop().await;
    assert_eq!(pending(), 0, "the whole year is decided");
    let figure = format!(
        "一年审完（{records} 条待审核记录，证明材料随申报导入）：{keys} 次按键，每条 {:.2} 次；按键到下一条显示：中位数 {median:.0} ms，95% {p95:.0} ms（{n} 次）；驱动连同等待共 {:.0} s\n",
        keys as f64 / records as f64,
        took.as_secs_f64()
    );
    eprintln!("{figure}");
    std::fs::write(
        crate::support::artifacts_dir().join("year-reviewed.txt"),
        figure,
    )
    .unwrap();
}

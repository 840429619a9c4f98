//! Targets (release build). Issue 3: records CSV import of 200,000 rows ≤ 2 s; progress of all
//! staff ≤ 50 ms; one person's page ≤ 5 ms — on a ledger of 10,000 staff × 20 records.
//! Issue 4: batch approval of 10,000 records ≤ 1 s; `audit verify` of 1,000,000 events ≤ 5 s.
//! Issue 5: one appendix 2 form ≤ 20 ms and ≤ 600 KB.
//! Issue 6: 200,000-row XLSX import ≤ 5 s; export of 200,000 rows to XLSX ≤ 3 s and to CSV ≤ 1 s.

use ce_ledger_core::dev::sample;
use ce_ledger_core::io::{export, import, jsonfile, pdf, record_import, staff_import, table};
use ce_ledger_core::ledger::{audit, db, plan, progress, records, review, staff};
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::time::Duration;

const STAFF: usize = 10_000;
const PER_PERSON: usize = 20;
const YEAR: i32 = 2025;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, 1).unwrap()
}

fn form(c: &mut Criterion) {
    let json = r#"{"unit":"枣庄市立医院","address":"枣庄市市中区龙庭路1号","project":"基层医师急危重症救治能力提升培训班","leader":"张建国","contact":"李晓梅","phone":"0632-3314140","advanced_seminar":true,"trainees":"全市二级以上医院急诊科、重症医学科医师及乡镇卫生院骨干医师","trainee_count":120,"start":"2025-06-10","end":"2025-06-12","days":3,"hours":24,"venue_and_form":"枣庄市立医院学术报告厅；线下集中授课、模拟病例演练与技能操作考核相结合"}"#;
    let form = jsonfile::parse::<plan::PlanForm>(json, "bench").unwrap();
    let opts = pdf::FormOptions {
        date: NaiveDate::from_ymd_opt(2025, 5, 10),
        ..Default::default()
    };
    let size = pdf::render(&form, &opts).unwrap().len();
    println!("appendix 2 form: {size} bytes");
    assert!(size <= 600 * 1024);
    c.bench_function("pdf/appendix2_form", |b| {
        b.iter(|| pdf::render(&form, &opts).unwrap())
    });
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let people = sample::staff_inputs(STAFF);
    let staff_csv = write_staff_csv(dir.path(), &people);
    let records_csv = dir.path().join("records.csv");
    std::fs::write(&records_csv, sample::records_csv(&people, PER_PERSON, YEAR)).unwrap();

    let mut g = c.benchmark_group("import");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("records_csv_200k_rows", |b| {
        b.iter_batched(
            || {
                let path = dir.path().join(format!("import-{}.sqlite3", rand_suffix()));
                let mut conn = db::open(&path).unwrap();
                staff_import::import_csv(&mut conn, &staff_csv).unwrap();
                conn
            },
            |mut conn| record_import::import_csv(&mut conn, &records_csv).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // One real ledger file for the read paths.
    let path = dir.path().join("ledger.sqlite3");
    let mut conn = db::open(&path).unwrap();
    sample::populate(&mut conn, STAFF, PER_PERSON, YEAR, dir.path()).unwrap();
    let mut g = c.benchmark_group("read");
    g.bench_function("progress_all_10k_staff", |b| {
        b.iter(|| progress::progress(&conn, YEAR, today()).unwrap())
    });
    g.bench_function("person_page", |b| {
        b.iter(|| progress::person_page(&conn, 4_321, YEAR, today()).unwrap())
    });
    g.bench_function("dashboard", |b| {
        b.iter(|| progress::dashboard(&conn, YEAR, today()).unwrap())
    });
    g.bench_function("roster_page_search", |b| {
        let q = staff::StaffQuery {
            search: "王".into(),
            page: 3,
            page_size: 50,
            ..Default::default()
        };
        b.iter(|| staff::page(&conn, &q).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("review");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let batch_people = &people[..500];
    let batch_csv = dir.path().join("batch.csv");
    // Every row a declaration with evidence, so all 10,000 are eligible.
    let batch: String = sample::records_csv(batch_people, 20, YEAR)
        .replace(",city_platform,", ",training,")
        .lines()
        .map(|l| {
            if l.ends_with(',') {
                format!("{l}证书\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&batch_csv, batch).unwrap();
    g.bench_function("approve_10k_pending", |b| {
        b.iter_batched(
            || {
                let path = dir.path().join(format!("batch-{}.sqlite3", rand_suffix()));
                let mut conn = db::open(&path).unwrap();
                staff_import::import_csv(&mut conn, &staff_csv).unwrap();
                record_import::import_csv(&mut conn, &batch_csv).unwrap();
                conn
            },
            |mut conn| {
                let filter = records::RecordFilter {
                    year: Some(YEAR),
                    ..Default::default()
                };
                let out = review::approve_eligible(
                    &mut conn,
                    &filter,
                    "王敏",
                    &review::Checklist::ConfirmedBy,
                )
                .unwrap();
                assert_eq!(out.approved.len(), 10_000);
            },
            BatchSize::PerIteration,
        )
    });
    // Issue 12's figure: 1,000,000 signed events over the 200,000-record ledger, each carrying the
    // state of the record it names, replayed and compared with the tables.
    let chain_path = dir.path().join("chain.sqlite3");
    db::copy_to(&conn, &chain_path).unwrap();
    let chain = db::open(&chain_path).unwrap();
    let record_count: i64 = chain
        .query_row("SELECT COUNT(*) FROM record", [], |r| r.get(0))
        .unwrap();
    let before: i64 = chain
        .query_row("SELECT COUNT(*) FROM audit_event", [], |r| r.get(0))
        .unwrap();
    let after = serde_json::json!({"status": "approved", "recognized_public": 0.0, "recognized_professional": 8.0, "title": "专业技术培训"});
    for chunk in 0..100 {
        let tx = chain.unchecked_transaction().unwrap();
        let events: Vec<audit::NewEvent> = (0..10_000)
            .map(|i| audit::NewEvent {
                actor: "王敏",
                action: audit::Action::Approve,
                entity: "record",
                entity_id: Some((chunk * 10_000 + i) % record_count + 1),
                entity_id_to: None,
                before: None,
                after: Some(after.clone()),
                reason: "",
            })
            .collect();
        audit::append(&tx, &events).unwrap();
        tx.commit().unwrap();
    }
    g.bench_function("verify_1m_events_200k_records", |b| {
        b.iter(|| {
            let v = audit::verify(&chain).unwrap();
            assert_eq!(v.events as i64, before + 1_000_000);
            assert!(v.holds(), "{:?}", v.problems);
        })
    });
    g.finish();
}

/// 10,000 staff × 20 declarations with evidence (no city-platform rows, which are never exported).
fn declarations_csv(people: &[staff::StaffInput]) -> String {
    sample::records_csv(people, PER_PERSON, YEAR)
        .replace(",city_platform,", ",training,")
        .lines()
        .map(|l| {
            if l.ends_with(',') {
                format!("{l}证书\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

fn excel(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let people = sample::staff_inputs(STAFF);
    let staff_csv = write_staff_csv(dir.path(), &people);
    let csv = declarations_csv(&people);
    // The same rows as a workbook, as an officer's Excel file would hold them.
    let xlsx_path = dir.path().join("records.xlsx");
    {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet_with_constant_memory().unwrap();
        for (r, line) in csv.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        book.save(&xlsx_path).unwrap();
    }
    let xlsx = std::fs::read(&xlsx_path).unwrap();
    let mut g = c.benchmark_group("excel");
    g.sample_size(10).measurement_time(Duration::from_secs(40));
    g.bench_function("import_xlsx_200k_rows", |b| {
        b.iter_batched(
            || {
                let mut conn =
                    db::open(&dir.path().join(format!("x-{}.sqlite3", rand_suffix()))).unwrap();
                staff_import::import_csv(&mut conn, &staff_csv).unwrap();
                conn
            },
            |mut conn| {
                assert_eq!(
                    import::commit(
                        &mut conn,
                        import::Kind::Records,
                        "records.xlsx",
                        &xlsx,
                        &import::Options::default(),
                        &table::no_progress,
                    )
                    .unwrap()
                    .imported,
                    200_000
                )
            },
            BatchSize::PerIteration,
        )
    });
    let mut conn = db::open(&dir.path().join("export.sqlite3")).unwrap();
    staff_import::import_csv(&mut conn, &staff_csv).unwrap();
    let records_csv = dir.path().join("records.csv");
    std::fs::write(&records_csv, &csv).unwrap();
    record_import::import_csv(&mut conn, &records_csv).unwrap();
    review::approve_eligible(
        &mut conn,
        &records::RecordFilter {
            year: Some(YEAR),
            ..Default::default()
        },
        "王敏",
        &review::Checklist::ConfirmedBy,
    )
    .unwrap();
    let rows = export::rows(&conn, YEAR).unwrap();
    println!("export rows: {}", rows.len());
    g.bench_function("export_rows_query", |b| {
        b.iter(|| export::rows(&conn, YEAR).unwrap())
    });
    g.bench_function("export_csv_200k", |b| {
        b.iter(|| {
            export::write_csv(&dir.path().join("out.csv"), &rows, &table::no_progress).unwrap()
        })
    });
    g.bench_function("export_xlsx_200k", |b| {
        b.iter(|| {
            export::write_xlsx(
                &conn,
                &dir.path().join("out.xlsx"),
                YEAR,
                &rows,
                None,
                &table::no_progress,
            )
            .unwrap()
        })
    });
    g.finish();
}

/// The roster as a staff CSV in `dir`.
fn write_staff_csv(dir: &std::path::Path, people: &[staff::StaffInput]) -> std::path::PathBuf {
    let mut s = String::from("姓名,身份证号,部门\n");
    for p in people {
        s.push_str(&format!("{},{},{}\n", p.name, p.id_number, p.department));
    }
    let path = dir.join("staff.csv");
    std::fs::write(&path, s).unwrap();
    path
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

criterion_group!(ledger, form, excel, benches);
criterion_main!(ledger);

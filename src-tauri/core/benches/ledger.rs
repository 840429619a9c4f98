//! Targets (issue 3, release build): records CSV import of 200,000 rows ≤ 2 s; progress of all
//! staff ≤ 50 ms; one person's page ≤ 5 ms — on a ledger of 10,000 staff × 20 records.

use ce_ledger_core::{db, progress, records, sample, staff};
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::time::Duration;

const STAFF: usize = 10_000;
const PER_PERSON: usize = 20;
const YEAR: i32 = 2025;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, 1).unwrap()
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let people = sample::staff_inputs(STAFF);
    let staff_csv = dir.path().join("staff.csv");
    let mut s = String::from("姓名,身份证号,部门\n");
    for p in &people {
        s.push_str(&format!("{},{},{}\n", p.name, p.id_number, p.department));
    }
    std::fs::write(&staff_csv, s).unwrap();
    let records_csv = dir.path().join("records.csv");
    std::fs::write(&records_csv, sample::records_csv(&people, PER_PERSON, YEAR)).unwrap();

    let mut g = c.benchmark_group("import");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("records_csv_200k_rows", |b| {
        b.iter_batched(
            || {
                let path = dir.path().join(format!("import-{}.sqlite3", rand_suffix()));
                let mut conn = db::open(&path).unwrap();
                staff::import_csv(&mut conn, &staff_csv).unwrap();
                conn
            },
            |mut conn| records::import_csv(&mut conn, &records_csv).unwrap(),
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
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

criterion_group!(ledger, benches);
criterion_main!(ledger);

//! A deterministic sample ledger: for trying the program, screenshots and benchmarks.

use crate::domain::idcard::check_char;
use crate::error::Result;
use crate::io::{record_import, staff_import};
use crate::ledger::records;
use crate::ledger::staff::StaffInput;
use rusqlite::Connection;
use std::fmt::Write;
use std::path::Path;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "志强", "海燕",
];
const DEPARTMENTS: &[&str] = &[
    "内科",
    "外科",
    "儿科",
    "妇产科",
    "急诊科",
    "检验科",
    "放射科",
    "药剂科",
    "护理部",
    "信息科",
];
const TITLES: &[&str] = &[
    "医师",
    "主治医师",
    "副主任医师",
    "主任医师",
    "护师",
    "主管护师",
    "技师",
];

/// A small linear congruential generator: the same seed always gives the same ledger.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

pub fn staff_inputs(n: usize) -> Vec<StaffInput> {
    let mut rng = Lcg(20250418);
    (0..n)
        .map(|i| {
            let birth = format!(
                "{}{:02}{:02}",
                1965 + rng.next(34),
                1 + rng.next(12),
                1 + rng.next(28)
            );
            let body = format!("370402{birth}{:03}", i % 1000);
            // Index-derived region keeps every number unique even when birth and sequence repeat.
            let region = 370400 + (i / 1000) as u64 % 100;
            let body = format!("{region}{}", &body[6..]);
            let name = format!(
                "{}{}",
                SURNAMES[rng.next(SURNAMES.len() as u64) as usize],
                GIVEN[rng.next(GIVEN.len() as u64) as usize]
            );
            StaffInput {
                name,
                id_number: format!("{body}{}", check_char(&body).unwrap()),
                department: DEPARTMENTS[rng.next(DEPARTMENTS.len() as u64) as usize].into(),
                title_series: "卫生".into(),
                title: TITLES[rng.next(TITLES.len() as u64) as usize].into(),
                mobile: format!("139{:08}", rng.next(100_000_000)),
                employment: "在职".into(),
                ..Default::default()
            }
        })
        .collect()
}

/// A records CSV (the `records import` format) with `per_person` rows per person in `year`.
pub fn records_csv(people: &[StaffInput], per_person: usize, year: i32) -> String {
    let mut rng = Lcg(year as u64);
    let mut out =
        String::from("身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料\n");
    for p in people {
        for k in 0..per_person {
            let month = 1 + rng.next(11);
            let day = 1 + rng.next(27);
            let date = format!("{year}-{month:02}-{day:02}");
            let next = format!("{year}-{month:02}-{:02}", day + 1);
            // The first three are public-subject study on the city platform; the rest vary.
            let kind = if k < 3 {
                0
            } else {
                (k + rng.next(3) as usize) % 8
            };
            let row = match kind {
                0 => format!(
                    "city_platform,公需,公需科目网络学习{k},{date},{date},{},,,",
                    6 + rng.next(10)
                ),
                1 => format!(
                    "training,专业,专业技术培训{k},{date},{next},{},,,培训证书",
                    4 + rng.next(16)
                ),
                2 => format!(
                    "study,专业,科室业务学习{k},{date},{date},{},,,学习档案",
                    2 + rng.next(8)
                ),
                3 => format!("achievement,,论文{k},{date},{date},,,,期刊封面及目录"),
                4 => format!("competition,,技能竞赛{k},{date},{date},,,,获奖证书"),
                5 => format!(
                    "expert,,评审专家{k},{date},{date},{},,,聘书",
                    4 + rng.next(6)
                ),
                6 => format!("qualification_exam,,职业资格考试{k},{date},{date},,,,资格证书"),
                _ => format!(
                    "exam_service,,考务工作{k},{date},{date},{},,,学时登记卡",
                    2 + rng.next(6)
                ),
            };
            let _ = writeln!(out, "{},{row}", p.id_number);
        }
    }
    out
}

/// Writes the sample roster and records as the files an officer would import:
/// `sample-staff.csv` and `sample-records.csv` in `dir`; returns their paths.
pub fn write_files(
    dir: &Path,
    staff_count: usize,
    per_person: usize,
    year: i32,
) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let people = staff_inputs(staff_count);
    let mut s = String::from("姓名,身份证号,部门,职称系列,现职称,手机\n");
    for p in &people {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            p.name, p.id_number, p.department, p.title_series, p.title, p.mobile
        );
    }
    let staff_csv = dir.join("sample-staff.csv");
    let records_csv_path = dir.join("sample-records.csv");
    for (path, text) in [
        (&staff_csv, s),
        (&records_csv_path, records_csv(&people, per_person, year)),
    ] {
        std::fs::write(path, text).map_err(|e| crate::Error::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    Ok((staff_csv, records_csv_path))
}

/// Fills an empty ledger: staff, records imported through the real import, most of them approved.
pub fn populate(
    conn: &mut Connection,
    staff_count: usize,
    per_person: usize,
    year: i32,
    dir: &Path,
) -> Result<()> {
    let (staff_csv, records_path) = write_files(dir, staff_count, per_person, year)?;
    staff_import::import_csv(conn, &staff_csv)?;
    record_import::import_csv(conn, &records_path)?;
    // Four in five audited and approved, the rest left for the officer.
    let tx = conn.transaction()?;
    tx.execute("UPDATE record SET status = 'approved' WHERE status = 'pending' AND id % 5 <> 0 AND year = ?1", [year])?;
    records::refresh_year(&tx, year)?;
    // The bulk approval above is not a review: the trail records the result as its new baseline.
    crate::ledger::audit::baseline(&tx)?;
    crate::ledger::anchor::commit(tx)?;
    Ok(())
}

/// The answers an officer gives the messy corpus's declarations (tests/corpus/messy, issue 24):
/// every suggestion taken, the two people not on the roster added, the two impossible dates
/// corrected, the four rows only a department can answer left out; `evidence`, the departments'
/// certificates to attach with them.
pub fn messy_first_day(evidence: Option<String>) -> crate::io::import::Options {
    let fix = |line: usize, field: &str, value: &str| crate::io::import::CellFix {
        line,
        field: field.into(),
        value: value.into(),
    };
    crate::io::import::Options {
        accept_suggested: true,
        add_people: true,
        fixes: vec![
            fix(1010, "开始日期", "2025-11-01"),
            fix(1478, "结束日期", "2025-02-28"),
        ],
        leave_out: vec![30, 405, 549, 1075],
        evidence,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_is_deterministic_valid_and_unique() {
        let a = staff_inputs(3000);
        assert_eq!(a[17].id_number, staff_inputs(3000)[17].id_number);
        let unique: std::collections::HashSet<_> = a.iter().map(|p| &p.id_number).collect();
        assert_eq!(unique.len(), 3000);
        assert!(a.iter().all(|p| crate::ledger::staff::validate(p).is_ok()));
    }

    #[test]
    fn populate_builds_a_ledger_with_mixed_standing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        populate(&mut conn, 50, 12, 2025, dir.path()).unwrap();
        let p = crate::ledger::progress::progress(
            &conn,
            2025,
            chrono::NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
        )
        .unwrap();
        assert_eq!(p.staff.len(), 50);
        let done = p.staff.iter().filter(|s| s.compliant).count();
        assert!(
            done > 0 && done < 50,
            "a useful sample has both: {done} compliant"
        );
    }
}

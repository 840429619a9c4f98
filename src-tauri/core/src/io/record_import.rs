//! Files of hour records: the records table (CSV/XLSX) and the city platform's export, read row
//! by row into checked records, every bad row named (第N行，列名), then stored all or nothing.

use crate::domain::hours::Hours;
use crate::domain::idcard::{self, IdNumber};
use crate::domain::record::{validate, FieldErrors, RecordInput};
use crate::error::{Result, RowError};
use crate::io::table::{self, Column};
use crate::ledger::records::{self, RecordImportSummary};
use crate::ledger::staff;
use rusqlite::Connection;
use std::path::Path;

pub const IMPORT_COLUMNS: [Column; 12] = [
    Column {
        label: "身份证号",
        aliases: &["id_number", "身份证号码", "公民身份号码"],
        required: true,
    },
    Column {
        label: "类别",
        aliases: &["category"],
        required: true,
    },
    Column {
        label: "科目",
        aliases: &["subject", "科目类别"],
        required: false,
    },
    Column {
        label: "项目名称",
        aliases: &["title", "名称"],
        required: true,
    },
    Column {
        label: "开始日期",
        aliases: &["start", "start_date"],
        required: true,
    },
    Column {
        label: "结束日期",
        aliases: &["end", "end_date"],
        required: true,
    },
    Column {
        label: "学时",
        aliases: &["hours", "claimed", "申报学时"],
        required: false,
    },
    Column {
        label: "月数",
        aliases: &["months"],
        required: false,
    },
    Column {
        label: "情形",
        aliases: &["situation"],
        required: false,
    },
    Column {
        label: "证明材料",
        aliases: &["evidence"],
        required: false,
    },
    Column {
        label: "公需专题",
        aliases: &["topic"],
        required: false,
    },
    Column {
        label: "备案/证书编号",
        aliases: &["filing_number", "备案编号", "证书编号"],
        required: false,
    },
];

/// All or nothing: every bad row is listed; nothing is written unless every row is good.
pub fn import_csv(conn: &mut Connection, path: &Path) -> Result<RecordImportSummary> {
    let rows = table::read_table(path, &IMPORT_COLUMNS)?;
    import_rows(
        conn,
        &table::file_label(path),
        rows,
        false,
        &table::no_progress,
    )
}

/// The city platform's study records: person, course, subject, date, hours.
pub const CITY_COLUMNS: [Column; 5] = [
    Column {
        label: "身份证号",
        aliases: &["id_number", "身份证号码", "公民身份号码", "证件号码"],
        required: true,
    },
    Column {
        label: "课程名称",
        aliases: &["项目名称", "课程", "title", "course"],
        required: true,
    },
    Column {
        label: "科目",
        aliases: &["subject", "科目类别", "课程类别"],
        required: true,
    },
    Column {
        label: "学习日期",
        aliases: &[
            "完成日期",
            "完成时间",
            "学习时间",
            "开始日期",
            "date",
            "start",
        ],
        required: true,
    },
    Column {
        label: "学时",
        aliases: &["hours", "获得学时", "认定学时"],
        required: true,
    },
];

/// Turns city-platform rows into rows of the records import, as synced `city_platform` study.
pub fn city_rows(rows: Vec<table::Row>) -> Vec<table::Row> {
    rows.into_iter()
        .map(|r| {
            let cells = [
                r.raw(0),
                "city_platform",
                r.raw(2),
                r.raw(1),
                r.raw(3),
                r.raw(3),
                r.raw(4),
            ];
            // The records import's other columns (months … filing number) are empty.
            table::Row::new(r.line, cells.into_iter().chain([""; 5]))
        })
        .collect()
}

/// Imports rows read with `IMPORT_COLUMNS`; with `dry_run` everything is checked and nothing kept.
pub fn import_rows(
    conn: &mut Connection,
    file: &str,
    rows: Vec<table::Row>,
    dry_run: bool,
    progress: table::Progress<'_>,
) -> Result<RecordImportSummary> {
    let people = staff::ids_by_number(conn)?;
    let mut errors = Vec::new();
    let total = rows.len();
    let mut good = Vec::with_capacity(total);
    let mut good_lines = Vec::with_capacity(total);
    // Rows are dropped as they are checked: the file's rows and the records are not both held whole.
    for (i, row) in rows.into_iter().enumerate() {
        table::report(progress, i, total, 10, 60, "检查数据")?;
        let mut row_errs: FieldErrors = Vec::new();
        let staff_id = match IdNumber::parse(row.get(0)) {
            Ok(id) => people.get(id.as_str()).copied().or_else(|| {
                row_errs.push((
                    "身份证号",
                    format!(
                        "台账中没有身份证号为{}的人员，请先导入人员",
                        idcard::mask(id.as_str())
                    ),
                ));
                None
            }),
            Err(m) => {
                row_errs.push(("身份证号", m));
                None
            }
        };
        let claimed = match row.get(6) {
            "" => None,
            s => Hours::parse(s).map_err(|m| row_errs.push(("学时", m))).ok(),
        };
        let months = match row.get(7) {
            "" => None,
            s => idcard::normalize_input(s)
                .parse::<u32>()
                .map_err(|_| row_errs.push(("月数", format!("月数“{s}”应为1–12的整数"))))
                .ok(),
        };
        let input = RecordInput {
            staff_id: staff_id.unwrap_or(0),
            category: row.get(1).into(),
            subject: row.get(2).into(),
            title: row.get(3).into(),
            start: row.get(4).into(),
            end: row.get(5).into(),
            claimed,
            months,
            situation: row.get(8).into(),
            evidence: row.get(9).into(),
            plan_id: None,
            topic: row.get(10).into(),
            filing_number: row.get(11).into(),
        };
        // A field that failed to parse is reported once, not again by the validator.
        let parse_failed: Vec<&str> = row_errs.iter().map(|(c, _)| *c).collect();
        match validate(&input) {
            Ok(v) if row_errs.is_empty() => {
                good.push(v);
                good_lines.push(row.line);
            }
            Ok(_) => {}
            Err(errs) => {
                row_errs.extend(errs.into_iter().filter(|(c, _)| !parse_failed.contains(c)))
            }
        }
        errors.extend(row_errs.into_iter().map(|(c, m)| RowError {
            line: row.line,
            column: c.into(),
            message: m,
        }));
    }
    let batch: Vec<&records::ValidRecord> = good.iter().collect();
    for (i, column, message) in records::person_year_problems(conn, &batch, &good_lines, None)? {
        errors.push(RowError {
            line: good_lines[i],
            column: column.into(),
            message,
        });
    }
    errors.sort_by_key(|e| e.line);
    let good = table::all_or_nothing(file, errors, good)?;
    records::insert_batch(conn, file, good, dry_run, &|i, n| {
        table::report(progress, i, n, 70, 30, "写入台账")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::idcard::tests::make_id;
    use crate::domain::rules::{Category, Status};
    use crate::error::Error;
    use crate::ledger::records::tests::person;
    use crate::ledger::records::{list, RecordFilter};

    #[test]
    fn xlsx_dates_as_excel_serials_full_width_hours_and_slash_dates() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let path = dir.path().join("学时.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in [
            "身份证号",
            "类别",
            "科目",
            "项目名称",
            "开始日期",
            "结束日期",
            "学时",
            "证明材料",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_string(1, 0, &p.id_number).unwrap();
        sheet.write_string(1, 1, "培训进修").unwrap();
        sheet.write_string(1, 3, "心电图培训").unwrap();
        sheet
            .write_number_with_format(1, 4, 45717.0, &date)
            .unwrap(); // a date cell: 2025-03-01
        sheet.write_number(1, 5, 45718.0).unwrap(); // the same kind of value without a date format
        sheet.write_string(1, 6, "１２．５").unwrap();
        sheet.write_string(1, 7, "证书").unwrap();
        sheet.write_string(2, 0, &p.id_number).unwrap();
        sheet.write_string(2, 1, "study").unwrap();
        sheet.write_string(2, 3, "业务学习").unwrap();
        sheet.write_string(2, 4, "2025/3/5").unwrap();
        sheet.write_string(2, 5, "2025年3月5日").unwrap();
        sheet.write_number(2, 6, 4.0).unwrap();
        book.save(&path).unwrap();
        assert_eq!(import_csv(&mut conn, &path).unwrap().imported, 2);
        let all = list(&conn, &RecordFilter::default()).unwrap();
        let training = all.iter().find(|r| r.title == "心电图培训").unwrap();
        assert_eq!(
            (training.start.to_string(), training.end.to_string()),
            ("2025-03-01".into(), "2025-03-02".into())
        );
        assert_eq!(training.claimed_hours, Some(Hours(125)));
        assert_eq!(
            all.iter()
                .find(|r| r.title == "业务学习")
                .unwrap()
                .start
                .to_string(),
            "2025-03-05"
        );
    }

    #[test]
    fn reimporting_a_city_platform_export_adds_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let path = dir.path().join("市平台.csv");
        let csv = format!(
            "身份证号,类别,科目,项目名称,开始日期,结束日期,学时\n{id},市平台学习,公需,数字技术,2025-04-01,2025-04-01,12\n{id},市平台学习,公需,网络安全,2025-04-02,2025-04-02,8\n{id},市平台学习,公需,网络安全,2025-04-02,2025-04-02,8\n",
            id = p.id_number
        );
        std::fs::write(&path, csv).unwrap();
        let first = import_csv(&mut conn, &path).unwrap();
        assert_eq!(
            (first.imported, first.already_present),
            (2, 1),
            "a duplicate row within the file counts once"
        );
        let again = import_csv(&mut conn, &path).unwrap();
        assert_eq!((again.imported, again.already_present), (0, 3));
        assert_eq!(list(&conn, &RecordFilter::default()).unwrap().len(), 2);
    }
    #[test]
    fn csv_import_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let stranger = make_id("370402", "19900101", "555");
        let header = "身份证号,类别,科目,项目名称,开始日期,结束日期,学时,月数,情形,证明材料\n";
        let rows = format!(
            "{id},培训进修,专业,心电图培训,2025-03-01,2025-03-02,20,,,培训证书\n\
             {id},posting,,援疆,2025-01-01,2025-12-31,,7,,派遣文件\n\
             {stranger},training,,x,2025-03-01,2025-03-01,8,,,\n\
             {id},special,,病休,2025-01-01,2025-12-31,,5,病假,诊断证明\n\
             {id},training,,y,2025-02-30,2025-03-01,1e9,,,\n",
            id = p.id_number
        );
        let path = dir.path().join("records.csv");
        std::fs::write(&path, format!("{header}{rows}")).unwrap();
        let err = import_csv(&mut conn, &path).unwrap_err();
        let Error::Rows { errors, .. } = &err else {
            panic!("{err}")
        };
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            got,
            vec![(4, "身份证号"), (5, "月数"), (6, "学时"), (6, "开始日期")],
            "{err}"
        );
        assert!(
            !err.to_string().contains(&stranger),
            "ID numbers are masked in messages"
        );
        assert!(list(&conn, &RecordFilter::default()).unwrap().is_empty());

        let good = format!(
            "{header}{id},培训进修,专业,心电图培训,2025-03-01,2025-03-02,20,,,培训证书\n{id},posting,,援疆,2025-01-01,2025-12-31,,7,,派遣文件\n{id},city_platform,公需,数字技术,2025-04-01,2025-04-01,12.5,,,\n",
            id = p.id_number
        );
        std::fs::write(&path, good).unwrap();
        let s = import_csv(&mut conn, &path).unwrap();
        assert_eq!((s.imported, s.people), (3, 1));
        let all = list(
            &conn,
            &RecordFilter {
                year: Some(2025),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(all.len(), 3);
        let training = all
            .iter()
            .find(|r| r.category == Category::Training)
            .unwrap();
        assert_eq!(
            (training.status, training.expected_hours),
            (Status::Pending, Hours::from_whole(16))
        );
        let city = all
            .iter()
            .find(|r| r.category == Category::CityPlatform)
            .unwrap();
        assert_eq!(
            (city.status, city.recognized_public),
            (Status::Synced, Hours(125))
        );
    }
}

//! Files of hour records: the records table (CSV/XLSX) and the city platform's export, read row
//! by row into checked records, every bad row named (第N行，列名), then stored all or nothing.

use crate::domain::idcard::{self, IdNumber};
use crate::domain::record::{validate, FieldErrors, RecordInput, ValidRecord};
use crate::domain::rules::Category;
use crate::domain::wording::{self, Written};
use crate::error::{Result, RowError};
use crate::io::table::{self, Column};
use crate::ledger::records::{self, RecordImportSummary};
use crate::ledger::staff;
use rusqlite::Connection;
use std::path::Path;

/// The columns of a declarations file, with the names clerks give them. 姓名 and 部门 are read
/// only to put a person who is not yet on the roster on it (issue 24).
pub const IMPORT_COLUMNS: [Column; 14] = [
    table::ID_NUMBER_COLUMN,
    Column {
        label: "类别",
        aliases: &[
            "category",
            "学习形式",
            "学时类别",
            "学时类型",
            "类型",
            "形式",
            "学习类型",
            "活动类别",
            "项目类别",
            "培训类别",
            "继续教育形式",
        ],
        required: true,
    },
    Column {
        label: "科目",
        aliases: &["subject", "科目类别", "科目类型", "公需/专业"],
        required: false,
    },
    Column {
        label: "项目名称",
        aliases: &[
            "title",
            "名称",
            "培训项目",
            "培训名称",
            "课程名称",
            "学习内容",
            "培训内容",
            "项目",
            "内容",
            "会议名称",
            "成果名称",
        ],
        required: true,
    },
    Column {
        label: "开始日期",
        aliases: &[
            "start",
            "start_date",
            "起始日期",
            "开始时间",
            "起始时间",
            "培训时间",
            "学习时间",
            "日期",
            "时间",
        ],
        required: true,
    },
    Column {
        label: "结束日期",
        aliases: &[
            "end",
            "end_date",
            "截止日期",
            "结束时间",
            "终止日期",
            "截止时间",
        ],
        required: false,
    },
    Column {
        label: "学时",
        aliases: &["hours", "claimed", "申报学时", "学时数", "申请学时", "课时"],
        required: false,
    },
    Column {
        label: "月数",
        aliases: &["months", "离岗月数", "援派月数"],
        required: false,
    },
    Column {
        label: "情形",
        aliases: &["situation"],
        required: false,
    },
    Column {
        label: "证明材料",
        aliases: &["evidence", "证明", "佐证材料", "证明文件"],
        required: false,
    },
    Column {
        label: "公需专题",
        aliases: &["topic", "专题"],
        required: false,
    },
    Column {
        label: "备案/证书编号",
        aliases: &["filing_number", "备案编号", "证书编号"],
        required: false,
    },
    Column {
        label: "姓名",
        aliases: &["name", "人员姓名"],
        required: false,
    },
    Column {
        label: "部门",
        aliases: &["department", "科室", "所在科室", "所在部门"],
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
    table::ID_NUMBER_COLUMN,
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
            // The records import's other columns (months … department) are empty.
            table::Row::new(
                r.line,
                cells.into_iter().chain([""; IMPORT_COLUMNS.len() - 7]),
            )
        })
        .collect()
}

/// A cell the import read differently from how it was written, shown marked in the preview.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct Converted {
    pub line: usize,
    pub column: String,
    pub from: String,
    pub to: String,
}

/// The rows of a declarations file, checked: the good records (with their lines), every error,
/// the cells read differently, and the people the file would put on the roster.
#[derive(Default)]
pub struct Checked {
    pub good: Vec<ValidRecord>,
    pub lines: Vec<usize>,
    pub errors: Vec<RowError>,
    pub converted: Vec<Converted>,
    /// People not on the roster, with name and ID, that `add_people` puts on it (their records
    /// carry `new_person_id(i)` until they are stored).
    pub new_people: Vec<staff::StaffInput>,
    /// Rows of such people when `add_people` was not asked for.
    pub addable_rows: usize,
}

/// The placeholder a record of the i-th new person carries until the person is stored.
fn new_person_id(i: usize) -> i64 {
    -1 - i as i64
}

/// Checks every row at once (one pass: a bad category does not hide a bad date or a missing
/// subject); nothing is written.
pub fn check_rows(
    conn: &Connection,
    rows: Vec<table::Row>,
    add_people: bool,
    progress: table::Progress<'_>,
) -> Result<Checked> {
    let people = staff::by_number(conn)?;
    let total = rows.len();
    // Sized once: a doubling Vec of 200,000 records would hold two copies at its last growth.
    let mut out = Checked {
        good: Vec::with_capacity(total),
        lines: Vec::with_capacity(total),
        ..Default::default()
    };
    let mut new_index: std::collections::HashMap<String, usize> = Default::default();
    // Rows are dropped as they are checked: the file's rows and the records are not both held whole.
    for (i, row) in rows.into_iter().enumerate() {
        table::report(progress, i, total, 10, 60, "检查数据")?;
        let mut row_errs: FieldErrors = Vec::new();
        let name = row.get(12);
        let staff_id = match IdNumber::parse(row.get(0)) {
            Ok(id) => match people.get(id.as_str()) {
                Some((sid, known)) if name.is_empty() || name == known => Some(*sid),
                Some((_, known)) => {
                    row_errs.push((
                        "姓名",
                        format!(
                            "身份证号{}在名册中是“{known}”，与本行姓名“{name}”不符，请核对身份证号",
                            idcard::mask(id.as_str())
                        ),
                    ));
                    None
                }
                None if name.is_empty() => {
                    row_errs.push((
                        "身份证号",
                        format!(
                            "台账中没有身份证号为{}的人员，请先导入人员",
                            idcard::mask(id.as_str())
                        ),
                    ));
                    None
                }
                None if add_people => {
                    let next = out.new_people.len();
                    let at = *new_index.entry(id.as_str().to_string()).or_insert(next);
                    if at == next {
                        out.new_people.push(staff::StaffInput {
                            name: name.into(),
                            id_number: id.as_str().into(),
                            department: row.get(13).into(),
                            ..Default::default()
                        });
                    }
                    Some(new_person_id(at))
                }
                None => {
                    out.addable_rows += 1;
                    row_errs.push((
                        "身份证号",
                        format!(
                            "“{name}”（身份证号{}）不在名册中：可勾选“把不在名册中的人员加入名册”（命令行加 --add-people），或先导入人员",
                            idcard::mask(id.as_str())
                        ),
                    ));
                    None
                }
            },
            Err(m) => {
                row_errs.push(("身份证号", m));
                None
            }
        };
        let category = Category::parse(row.get(1));
        let (claimed, claimed_in_days) = match row.get(6) {
            "" => match category.and_then(Category::fixed_figure) {
                Some(h) => {
                    out.converted.push(Converted {
                        line: row.line,
                        column: "学时".into(),
                        from: "（空）".into(),
                        to: format!("{h}（按规则）"),
                    });
                    (Some(h), false)
                }
                None => (None, false),
            },
            s => match wording::read_hours(s) {
                Ok((h, None)) => (Some(h), false),
                Ok((h, Some(how))) => {
                    out.converted.push(Converted {
                        line: row.line,
                        column: "学时".into(),
                        from: s.into(),
                        to: match how {
                            Written::Days => format!("{h}（按每天8学时折算）"),
                            Written::WithUnit => h.to_string(),
                        },
                    });
                    (Some(h), how == Written::Days)
                }
                Err(m) => {
                    row_errs.push(("学时", m));
                    (None, false)
                }
            },
        };
        let months = match row.get(7) {
            "" => None,
            s => idcard::normalize_input(s)
                .parse::<u32>()
                .map_err(|_| row_errs.push(("月数", format!("月数“{s}”应为1–12的整数"))))
                .ok(),
        };
        // A one-day activity often has its date once: a blank end is the start.
        let end = match row.get(5) {
            "" => row.get(4),
            e => e,
        };
        let input = RecordInput {
            staff_id: staff_id.unwrap_or(0),
            category: row.get(1).into(),
            subject: row.get(2).into(),
            title: row.get(3).into(),
            start: row.get(4).into(),
            end: end.into(),
            claimed,
            months,
            situation: row.get(8).into(),
            evidence: row.get(9).into(),
            plan_id: None,
            topic: row.get(10).into(),
            filing_number: row.get(11).into(),
            claimed_in_days,
        };
        // A field that failed to parse is reported once, not again by the validator.
        let parse_failed: Vec<&str> = row_errs.iter().map(|(c, _)| *c).collect();
        match validate(&input) {
            Ok(v) if row_errs.is_empty() => {
                out.good.push(v);
                out.lines.push(row.line);
            }
            Ok(_) => {}
            Err(errs) => {
                row_errs.extend(errs.into_iter().filter(|(c, _)| !parse_failed.contains(c)))
            }
        }
        out.errors
            .extend(row_errs.into_iter().map(|(c, m)| RowError {
                line: row.line,
                column: c.into(),
                message: m,
            }));
    }
    let batch: Vec<&records::ValidRecord> = out.good.iter().collect();
    for (i, column, message) in records::person_year_problems(conn, &batch, &out.lines, None)? {
        out.errors.push(RowError {
            line: out.lines[i],
            column: column.into(),
            message,
        });
    }
    out.errors.sort_by_key(|e| e.line);
    Ok(out)
}

/// Stores checked rows all or nothing, new people first, under one import event carrying
/// `details`; refuses the file when any row has an error.
#[allow(clippy::too_many_arguments)] // the batch's own parameters, passed through to insert_batch
pub fn store(
    conn: &mut Connection,
    file: &str,
    checked: Checked,
    source: Option<&[u8]>,
    then: Option<records::AfterInsert<'_>>,
    details: serde_json::Value,
    dry_run: bool,
    progress: table::Progress<'_>,
) -> Result<RecordImportSummary> {
    let good = table::all_or_nothing(file, checked.errors, checked.good)?;
    records::insert_batch(
        conn,
        file,
        good,
        &checked.new_people,
        source,
        then,
        details,
        dry_run,
        &|i, n| table::report(progress, i, n, 70, 30, "写入台账"),
    )
}

/// Imports rows read with `IMPORT_COLUMNS`; with `dry_run` everything is checked and nothing kept.
pub fn import_rows(
    conn: &mut Connection,
    file: &str,
    rows: Vec<table::Row>,
    dry_run: bool,
    progress: table::Progress<'_>,
) -> Result<RecordImportSummary> {
    let checked = check_rows(conn, rows, false, progress)?;
    store(
        conn,
        file,
        checked,
        None,
        None,
        serde_json::Value::Null,
        dry_run,
        progress,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hours::Hours;
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

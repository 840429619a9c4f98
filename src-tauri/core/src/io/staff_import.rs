//! Files of staff (人员名册): CSV or XLSX, checked row by row against each other and the roster,
//! stored all or nothing.

use crate::error::{Result, RowError};
use crate::io::table::{self, Column};
use crate::ledger::staff::{self, StaffInput};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

pub const IMPORT_COLUMNS: [Column; 10] = [
    Column {
        label: "姓名",
        aliases: &["name", "人员姓名", "职工姓名"],
        required: true,
    },
    table::ID_NUMBER_COLUMN,
    Column {
        label: "部门",
        aliases: &[
            "department",
            "科室",
            "所在科室",
            "所在部门",
            "科室名称",
            "工作部门",
            "部门科室",
        ],
        required: true,
    },
    Column {
        label: "职称系列",
        aliases: &["title_series", "系列", "职称类别", "专业技术资格系列"],
        required: false,
    },
    Column {
        label: "现职称",
        aliases: &[
            "title",
            "职称",
            "专业技术职务",
            "现任职称",
            "职称名称",
            "专业技术资格",
            "现专业技术职务",
        ],
        required: false,
    },
    Column {
        label: "手机",
        aliases: &[
            "mobile",
            "phone",
            "手机号",
            "手机号码",
            "联系电话",
            "电话",
            "联系方式",
        ],
        required: false,
    },
    Column {
        label: "在职状态",
        aliases: &["employment", "status", "人员状态", "在岗状态", "状态"],
        required: false,
    },
    Column {
        label: "专技人员",
        aliases: &["professional", "是否专技人员", "是否专业技术人员"],
        required: false,
    },
    Column {
        label: "入职日期",
        aliases: &["joined_on", "入职时间", "到岗日期", "来院时间"],
        required: false,
    },
    Column {
        label: "离开日期",
        aliases: &["left_on", "退休日期", "离职日期", "调出日期", "离岗日期"],
        required: false,
    },
];

#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub imported: usize,
}

/// All or nothing: every bad row is reported, and nothing is written unless all rows are good.
pub fn import_csv(conn: &mut Connection, path: &Path) -> Result<ImportSummary> {
    let rows = table::read_table(path, &IMPORT_COLUMNS)?;
    import_rows(
        conn,
        &table::file_label(path),
        &rows,
        false,
        &table::no_progress,
        None,
    )
}

/// Imports rows read with `IMPORT_COLUMNS`; with `dry_run` everything is checked and nothing kept.
pub fn import_rows(
    conn: &mut Connection,
    file: &str,
    rows: &[table::Row],
    dry_run: bool,
    progress: table::Progress<'_>,
    details: Option<serde_json::Value>,
) -> Result<ImportSummary> {
    let mut errors = Vec::new();
    let mut good = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        table::report(progress, i, rows.len(), 10, 60, "检查数据")?;
        let input = StaffInput {
            name: row.get(0).into(),
            id_number: row.get(1).into(),
            department: row.get(2).into(),
            title_series: row.get(3).into(),
            title: row.get(4).into(),
            mobile: row.get(5).into(),
            employment: row.get(6).into(),
            professional: None,
            joined_on: row.get(8).into(),
            left_on: row.get(9).into(),
        };
        let professional = match row.get(7).trim() {
            "" | "是" | "Y" | "y" | "yes" | "1" | "true" => Some(true),
            "否" | "N" | "n" | "no" | "0" | "false" => Some(false),
            other => {
                errors.push(RowError {
                    line: row.line,
                    column: "专技人员".into(),
                    message: format!(
                        "专技人员“{}”无效，应为 是 或 否",
                        crate::domain::idcard::mask_all(
                            &other.chars().take(20).collect::<String>()
                        )
                    ),
                });
                None
            }
        };
        let input = StaffInput {
            professional,
            ..input
        };
        match staff::validate(&input) {
            Ok((v, _)) => {
                if let Some(first) = seen.insert(v.id_number.clone(), row.line) {
                    errors.push(RowError {
                        line: row.line,
                        column: "身份证号".into(),
                        message: format!("与第{first}行身份证号重复"),
                    });
                } else if let Some(existing) = staff::find_by_id_number(conn, &v.id_number)? {
                    errors.push(RowError {
                        line: row.line,
                        column: "身份证号".into(),
                        message: staff::duplicate_message(&existing),
                    });
                } else {
                    good.push(v);
                }
            }
            Err(errs) => errors.extend(errs.into_iter().map(|(c, m)| RowError {
                line: row.line,
                column: c.into(),
                message: m,
            })),
        }
    }
    let good = table::all_or_nothing(file, errors, good)?;
    staff::insert_all(
        conn,
        &good,
        dry_run,
        &|i, n| table::report(progress, i, n, 70, 30, "写入台账"),
        details,
    )?;
    Ok(ImportSummary {
        imported: good.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::idcard::tests::make_id;
    use crate::error::Error;
    use crate::ledger::staff::{find_by_id_number, list, SortKey, StaffQuery};

    fn write(dir: &tempfile::TempDir, name: &str, content: &[u8]) -> std::path::PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    #[test]
    fn import_is_all_or_nothing_and_lists_every_bad_row() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let good = make_id("370402", "19800202", "201");
        let content = format!(
            "姓名,身份证号,部门\n王一,{good},内科\n,{good}1,外科\n李二,110105194912310021,外科\n赵三,{good},内科\n"
        );
        let p = write(&dir, "staff.csv", content.as_bytes());
        let err = import_csv(&mut conn, &p).unwrap_err();
        let Error::Rows { file, errors } = &err else {
            panic!("{err}")
        };
        assert_eq!(file, "staff.csv");
        let lines: Vec<(usize, &str)> =
            errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (3, "姓名"),
                (3, "身份证号"),
                (4, "身份证号"),
                (5, "身份证号")
            ]
        );
        assert!(
            err.to_string()
                .contains("staff.csv：第4行，身份证号：身份证号校验码错误"),
            "{err}"
        );
        assert_eq!(
            list(&conn, &StaffQuery::default()).unwrap().0,
            0,
            "nothing written"
        );
    }

    #[test]
    fn import_accepts_bom_english_headers_and_optional_columns() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let a = make_id("370402", "19800202", "201");
        let b = make_id("370402", "19800202", "202");
        let content = format!("\u{feff}name,id_number,department,title,mobile\n王一,{a},内科,主治医师,13800000000\n李二, {b} ,外科,,\n\n,,\n");
        let p = write(&dir, "en.csv", content.as_bytes());
        assert_eq!(import_csv(&mut conn, &p).unwrap().imported, 2);
        let (_, all) = list(
            &conn,
            &StaffQuery {
                sort: SortKey::Created,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(all[0].title, "主治医师");
        assert_eq!(all[1].id_number, b, "spaces trimmed");
    }

    /// Issue 13 item 9: who a year counts comes from the file too; bad values name row and column.
    #[test]
    fn professional_flag_and_leaving_dates_are_read_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let [a, b, c] = ["301", "302", "303"].map(|s| make_id("370402", "19800202", s));
        let header = "姓名,身份证号,部门,在职状态,专技人员,入职日期,离开日期\n";
        let bad = format!(
            "{header}王一,{a},内科,在职,也许,,\n李二,{b},外科,在职,是,,2025-06-30\n张三,{c},外科,退休,,2025-07-01,2025-06-30\n"
        );
        let err = import_csv(&mut conn, &write(&dir, "bad.csv", bad.as_bytes()))
            .unwrap_err()
            .to_string();
        for expected in [
            "第2行，专技人员：专技人员“也许”无效",
            "第3行，离开日期：在职人员不填离开日期",
            "第4行，离开日期：离开日期2025-06-30早于入职日期2025-07-01",
        ] {
            assert!(err.contains(expected), "missing {expected} in {err}");
        }
        let good = format!(
            "{header}王一,{a},内科,在职,否,,\n李二,{b},外科,退休,,2020-01-01,2025-06-30\n张三,{c},外科,,,2025-03-01,\n"
        );
        assert_eq!(
            import_csv(&mut conn, &write(&dir, "good.csv", good.as_bytes()))
                .unwrap()
                .imported,
            3
        );
        let got = |id: &str| find_by_id_number(&conn, id).unwrap().unwrap();
        assert!(!got(&a).professional);
        assert_eq!(
            (got(&b).employment.as_str(), got(&b).left_on.as_str()),
            ("退休", "2025-06-30")
        );
        assert_eq!(
            (got(&c).professional, got(&c).joined_on.as_str()),
            (true, "2025-03-01")
        );
    }

    #[test]
    fn import_reports_a_missing_header_column() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let p = write(&dir, "h.csv", "姓名,部门\n王一,内科\n".as_bytes());
        assert!(import_csv(&mut conn, &p)
            .unwrap_err()
            .to_string()
            .contains("第1行，身份证号：表头缺少“身份证号”列"));
    }

    #[test]
    fn gbk_csv_from_chinese_excel_is_read_correctly() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let id = make_id("370402", "19800202", "201");
        let text = format!("姓名,身份证号,部门\r\n王一,{id},内科\r\n");
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let p = write(&dir, "gbk.csv", &gbk);
        assert_eq!(import_csv(&mut conn, &p).unwrap().imported, 1);
        assert_eq!(find_by_id_number(&conn, &id).unwrap().unwrap().name, "王一");
        let p = write(&dir, "junk.csv", b"\x80\x80\x80,\xff\n");
        assert!(import_csv(&mut conn, &p)
            .unwrap_err()
            .to_string()
            .contains("无法识别文件编码"));
    }

    #[test]
    fn xlsx_with_a_title_row_numeric_ids_and_blank_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let good = make_id("370402", "19800202", "201");
        let path = dir.path().join("人员.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet
            .write_string(0, 0, "2025年度专业技术人员名册")
            .unwrap();
        for (c, h) in ["姓名", "身份证号", "部门"].iter().enumerate() {
            sheet.write_string(1, c as u16, *h).unwrap();
        }
        sheet.write_string(2, 0, "王一 ").unwrap();
        sheet.write_string(2, 1, &good).unwrap();
        sheet.write_string(2, 2, "内科").unwrap();
        sheet.write_string(3, 0, "李二").unwrap();
        sheet.write_number(3, 1, 370402198002022010.0).unwrap(); // typed as a number: digits lost
        sheet.write_string(3, 2, "外科").unwrap();
        sheet.write_string(6, 0, "").unwrap(); // trailing blank rows
        book.save(&path).unwrap();
        let err = import_csv(&mut conn, &path).unwrap_err().to_string();
        assert!(
            err.contains("人员.xlsx：第4行，身份证号：身份证号被存成了数字"),
            "{err}"
        );
        assert_eq!(list(&conn, &StaffQuery::default()).unwrap().0, 0);
    }
}

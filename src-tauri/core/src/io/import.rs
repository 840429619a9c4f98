//! Importing a file the officer picked: a preview (header, column mapping, first rows and every
//! error, from a dry run that writes nothing), then the real import in one transaction.

use crate::error::{Error, Result, RowError};
use crate::io::table::{self, Column, Mapping};
use crate::io::{record_import as records, staff_import as staff};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ImportKind")]
pub enum Kind {
    /// 人员名册
    Staff,
    /// 学时记录 (declarations, pending audit)
    Records,
    /// 市平台学习记录 (synced, never audited or exported)
    City,
}

impl Kind {
    fn columns(self) -> &'static [Column] {
        match self {
            Kind::Staff => &staff::IMPORT_COLUMNS,
            Kind::Records => &records::IMPORT_COLUMNS,
            Kind::City => &records::CITY_COLUMNS,
        }
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ColumnInfo {
    pub label: &'static str,
    pub required: bool,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "ImportPreview")]
pub struct Preview {
    pub file: String,
    pub header: Vec<String>,
    pub columns: Vec<ColumnInfo>,
    pub mapping: Mapping,
    /// The first rows as they will be read: (line, one cell per column).
    pub sample: Vec<(usize, Vec<String>)>,
    pub total_rows: usize,
    pub errors: Vec<RowError>,
    pub would_import: usize,
    pub already_present: usize,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "ImportOutcome")]
pub struct Outcome {
    pub imported: usize,
    pub already_present: usize,
}

const SAMPLE_ROWS: usize = 8;

fn run(
    conn: &mut Connection,
    kind: Kind,
    file: &str,
    rows: Vec<table::Row>,
    dry_run: bool,
    progress: table::Progress<'_>,
) -> Result<Outcome> {
    match kind {
        Kind::Staff => staff::import_rows(conn, file, &rows, dry_run, progress).map(|s| Outcome {
            imported: s.imported,
            already_present: 0,
        }),
        Kind::Records => {
            records::import_rows(conn, file, rows, dry_run, progress).map(|s| Outcome {
                imported: s.imported,
                already_present: s.already_present,
            })
        }
        Kind::City => records::import_rows(conn, file, records::city_rows(rows), dry_run, progress)
            .map(|s| Outcome {
                imported: s.imported,
                already_present: s.already_present,
            }),
    }
}

/// Reads the picked file (its name shown without the folder) with the kind's columns.
fn read(
    kind: Kind,
    name: &str,
    bytes: &[u8],
    mapping: Option<&Mapping>,
    progress: table::Progress<'_>,
) -> Result<(String, table::Table)> {
    progress(2, "读取文件")?;
    let name = table::file_label(std::path::Path::new(name));
    let t = table::parse(&name, bytes, kind.columns(), mapping)?;
    Ok((name, t))
}

/// Reads and checks the file without keeping anything.
pub fn preview(
    conn: &mut Connection,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    mapping: Option<&Mapping>,
    progress: table::Progress<'_>,
) -> Result<Preview> {
    let (name, t) = read(kind, name, bytes, mapping, progress)?;
    // ID numbers are masked on screen; the officer checks them against the file by the last digits.
    let shown = |i: usize, v: &str| {
        if kind.columns()[i].label == "身份证号" {
            crate::domain::idcard::mask(v)
        } else {
            v.to_string()
        }
    };
    let sample = t
        .rows
        .iter()
        .take(SAMPLE_ROWS)
        .map(|r| {
            (
                r.line,
                (0..kind.columns().len())
                    .map(|i| shown(i, r.get(i)))
                    .collect(),
            )
        })
        .collect();
    let total_rows = t.rows.len();
    let (errors, would_import, already_present) =
        match run(conn, kind, &name, t.rows, true, progress) {
            Ok(o) => (Vec::new(), o.imported, o.already_present),
            Err(Error::Rows { errors, .. }) => (errors, 0, 0),
            Err(e) => return Err(e),
        };
    Ok(Preview {
        file: name,
        header: t.header,
        columns: kind
            .columns()
            .iter()
            .map(|c| ColumnInfo {
                label: c.label,
                required: c.required,
            })
            .collect(),
        mapping: t.mapping,
        sample,
        total_rows,
        errors,
        would_import,
        already_present,
    })
}

/// The import itself: all rows or none.
pub fn commit(
    conn: &mut Connection,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    mapping: Option<&Mapping>,
    progress: table::Progress<'_>,
) -> Result<Outcome> {
    let (name, t) = read(kind, name, bytes, mapping, progress)?;
    let outcome = run(conn, kind, &name, t.rows, false, progress)?;
    // Committed: a cancel arriving now is too late to undo anything, so it is not reported.
    let _ = progress(100, "完成");
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::idcard::tests::make_id;
    use crate::ledger::{records, staff};

    #[test]
    fn preview_writes_nothing_and_lists_every_error_then_commit_imports() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let a = make_id("370402", "19800202", "201");
        let bad = format!(
            "名单\n序号,姓名,身份证号码,科室\n1,王一,{a},内科\n2,李二,110105194912310021,外科\n"
        );
        let p = preview(
            &mut conn,
            Kind::Staff,
            "/home/u/名单.csv",
            bad.as_bytes(),
            None,
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(p.file, "名单.csv");
        assert_eq!(p.mapping.header_index, 1, "the title row is skipped");
        assert_eq!(
            p.sample[0],
            (
                3,
                vec![
                    "王一".into(),
                    crate::domain::idcard::mask(&a),
                    "内科".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into()
                ]
            )
        );
        assert_eq!(
            (p.errors.len(), p.errors[0].line, p.would_import),
            (1, 4, 0)
        );
        assert_eq!(
            staff::list(&conn, &Default::default()).unwrap().0,
            0,
            "a preview keeps nothing"
        );

        let good = format!("名单\n序号,姓名,身份证号码,科室\n1,王一,{a},内科\n");
        let p = preview(
            &mut conn,
            Kind::Staff,
            "名单.csv",
            good.as_bytes(),
            None,
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(p.would_import, 1);
        assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 0);
        assert_eq!(
            commit(
                &mut conn,
                Kind::Staff,
                "名单.csv",
                good.as_bytes(),
                Some(&p.mapping),
                &table::no_progress,
            )
            .unwrap()
            .imported,
            1
        );
        let trail: Vec<(String, String)> = crate::ledger::audit::log(&conn, None)
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.entity))
            .collect();
        assert_eq!(
            trail,
            [
                ("baseline", "ledger"),
                ("seal", "ledger"),
                ("import", "staff")
            ]
            .map(|(a, e)| (a.to_string(), e.to_string())),
            "the preview left nothing, the import one event"
        );
    }

    #[test]
    fn an_officer_mapping_overrides_unknown_headers_and_city_rows_are_synced() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let a = make_id("370402", "19800202", "201");
        crate::ledger::staff::add(
            &conn,
            &crate::ledger::staff::StaffInput {
                name: "王一".into(),
                id_number: a.clone(),
                ..Default::default()
            },
        )
        .unwrap();
        let file = format!("证件,名称,类,时间,得分\n{a},数字技术,公需,2025-04-01,12\n");
        assert!(
            preview(
                &mut conn,
                Kind::City,
                "city.csv",
                file.as_bytes(),
                None,
                &table::no_progress
            )
            .is_err(),
            "no header matches"
        );
        let mapping = Mapping {
            header_index: 0,
            positions: vec![Some(0), Some(1), Some(2), Some(3), Some(4)],
        };
        let p = preview(
            &mut conn,
            Kind::City,
            "city.csv",
            file.as_bytes(),
            Some(&mapping),
            &table::no_progress,
        )
        .unwrap();
        assert_eq!((p.would_import, p.errors.len()), (1, 0));
        commit(
            &mut conn,
            Kind::City,
            "city.csv",
            file.as_bytes(),
            Some(&mapping),
            &table::no_progress,
        )
        .unwrap();
        let again = commit(
            &mut conn,
            Kind::City,
            "city.csv",
            file.as_bytes(),
            Some(&mapping),
            &table::no_progress,
        )
        .unwrap();
        assert_eq!((again.imported, again.already_present), (0, 1));
        let r = &records::list(&conn, &Default::default()).unwrap()[0];
        assert_eq!(
            (r.status.code(), r.recognized_public.to_string()),
            ("synced", "12".to_string())
        );
    }

    /// A roster CSV of `n` sample people.
    fn roster_csv(n: usize) -> String {
        let mut file = String::from("姓名,身份证号,部门\n");
        for p in crate::dev::sample::staff_inputs(n) {
            file.push_str(&format!("{},{},{}\n", p.name, p.id_number, p.department));
        }
        file
    }

    #[test]
    fn progress_rises_through_the_stages_to_100() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let file = roster_csv(4500);
        let seen = std::sync::Mutex::new(Vec::new());
        let record = |p: u32, stage: &str| {
            seen.lock().unwrap().push((p, stage.to_string()));
            Ok(())
        };
        let o = commit(
            &mut conn,
            Kind::Staff,
            "big.csv",
            file.as_bytes(),
            None,
            &record,
        )
        .unwrap();
        assert_eq!(o.imported, 4500);
        let seen = seen.into_inner().unwrap();
        assert!(
            seen.windows(2).all(|w| w[0].0 <= w[1].0),
            "never goes backwards: {seen:?}"
        );
        assert!(
            seen.iter().any(|(_, s)| s == "检查数据") && seen.iter().any(|(_, s)| s == "写入台账")
        );
        assert_eq!(seen.last().unwrap(), &(100, "完成".to_string()));
    }

    /// Issue 14 item 2: a cancel while the rows are being written rolls the whole import back.
    #[test]
    fn a_cancel_before_the_commit_writes_nothing() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let file = roster_csv(4500);
        let events = crate::ledger::audit::log(&conn, None).unwrap().len();
        let cancel_while_writing = |_: u32, stage: &str| {
            if stage == "写入台账" {
                Err(Error::Cancelled)
            } else {
                Ok(())
            }
        };
        let err = commit(
            &mut conn,
            Kind::Staff,
            "big.csv",
            file.as_bytes(),
            None,
            &cancel_while_writing,
        )
        .unwrap_err();
        assert_eq!(err.code(), "cancelled", "{err}");
        assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 0);
        assert_eq!(
            crate::ledger::audit::log(&conn, None).unwrap().len(),
            events
        );
        assert!(conn.is_autocommit(), "no transaction left open");
    }
}

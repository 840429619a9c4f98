//! Approved hours for upload to the provincial platform: one row per approved record (or per
//! part of a posting/special record) with recognised hours, never the city platform's own hours.

use crate::domain::hours::Hours;
use crate::domain::rules::{Category, Subject};
use crate::error::{Error, Result};
use crate::io::cells::{plain_record, plain_text};
use crate::io::table::Progress;
use crate::ledger::anchor::Anchor;
use crate::ledger::audit::{self, Action};
use crate::ledger::db;
use crate::ledger::progress;
use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;

pub const COLUMNS: [&str; 14] = [
    "序号",
    "姓名",
    "身份证号",
    "科目类别",
    "类别",
    "项目名称",
    "开始日期",
    "结束日期",
    "认定学时",
    "证明材料",
    "审核人",
    "审核日期",
    "公需专题",
    "备案/证书编号",
];

#[derive(Debug, Clone, Serialize)]
pub struct ExportRow {
    pub name: String,
    pub id_number: String,
    pub subject: Subject,
    pub category: &'static str,
    pub title: String,
    pub start: String,
    pub end: String,
    pub hours: Hours,
    pub evidence: String,
    pub reviewer: String,
    pub reviewed_on: String,
    /// The public topic a 公需 training or study names (on its 公需 row only).
    pub topic: String,
    pub filing_number: String,
}

/// The rows to upload for `year`. City-platform hours are already on the provincial platform:
/// declaring them again would count them twice.
pub fn rows(conn: &Connection, year: i32) -> Result<Vec<ExportRow>> {
    // Only the columns the upload needs: this runs over every approved record of the year.
    let mut stmt = conn.prepare(
        "SELECT s.name, s.id_number, r.category, r.title, r.start_date, r.end_date, r.rec_public, r.rec_professional,
                r.evidence, r.reviewer, substr(r.reviewed_at, 1, 10), COALESCE(r.topic, ''),
                COALESCE(r.filing_number, ''),
                (SELECT group_concat(e.original_name || '（' || substr(f.sha256, 1, 8) || '）', '、')
                 FROM record_evidence e JOIN evidence_file f ON f.id = e.file_id
                 WHERE e.record_id = r.id)
         FROM record r JOIN staff s ON s.id = r.staff_id
         WHERE r.year = ?1 AND r.status = 'approved' AND r.category <> 'city_platform'
           AND (r.rec_public > 0 OR r.rec_professional > 0)
         ORDER BY r.staff_id, r.start_date, r.id",
    )?;
    let mut out = Vec::new();
    let mut q = stmt.query([year])?;
    while let Some(r) = q.next()? {
        let category: Category = db::code_col(r, 2)?;
        let public: Hours = r.get(6)?;
        let professional: Hours = r.get(7)?;
        for (subject, hours) in [
            (Subject::Public, public),
            (Subject::Professional, professional),
        ] {
            if hours > Hours::ZERO {
                out.push(ExportRow {
                    name: r.get(0)?,
                    id_number: r.get(1)?,
                    subject,
                    category: category.label(),
                    title: r.get(3)?,
                    start: r.get(4)?,
                    end: r.get(5)?,
                    hours,
                    evidence: evidence_cell(r.get(8)?, r.get(13)?),
                    reviewer: r.get(9)?,
                    reviewed_on: r.get(10)?,
                    topic: if subject == Subject::Public {
                        r.get(11)?
                    } else {
                        String::new()
                    },
                    filing_number: r.get(12)?,
                });
            }
        }
    }
    Ok(out)
}

/// How many of `COLUMNS` an export of `rows` has: 公需专题 and 备案/证书编号 only when some row has
/// one, so an upload without them keeps the columns it always had.
/// The 证明材料 cell: what the declaration says, and each attached file by name and the first
/// eight characters of its SHA-256, which an inspector can check against the file the unit keeps.
fn evidence_cell(text: String, files: Option<String>) -> String {
    match files {
        Some(files) if text.trim().is_empty() => files,
        Some(files) => format!("{}；{files}", text.trim()),
        None => text,
    }
}

fn width(rows: &[ExportRow]) -> usize {
    let present = rows
        .iter()
        .any(|r| !r.topic.is_empty() || !r.filing_number.is_empty());
    if present {
        COLUMNS.len()
    } else {
        COLUMNS.len() - 2
    }
}

fn cells(i: usize, r: &ExportRow) -> [String; 14] {
    [
        (i + 1).to_string(),
        r.name.clone(),
        r.id_number.clone(),
        r.subject.label().to_string(),
        r.category.to_string(),
        r.title.clone(),
        r.start.clone(),
        r.end.clone(),
        r.hours.to_string(),
        r.evidence.clone(),
        r.reviewer.clone(),
        r.reviewed_on.clone(),
        r.topic.clone(),
        r.filing_number.clone(),
    ]
}

/// The upload rows and nothing else: a trailing line that is not data can make the provincial
/// platform's template refuse the file (issue 24). The anchor goes beside it (`anchor_beside`).
pub fn write_csv(path: &Path, rows: &[ExportRow], progress: Progress<'_>) -> Result<()> {
    let io = |e: String| Error::Io {
        path: path.display().to_string(),
        reason: e,
    };
    let file = std::fs::File::create(path).map_err(|e| io(e.to_string()))?;
    let mut buf = std::io::BufWriter::new(file);
    std::io::Write::write_all(&mut buf, b"\xEF\xBB\xBF").map_err(|e| io(e.to_string()))?;
    let mut w = csv::WriterBuilder::new().from_writer(buf);
    let width = width(rows);
    w.write_record(&COLUMNS[..width])
        .map_err(|e| io(e.to_string()))?;
    for (i, r) in rows.iter().enumerate() {
        crate::io::table::report(progress, i, rows.len(), 40, 50, "写入文件")?;
        w.write_record(&plain_record(&cells(i, r))[..width])
            .map_err(|e| io(e.to_string()))?;
    }
    w.flush().map_err(|e| io(e.to_string()))
}

/// The upload sheet, the per-person summary and (when given) the sheet 「审计锚点」.
pub fn write_xlsx(
    conn: &Connection,
    path: &Path,
    year: i32,
    rows: &[ExportRow],
    anchor: Option<&Anchor>,
    progress: Progress<'_>,
) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let sheet = book.add_worksheet_with_constant_memory().map_err(err)?;
    sheet.set_name(format!("{year}年度认定学时")).map_err(err)?;
    let width = width(rows);
    for (c, h) in COLUMNS[..width].iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        crate::io::table::report(progress, i, rows.len(), 40, 50, "写入文件")?;
        let row = (i + 1) as u32;
        sheet.write_number(row, 0, (i + 1) as f64).map_err(err)?;
        sheet
            .write_string(row, 1, plain_text(&r.name))
            .map_err(err)?;
        // Text, so Excel keeps all 18 digits.
        sheet
            .write_string_with_format(row, 2, &r.id_number, &text)
            .map_err(err)?;
        sheet.write_string(row, 3, r.subject.label()).map_err(err)?;
        sheet.write_string(row, 4, r.category).map_err(err)?;
        sheet
            .write_string(row, 5, plain_text(&r.title))
            .map_err(err)?;
        sheet
            .write_string(row, 6, plain_text(&r.start))
            .map_err(err)?;
        sheet
            .write_string(row, 7, plain_text(&r.end))
            .map_err(err)?;
        sheet.write_number(row, 8, r.hours.as_f64()).map_err(err)?;
        sheet
            .write_string(row, 9, plain_text(&r.evidence))
            .map_err(err)?;
        sheet
            .write_string(row, 10, plain_text(&r.reviewer))
            .map_err(err)?;
        sheet
            .write_string(row, 11, plain_text(&r.reviewed_on))
            .map_err(err)?;
        if width > 12 {
            sheet
                .write_string(row, 12, plain_text(&r.topic))
                .map_err(err)?;
            sheet
                .write_string(row, 13, plain_text(&r.filing_number))
                .map_err(err)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    for (c, w) in [
        6.0, 10.0, 21.0, 9.0, 12.0, 30.0, 11.0, 11.0, 9.0, 20.0, 10.0, 11.0, 24.0, 16.0,
    ]
    .iter()
    .enumerate()
    {
        sheet.set_column_width(c as u16, *w).map_err(err)?;
    }

    let summary = book.add_worksheet();
    summary.set_name("人员汇总").map_err(err)?;
    let heads = [
        "姓名",
        "身份证号",
        "部门",
        "公需",
        "专业",
        "合计",
        "是否达标",
        "还差公需",
        "还差专业",
    ];
    for (c, h) in heads.iter().enumerate() {
        summary
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, p) in progress::progress(conn, year, progress::today())?
        .staff
        .iter()
        .enumerate()
    {
        let row = (i + 1) as u32;
        summary
            .write_string(row, 0, plain_text(&p.name))
            .map_err(err)?;
        summary
            .write_string_with_format(row, 1, &p.id_number, &text)
            .map_err(err)?;
        summary
            .write_string(row, 2, plain_text(&p.department))
            .map_err(err)?;
        summary
            .write_number(row, 3, p.public.as_f64())
            .map_err(err)?;
        summary
            .write_number(row, 4, p.professional.as_f64())
            .map_err(err)?;
        summary
            .write_number(row, 5, p.total.as_f64())
            .map_err(err)?;
        summary
            .write_string(row, 6, if p.compliant { "达标" } else { "未达标" })
            .map_err(err)?;
        summary
            .write_number(row, 7, p.short_public.as_f64())
            .map_err(err)?;
        summary
            .write_number(row, 8, p.short_professional.as_f64())
            .map_err(err)?;
    }
    summary.set_freeze_panes(1, 0).map_err(err)?;
    for (c, w) in [10.0, 21.0, 12.0, 8.0, 8.0, 8.0, 9.0, 9.0, 9.0]
        .iter()
        .enumerate()
    {
        summary.set_column_width(c as u16, *w).map_err(err)?;
    }
    if let Some(a) = anchor {
        let sheet = book.add_worksheet();
        sheet.set_name(crate::ledger::anchor::LABEL).map_err(err)?;
        sheet
            .write_string_with_format(0, 0, "项目", &bold)
            .map_err(err)?;
        sheet
            .write_string_with_format(0, 1, "值", &bold)
            .map_err(err)?;
        for (i, (k, v)) in a.fields().into_iter().enumerate() {
            sheet.write_string(i as u32 + 1, 0, k).map_err(err)?;
            sheet.write_string(i as u32 + 1, 1, v).map_err(err)?;
        }
        let last = a.fields().len() as u32 + 1;
        sheet.write_string(last, 0, "锚点").map_err(err)?;
        sheet.write_string(last, 1, a.to_line()).map_err(err)?;
        sheet
            .write_string(
                last + 2,
                0,
                "审计锚点记录导出时台账审计链的末端；检查时运行：ce-ledger audit verify --anchor 本文件",
            )
            .map_err(err)?;
        sheet.set_column_width(0, 10.0).map_err(err)?;
        sheet.set_column_width(1, 70.0).map_err(err)?;
    }
    book.save(path).map_err(err)
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ExportSummary {
    pub rows: usize,
    pub path: String,
}

/// Writes `.csv` (UTF-8 with BOM) or `.xlsx`, and records the export in the audit trail.
pub fn export(conn: &mut Connection, year: i32, path: &Path, by: &str) -> Result<ExportSummary> {
    export_reporting(conn, year, path, by, &crate::io::table::no_progress)
}

/// `export`, reporting its progress; a report that returns an error (a cancel) leaves no file and
/// no export event.
pub fn export_reporting(
    conn: &mut Connection,
    year: i32,
    path: &Path,
    by: &str,
    progress: Progress<'_>,
) -> Result<ExportSummary> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    progress(0, "读取认定学时")?;
    let rows = rows(conn, year)?;
    progress(40, "写入文件")?;
    // The chain's head as it stands: an inspector keeping this file can later check that the
    // trail still passes through it.
    let head = crate::ledger::anchor::head(conn)?;
    let staged = crate::files::Staged::beside(path)?;
    // A CSV's anchor is a file of its own beside it, published with it.
    let mut beside = None;
    match ext.as_deref() {
        Some("csv") => {
            write_csv(staged.path(), &rows, progress)?;
            if let Some(a) = &head {
                let sidecar = crate::io::anchor::sidecar(path);
                let anchor_file = crate::files::Staged::beside(&sidecar)?;
                std::fs::write(anchor_file.path(), format!("{}\n", a.to_line())).map_err(|e| {
                    Error::Write {
                        path: crate::io::table::file_label(&sidecar),
                        reason: e.to_string(),
                    }
                })?;
                beside = Some((anchor_file, sidecar));
            }
        }
        Some("xlsx") => write_xlsx(conn, staged.path(), year, &rows, head.as_ref(), progress)?,
        _ => return Err(Error::invalid("导出文件须为 .csv 或 .xlsx")),
    }
    progress(95, "记录导出")?;
    let tx = db::write_tx(conn)?;
    audit::append(
        &tx,
        &[audit::NewEvent {
            actor: by,
            action: Action::Export,
            entity: "export",
            entity_id: None,
            entity_id_to: None,
            before: None,
            after: Some(
                serde_json::json!({ "year": year, "file": crate::io::table::file_label(path), "rows": rows.len() }),
            ),
            reason: "",
        }],
    )?;
    // The file appears and the export is recorded together; a failed commit takes the file back.
    staged.publish()?;
    let sidecar = match beside {
        Some((anchor_file, sidecar)) => {
            anchor_file.publish()?;
            Some(sidecar)
        }
        None => None,
    };
    if let Err(e) = crate::ledger::anchor::commit(tx) {
        let _ = std::fs::remove_file(path);
        if let Some(sidecar) = sidecar {
            let _ = std::fs::remove_file(sidecar);
        }
        return Err(e);
    }
    progress(100, "完成")?;
    Ok(ExportSummary {
        rows: rows.len(),
        path: path.display().to_string(),
    })
}

/// One past export, and whether hours it carried have moved since.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PastExport {
    #[serde(flatten)]
    pub event: audit::Event,
    /// 「此后已有记录的认定学时变化，请重新导出」 when a re-cut of that year's records came after it.
    pub stale: Option<String>,
}

/// Past exports, newest first, from the audit trail.
pub fn history(conn: &Connection) -> Result<Vec<PastExport>> {
    Ok(history_page(conn, 1, 0)?.items)
}

/// One page of past exports, newest first.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PastExportPage {
    pub total: u64,
    pub items: Vec<PastExport>,
}

/// Past exports, newest first, a page at a time (`page_size` 0: all).
pub fn history_page(conn: &Connection, page: u32, page_size: u32) -> Result<PastExportPage> {
    let mut recut_after = conn.prepare(
        "SELECT EXISTS (SELECT 1 FROM audit_event a JOIN record r ON r.id = a.entity_id
                        WHERE a.action = ?1 AND a.id > ?2 AND r.year = ?3)",
    )?;
    let (total, events) = audit::log_of(conn, Action::Export, page, page_size)?;
    let mut items = Vec::new();
    for event in events {
        let year = event
            .after
            .as_ref()
            .and_then(|a| a["year"].as_i64())
            .unwrap_or_default();
        let moved: bool = recut_after.query_row(
            rusqlite::params![Action::Recut.code(), event.id, year],
            |r| r.get(0),
        )?;
        items.push(PastExport {
            event,
            stale: moved.then(|| "此后已有记录的认定学时变化，请重新导出".to_string()),
        });
    }
    Ok(PastExportPage { total, items })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ledger::records::tests::{input, person};

    pub(crate) fn ledger() -> (tempfile::TempDir, Connection, String) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = db::open(&dir.path().join("l.sqlite3")).unwrap();
        let p = person(&conn, 101);
        let mut posting = input(p.id, "posting", "2025-01-01", None);
        posting.end = "2025-12-31".into();
        posting.months = Some(6);
        let ids: Vec<i64> = [
            posting,
            input(p.id, "training", "2025-03-01", Some(8)),
            input(p.id, "city_platform", "2025-04-01", Some(20)),
            input(p.id, "achievement", "2025-05-01", None),
        ]
        .iter()
        .map(|i| crate::ledger::records::add(&mut conn, i).unwrap().id)
        .collect();
        crate::ledger::review::approve(&mut conn, &ids[..2], "王敏").unwrap();
        (dir, conn, p.id_number)
    }

    #[test]
    fn rows_split_postings_and_leave_out_the_city_platform_and_unapproved() {
        let (_d, conn, _) = ledger();
        let rows = rows(&conn, 2025).unwrap();
        let got: Vec<(&str, Subject, Hours)> = rows
            .iter()
            .map(|r| (r.category, r.subject, r.hours))
            .collect();
        assert_eq!(
            got,
            vec![
                ("援派支教等", Subject::Public, Hours::from_whole(15)),
                ("援派支教等", Subject::Professional, Hours::from_whole(30)),
                ("培训进修", Subject::Professional, Hours::from_whole(8))
            ]
        );
        assert_eq!(rows[0].reviewer, "王敏");
    }

    /// Issue 13 item 11: an export whose hours a later re-cut moved is marked in the history.
    #[test]
    fn an_export_before_a_recut_is_marked_stale() {
        let (dir, mut conn, _) = ledger();
        let p = crate::ledger::staff::list(&conn, &Default::default())
            .unwrap()
            .1[0]
            .id;
        let later =
            crate::ledger::records::add(&mut conn, &input(p, "study", "2025-09-01", Some(40)))
                .unwrap()
                .id;
        crate::ledger::review::approve(&mut conn, &[later], "王敏").unwrap();
        export(&mut conn, 2025, &dir.path().join("a.csv"), "王敏").unwrap();
        assert_eq!(history(&conn).unwrap()[0].stale, None);
        // An earlier study record takes the 40-hour cap first: the later one is re-cut.
        let earlier =
            crate::ledger::records::add(&mut conn, &input(p, "study", "2025-02-01", Some(30)))
                .unwrap()
                .id;
        crate::ledger::review::approve(&mut conn, &[earlier], "王敏").unwrap();
        let past = history(&conn).unwrap();
        assert_eq!(
            past[0].stale.as_deref(),
            Some("此后已有记录的认定学时变化，请重新导出")
        );
        let json = serde_json::to_value(&past[0]).unwrap();
        assert_eq!(
            json["action"], "export",
            "the event's fields stay at the top level"
        );
    }

    #[test]
    fn csv_has_a_bom_and_xlsx_reads_back_with_ids_as_text() {
        let (dir, mut conn, id) = ledger();
        let csv = dir.path().join("out.csv");
        assert_eq!(export(&mut conn, 2025, &csv, "王敏").unwrap().rows, 3);
        let bytes = std::fs::read(&csv).unwrap();
        assert!(bytes.starts_with(&[b"\xEF\xBB\xBF", "序号,姓名,身份证号".as_bytes()].concat()));
        assert!(String::from_utf8_lossy(&bytes).contains(&id));

        let xlsx = dir.path().join("out.xlsx");
        export(&mut conn, 2025, &xlsx, "王敏").unwrap();
        use calamine::{Data, Reader};
        let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
        assert_eq!(
            book.sheet_names(),
            vec![
                "2025年度认定学时".to_string(),
                "人员汇总".to_string(),
                "审计锚点".to_string()
            ]
        );
        let sheet = book.worksheet_range("2025年度认定学时").unwrap();
        assert_eq!(
            sheet.get((1, 2)),
            Some(&Data::String(id.clone())),
            "ID kept as text"
        );
        assert_eq!(sheet.get((3, 8)), Some(&Data::Float(8.0)));
        let summary = book.worksheet_range("人员汇总").unwrap();
        assert_eq!(summary.get((1, 6)), Some(&Data::String("未达标".into())));
        assert_eq!(history(&conn).unwrap().len(), 2);
        assert!(history(&conn).unwrap().iter().all(|e| e.stale.is_none()));
        assert!(export(&mut conn, 2025, &dir.path().join("x.txt"), "王敏").is_err());
    }

    /// Issue 14 item 2: an export reports its progress, and a cancel leaves neither the file, nor a
    /// scrap of it, nor an export event.
    #[test]
    fn an_export_reports_progress_and_a_cancel_leaves_nothing() {
        let (dir, mut conn, _) = ledger();
        let out = dir.path().join("cancelled.xlsx");
        let cancel = crate::io::table::cancel_from(40);
        let got = export_reporting(&mut conn, 2025, &out, "王敏", &cancel);
        assert!(matches!(got, Err(Error::Cancelled)), "{got:?}");
        assert!(!out.exists());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(history(&conn).unwrap().is_empty(), "no export event");

        let seen = std::sync::Mutex::new(Vec::new());
        let report = |percent: u32, _: &str| -> Result<()> {
            seen.lock().unwrap().push(percent);
            Ok(())
        };
        let done = export_reporting(&mut conn, 2025, &out, "王敏", &report).unwrap();
        assert_eq!(done.rows, 3);
        let seen = seen.into_inner().unwrap();
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&100));
    }

    /// Issue 14 item 1: the export history is read a page at a time, newest first.
    #[test]
    fn the_export_history_pages_newest_first() {
        let (dir, mut conn, _) = ledger();
        for n in 1..=5 {
            export(
                &mut conn,
                2025,
                &dir.path().join(format!("{n}.csv")),
                "王敏",
            )
            .unwrap();
        }
        let first = history_page(&conn, 1, 2).unwrap();
        let files: Vec<String> = first
            .items
            .iter()
            .map(|e| {
                e.event.after.as_ref().unwrap()["file"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            (first.total, files),
            (5, vec!["5.csv".into(), "4.csv".into()])
        );
        assert_eq!(history_page(&conn, 3, 2).unwrap().items.len(), 1);
        assert_eq!(history(&conn).unwrap().len(), 5);
    }
}

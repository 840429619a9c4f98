//! The reminder list of who is short (title applicants first), as XLSX or CSV for the officer.

use crate::error::{Error, Result};
use crate::io::cells::{plain_record, plain_text};
use crate::ledger::progress::PersonProgress;
use std::path::Path;

const HEADERS: [&str; 15] = [
    "序号",
    "姓名",
    "部门",
    "身份证号",
    "公需已认定",
    "专业已认定",
    "截止日前公需",
    "截止日前专业",
    "还差公需",
    "还差专业",
    "待审核",
    "截止日期",
    "剩余天数",
    "拟申报职称",
    "最近通知",
];

fn row_cells(i: usize, p: &PersonProgress) -> [String; 15] {
    // Title applicants only: what ended by their deadline, which their shortfall follows.
    let by_deadline =
        |h: Option<crate::domain::hours::Hours>| h.map(|h| h.to_string()).unwrap_or_default();
    [
        (i + 1).to_string(),
        p.name.clone(),
        p.department.clone(),
        p.id_number.clone(),
        p.public.to_string(),
        p.professional.to_string(),
        by_deadline(p.public_by_deadline),
        by_deadline(p.professional_by_deadline),
        p.short_public.to_string(),
        p.short_professional.to_string(),
        p.pending.to_string(),
        p.deadline.to_string(),
        p.days_left.to_string(),
        if p.title_applicant {
            "是".into()
        } else {
            String::new()
        },
        p.last_notified
            .map(|d| d.to_string())
            .unwrap_or_else(|| "未通知".into()),
    ]
}

/// Writes the reminder list as `.xlsx` or `.csv` (UTF-8 with BOM, so Excel reads the Chinese).
pub fn write_reminders(path: &Path, year: i32, rows: &[PersonProgress]) -> Result<()> {
    let io = |e: String| Error::Io {
        path: path.display().to_string(),
        reason: e,
    };
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => {
            let mut w = csv::Writer::from_writer(Vec::from(&b"\xEF\xBB\xBF"[..]));
            w.write_record(HEADERS).map_err(|e| io(e.to_string()))?;
            for (i, p) in rows.iter().enumerate() {
                w.write_record(plain_record(&row_cells(i, p)))
                    .map_err(|e| io(e.to_string()))?;
            }
            let bytes = w.into_inner().map_err(|e| io(e.to_string()))?;
            crate::files::write_bytes(path, &bytes)
        }
        Some("xlsx") => {
            use rust_xlsxwriter::{Format, Workbook};
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            let err = |e: rust_xlsxwriter::XlsxError| io(e.to_string());
            sheet.set_name(format!("{year}年度学时提醒")).map_err(err)?;
            let bold = Format::new().set_bold();
            for (c, h) in HEADERS.iter().enumerate() {
                sheet
                    .write_string_with_format(0, c as u16, *h, &bold)
                    .map_err(err)?;
            }
            for (i, p) in rows.iter().enumerate() {
                for (c, v) in row_cells(i, p).iter().enumerate() {
                    let r = (i + 1) as u32;
                    match c {
                        0 | 4..=8 | 10 => sheet
                            .write_number(r, c as u16, v.parse::<f64>().unwrap_or(0.0))
                            .map(|_| ()),
                        _ => sheet.write_string(r, c as u16, plain_text(v)).map(|_| ()),
                    }
                    .map_err(err)?;
                }
            }
            sheet.set_freeze_panes(1, 0).map_err(err)?;
            for (c, w) in [6, 10, 12, 20, 10, 10, 9, 9, 8, 12, 9, 10, 12]
                .iter()
                .enumerate()
            {
                sheet.set_column_width(c as u16, *w).map_err(err)?;
            }
            crate::files::write_with(path, |p| book.save(p).map_err(err))
        }
        _ => Err(Error::invalid("提醒名单只能导出为 .xlsx 或 .csv 文件")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::db;
    use crate::ledger::notice::reminders;
    use crate::ledger::records::tests::person;
    use chrono::NaiveDate;

    #[test]
    fn reminder_list_writes_csv_with_bom_and_xlsx() {
        let conn = db::open_in_memory().unwrap();
        person(&conn, 101);
        let rows = reminders(&conn, 2025, NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("提醒.csv");
        write_reminders(&csv_path, 2025, &rows).unwrap();
        let bytes = std::fs::read(&csv_path).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(
            text.starts_with("序号,姓名") && text.contains("员工101") && text.contains("未通知"),
            "{text}"
        );
        assert!(!text.contains("370402199001011"), "ID numbers are masked");
        let xlsx = dir.path().join("提醒.xlsx");
        write_reminders(&xlsx, 2025, &rows).unwrap();
        assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
        assert!(write_reminders(&dir.path().join("x.txt"), 2025, &rows).is_err());
    }
}

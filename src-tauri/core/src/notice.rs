//! The unit's duty to notify: notices sent to staff, and the reminder list of who is short.

use crate::audit::{self, Action};
use crate::db;
use crate::error::{Error, Result};
use crate::progress::{self, PersonProgress};
use crate::table::parse_date;
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const CHANNELS: [&str; 4] = ["通知", "短信", "微信", "会议"];

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NoticeInput {
    pub date: String,
    pub channel: String,
    pub content: String,
    pub recipients: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub id: i64,
    pub date: NaiveDate,
    pub channel: String,
    pub content: String,
    pub recipients: i64,
    pub created_at: String,
}

pub fn add(conn: &mut Connection, input: &NoticeInput, by: &str) -> Result<Notice> {
    let date = parse_date(&input.date).map_err(|m| Error::invalid(format!("通知日期：{m}")))?;
    if !CHANNELS.contains(&input.channel.trim()) {
        return Err(Error::invalid(format!(
            "通知方式“{}”无效，应为 通知/短信/微信/会议",
            input.channel.trim()
        )));
    }
    let content = input.content.trim();
    if content.is_empty() || content.chars().count() > 2000 {
        return Err(Error::invalid("通知内容不能为空，且不超过2000字"));
    }
    if input.recipients.is_empty() {
        return Err(Error::invalid("请选择通知对象"));
    }
    let tx = db::write_tx(conn)?;
    for id in &input.recipients {
        crate::staff::get(&tx, *id)?;
    }
    let now = db::now_local();
    tx.execute(
        "INSERT INTO notice (date, channel, content, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![date.to_string(), input.channel.trim(), content, now],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut stmt = tx.prepare(
            "INSERT OR IGNORE INTO notice_recipient (notice_id, staff_id) VALUES (?1, ?2)",
        )?;
        for staff_id in &input.recipients {
            stmt.execute(params![id, staff_id])?;
        }
    }
    audit::append(
        &tx,
        &[audit::NewEvent {
            actor: by,
            action: Action::Notice,
            entity: "notice",
            entity_id: Some(id),
            entity_id_to: None,
            before: None,
            after: Some(
                serde_json::json!({ "date": date, "channel": input.channel.trim(), "content": content, "recipients": input.recipients }),
            ),
            reason: "",
        }],
    )?;
    tx.commit()?;
    Ok(Notice {
        id,
        date,
        channel: input.channel.trim().into(),
        content: content.into(),
        recipients: input.recipients.len() as i64,
        created_at: now,
    })
}

pub fn list(conn: &Connection, year: i32) -> Result<Vec<Notice>> {
    let mut stmt = conn.prepare(
        "SELECT n.id, n.date, n.channel, n.content, (SELECT COUNT(*) FROM notice_recipient r WHERE r.notice_id = n.id), n.created_at
         FROM notice n WHERE n.date LIKE ?1 ORDER BY n.date DESC, n.id DESC",
    )?;
    let rows = stmt.query_map([format!("{year}-%")], |r| {
        let d: String = r.get(1)?;
        Ok(Notice {
            id: r.get(0)?,
            date: NaiveDate::parse_from_str(&d, "%Y-%m-%d").unwrap_or_default(),
            channel: r.get(2)?,
            content: r.get(3)?,
            recipients: r.get(4)?,
            created_at: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Who is short this year, title applicants first, with the deadline each must meet (IDs masked).
pub fn reminders(conn: &Connection, year: i32, today: NaiveDate) -> Result<Vec<PersonProgress>> {
    Ok(progress::dashboard(conn, year, today)?.short_list)
}

const HEADERS: [&str; 13] = [
    "序号",
    "姓名",
    "部门",
    "身份证号",
    "公需已认定",
    "专业已认定",
    "还差公需",
    "还差专业",
    "待审核",
    "截止日期",
    "剩余天数",
    "拟申报职称",
    "最近通知",
];

fn row_cells(i: usize, p: &PersonProgress) -> [String; 13] {
    [
        (i + 1).to_string(),
        p.name.clone(),
        p.department.clone(),
        p.id_number.clone(),
        p.public.to_string(),
        p.professional.to_string(),
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
                w.write_record(row_cells(i, p))
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
                        _ => sheet.write_string(r, c as u16, v).map(|_| ()),
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
    use crate::records::tests::person;

    #[test]
    fn notices_are_checked_recorded_and_shown_as_last_notified() {
        let mut conn = db::open_in_memory().unwrap();
        let a = person(&conn, 101);
        let b = person(&conn, 102);
        let bad = NoticeInput {
            date: "2025-06-01".into(),
            channel: "电报".into(),
            content: "x".into(),
            recipients: vec![a.id],
        };
        assert!(add(&mut conn, &bad, "王敏")
            .unwrap_err()
            .to_string()
            .contains("通知方式"));
        let ok = NoticeInput {
            date: "2025-06-01".into(),
            channel: "微信".into(),
            content: "请于年底前完成公需科目学习".into(),
            recipients: vec![a.id],
        };
        add(&mut conn, &ok, "王敏").unwrap();
        add(
            &mut conn,
            &NoticeInput {
                date: "2025-09-01".into(),
                ..ok.clone()
            },
            "王敏",
        )
        .unwrap();
        assert_eq!(list(&conn, 2025).unwrap().len(), 2);
        let today = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
        let r = reminders(&conn, 2025, today).unwrap();
        let ra = r.iter().find(|p| p.staff_id == a.id).unwrap();
        assert_eq!(ra.last_notified, NaiveDate::from_ymd_opt(2025, 9, 1));
        assert_eq!(
            r.iter().find(|p| p.staff_id == b.id).unwrap().last_notified,
            None
        );
        assert_eq!(
            audit::log(&conn, None)
                .unwrap()
                .iter()
                .filter(|e| e.action == "notice")
                .count(),
            2
        );
    }

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

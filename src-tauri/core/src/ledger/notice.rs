//! The unit's duty to notify: notices sent to staff, and the reminder list of who is short.

use crate::domain::codes::{Channel, Code};
use crate::domain::dates::parse_date;
use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action};
use crate::ledger::db;
use crate::ledger::progress::{self, PersonProgress};
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct NoticeInput {
    pub date: String,
    pub channel: String,
    pub content: String,
    pub recipients: Vec<i64>,
    /// Besides `recipients`: everyone short in this year as the notice is recorded (the window
    /// shows the list a page at a time, and "all" means all of it).
    pub all_short_of: Option<i32>,
}

/// One page of the reminder list, and how many are short in all.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ReminderPage {
    pub total: usize,
    pub items: Vec<PersonProgress>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
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
    let Some(channel) = Channel::parse(&input.channel) else {
        return Err(Error::invalid(format!(
            "通知方式“{}”无效，应为 {}",
            input.channel.trim(),
            Channel::labels()
        )));
    };
    let content = input.content.trim();
    if content.is_empty() || content.chars().count() > 2000 {
        return Err(Error::invalid("通知内容不能为空，且不超过2000字"));
    }
    let tx = db::write_tx(conn)?;
    for id in &input.recipients {
        crate::ledger::staff::get(&tx, *id)?;
    }
    let mut recipients = input.recipients.clone();
    if let Some(year) = input.all_short_of {
        let short = progress::short_list(&tx, year, progress::today())?;
        recipients.extend(short.iter().map(|p| p.staff_id));
    }
    let mut seen = std::collections::HashSet::new();
    recipients.retain(|id| seen.insert(*id));
    if recipients.is_empty() {
        return Err(Error::invalid("请选择通知对象"));
    }
    let now = db::now_local();
    tx.execute(
        "INSERT INTO notice (date, channel, content, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![date.to_string(), channel.label(), content, now],
    )?;
    let id = tx.last_insert_rowid();
    {
        let mut stmt = tx.prepare(
            "INSERT OR IGNORE INTO notice_recipient (notice_id, staff_id) VALUES (?1, ?2)",
        )?;
        for staff_id in &recipients {
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
                serde_json::json!({ "date": date, "channel": channel.label(), "content": content, "recipients": recipients }),
            ),
            reason: "",
        }],
    )?;
    crate::ledger::anchor::commit(tx)?;
    Ok(Notice {
        id,
        date,
        channel: channel.label().into(),
        content: content.into(),
        recipients: recipients.len() as i64,
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
    progress::short_list(conn, year, today)
}

/// Page `page` (from 1) of the reminder list.
pub fn reminders_page(
    conn: &Connection,
    year: i32,
    today: NaiveDate,
    page: u32,
    page_size: u32,
) -> Result<ReminderPage> {
    let all = reminders(conn, year, today)?;
    let size = page_size.max(1) as usize;
    let skip = (page.max(1) as usize - 1).saturating_mul(size);
    Ok(ReminderPage {
        total: all.len(),
        items: all.into_iter().skip(skip).take(size).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::records::tests::person;

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
            all_short_of: None,
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
            all_short_of: None,
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
        // Issue 13 item 10: a notice of 2026 is no proof for 2025, nor one of 2025 for 2026.
        add(
            &mut conn,
            &NoticeInput {
                date: "2026-01-05".into(),
                ..ok.clone()
            },
            "王敏",
        )
        .unwrap();
        let r = reminders(&conn, 2025, today).unwrap();
        let ra = r.iter().find(|p| p.staff_id == a.id).unwrap();
        assert_eq!(ra.last_notified, NaiveDate::from_ymd_opt(2025, 9, 1));
        let next = reminders(&conn, 2026, NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()).unwrap();
        let na = next.iter().find(|p| p.staff_id == a.id).unwrap();
        assert_eq!(na.last_notified, NaiveDate::from_ymd_opt(2026, 1, 5));
        assert_eq!(
            audit::log(&conn, None)
                .unwrap()
                .iter()
                .filter(|e| e.action == "notice")
                .count(),
            3
        );
    }

    #[test]
    fn the_reminder_list_pages_and_a_notice_to_all_reaches_everyone_short_not_one_page() {
        let mut conn = db::open_in_memory().unwrap();
        let people: Vec<i64> = (0..23).map(|i| person(&conn, 300 + i).id).collect();
        let today = progress::today();
        let year = chrono::Datelike::year(&today);
        let first = reminders_page(&conn, year, today, 1, 10).unwrap();
        let last = reminders_page(&conn, year, today, 3, 10).unwrap();
        assert_eq!(
            (first.total, first.items.len(), last.items.len()),
            (23, 10, 3)
        );
        let mut paged: Vec<i64> = (1..=3)
            .flat_map(|p| reminders_page(&conn, year, today, p, 10).unwrap().items)
            .map(|p| p.staff_id)
            .collect();
        paged.sort();
        assert_eq!(paged, people, "the pages together list everyone once");
        assert!(
            first.items.iter().all(|p| p.id_number.contains('*')),
            "IDs are masked"
        );
        let n = add(
            &mut conn,
            &NoticeInput {
                date: today.to_string(),
                channel: "微信".into(),
                content: "请尽快完成学时".into(),
                recipients: vec![people[0]],
                all_short_of: Some(year),
            },
            "王敏",
        )
        .unwrap();
        assert_eq!(n.recipients, 23, "all short, the one named counted once");
        let dashboard = progress::dashboard(&conn, year, today).unwrap();
        assert_eq!(
            (dashboard.short, dashboard.short_list.len()),
            (23, progress::DASHBOARD_SHORT_LIST),
            "the dashboard lists the 20 most urgent and counts all"
        );
    }
}

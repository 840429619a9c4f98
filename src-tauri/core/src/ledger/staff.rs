//! The staff roster (专业技术人员): validation, storage, search and import.

use crate::domain::codes::{Code, Employment};
use crate::domain::idcard::{self, IdNumber};
use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action};
use crate::ledger::db::{self, now_local};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a person or an import supplies; everything else is derived.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct StaffInput {
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub title_series: String,
    pub title: String,
    pub mobile: String,
    pub employment: String,
    /// 专技人员: counted in the yearly requirement. Not stated means yes.
    pub professional: Option<bool>,
    /// 入职日期, if the person joined the unit recently.
    pub joined_on: String,
    /// The date of the state in `employment`: 退休、离职 or 调出日期.
    pub left_on: String,
}

/// A stored person, with the full ID number: for the edit form and the CLI, not for lists on screen.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub title_series: String,
    pub title: String,
    pub mobile: String,
    pub employment: String,
    pub archived: bool,
    pub professional: bool,
    pub joined_on: String,
    pub left_on: String,
    pub gender: String,
    pub birth_date: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A roster line for the screen: the ID number is masked.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub id_masked: String,
    pub department: String,
    pub title_series: String,
    pub title: String,
    pub mobile: String,
    pub employment: String,
    pub archived: bool,
    pub professional: bool,
    pub joined_on: String,
    pub left_on: String,
    pub gender: String,
    /// The year alone: beside the mask, a full birth date leaves about ten candidates for the number.
    pub birth_year: String,
}

impl From<Staff> for StaffRow {
    fn from(s: Staff) -> Self {
        StaffRow {
            id: s.id,
            id_masked: idcard::mask(&s.id_number),
            name: s.name,
            department: s.department,
            title_series: s.title_series,
            title: s.title,
            mobile: s.mobile,
            employment: s.employment,
            archived: s.archived,
            professional: s.professional,
            joined_on: s.joined_on,
            left_on: s.left_on,
            gender: s.gender,
            birth_year: s.birth_date.chars().take(4).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Department,
    Name,
    Title,
    Created,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct StaffQuery {
    /// Name fragment, department fragment, or the tail of an ID number (4+ digits).
    pub search: String,
    pub department: String,
    pub include_archived: bool,
    pub sort: SortKey,
    pub descending: bool,
    /// 1-based; 0 means the first page.
    pub page: u32,
    /// 0 means every row (CLI).
    pub page_size: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct StaffPage {
    pub total: u64,
    pub items: Vec<StaffRow>,
}

pub fn is_phone(s: &str) -> bool {
    let digits: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
    let mobile =
        digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit());
    let landline =
        s.chars().all(|c| c.is_ascii_digit() || c == '-') && (7..=13).contains(&digits.len());
    mobile || landline
}

/// Field-by-field problems of one input, as (column label, message).
pub fn validate(
    input: &StaffInput,
) -> std::result::Result<(StaffInput, IdNumber), Vec<(&'static str, String)>> {
    let mut errs = Vec::new();
    let name = input.name.trim().to_string();
    if name.is_empty() {
        errs.push(("姓名", "姓名不能为空".to_string()));
    } else if name.chars().count() > 30 {
        errs.push(("姓名", "姓名过长（最多30字）".to_string()));
    }
    let id = IdNumber::parse(&input.id_number)
        .map_err(|m| errs.push(("身份证号", m)))
        .ok();
    let mobile = input.mobile.trim().to_string();
    if !mobile.is_empty() && !is_phone(&mobile) {
        errs.push(("手机", "手机号应为11位数字".to_string()));
    }
    let employment = match input.employment.trim() {
        "" => Employment::Active.label().to_string(),
        e => match Employment::parse(e) {
            Some(state) => state.label().to_string(),
            None => {
                errs.push((
                    "在职状态",
                    format!("在职状态“{e}”无效，应为 {}", Employment::labels()),
                ));
                String::new()
            }
        },
    };
    let mut long = |label: &'static str, v: &str| {
        let v = v.trim().to_string();
        if v.chars().count() > 50 {
            errs.push((label, format!("{label}过长（最多50字）")));
        }
        v
    };
    let department = long("部门", &input.department);
    let title_series = long("职称系列", &input.title_series);
    let title = long("现职称", &input.title);
    let mut date = |label: &'static str, v: &str| match v.trim() {
        "" => None,
        v => crate::domain::dates::parse_date(v)
            .map_err(|m| errs.push((label, format!("{label}：{m}"))))
            .ok(),
    };
    let joined_on = date("入职日期", &input.joined_on);
    let left_on = date("离开日期", &input.left_on);
    // Issue 13 item 9: the date says when the state in 在职状态 began; an active person has none.
    if left_on.is_some() && employment == Employment::Active.label() {
        errs.push((
            "离开日期",
            "在职人员不填离开日期（退休、离职、调出时填写，并修改在职状态）".to_string(),
        ));
    }
    if let (Some(joined), Some(left)) = (joined_on, left_on) {
        if left < joined {
            errs.push(("离开日期", format!("离开日期{left}早于入职日期{joined}")));
        }
    }
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match id {
        Some(id) if errs.is_empty() => Ok((
            StaffInput {
                name,
                id_number: id.as_str().to_string(),
                department,
                title_series,
                title,
                mobile,
                employment,
                professional: Some(input.professional.unwrap_or(true)),
                joined_on: day(joined_on),
                left_on: day(left_on),
            },
            id,
        )),
        _ => Err(errs),
    }
}

fn first_error(errs: Vec<(&'static str, String)>) -> Error {
    Error::invalid(
        errs.into_iter()
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
            .join("；"),
    )
}

const SELECT: &str = "SELECT id, name, id_number, department, title_series, title, mobile, employment, archived,
    created_at, updated_at, professional, COALESCE(joined_on, ''), COALESCE(left_on, '') FROM staff";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Staff> {
    let id_number: String = r.get(2)?;
    let parsed = IdNumber::parse(&id_number).ok();
    Ok(Staff {
        id: r.get(0)?,
        name: r.get(1)?,
        gender: parsed
            .as_ref()
            .map(|p| p.gender().label().to_string())
            .unwrap_or_default(),
        birth_date: parsed
            .as_ref()
            .map(|p| p.birth_date().to_string())
            .unwrap_or_default(),
        id_number,
        department: r.get(3)?,
        title_series: r.get(4)?,
        title: r.get(5)?,
        mobile: r.get(6)?,
        employment: r.get(7)?,
        archived: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        professional: r.get(11)?,
        joined_on: r.get(12)?,
        left_on: r.get(13)?,
    })
}

const INSERT_SQL: &str =
    "INSERT INTO staff (name, id_number, department, title_series, title, mobile, employment,
    created_at, updated_at, professional, joined_on, left_on)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)";

/// Inserts one checked person with `INSERT_SQL`; returns the new id.
fn insert(stmt: &mut rusqlite::CachedStatement<'_>, v: &StaffInput, now: &str) -> Result<i64> {
    Ok(stmt.insert(params![
        v.name,
        v.id_number,
        v.department,
        v.title_series,
        v.title,
        v.mobile,
        v.employment,
        now,
        v.professional.unwrap_or(true),
        nonempty(&v.joined_on),
        nonempty(&v.left_on)
    ])?)
}

/// An empty text is stored as NULL (no date).
fn nonempty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

pub fn get(conn: &Connection, id: i64) -> Result<Staff> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("编号为{id}的人员")))
}

pub fn find_by_id_number(conn: &Connection, id_number: &str) -> Result<Option<Staff>> {
    Ok(conn
        .query_row(
            &format!("{SELECT} WHERE id_number = ?1"),
            [id_number],
            from_row,
        )
        .optional()?)
}

pub(crate) fn duplicate_message(existing: &Staff) -> String {
    format!(
        "身份证号与已有人员“{}”（{}）重复",
        existing.name,
        idcard::mask(&existing.id_number)
    )
}

pub fn add(conn: &Connection, input: &StaffInput) -> Result<Staff> {
    let (v, _) = validate(input).map_err(first_error)?;
    if let Some(existing) = find_by_id_number(conn, &v.id_number)? {
        return Err(Error::invalid(duplicate_message(&existing)));
    }
    let now = now_local();
    db::in_write_tx(conn, |tx| {
        let id = insert(&mut tx.prepare_cached(INSERT_SQL)?, &v, &now)?;
        audit::rows_changed(tx, Action::Create, "staff", id, id, "")?;
        get(tx, id)
    })
}

pub fn update(conn: &Connection, id: i64, input: &StaffInput) -> Result<Staff> {
    get(conn, id)?;
    let (v, _) = validate(input).map_err(first_error)?;
    if let Some(existing) = find_by_id_number(conn, &v.id_number)?.filter(|e| e.id != id) {
        return Err(Error::invalid(duplicate_message(&existing)));
    }
    db::in_write_tx(conn, |tx| {
        tx.execute(
            "UPDATE staff SET name=?1, id_number=?2, department=?3, title_series=?4, title=?5, mobile=?6, employment=?7,
                updated_at=?8, professional=?10, joined_on=?11, left_on=?12 WHERE id=?9",
            params![v.name, v.id_number, v.department, v.title_series, v.title, v.mobile, v.employment, now_local(), id,
                v.professional.unwrap_or(true), nonempty(&v.joined_on), nonempty(&v.left_on)],
        )?;
        audit::rows_changed(tx, Action::Edit, "staff", id, id, "")?;
        get(tx, id)
    })
}

/// Archiving hides a person from the roster without losing their hours; it can be undone.
pub fn set_archived(conn: &Connection, id: i64, archived: bool) -> Result<Staff> {
    get(conn, id)?;
    db::in_write_tx(conn, |tx| {
        tx.execute(
            "UPDATE staff SET archived=?1, updated_at=?2 WHERE id=?3",
            params![archived, now_local(), id],
        )?;
        let why = if archived { "归档" } else { "取消归档" };
        audit::rows_changed(tx, Action::Edit, "staff", id, id, why)?;
        get(tx, id)
    })
}

pub fn departments(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT department FROM staff WHERE department <> '' ORDER BY department",
    )?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

pub fn list(conn: &Connection, q: &StaffQuery) -> Result<(u64, Vec<Staff>)> {
    let mut filters = Vec::<String>::new();
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    if !q.include_archived {
        filters.push("archived = 0".into());
    }
    if !q.department.trim().is_empty() {
        args.push(Box::new(q.department.trim().to_string()));
        filters.push(format!("department = ?{}", args.len()));
    }
    let search = idcard::normalize_input(&q.search);
    if !search.is_empty() {
        let is_tail = search.len() >= 4 && search.chars().all(|c| c.is_ascii_digit() || c == 'X');
        if is_tail {
            args.push(Box::new(format!("%{}", db::like_escape(&search))));
            filters.push(format!("id_number LIKE ?{} ESCAPE '\\'", args.len()));
        } else {
            args.push(Box::new(format!("%{}%", db::like_escape(q.search.trim()))));
            let n = args.len();
            filters.push(format!(
                "(name LIKE ?{n} ESCAPE '\\' OR department LIKE ?{n} ESCAPE '\\')"
            ));
        }
    }
    let where_clause = if filters.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", filters.join(" AND "))
    };
    let dir = if q.descending { "DESC" } else { "ASC" };
    let order = match q.sort {
        SortKey::Department => format!("department {dir}, name {dir}, id"),
        SortKey::Name => format!("name {dir}, id"),
        SortKey::Title => format!("title {dir}, name, id"),
        SortKey::Created => format!("id {dir}"),
    };
    let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM staff{where_clause}"),
        params.as_slice(),
        |r| r.get(0),
    )?;
    let total = total as u64;
    let (limit, page_values) = db::page_clause(q.page, q.page_size, params.len());
    let mut page_params = params.clone();
    page_params.extend(page_values.iter().map(|v| v as &dyn rusqlite::ToSql));
    let mut stmt = conn.prepare(&format!("{SELECT}{where_clause} ORDER BY {order}{limit}"))?;
    let items = stmt
        .query_map(page_params.as_slice(), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((total, items))
}

/// The roster page the UI shows: masked IDs only.
pub fn page(conn: &Connection, q: &StaffQuery) -> Result<StaffPage> {
    let (total, items) = list(conn, q)?;
    Ok(StaffPage {
        total,
        items: items.into_iter().map(StaffRow::from).collect(),
    })
}

/// Every person's id by ID number: what an import of records looks people up in.
/// Every person on the roster by ID number: (id, name).
pub fn by_number(conn: &Connection) -> Result<HashMap<String, (i64, String)>> {
    let mut stmt = conn.prepare("SELECT id_number, id, name FROM staff")?;
    let people = stmt
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(people)
}

/// Stores checked people all or nothing; with `dry_run` everything is written, then rolled back.
/// `on_row(i, n)` reports progress.
pub fn insert_all(
    conn: &mut Connection,
    good: &[StaffInput],
    dry_run: bool,
    on_row: &dyn Fn(usize, usize) -> Result<()>,
    details: Option<serde_json::Value>,
) -> Result<()> {
    let tx = db::write_tx(conn)?;
    insert_in(&tx, good, on_row, details)?;
    if !dry_run {
        crate::ledger::anchor::commit(tx)?;
    }
    Ok(())
}

/// Stores checked people inside the caller's transaction under one import event, whose `details`
/// say what the officer changed on the way (mapped values, corrected cells); returns their ids in
/// order.
pub fn insert_in(
    tx: &Connection,
    good: &[StaffInput],
    on_row: &dyn Fn(usize, usize) -> Result<()>,
    details: Option<serde_json::Value>,
) -> Result<Vec<i64>> {
    let now = now_local();
    let mut stmt = tx.prepare_cached(INSERT_SQL)?;
    let mut ids = Vec::with_capacity(good.len());
    for (i, v) in good.iter().enumerate() {
        on_row(i, good.len())?;
        ids.push(insert(&mut stmt, v, &now)?);
    }
    if let (Some(&first), Some(&last)) = (ids.first(), ids.last()) {
        let actor = audit::default_actor(tx)?;
        audit::append(
            tx,
            &[audit::NewEvent {
                actor: &actor,
                action: Action::Import,
                entity: "staff",
                entity_id: Some(first),
                entity_id_to: (last != first).then_some(last),
                before: None,
                after: details,
                reason: "",
            }],
        )?;
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::idcard::tests::make_id;

    fn person(name: &str, seq: u32, dept: &str) -> StaffInput {
        StaffInput {
            name: name.into(),
            id_number: make_id("370402", "19900101", &format!("{seq:03}")),
            department: dept.into(),
            ..Default::default()
        }
    }

    #[test]
    fn add_derives_gender_and_birth_and_refuses_duplicates() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        let s = add(&conn, &person("张三", 101, "内科")).unwrap();
        assert_eq!(s.gender, "男");
        assert_eq!(s.birth_date, "1990-01-01");
        assert_eq!(s.employment, "在职");
        let err = add(&conn, &person("李四", 101, "外科"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("重复") && err.contains("张三"), "{err}");
    }

    #[test]
    fn invalid_input_names_every_field() {
        let bad = StaffInput {
            name: "".into(),
            id_number: "123".into(),
            mobile: "12".into(),
            ..Default::default()
        };
        let errs = validate(&bad).unwrap_err();
        let cols: Vec<_> = errs.iter().map(|(c, _)| *c).collect();
        assert_eq!(cols, vec!["姓名", "身份证号", "手机"]);
    }

    #[test]
    fn search_by_name_department_and_id_tail_sort_and_page() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        for i in 0..30 {
            add(
                &conn,
                &person(
                    &format!("员工{i:02}"),
                    100 + i,
                    if i % 2 == 0 { "内科" } else { "外科" },
                ),
            )
            .unwrap();
        }
        let q = |search: &str| StaffQuery {
            search: search.into(),
            ..Default::default()
        };
        assert_eq!(list(&conn, &q("员工0")).unwrap().0, 10);
        assert_eq!(list(&conn, &q("外科")).unwrap().0, 15);
        let target = get(&conn, 5).unwrap();
        let tail = &target.id_number[14..];
        let (n, found) = list(&conn, &q(tail)).unwrap();
        assert!(n >= 1 && found.iter().any(|s| s.id == 5));
        // Fewer than 4 characters never search ID numbers: too few to narrow, enough to probe.
        assert_eq!(list(&conn, &q(&target.id_number[15..])).unwrap().0, 0);
        assert_eq!(
            list(&conn, &q("%")).unwrap().0,
            0,
            "LIKE wildcards are literal"
        );
        // Search boxes are bound, never spliced: SQL in them is just text that matches nobody.
        for hostile in [
            "'; DROP TABLE staff; --",
            "\" OR 1=1 --",
            "_",
            "\\",
            "员工0' OR '1'='1",
        ] {
            assert_eq!(list(&conn, &q(hostile)).unwrap().0, 0, "{hostile}");
        }
        assert_eq!(list(&conn, &q("")).unwrap().0, 30, "the table is intact");

        let page2 = page(
            &conn,
            &StaffQuery {
                sort: SortKey::Name,
                descending: true,
                page: 2,
                page_size: 10,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(page2.total, 30);
        assert_eq!(page2.items.len(), 10);
        assert_eq!(page2.items[0].name, "员工19");
        assert!(page2.items[0].id_masked.contains("**********"));

        set_archived(&conn, 1, true).unwrap();
        assert_eq!(list(&conn, &StaffQuery::default()).unwrap().0, 29);
        assert_eq!(
            list(
                &conn,
                &StaffQuery {
                    include_archived: true,
                    ..Default::default()
                }
            )
            .unwrap()
            .0,
            30
        );
    }

    #[test]
    fn update_keeps_id_unique() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        let a = add(&conn, &person("甲", 101, "内科")).unwrap();
        add(&conn, &person("乙", 102, "内科")).unwrap();
        let mut changed = person("甲", 102, "外科");
        assert!(update(&conn, a.id, &changed).is_err());
        changed.id_number = a.id_number.clone();
        assert_eq!(update(&conn, a.id, &changed).unwrap().department, "外科");
    }
}

//! What the audit trail says the ledger holds. Every event that changes an audited row carries
//! the row's state after the change (`audit_event.state`, covered by the event's hash), so
//! `audit::verify` can replay the events and compare, field by field, with the tables: an edit
//! made outside the program — a record flipped to 已通过 with the `sqlite3` shell — is named by
//! row and field.
//!
//! States are read here, from the tables, by one query per kind of row: what a writer changed is
//! what the event records, whichever path changed it.

use crate::domain::codes::PlanStatus;
use crate::domain::hours::Hours;
use crate::domain::rules::{Category, Status, Subject};
use crate::error::Result;
use rusqlite::{types::ValueRef, Connection};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A row's audited fields as a JSON object in column order (label → value as stored): compared as
/// text, parsed only to name the fields of a row that differs.
pub type State = String;
/// (kind, key) → the state, or `None` when the trail says the row was deleted.
pub type Snapshot = Vec<(&'static str, String, Option<State>)>;

/// One kind of audited row: its entity name in events, its label in messages, and the query
/// that reads its states (`{where}` narrows it; the first column is the key). Column names are
/// the field labels an officer reads.
struct Kind {
    entity: &'static str,
    label: &'static str,
    sql: &'static str,
    /// The `{where}` for one key or a range of keys (numeric kinds).
    by_range: &'static str,
    /// JSON values of the last fields, added by a later migration: what a state written before
    /// they existed says of them (the migration's column defaults).
    added: &'static [&'static str],
    /// Fields migration 13 added at the end (`usize::MAX`: the whole kind is new there). Its
    /// baseline states them as the table holds them, and keeps the trail's word for the rest.
    widened: usize,
}

const KINDS: &[Kind] = &[
    Kind {
        entity: "record",
        label: "记录",
        sql: "SELECT r.id AS key, r.staff_id AS 人员, r.status AS 状态, r.category AS 类别,
                COALESCE(r.subject, '') AS 科目, r.start_date AS 开始日期, r.end_date AS 结束日期,
                r.claimed AS 申报学时, r.months AS 月数, COALESCE(r.situation, '') AS 情形,
                (SELECT COALESCE(group_concat(sha256, ','), '') FROM
                   (SELECT f.sha256 FROM record_evidence e JOIN evidence_file f ON f.id = e.file_id
                    WHERE e.record_id = r.id ORDER BY f.sha256)) AS 证明材料摘要,
                r.reviewer AS 审核人, r.rec_public AS 认定公需, r.rec_professional AS 认定专业,
                r.plan_id AS 培训计划, COALESCE(r.topic, '') AS 公需专题,
                COALESCE(r.filing_number, '') AS 备案证书编号, r.claimed_in_days AS 按天申报,
                COALESCE((SELECT sha256 FROM import_source WHERE id = r.source_id), '') AS 来源文件摘要,
                r.year AS 年度, r.title AS 名称, r.evidence AS 证明材料说明, r.expected AS 应认定,
                r.reason AS 认定说明, r.reviewed_at AS 审核时间, r.review_reason AS 审核意见,
                r.created_at AS 录入时间, r.updated_at AS 修改时间,
                (SELECT COALESCE(group_concat(item, char(10)), '') FROM
                   (SELECT f.sha256 || ' ' || f.size || ' ' || f.mime || ' ' || f.created_at || ' ' || e.original_name AS item
                    FROM record_evidence e JOIN evidence_file f ON f.id = e.file_id
                    WHERE e.record_id = r.id ORDER BY f.sha256)) AS 证明材料文件,
                (SELECT COALESCE(group_concat(item, char(10)), '') FROM
                   (SELECT source || ' ' || path AS item FROM certificate_doubt
                    WHERE record_id = r.id ORDER BY source, path)) AS 待确认证明材料,
                COALESCE((SELECT name || ' ' || created_at FROM import_source WHERE id = r.source_id), '') AS 来源文件
              FROM record r {where} ORDER BY r.id",
        by_range: "WHERE r.id BETWEEN ?1 AND ?2",
        // States before migration 13's baseline lack the fields from 年度 on: that baseline
        // restates every row, so only a deleted row's last state keeps the short form.
        added: &["\"\"", "\"\"", "0", "\"\"", "null", "null", "null", "null", "null", "null", "null", "null", "null", "null", "null", "null"],
        widened: 12,
    },
    Kind {
        entity: "staff",
        label: "人员",
        sql: "SELECT id AS key, name AS 姓名, id_number AS 身份证号摘要, department AS 部门,
                employment AS 状态, archived AS 归档, professional AS 专技人员,
                COALESCE(joined_on, '') AS 入职日期, COALESCE(left_on, '') AS 离开日期,
                title_series AS 职称系列, title AS 现职称, mobile AS 手机号摘要,
                created_at AS 录入时间, updated_at AS 修改时间
              FROM staff {where} ORDER BY id",
        by_range: "WHERE id BETWEEN ?1 AND ?2",
        added: &["1", "\"\"", "\"\"", "null", "null", "null", "null", "null"],
        widened: 5,
    },
    Kind {
        entity: "unit",
        label: "单位信息",
        sql: "SELECT id AS key, name AS 单位名称, address AS 地址, leader AS 负责人, officer AS 专管员,
                phone AS 联系电话, hr_office AS 主管人社部门, city_level AS 市直单位
              FROM unit_profile {where} ORDER BY id",
        by_range: "WHERE id BETWEEN ?1 AND ?2",
        added: &["0"],
        widened: 0,
    },
    Kind {
        entity: "policy",
        label: "年度政策",
        sql: "SELECT year AS key, public_required AS 公需要求, professional_required AS 专业要求,
                total_required AS 合计要求, topics AS 公需专题, study_deadline AS 学习截止日期,
                plan_deadline AS 计划报送截止日期
              FROM year_policy {where} ORDER BY year",
        by_range: "WHERE year BETWEEN ?1 AND ?2",
        added: &[],
        widened: 0,
    },
    Kind {
        entity: "calendar",
        label: "节假日调休",
        sql: "SELECT CAST(substr(date, 1, 4) AS INTEGER) AS key,
                COALESCE(group_concat(CASE kind WHEN 'off' THEN date END, ','), '') AS 放假,
                COALESCE(group_concat(CASE kind WHEN 'work' THEN date END, ','), '') AS 调休上班
              FROM (SELECT * FROM calendar_day ORDER BY date) {where} GROUP BY key ORDER BY key",
        by_range: "WHERE CAST(substr(date, 1, 4) AS INTEGER) BETWEEN ?1 AND ?2",
        added: &[],
        widened: 0,
    },
    Kind {
        entity: "applicant",
        label: "拟申报职称",
        sql: "SELECT staff_id AS key, group_concat(year || ':' || materials_date, ',') AS 材料报送日期
              FROM (SELECT * FROM title_applicant ORDER BY year) {where} GROUP BY staff_id ORDER BY staff_id",
        by_range: "WHERE staff_id BETWEEN ?1 AND ?2",
        added: &[],
        widened: 0,
    },
    Kind {
        entity: "plan",
        label: "培训计划",
        sql: "SELECT id AS key, year AS 年度, form AS 计划内容, status AS 状态,
                COALESCE(submitted_date, '') AS 报送日期, COALESCE(filed_date, '') AS 备案日期,
                COALESCE(filing_number, '') AS 备案编号, COALESCE(return_reason, '') AS 退回原因,
                created_at AS 创建时间, updated_at AS 修改时间
              FROM plan {where} ORDER BY id",
        by_range: "WHERE id BETWEEN ?1 AND ?2",
        added: &["null", "null", "null"],
        widened: 3,
    },
    Kind {
        entity: "notice",
        label: "通知",
        sql: "SELECT n.id AS key, n.date AS 日期, n.channel AS 方式, n.content AS 内容,
                n.created_at AS 创建时间,
                (SELECT COALESCE(group_concat(staff_id, ','), '') FROM
                   (SELECT staff_id FROM notice_recipient WHERE notice_id = n.id ORDER BY staff_id)) AS 通知对象
              FROM notice n {where} ORDER BY n.id",
        by_range: "WHERE n.id BETWEEN ?1 AND ?2",
        added: &[],
        widened: usize::MAX,
    },
    Kind {
        entity: "import_memory",
        label: "导入对应关系",
        sql: "SELECT 1 AS key, COALESCE(group_concat(scope || ' ' || key || '=' || value, char(10)), '') AS 对应关系
              FROM (SELECT * FROM import_memory ORDER BY scope, key) {where}",
        by_range: "WHERE 1 BETWEEN ?1 AND ?2",
        added: &[],
        widened: usize::MAX,
    },
];

/// What `verify` vouches for each column of the ledger that no kind above states: the chain
/// itself, keys a state names through another column, or a value it recomputes. Together with
/// the kinds' queries this names every column of every table (a test holds a new migration to it).
pub const NOT_IN_STATES: &[(&str, &str, &str)] = &[
    ("audit_event", "*", "审计链本身：逐条核对哈希、链接和签名"),
    ("ledger_identity", "id", "与本机密钥库中的台账编号核对"),
    (
        "record",
        "source_id",
        "以来源文件的摘要、名称和时间记在记录状态中",
    ),
    (
        "record_evidence",
        "record_id",
        "证明材料文件记在所属记录的状态中",
    ),
    (
        "record_evidence",
        "file_id",
        "以文件摘要记在所属记录的状态中",
    ),
    ("evidence_file", "id", "以文件摘要记在所属记录的状态中"),
    ("certificate_doubt", "record_id", "记在所属记录的状态中"),
    ("import_source", "id", "以来源文件的摘要记在记录状态中"),
    (
        "import_source",
        "bytes",
        "核对时重新计算摘要，与登记的摘要比较",
    ),
    ("notice_recipient", "notice_id", "记在所属通知的状态中"),
];

fn kind(entity: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.entity == entity)
}

fn id_digest(id_number: &str) -> String {
    crate::ledger::audit::hex(&Sha256::digest(id_number.as_bytes()))[..16].to_string()
}

/// Reads the states of `k`'s rows (all, or the keys in `range`) in key order, handing each
/// (key, state) to `each`. A state is a JSON array of the row's fields in the kind's column order
/// (`Fields` names them): a label per row would triple the state of a 200,000-row import.
fn read(
    conn: &Connection,
    k: &Kind,
    range: Option<(i64, i64)>,
    mut each: impl FnMut(&str, &str),
) -> Result<()> {
    let sql = k
        .sql
        .replace("{where}", if range.is_some() { k.by_range } else { "" });
    let mut stmt = conn.prepare_cached(&sql)?;
    // The trail never holds an ID number or a mobile: a digest says whether it changed.
    let digested: Vec<bool> = stmt
        .column_names()
        .map(|n| n == "身份证号摘要" || n == "手机号摘要")
        .collect();
    let mut rows = match range {
        Some((a, b)) => stmt.query([a, b])?,
        None => stmt.query([])?,
    };
    let (mut key, mut state) = (String::new(), String::with_capacity(256));
    while let Some(r) = rows.next()? {
        key.clear();
        match r.get_ref(0)? {
            ValueRef::Integer(n) => key.push_str(&n.to_string()),
            other => key.push_str(&String::from_utf8_lossy(
                other.as_bytes().unwrap_or_default(),
            )),
        }
        state.clear();
        state.push('[');
        for (i, &digest) in digested.iter().enumerate().skip(1) {
            if i > 1 {
                state.push(',');
            }
            match r.get_ref(i)? {
                ValueRef::Null => state.push_str("null"),
                ValueRef::Integer(n) => state.push_str(&n.to_string()),
                ValueRef::Real(f) => state.push_str(&Value::from(f).to_string()),
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    let text = String::from_utf8_lossy(t);
                    let text = if digest {
                        std::borrow::Cow::Owned(id_digest(&text))
                    } else {
                        text
                    };
                    state.push_str(&serde_json::to_string(text.as_ref()).unwrap_or_default());
                }
            }
        }
        state.push(']');
        each(&key, &state);
    }
    Ok(())
}

/// The field labels of each kind of row, in the order its states list them.
pub struct Fields(HashMap<&'static str, Vec<String>>);

impl Fields {
    pub fn of(conn: &Connection) -> Result<Fields> {
        let mut out = HashMap::new();
        for k in KINDS {
            let stmt = conn.prepare_cached(&k.sql.replace("{where}", ""))?;
            let names = stmt.column_names().skip(1).map(str::to_string).collect();
            out.insert(k.entity, names);
        }
        Ok(Fields(out))
    }

    fn names(&self, entity: &str) -> &[String] {
        self.0.get(entity).map_or(&[], Vec::as_slice)
    }

    /// What a state written before field `i` of `entity` existed says of it.
    fn default_at(&self, entity: &str, i: usize) -> Value {
        let total = self.names(entity).len();
        let added = kind(entity).map_or(&[][..], |k| k.added);
        match (i + added.len()).checked_sub(total) {
            Some(j) if i < total => serde_json::from_str(added[j]).unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }
}

/// One line of a stored state text: `entity<TAB>key<TAB>state` (state empty when the row is gone).
/// JSON escapes every tab and newline inside a state, so reading it back is a split, not a parse:
/// verify reads a million of them.
fn push_line(out: &mut String, entity: &str, key: &str, state: &str) {
    out.push_str(entity);
    out.push('\t');
    out.push_str(key);
    out.push('\t');
    out.push_str(state);
    out.push('\n');
}

/// The state text of `entity` rows `from..=to` as they are now, a line per key (a key with no row:
/// deleted). `None` for an entity the trail does not cover. Used by `audit::append` for every
/// event about an audited row; written straight into one string (an import names 200,000 keys).
pub fn state_text(conn: &Connection, entity: &str, from: i64, to: i64) -> Result<Option<String>> {
    let Some(k) = kind(entity) else {
        return Ok(None);
    };
    let mut out = String::new();
    let mut next = from;
    read(conn, k, Some((from, to)), |key, state| {
        let Ok(n) = key.parse::<i64>() else { return };
        for gone in next..n {
            push_line(&mut out, k.entity, &gone.to_string(), "");
        }
        push_line(&mut out, k.entity, key, state);
        next = n + 1;
    })?;
    for gone in next..=to {
        push_line(&mut out, k.entity, &gone.to_string(), "");
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Every audited row as it is now: what `verify` compares the replayed trail with.
pub fn everything(conn: &Connection) -> Result<Snapshot> {
    let mut out = Vec::new();
    for k in KINDS {
        read(conn, k, None, |key, state| {
            out.push((k.entity, key.to_string(), Some(state.to_string())))
        })?;
    }
    Ok(out)
}

/// Every audited row as the state text of a baseline event.
pub fn everything_text(conn: &Connection) -> Result<Option<String>> {
    let mut out = String::new();
    for k in KINDS {
        read(conn, k, None, |key, state| {
            push_line(&mut out, k.entity, key, state)
        })?;
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Migration 13's baseline: for each row the trail already states, the trail's word for the old
/// fields and the table's for the fields added then; a kind new then, as the table holds it. A
/// row the trail does not state as it is (added or kept outside the program) is left out, so an
/// edit made before the upgrade is still named after it.
pub fn widened_text(conn: &Connection) -> Result<Option<String>> {
    let fields = Fields::of(conn)?;
    let mut replay = Replay::default();
    {
        let mut stmt =
            conn.prepare("SELECT state FROM audit_event WHERE state IS NOT NULL ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let state = r.get_ref(0)?.as_str().unwrap_or_default().to_string();
            replay
                .apply(&state, &fields)
                .map_err(crate::error::Error::Invalid)?;
        }
    }
    let mut out = String::new();
    for k in KINDS.iter().filter(|k| k.widened > 0) {
        read(conn, k, None, |key, now| {
            let widened = if k.widened == usize::MAX {
                Some(now.to_string())
            } else {
                match replay.rows.get(&format!("{}\t{key}", k.entity)) {
                    Some(Some(stated)) => {
                        let stated: Vec<Value> = serde_json::from_str(stated).unwrap_or_default();
                        let now: Vec<Value> = serde_json::from_str(now).unwrap_or_default();
                        let kept = now.len().saturating_sub(k.widened);
                        let mut values: Vec<Value> = (0..kept)
                            .map(|i| {
                                stated
                                    .get(i)
                                    .cloned()
                                    .unwrap_or_else(|| fields.default_at(k.entity, i))
                            })
                            .collect();
                        values.extend(now.into_iter().skip(kept));
                        serde_json::to_string(&values).ok()
                    }
                    _ => None,
                }
            };
            if let Some(state) = widened {
                push_line(&mut out, k.entity, key, &state);
            }
        })?;
    }
    Ok((!out.is_empty()).then_some(out))
}

/// Differences listed one by one; beyond this a count says how many more.
pub const MAX_LISTED: usize = 500;

/// What the trail says, replayed event by event: `entity<TAB>key` → the row's last state. A row
/// named again (a million decisions over 200,000 records) reuses its key and state buffers.
#[derive(Default)]
pub struct Replay {
    rows: HashMap<String, Option<State>>,
}

impl Replay {
    /// Applies one event's stored state; `Err` when the text is not what the program writes.
    /// States stored as objects (label → value, before issue 14) are read as arrays.
    pub fn apply(&mut self, text: &str, fields: &Fields) -> std::result::Result<(), String> {
        for line in text.lines() {
            let mut parts = line.splitn(3, '\t');
            let (Some(entity), Some(key), Some(state)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err("状态记录无法解析".to_string());
            };
            let state: Option<std::borrow::Cow<'_, str>> = match state {
                "" => None,
                object if object.starts_with('{') => {
                    let map: Map<String, Value> =
                        serde_json::from_str(object).map_err(|_| "状态记录无法解析".to_string())?;
                    let values: Vec<Value> = fields
                        .names(entity)
                        .iter()
                        .enumerate()
                        .map(|(i, n)| {
                            map.get(n)
                                .cloned()
                                .unwrap_or_else(|| fields.default_at(entity, i))
                        })
                        .collect();
                    Some(serde_json::to_string(&values).unwrap_or_default().into())
                }
                array => Some(array.into()),
            };
            let row = &line[..entity.len() + 1 + key.len()];
            match self.rows.get_mut(row) {
                Some(Some(held)) if state.is_some() => {
                    held.clear();
                    held.push_str(state.as_deref().unwrap_or_default());
                }
                Some(slot) => *slot = state.map(std::borrow::Cow::into_owned),
                None => {
                    self.rows
                        .insert(row.to_string(), state.map(std::borrow::Cow::into_owned));
                }
            }
        }
        Ok(())
    }

    /// Every difference between the trail and the ledger, as an officer reads it.
    pub fn differences(self, now: Snapshot, fields: &Fields) -> Vec<String> {
        let mut rows = self.rows;
        let mut out = Vec::new();
        for (entity, key, state) in now {
            let label = kind(entity).map_or(entity, |k| k.label);
            match (rows.remove(&format!("{entity}\t{key}")), state) {
                (None, Some(_)) => out.push(format!(
                    "{label} {key}：审计记录中没有这一条（在程序之外添加）"
                )),
                (Some(None), Some(_)) => {
                    out.push(format!("{label} {key}：审计记录显示已删除，台账中仍有"))
                }
                (Some(Some(audited)), Some(ledger)) if audited != ledger => {
                    let values = |text: &str| -> Vec<Value> {
                        serde_json::from_str(text).unwrap_or_default()
                    };
                    let (audited, ledger) = (values(&audited), values(&ledger));
                    for (i, field) in fields.names(entity).iter().enumerate() {
                        let padded;
                        let trail = match audited.get(i) {
                            Some(v) => v,
                            None => {
                                padded = fields.default_at(entity, i);
                                &padded
                            }
                        };
                        let value = ledger.get(i).unwrap_or(&Value::Null);
                        if trail != value {
                            out.push(format!(
                                "{label} {key}：{field} 台账为“{}”，审计记录为“{}”",
                                shown(field, value),
                                shown(field, trail)
                            ));
                        }
                    }
                }
                (Some(Some(_)), Some(_)) => {}
                (_, None) => {}
            }
        }
        let mut gone: Vec<(String, String)> = rows
            .into_iter()
            .filter(|(_, state)| state.is_some())
            .filter_map(|(row, _)| {
                let (entity, key) = row.split_once('\t')?;
                Some((entity.to_string(), key.to_string()))
            })
            .collect();
        gone.sort_by(|a, b| (&a.0, a.1.len(), &a.1).cmp(&(&b.0, b.1.len(), &b.1)));
        for (entity, key) in gone {
            let label = kind(&entity).map_or(entity.as_str(), |k| k.label);
            out.push(format!("{label} {key}：台账中已没有（在程序之外删除）"));
        }
        if out.len() > MAX_LISTED {
            let more = out.len() - MAX_LISTED;
            out.truncate(MAX_LISTED);
            out.push(format!("……另有{more}处不一致"));
        }
        out
    }
}

/// A stored value as an officer reads it: code lists by their labels, hours in hours. Cut short,
/// and any ID-shaped run masked: the value may come from an outside edit.
fn shown(field: &str, v: &Value) -> String {
    let text = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let label = match field {
        // 已通过 / 已驳回, as the review page says them.
        "状态" => Status::parse(&text)
            .map(|s| match s.label() {
                l if l.starts_with('待') || l.starts_with('已') => l.to_string(),
                l => format!("已{l}"),
            })
            .or_else(|| PlanStatus::parse(&text).map(|p| p.label().to_string())),
        "类别" => Category::parse(&text).map(|c| c.label().to_string()),
        "科目" => Subject::parse(&text).map(|s| s.label().to_string()),
        "申报学时" | "认定公需" | "认定专业" | "公需要求" | "专业要求" | "合计要求" => {
            v.as_i64().map(|n| Hours(n).to_string())
        }
        _ => None,
    };
    let text = label.unwrap_or(text);
    let cut: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
    crate::domain::idcard::mask_all(&cut)
}

#[cfg(test)]
mod tests {
    use crate::domain::rules::Status;
    use crate::ledger::audit::{self, Action};
    use crate::ledger::records::tests::{input, person};
    use crate::ledger::records::{self, get};
    use crate::ledger::{db, review, unit};
    use rusqlite::Connection;

    fn differences(conn: &Connection) -> Vec<String> {
        let v = audit::verify(conn).unwrap();
        assert_eq!(v.broken, None, "the chain itself holds");
        v.differences
    }

    /// The attacks of issue 12, made with plain SQL on the file as an outsider would: each is named
    /// by row and field, and the program's own writes leave no difference.
    #[test]
    fn outside_edits_are_named_by_row_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let mut conn = db::open(&path).unwrap();
        let p = person(&conn, 101);
        let pending =
            records::add(&mut conn, &input(p.id, "training", "2025-03-01", Some(6))).unwrap();
        let rejected =
            records::add(&mut conn, &input(p.id, "training", "2025-04-01", Some(6))).unwrap();
        review::reject(&mut conn, rejected.id, "证书不清晰", "王敏").unwrap();
        unit::save(
            &conn,
            &unit::UnitProfile {
                name: "枣庄市立医院".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            differences(&conn),
            Vec::<String>::new(),
            "the program's writes are all in the trail"
        );

        let outsider = crate::ledger::lock::open_raw(&path).unwrap();
        outsider
            .execute_batch(&format!(
                "UPDATE record SET status = 'approved', rec_professional = 600 WHERE id = {};
                 UPDATE record SET status = 'approved' WHERE id = {};
                 UPDATE staff SET name = '王五' WHERE id = {};
                 UPDATE unit_profile SET name = '别的单位';
                 UPDATE year_policy SET public_required = 0 WHERE year = 2025;
                 UPDATE record SET topic = '伪造专题', filing_number = 'BA-0001' WHERE id = {};
                 UPDATE staff SET professional = 0, left_on = '2025-01-31' WHERE id = {};
                 UPDATE unit_profile SET city_level = 1;
                 UPDATE record SET claimed_in_days = 1 WHERE id = {};",
                pending.id, rejected.id, p.id, pending.id, p.id, pending.id
            ))
            .unwrap();
        let found = differences(&conn);
        for expected in [
            format!(
                "记录 {}：状态 台账为“已通过”，审计记录为“待审核”",
                pending.id
            ),
            format!("记录 {}：认定专业 台账为“60”，审计记录为“0”", pending.id),
            format!(
                "记录 {}：状态 台账为“已通过”，审计记录为“已驳回”",
                rejected.id
            ),
            format!("人员 {}：姓名 台账为“王五”，审计记录为“员工101”", p.id),
            "单位信息 1：单位名称 台账为“别的单位”，审计记录为“枣庄市立医院”".to_string(),
            "年度政策 2025：公需要求 台账为“0”，审计记录为“30”".to_string(),
            // Issue 13's columns are in the trail like every other.
            format!(
                "记录 {}：公需专题 台账为“伪造专题”，审计记录为“”",
                pending.id
            ),
            format!(
                "记录 {}：备案证书编号 台账为“BA-0001”，审计记录为“”",
                pending.id
            ),
            format!("人员 {}：专技人员 台账为“0”，审计记录为“1”", p.id),
            format!("人员 {}：离开日期 台账为“2025-01-31”，审计记录为“”", p.id),
            "单位信息 1：市直单位 台账为“1”，审计记录为“0”".to_string(),
            // Issue 24's column: the claim read as days (its reason says so).
            format!("记录 {}：按天申报 台账为“1”，审计记录为“0”", pending.id),
        ] {
            assert!(
                found.contains(&expected),
                "missing {expected}\nin {found:#?}"
            );
        }
        assert_eq!(found.len(), 12, "{found:#?}");

        // Rows added or removed outside the program.
        outsider
            .execute_batch(&format!(
                "DELETE FROM record WHERE id = {};
                 INSERT INTO record (id, staff_id, year, category, title, start_date, end_date, claimed, status, created_at, updated_at)
                   VALUES (99, {}, 2025, 'training', '补录', '2025-05-01', '2025-05-01', 80, 'approved', '', '');",
                rejected.id, p.id
            ))
            .unwrap();
        let found = differences(&conn);
        assert!(
            found.contains(&format!(
                "记录 {}：台账中已没有（在程序之外删除）",
                rejected.id
            )),
            "{found:#?}"
        );
        assert!(
            found.contains(&"记录 99：审计记录中没有这一条（在程序之外添加）".to_string()),
            "{found:#?}"
        );
        // The ID number never appears, only whether it changed.
        outsider
            .execute(
                "UPDATE staff SET id_number = '370402199001019999' WHERE id = ?1",
                [p.id],
            )
            .unwrap();
        let found = differences(&conn);
        let id_line = found
            .iter()
            .find(|d| d.contains("身份证号摘要"))
            .expect("ID change named");
        assert!(
            crate::domain::idcard::find_id_like(&found.join("\n")).is_empty(),
            "{id_line}"
        );
    }

    /// Cutting off the newest events (triggers dropped first) leaves the rows they wrote without a
    /// trail: named, although the shortened chain itself still links.
    #[test]
    fn a_cut_tail_with_the_triggers_dropped_is_found() {
        let mut conn = db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let r = records::add(&mut conn, &input(p.id, "training", "2025-03-01", Some(6))).unwrap();
        review::approve(&mut conn, &[r.id], "王敏").unwrap();
        let last: i64 = conn
            .query_row("SELECT MAX(id) FROM audit_event", [], |r| r.get(0))
            .unwrap();
        conn.execute_batch(&format!(
            "DROP TRIGGER audit_no_delete; DELETE FROM audit_event WHERE id = {last};"
        ))
        .unwrap();
        let found = differences(&conn);
        let fields: Vec<&str> = found
            .iter()
            .map(|d| d.split_once('：').unwrap().1.split(' ').next().unwrap())
            .collect();
        assert_eq!(
            fields,
            ["状态", "审核人", "认定专业", "认定说明", "审核时间"],
            "{found:?}"
        );
        for line in [
            format!("记录 {}：状态 台账为“已通过”，审计记录为“待审核”", r.id),
            format!("记录 {}：审核人 台账为“王敏”，审计记录为“”", r.id),
            format!("记录 {}：认定专业 台账为“6”，审计记录为“0”", r.id),
        ] {
            assert!(found.contains(&line), "{found:?}");
        }
    }

    /// Approving an earlier-dated record re-cuts one already approved: the re-cut is an event of
    /// its own, with the hours before and after, and the ledger still matches its trail.
    #[test]
    fn a_re_cut_of_an_approved_record_is_audited() {
        let mut conn = db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let ids: Vec<i64> = ["2025-06-01", "2025-01-01", "2025-02-01", "2025-03-01"]
            .iter()
            .map(|d| {
                records::add(&mut conn, &input(p.id, "achievement", d, None))
                    .unwrap()
                    .id
            })
            .collect();
        review::approve(&mut conn, &ids[..1], "王敏").unwrap();
        review::approve(&mut conn, &ids[1..], "王敏").unwrap();
        let june = get(&conn, ids[0]).unwrap();
        assert_eq!(
            (june.status, june.recognized_hours.tenths()),
            (Status::Approved, 0)
        );
        let recut = audit::log(&conn, Some(ids[0]))
            .unwrap()
            .into_iter()
            .find(|e| e.action == Action::Recut.code())
            .expect("the re-cut is in the trail");
        assert_eq!(recut.after.unwrap()["认定专业"], "0");
        assert_ne!(recut.before.unwrap()["认定专业"], "0");
        assert!(recut.reason.contains("重新计算"));
        assert_eq!(differences(&conn), Vec::<String>::new());
    }

    /// Events written before states became arrays hold objects (label → value); they replay to
    /// the same rows, and an edit after them is still named by field.
    #[test]
    fn states_stored_as_objects_replay_like_arrays() {
        let mut conn = db::open_in_memory().unwrap();
        let p = person(&conn, 101);
        let r = records::add(&mut conn, &input(p.id, "training", "2025-03-01", Some(6))).unwrap();
        let fields = super::Fields::of(&conn).unwrap();
        let as_object = |text: &str| -> String {
            text.lines()
                .map(|line| {
                    let mut parts = line.splitn(3, '\t');
                    let (entity, key, state) = (
                        parts.next().unwrap(),
                        parts.next().unwrap(),
                        parts.next().unwrap(),
                    );
                    let values: Vec<serde_json::Value> = serde_json::from_str(state).unwrap();
                    let object: serde_json::Map<String, serde_json::Value> =
                        fields.names(entity).iter().cloned().zip(values).collect();
                    format!("{entity}\t{key}\t{}\n", serde_json::Value::Object(object))
                })
                .collect()
        };
        let now = super::everything_text(&conn).unwrap().unwrap();
        assert!(now.contains("\t["), "new states are arrays: {now}");
        let mut replay = super::Replay::default();
        replay.apply(&as_object(&now), &fields).unwrap();
        assert_eq!(
            replay.differences(super::everything(&conn).unwrap(), &fields),
            Vec::<String>::new()
        );
        conn.execute(
            "UPDATE record SET status = 'approved' WHERE id = ?1",
            [r.id],
        )
        .unwrap();
        let mut replay = super::Replay::default();
        replay.apply(&as_object(&now), &fields).unwrap();
        assert_eq!(
            replay.differences(super::everything(&conn).unwrap(), &fields),
            vec![format!(
                "记录 {}：状态 台账为“已通过”，审计记录为“待审核”",
                r.id
            )]
        );
    }
}

#[cfg(test)]
mod coverage_tests {
    use super::*;
    use crate::ledger::records::tests::{input, person};
    use crate::ledger::{audit, db, evidence, import_memory, notice, plan, records, review};

    fn columns_of(conn: &Connection, table: &str) -> Vec<String> {
        conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Every column of the schema the migrations make is stated by a kind's query or declared in
    /// `NOT_IN_STATES`: a later migration's column cannot slip past verify unnoticed.
    #[test]
    fn every_column_is_stated_or_declared() {
        let tables: Vec<String> = db::expected_schema(db::SCHEMA_VERSION)
            .unwrap()
            .into_iter()
            .filter(|(t, name, _)| t == "table" && !name.starts_with("sqlite_"))
            .map(|(_, name, _)| name)
            .collect();
        let conn = db::open_in_memory().unwrap();
        let sql: String = KINDS.iter().map(|k| k.sql).collect::<Vec<_>>().join("\n");
        let mut missing = Vec::new();
        for table in &tables {
            let columns = columns_of(&conn, table);
            for column in columns {
                let declared = NOT_IN_STATES
                    .iter()
                    .any(|(t, c, _)| t == table && (*c == "*" || *c == column));
                // Named as a column of its table in some kind's query.
                let stated = [
                    format!("{column} AS "),
                    format!(".{column} AS "),
                    format!(".{column} ||"),
                    format!("{column} ||"),
                    format!("|| {column}"),
                    format!("|| e.{column}"),
                    format!("|| f.{column}"),
                    "(staff_id".to_string(),
                ]
                .iter()
                .any(|p| sql.contains(p.as_str()))
                    && sql.contains(&format!("FROM {table}"))
                    || sql.contains(&format!("JOIN {table}")) && sql.contains(&column);
                if !declared && !stated {
                    missing.push(format!("{table}.{column}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "neither stated nor declared: {missing:?}"
        );
    }

    /// A ledger with a row in every table the officer's work fills, holding against its trail.
    fn full_ledger(dir: &std::path::Path) -> Connection {
        let mut conn = db::open(&dir.join("台账.sqlite3")).unwrap();
        let a = person(&conn, 101);
        let b = person(&conn, 102);
        conn.execute(
            "UPDATE staff SET mobile = '13800000000' WHERE id = ?1",
            [a.id],
        )
        .unwrap();
        audit::rows_changed(&conn, audit::Action::Edit, "staff", a.id, a.id, "").unwrap();
        let r1 = records::add(&mut conn, &input(a.id, "training", "2025-03-01", Some(6))).unwrap();
        let r2 = records::add(&mut conn, &input(b.id, "training", "2025-04-01", Some(8))).unwrap();
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a certificate";
        evidence::attach(&mut conn, r1.id, "证书.png", png, "王敏").unwrap();
        review::approve(&mut conn, &[r1.id], "王敏").unwrap();
        {
            let tx = conn.transaction().unwrap();
            evidence::note_doubts(&tx, &[(r2.id, "科室/证书.pdf")], "证明材料.zip").unwrap();
            import_memory::remember(&tx, "value:类别", &[("学术会议".into(), "training".into())])
                .unwrap();
            tx.commit().unwrap();
        }
        notice::add(
            &mut conn,
            &notice::NoticeInput {
                date: "2025-05-01".into(),
                channel: "wechat".into(),
                content: "请按时完成学时".into(),
                recipients: vec![a.id, b.id],
                all_short_of: None,
            },
            "王敏",
        )
        .unwrap();
        plan::add(&mut conn, &plan::tests::sample(), "王敏").unwrap();
        let v = audit::verify(&conn).unwrap();
        assert!(v.holds(), "{v:?}");
        conn
    }

    /// Each stated column, changed by an insider with a SQLite tool, is named by verify.
    #[test]
    fn a_change_to_any_stated_column_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let conn = full_ledger(dir.path());
        let tables = [
            "record",
            "staff",
            "evidence_file",
            "record_evidence",
            "certificate_doubt",
            "notice",
            "notice_recipient",
            "plan",
            "import_memory",
            "year_policy",
        ];
        // As the sqlite3 shell opens a file: no foreign keys enforced.
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        let mut unnoticed = Vec::new();
        for table in tables {
            let columns = columns_of(&conn, table);
            for column in columns {
                if NOT_IN_STATES
                    .iter()
                    .any(|(t, c, _)| *t == table && *c == column)
                {
                    continue;
                }
                conn.execute_batch("SAVEPOINT probe").unwrap();
                let candidates = [
                    format!("CASE typeof({column}) WHEN 'integer' THEN {column} + 1 ELSE {column} || '改' END"),
                    "'改'".to_string(),
                    "'pending'".to_string(),
                    "'rejected'".to_string(),
                    "'filed'".to_string(),
                    "'2025-01-02'".to_string(),
                    "99".to_string(),
                    "1000".to_string(),
                ];
                let changed = candidates.iter().any(|value| {
                    conn.execute(
                        &format!("UPDATE {table} SET {column} = {value} WHERE rowid = (SELECT MIN(rowid) FROM {table}) AND {column} IS NOT ({value})"),
                        [],
                    )
                    .is_ok_and(|n| n == 1)
                });
                assert!(changed, "{table}.{column} could not be changed");
                let v = audit::verify(&conn).unwrap();
                if v.holds() {
                    unnoticed.push(format!("{table}.{column}"));
                }
                conn.execute_batch("ROLLBACK TO probe; RELEASE probe")
                    .unwrap();
            }
        }
        assert!(
            unnoticed.is_empty(),
            "changed without verify noticing: {unnoticed:?}"
        );
        assert!(audit::verify(&conn).unwrap().holds());
    }
}

//! The audit trail: append-only events, each hash-chained to the one before, so an edit or a
//! deletion made outside the program is detected by `verify`.

use crate::error::{Error, Result};
use crate::ledger::{anchor, db, key, trail};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first event links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub use crate::domain::codes::Action;

impl Action {
    /// The label of a stored action code; an unknown code (only an outside edit leaves one, and
    /// `verify` names it) still shows, as 其他.
    pub fn label_of(code: &str) -> &'static str {
        Action::parse(code).map_or("其他", Action::label)
    }
}

/// One event to append. `entity_id..=entity_id_to` names the records it concerns (an import names a range).
pub struct NewEvent<'a> {
    pub actor: &'a str,
    pub action: Action,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub entity_id_to: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: &'a str,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "AuditEvent")]
pub struct Event {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub action_label: &'static str,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub entity_id_to: Option<i64>,
    #[ts(type = "Record<string, unknown> | null")]
    pub before: Option<serde_json::Value>,
    #[ts(type = "Record<string, unknown> | null")]
    pub after: Option<serde_json::Value>,
    pub reason: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The canonical bytes an event's hash covers: every stored field and the previous hash.
#[allow(clippy::too_many_arguments)]
pub(crate) fn digest(
    prev: &str,
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    entity_id_to: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
    reason: &str,
    state: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    for part in [
        prev,
        &id.to_string(),
        at,
        actor,
        action,
        entity,
        &opt(entity_id),
        &opt(entity_id_to),
        before.unwrap_or(""),
        after.unwrap_or(""),
        reason,
    ] {
        // Length-prefixed so no two different events can share the same byte stream.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    // Events from before the trail carried states have none, and hash as they always did.
    if let Some(state) = state {
        h.update((state.len() as u64).to_le_bytes());
        h.update(state.as_bytes());
    }
    hex(&h.finalize())
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Appends events in the caller's transaction (which must hold the write lock, so the chain
/// cannot fork). Returns the last event id.
pub fn append(conn: &Connection, events: &[NewEvent<'_>]) -> Result<i64> {
    append_stated(conn, events, None)
}

/// `append`, with the state a baseline records given rather than read (migration 13's).
fn append_stated(
    conn: &Connection,
    events: &[NewEvent<'_>],
    given: Option<Option<String>>,
) -> Result<i64> {
    let (mut last_id, mut prev): (i64, String) = conn
        .query_row(
            "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let at = crate::ledger::db::now_local();
    // From the seal on every event is signed; a sealed ledger whose key is not here takes none.
    let key = key::installed(conn)?;
    if key.is_none() && key::ledger_id(conn)?.is_some() {
        return Err(Error::invalid(format!(
            "{}；本次操作没有做任何修改",
            key::missing_message(conn)?
        )));
    }
    let signer = key.as_ref().map(key::LedgerKey::signer);
    let mut stmt = conn.prepare_cached(if key.is_some() {
        "INSERT INTO audit_event (id, at, actor, action, entity, entity_id, entity_id_to, before, after, reason, prev_hash, hash, state, mac)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    } else {
        // Migration 5's baseline, written before the column exists.
        "INSERT INTO audit_event (id, at, actor, action, entity, entity_id, entity_id_to, before, after, reason, prev_hash, hash, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    })?;
    for e in events {
        if e.actor.trim().is_empty() {
            return Err(Error::invalid("操作人不能为空"));
        }
        last_id += 1;
        let before = e.before.as_ref().map(|v| v.to_string());
        let after = e.after.as_ref().map(|v| v.to_string());
        // The state of every audited row the event names, read after the change.
        let state = match (e.action, e.entity_id) {
            (Action::Baseline, _) if given.is_some() => given.clone().flatten(),
            (Action::Baseline, _) => trail::everything_text(conn)?,
            (_, Some(from)) => {
                trail::state_text(conn, e.entity, from, e.entity_id_to.unwrap_or(from))?
            }
            _ => None,
        };
        let hash = digest(
            &prev,
            last_id,
            &at,
            e.actor,
            e.action.code(),
            e.entity,
            e.entity_id,
            e.entity_id_to,
            before.as_deref(),
            after.as_deref(),
            e.reason,
            state.as_deref(),
        );
        let row = params![
            last_id,
            at,
            e.actor,
            e.action.code(),
            e.entity,
            e.entity_id,
            e.entity_id_to,
            before,
            after,
            e.reason,
            prev,
            hash,
            state
        ];
        match &signer {
            Some(signer) => {
                let mac = signer.mac(last_id, &hash);
                let mut signed = row.to_vec();
                signed.push(&mac);
                stmt.execute(signed.as_slice())?
            }
            None => stmt.execute(row)?,
        };
        prev = hash;
    }
    Ok(last_id)
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    let action: String = r.get(3)?;
    let json = |i: usize| -> rusqlite::Result<Option<serde_json::Value>> {
        Ok(r.get::<_, Option<String>>(i)?
            .and_then(|s| serde_json::from_str(&s).ok()))
    };
    Ok(Event {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action_label: Action::label_of(&action),
        action,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        entity_id_to: r.get(6)?,
        before: json(7)?,
        after: json(8)?,
        reason: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
    })
}

const SELECT: &str = "SELECT id, at, actor, action, entity, entity_id, entity_id_to, before, after, reason, prev_hash, hash FROM audit_event";

/// Every event, or those concerning one record (including the import that created it).
pub fn log(conn: &Connection, record: Option<i64>) -> Result<Vec<Event>> {
    let mut stmt;
    let rows = match record {
        Some(id) => {
            stmt = conn.prepare(&format!(
                "{SELECT} WHERE entity = 'record' AND entity_id <= ?1 AND COALESCE(entity_id_to, entity_id) >= ?1 ORDER BY id"
            ))?;
            stmt.query_map([id], from_row)?
        }
        None => {
            stmt = conn.prepare(&format!("{SELECT} ORDER BY id"))?;
            stmt.query_map([], from_row)?
        }
    };
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// One page of the events of one action, newest first, and how many there are in all;
/// `page_size` 0 means all of them.
pub fn log_of(
    conn: &Connection,
    action: Action,
    page: u32,
    page_size: u32,
) -> Result<(u64, Vec<Event>)> {
    let total: i64 = conn.query_row(
        "SELECT COUNT(*) FROM audit_event WHERE action = ?1",
        [action.code()],
        |r| r.get(0),
    )?;
    let (limit, values) = db::page_clause(page, page_size, 1);
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE action = ?1 ORDER BY id DESC{limit}"
    ))?;
    let code = action.code();
    let mut params: Vec<&dyn rusqlite::ToSql> = vec![&code];
    params.extend(values.iter().map(|v| v as &dyn rusqlite::ToSql));
    let events = stmt
        .query_map(params.as_slice(), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((total as u64, events))
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Verification {
    pub events: u64,
    /// The first event that does not hold, with why.
    pub broken: Option<(i64, String)>,
    /// Where the ledger's rows differ from what the trail says they are, by row and field.
    pub differences: Vec<String>,
    /// What else does not hold: a missing key or seal, an anchor the chain no longer passes through.
    pub problems: Vec<String>,
    /// Each anchor checked, and what was found.
    pub anchors: Vec<String>,
    /// Events whose MAC was checked against this ledger's key.
    pub signed: u64,
    /// Rows of the tables compared with what the trail says.
    pub rows: u64,
    /// Certificate files re-read and re-hashed, and source files re-hashed.
    pub evidence_files: u64,
    pub source_files: u64,
    /// Whether the key store's record of the latest head was there to compare with.
    pub head_checked: bool,
    /// What was checked and what no check can see, in the words the CLI and the window show
    /// when everything holds.
    pub summary: String,
}

impl Verification {
    pub fn holds(&self) -> bool {
        self.broken.is_none() && self.differences.is_empty() && self.problems.is_empty()
    }

    /// What this check did, claiming nothing it did not do, and what it cannot see.
    fn described(&self) -> String {
        let mut done = vec![format!(
            "审计链完整：共 {} 个事件，内容、哈希和前后链接均未被改动",
            self.events
        )];
        done.push(match self.signed {
            0 => "没有核对签名（审计链中没有签名事件，或本机没有本台账的密钥）".to_string(),
            n => format!("其中 {n} 个事件的签名已用本台账的密钥逐个核对"),
        });
        done.push(format!(
            "台账中 {} 行内容（人员、记录、通知、计划等每一列）与审计记录逐项一致，表结构与本程序建立的一致",
            self.rows
        ));
        done.push(format!(
            "证明材料文件 {} 个、导入来源文件 {} 个重新计算摘要，均与登记的一致",
            self.evidence_files, self.source_files
        ));
        done.push(format!("核对锚点和备份 {} 个，均一致", self.anchors.len()));
        if self.head_checked {
            done.push("与本机密钥库记录的最新状态一致（台账没有被换回旧副本）".to_string());
        }
        format!(
            "{}。\n核对不到的：同时拿到台账文件和本机密钥库（密钥）的人，可以改写历史并重新签名，本机的核对看不出来；对此请以交给检查人员的导出文件为准（其中带有审计锚点），用“ce-ledger audit verify --anchor 文件”核对。",
            done.join("；")
        )
    }
}

/// A text column borrowed without copying (verify reads a million rows).
/// The checks of one event, in the order they rank when two fail at the same event.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Check {
    Link,
    Hash,
    State,
}

/// The first problem a `verify` thread found: where in the chain, which check, which event, why.
struct Problem {
    position: u64,
    check: Check,
    id: i64,
    why: String,
}

impl Problem {
    fn at(position: u64, check: Check, id: i64, why: impl Into<String>) -> Self {
        Problem {
            position,
            check,
            id,
            why: why.into(),
        }
    }
}

/// Events copied out of SQLite for the hashing thread: their text in one buffer.
#[derive(Default)]
struct CopiedBatch {
    text: String,
    items: Vec<CopiedEvent>,
}

/// One event: its position in the chain, id, the ids it names, whether it must carry a MAC,
/// and where each text field lies in the batch's buffer (`None`: NULL).
struct CopiedEvent {
    position: u64,
    id: i64,
    entity_ids: (Option<i64>, Option<i64>),
    signed: bool,
    /// prev_hash, at, actor, action, entity, before, after, reason, state, hash, mac.
    parts: [Option<std::ops::Range<usize>>; 11],
}

impl CopiedBatch {
    const SIZE: usize = 2048;

    fn push(&mut self, position: u64, id: i64, signed: bool, r: &rusqlite::Row<'_>) -> Result<()> {
        let mut parts: [Option<std::ops::Range<usize>>; 11] = Default::default();
        for (slot, column) in parts.iter_mut().zip([10, 1, 2, 3, 4, 7, 8, 9, 12, 11, 13]) {
            if let Some(value) = r.get_ref(column)?.as_str_or_null().ok().flatten() {
                let start = self.text.len();
                self.text.push_str(value);
                *slot = Some(start..self.text.len());
            }
        }
        self.items.push(CopiedEvent {
            position,
            id,
            entity_ids: (r.get(5)?, r.get(6)?),
            signed,
            parts,
        });
        Ok(())
    }
}

/// The hashing thread of `verify`: each event's hash must be its own content's, and from the
/// seal on its MAC must be the key's. Returns the first event that is neither.
fn check_hashes(
    batches: std::sync::mpsc::Receiver<CopiedBatch>,
    signer: Option<&key::Signer>,
) -> Option<Problem> {
    for batch in batches {
        for e in &batch.items {
            let part = |i: usize| e.parts[i].clone().map(|range| &batch.text[range]);
            let actual = digest(
                part(0).unwrap_or_default(),
                e.id,
                part(1).unwrap_or_default(),
                part(2).unwrap_or_default(),
                part(3).unwrap_or_default(),
                part(4).unwrap_or_default(),
                e.entity_ids.0,
                e.entity_ids.1,
                part(5),
                part(6),
                part(7).unwrap_or_default(),
                part(8),
            );
            let stored = part(9).unwrap_or_default();
            if actual != stored {
                let why = "内容与其哈希不符（该事件在程序之外被修改）";
                return Some(Problem::at(e.position, Check::Hash, e.id, why));
            }
            if let (true, Some(signer)) = (e.signed, signer) {
                if part(10) != Some(signer.mac(e.id, stored).as_str()) {
                    let why =
                        "签名与本台账的密钥不符（该事件不是本程序写入的：审计链在程序之外被重建）";
                    return Some(Problem::at(e.position, Check::Hash, e.id, why));
                }
            }
        }
    }
    None
}

fn text<'a>(r: &'a rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'a str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Walks the chain from the first event — ids consecutive, each linking to the previous hash,
/// each hash matching its content — replaying the states the events carry, then compares that
/// replay with the ledger's rows.
pub fn verify(conn: &Connection) -> Result<Verification> {
    verify_with(conn, Vec::new())
}

/// `verify`, also checking the chain against anchors from outside (an export an inspector holds).
pub fn verify_with(
    conn: &Connection,
    outside: Vec<(String, anchor::Anchor)>,
) -> Result<Verification> {
    verify_reporting(conn, outside, &crate::progress::no_progress)
}

/// Events between two progress reports of `verify_reporting`.
const VERIFY_REPORT_EVERY: u64 = 16_384;

/// `verify_with`, reporting how far it got through the chain (0–90 %) and the comparison with the
/// tables (90–100 %); a report that returns an error (a cancel) stops it.
pub fn verify_reporting(
    conn: &Connection,
    outside: Vec<(String, anchor::Anchor)>,
    progress: crate::progress::Progress<'_>,
) -> Result<Verification> {
    let total: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM audit_event", [], |r| {
        r.get(0)
    })?;
    progress(0, "核对审计链")?;
    let pages = crate::ledger::lock::damaged_pages_beside(conn)?;
    let key = key::installed(conn)?;
    let mut stmt = conn.prepare("SELECT id, at, actor, action, entity, entity_id, entity_id_to, before, after, reason, prev_hash, hash, state, mac FROM audit_event ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_id = 1i64;
    let mut count = 0u64;
    let mut sealed = false;
    let mut signed = 0u64;
    let mut replay = trail::Replay::default();
    let fields = trail::Fields::of(conn)?;
    let signer = key.as_ref().map(key::LedgerKey::signer);
    // This thread reads the events, checks their order and links and replays their states; a
    // second one hashes and signs them (the two halves of the work, on the machine's two cores).
    // The first problem by position is the one reported, whichever thread found it.
    let (to_hasher, batches) = std::sync::mpsc::sync_channel::<CopiedBatch>(4);
    let (found_here, found_there) = std::thread::scope(|scope| -> Result<_> {
        let hasher = scope.spawn(move || check_hashes(batches, signer.as_ref()));
        let mut batch = CopiedBatch::default();
        let mut found: Option<Problem> = None;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if id != expected_id {
                let why = format!("事件编号不连续：应为{expected_id}，实为{id}（有事件被删除）");
                found = Some(Problem::at(count, Check::Link, id, why));
                break;
            }
            let prev_hash = text(r, 10)?;
            if prev_hash != prev {
                let why = "与前一事件的链接不符（前一事件被改动或删除）";
                found = Some(Problem::at(count, Check::Link, id, why));
                break;
            }
            let state: Option<&str> = r.get_ref(12)?.as_str_or_null().ok().flatten();
            sealed |= text(r, 3)? == Action::Seal.code();
            signed += u64::from(sealed && key.is_some());
            batch.push(count, id, sealed, r)?;
            if let Some(state) = state {
                if let Err(why) = replay.apply(state, &fields) {
                    found = Some(Problem::at(count, Check::State, id, why));
                    break;
                }
            }
            // The stored hash: the hashing thread checks it is the event's own.
            prev.clear();
            prev.push_str(text(r, 11)?);
            expected_id += 1;
            count += 1;
            if count.is_multiple_of(VERIFY_REPORT_EVERY) {
                let done = (90 * count / total.max(1) as u64).min(90) as u32;
                progress(done, "核对审计链")?;
            }
            if batch.items.len() == CopiedBatch::SIZE
                && to_hasher.send(std::mem::take(&mut batch)).is_err()
            {
                break; // the hashing thread has found a problem and stopped
            }
        }
        let _ = to_hasher.send(batch);
        drop(to_hasher);
        let there = hasher
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok((found, there))
    })?;
    drop(rows);
    let first = [found_here, found_there]
        .into_iter()
        .flatten()
        .min_by_key(|p| (p.position, p.check));
    if let Some(Problem {
        position, id, why, ..
    }) = first
    {
        return Ok(Verification {
            events: position,
            broken: Some((id, why)),
            differences: Vec::new(),
            problems: Vec::new(),
            anchors: Vec::new(),
            signed: 0,
            rows: 0,
            evidence_files: 0,
            source_files: 0,
            head_checked: false,
            summary: String::new(),
        });
    }
    let mut problems = Vec::new();
    if !sealed && key::ledger_id(conn)?.is_some() {
        problems.push("审计链中没有“启用密钥签名”事件：审计链在程序之外被重建".to_string());
    } else if sealed && key.is_none() {
        problems.push(format!(
            "{}；在此之前无法确认审计链未被重建",
            key::missing_message(conn)?
        ));
    }
    progress(90, "核对锚点和台账内容")?;
    if let Err(e) = crate::ledger::db::check_schema(conn) {
        problems.push(e.to_string());
    }

    let head_checked = check_head(conn, count, &mut problems)?;
    let anchors = check_anchors(conn, outside, &mut problems)?;
    let now = trail::everything(conn)?;
    let rows = now.len() as u64;
    let differences = replay.differences(now, &fields);
    progress(95, "核对证明材料和来源文件")?;
    let (evidence_files, missing) = crate::ledger::evidence::check_stored(conn)?;
    problems.extend(missing);
    let source_files = check_sources(conn, &mut problems)?;
    if let Some(pages) = pages {
        problems.extend(
            pages
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))?,
        );
    }
    progress(100, "完成")?;
    let mut v = Verification {
        events: count,
        broken: None,
        differences,
        problems,
        anchors,
        signed,
        rows,
        evidence_files,
        source_files,
        head_checked,
        summary: String::new(),
    };
    v.summary = v.described();
    Ok(v)
}

/// The city platform's files kept with the records they brought: each still hashes to the digest
/// the records' states name. Returns how many were checked.
fn check_sources(conn: &Connection, problems: &mut Vec<String>) -> Result<u64> {
    let mut stmt = conn.prepare("SELECT sha256, name, bytes FROM import_source ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        n += 1;
        let sha: String = r.get(0)?;
        let bytes = r
            .get_ref(2)?
            .as_bytes_or_null()
            .ok()
            .flatten()
            .unwrap_or_default();
        if hex(&sha2::Sha256::digest(bytes)) != sha {
            let name: String = r.get(1)?;
            problems.push(format!(
                "导入来源文件“{}”的内容与登记的摘要不符（在程序之外被改动）",
                crate::domain::idcard::mask_all(&name)
            ));
        }
    }
    Ok(n)
}

/// Compares the ledger with the head the key store last recorded for it: a ledger put back to an
/// older copy, or rewritten, is found whether or not its anchor file went with it. And an anchor
/// file the ledger had written, now gone, is a fault. Returns whether there was a record to
/// compare with.
fn check_head(conn: &Connection, events: u64, problems: &mut Vec<String>) -> Result<bool> {
    let Some(id) = key::ledger_id(conn)? else {
        return Ok(false);
    };
    let Some(path) = anchor::ledger_path(conn) else {
        return Ok(false);
    };
    // The note speaks of the ledger at its place; a copy elsewhere (a backup being restored) is
    // checked by its own chain and MACs.
    let Some(note) =
        crate::ledger::lock::note(&id)?.filter(|n| n.path == crate::platform::place_of(&path))
    else {
        return Ok(false);
    };
    if note.events > 0 {
        let hash: Option<String> = conn
            .query_row(
                "SELECT hash FROM audit_event WHERE id = ?1",
                [note.events],
                |r| r.get(0),
            )
            .optional()?;
        match hash {
            None => problems.push(format!(
                "本机密钥库记录本台账已有{}个事件，台账中只有{events}个：台账被换回了较早的副本（或尾部被删除）",
                note.events
            )),
            Some(h) if h != note.hash => problems.push(format!(
                "第{}个事件与本机密钥库记录的不同：台账被换成了另一份历史",
                note.events
            )),
            Some(_) => {}
        }
    }
    // Every commit writes the anchor beside the ledger: without it, on any platform, the check
    // against a rolled-back copy is weaker, and that is said.
    let beside = anchor::file_beside(&path);
    if !beside.is_file() {
        let name = crate::files::display_name(&beside.to_string_lossy());
        problems.push(match note.anchor_file {
            true => format!("锚点文件 {name} 不见了：本台账曾写出它，可能被删除，或与台账一起被换回"),
            false => format!("锚点文件 {name} 不存在：本程序每次写入后都应在台账旁写出它（可能被删除，或该文件夹不能写入）"),
        });
    }
    Ok(true)
}

/// Checks the chain against every anchor found beside the ledger, in its backups and given from
/// outside. An anchor from before the ledger was last restored from a backup may belong to the
/// history the restore replaced: a mismatch there is reported as such, not as tampering.
fn check_anchors(
    conn: &Connection,
    outside: Vec<(String, anchor::Anchor)>,
    problems: &mut Vec<String>,
) -> Result<Vec<String>> {
    let last_restore: Option<String> = conn.query_row(
        "SELECT MAX(at) FROM audit_event WHERE action = ?1",
        [Action::Restore.code()],
        |r| r.get(0),
    )?;
    let mut checked = Vec::new();
    let found = anchor::found(conn)
        .into_iter()
        .filter_map(|(source, read)| match read {
            Ok(a) => Some((source, a)),
            // Beside this ledger, a file it cannot read as its own is a fault, not a shrug.
            Err(e) => {
                problems.push(format!("{source}：{e}"));
                None
            }
        });
    let all: Vec<_> = outside.into_iter().chain(found).collect();
    for (source, a) in all {
        if let Some(why) = anchor::foreign(conn, &a)? {
            problems.push(format!("{source}：{why}"));
            continue;
        }
        match anchor::check(conn, &a)? {
            None => checked.push(format!("{source}：第{}个事件（{}），一致", a.events, a.at)),
            Some(why) if last_restore.as_deref().is_some_and(|r| a.at.as_str() <= r) => checked
                .push(format!(
                    "{source}：{why}（该锚点早于最近一次从备份恢复，属于被恢复操作替换的记录）"
                )),
            Some(why) => problems.push(format!("{source}：{why}")),
        }
    }
    Ok(checked)
}

/// The first event of a ledger's trail that carries states: everything the ledger holds at that
/// moment (a new ledger, or one written before states were recorded). Run by migration 5.
pub fn baseline(conn: &Connection) -> Result<()> {
    restate(conn, "此后每次改动都记录改动后的内容，校验时逐项核对", None)
}

/// Migration 13: the trail's states widen to every column of every table (titles, mobiles,
/// notices, evidence metadata…); a baseline restates every row in the wider form, so what the
/// ledger holds now is what later checks start from.
pub fn widen(conn: &Connection) -> Result<()> {
    let state = trail::widened_text(conn)?;
    restate(
        conn,
        "审计范围扩大到每张表的每一列（记录的年度、名称、说明，人员的职称和手机号，通知及其对象，证明材料的文件信息等）：新增的各列以此时台账的内容为基线，原有各列仍以审计记录为准",
        Some(state),
    )
}

/// A baseline event by the program itself: every row's state as read now, or as `given`.
fn restate(conn: &Connection, reason: &str, given: Option<Option<String>>) -> Result<()> {
    append_stated(
        conn,
        &[NewEvent {
            actor: "学时台账程序",
            action: Action::Baseline,
            entity: "ledger",
            entity_id: None,
            entity_id_to: None,
            before: None,
            after: None,
            reason,
        }],
        given,
    )?;
    Ok(())
}

/// The event of a write to audited rows `from..=to` of `entity`, by the officer in the unit
/// profile; the rows' new state goes with it.
pub fn rows_changed(
    conn: &Connection,
    action: Action,
    entity: &str,
    from: i64,
    to: i64,
    reason: &str,
) -> Result<()> {
    let actor = default_actor(conn)?;
    append(
        conn,
        &[NewEvent {
            actor: &actor,
            action,
            entity,
            entity_id: Some(from),
            entity_id_to: (to != from).then_some(to),
            before: None,
            after: None,
            reason,
        }],
    )?;
    Ok(())
}

/// Who acts when no reviewer is named: the officer in the unit profile.
pub fn default_actor(conn: &Connection) -> Result<String> {
    let officer = crate::ledger::unit::get(conn)?.officer;
    Ok(if officer.trim().is_empty() {
        "继续教育专管员".to_string()
    } else {
        officer
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: Action, id: i64) -> NewEvent<'static> {
        NewEvent {
            actor: "王敏",
            action,
            entity: "record",
            entity_id: Some(id),
            entity_id_to: None,
            before: None,
            after: Some(serde_json::json!({"status": "approved"})),
            reason: "",
        }
    }

    #[test]
    fn chain_verifies_and_catches_edits_and_deletions() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        append(
            &conn,
            &[
                event(Action::Create, 1),
                event(Action::Approve, 1),
                event(Action::Create, 2),
            ],
        )
        .unwrap();
        let v = verify(&conn).unwrap();
        assert_eq!(
            (v.events, v.broken.clone()),
            (crate::ledger::db::EVENTS_OF_A_NEW_LEDGER + 3, None),
            "the ledger's own events, then ours"
        );
        assert!(v.holds(), "{v:?}");

        // The program refuses to change history…
        assert!(conn
            .execute("UPDATE audit_event SET actor = 'x' WHERE id = 2", [])
            .is_err());
        // …and someone with the file and a SQLite shell is caught.
        conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
            .unwrap();
        conn.execute("UPDATE audit_event SET reason = '补材料' WHERE id = 2", [])
            .unwrap();
        let v = verify(&conn).unwrap();
        assert_eq!(v.broken.as_ref().map(|b| b.0), Some(2), "{v:?}");
        assert!(v.broken.unwrap().1.contains("程序之外被修改"));
    }

    #[test]
    fn deleting_an_event_breaks_the_chain_at_the_gap() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        append(
            &conn,
            &[
                event(Action::Create, 1),
                event(Action::Create, 2),
                event(Action::Create, 3),
            ],
        )
        .unwrap();
        conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit_event WHERE id = 2;")
            .unwrap();
        let v = verify(&conn).unwrap();
        assert_eq!(v.broken.as_ref().map(|b| b.0), Some(3));
        assert!(v.broken.unwrap().1.contains("不连续"));
    }

    #[test]
    fn record_history_includes_the_import_range() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        let import = NewEvent {
            entity_id: Some(10),
            entity_id_to: Some(20),
            action: Action::Import,
            ..event(Action::Import, 10)
        };
        append(
            &conn,
            &[
                import,
                event(Action::Approve, 15),
                event(Action::Approve, 30),
            ],
        )
        .unwrap();
        let h = log(&conn, Some(15)).unwrap();
        assert_eq!(
            h.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            vec!["import", "approve"]
        );
        assert_eq!(h[1].action_label, "审核通过");
        assert!(h[0].at.len() == 19, "local time to the second: {}", h[0].at);
    }

    /// Issue 14 item 2: a long check reports its way through the chain and stops when cancelled.
    #[test]
    fn verify_reports_progress_and_stops_when_cancelled() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        let many: Vec<NewEvent<'_>> = (0..40_000).map(|i| event(Action::Create, i)).collect();
        append(&conn, &many).unwrap();
        let seen = std::sync::Mutex::new(Vec::new());
        let report = |percent: u32, stage: &str| -> Result<()> {
            seen.lock().unwrap().push((percent, stage.to_string()));
            Ok(())
        };
        let v = verify_reporting(&conn, Vec::new(), &report).unwrap();
        assert!(v.holds(), "{v:?}");
        let seen = seen.into_inner().unwrap();
        let percents: Vec<u32> = seen.iter().map(|(p, _)| *p).collect();
        assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
        assert_eq!((percents.first(), percents.last()), (Some(&0), Some(&100)));
        assert!(percents.iter().any(|p| (1..90).contains(p)), "{percents:?}");

        let cancel_midway = crate::progress::cancel_from(1);
        assert!(matches!(
            verify_reporting(&conn, Vec::new(), &cancel_midway),
            Err(Error::Cancelled)
        ));
    }
}

//! The ledger locked and sealed. The file is a SQLCipher database: every page encrypted and
//! MAC-checked under a key derived from the ledger's audit key, which lives outside the file (the
//! keyring, or an owner-only key file). Beside each key the key store keeps a note of the ledger:
//! where it was last opened and its latest head. So a file at a ledger's place that is plain,
//! another ledger, empty, or an older copy is refused or found, not adopted.

use crate::error::{Error, Result};
use crate::ledger::key::{self, LedgerKey};
use crate::platform;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the key store remembers of one ledger besides its key.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Note {
    /// Where it was last opened (`platform::place_of`).
    pub path: String,
    /// Its latest head as this machine last committed it: event count and hash.
    pub events: i64,
    pub hash: String,
    /// Whether an anchor file was ever written beside it: from then on a missing one is a fault.
    pub anchor_file: bool,
    /// Whether the officer has confirmed keeping the recovery code.
    pub recovery_kept: bool,
}

pub fn note(id: &str) -> Result<Option<Note>> {
    let text = platform::read_note(id).map_err(store_error)?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

fn save_note(id: &str, note: &Note) -> Result<()> {
    let text = serde_json::to_string(note).expect("a note serialises");
    platform::write_note(id, &text).map_err(store_error)
}

fn update_note(id: &str, change: impl FnOnce(&mut Note)) -> Result<()> {
    let mut n = note(id)?.unwrap_or_default();
    change(&mut n);
    save_note(id, &n)
}

fn store_error(e: std::io::Error) -> Error {
    Error::invalid(format!("无法读写本机密钥库：{e}"))
}

/// The ledger the key store last opened at `path`, with its note.
fn expected_at(path: &Path) -> Result<Option<(String, Note)>> {
    let place = platform::place_of(path);
    for id in platform::noted_ids() {
        if let Some(n) = note(&id)? {
            if n.path == place {
                return Ok(Some((id, n)));
            }
        }
    }
    Ok(None)
}

/// The key of ledger `id`, if this machine has it.
pub fn key_of(id: &str) -> Result<Option<LedgerKey>> {
    Ok(platform::read_secret(id)
        .map_err(store_error)?
        .and_then(|(hex, _)| LedgerKey::from_hex(&hex)))
}

/// Opens `path` with `key` (None: a plain file), proving the key by reading the schema.
pub fn connect(path: &Path, key: Option<&LedgerKey>) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(crate::error::BUSY_TIMEOUT)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn)
}

/// The cipher settings of every ledger file, set as the process's defaults: before any key, and
/// before any `ATTACH … KEY` (which takes the defaults, not the main file's settings).
pub(crate) fn cipher_defaults(conn: &Connection) -> Result<()> {
    // Pages are MAC-checked with HMAC-SHA-256, not SQLCipher's default SHA-512: the CPUs officers
    // use (x86 with SHA extensions, ARMv8 crypto) hash it in hardware, and every page read pays
    // it. Pages are 16 KiB, not 4: a quarter of the per-page work, and a large state's overflow
    // chain a quarter as long (the dashboard's first paint: 18 % → 5 % over a plain ledger).
    // Set as the process defaults before the key, so ATTACH … KEY (the conversion's copy, a
    // backup being restored) uses them too. Every ledger file is written and read this way.
    conn.pragma_update(None, "cipher_default_hmac_algorithm", "HMAC_SHA256")?;
    conn.pragma_update(None, "cipher_default_page_size", 16384)?;
    Ok(())
}

/// Keys a connection. SQLCipher's own log (stderr, on by default once a key is first used) is
/// turned off: the program says in Chinese what failed, and a log line may name a page of a
/// ledger someone is probing.
pub(crate) fn apply_key(conn: &Connection, key: &LedgerKey) -> Result<()> {
    cipher_defaults(conn)?;
    conn.pragma_update(None, "key", key.page_key())?;
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    Ok(())
}

/// Opens a file read-only with `key`, unable to run what it contains: a backup, a copy.
pub fn connect_untrusted(path: &Path, key: Option<&LedgerKey>) -> Result<Connection> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
    }
    crate::ledger::db::harden(&conn)?;
    conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn)
}

/// Whether `path` starts as a plain SQLite file does.
pub fn is_plain(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|_| &magic == b"SQLite format 3\0")
}

/// What opening found at a path.
pub enum Unlocked {
    /// A new ledger: its id and key chosen, kept, and the file keyed.
    New(Connection),
    /// A ledger of this machine's key store, opened with its key.
    Encrypted(Connection),
    /// A plain ledger from before encryption (issue 26), at a place no sealed ledger had: it is
    /// converted once it is migrated and its key is in hand.
    Plain(Connection),
}

fn refused(path: &Path, why: String) -> Error {
    Error::Refused(format!(
        "{}：{why}。为安全起见未打开，也未做任何修改",
        path.display()
    ))
}

const ADOPT_HINT: &str =
    "如确认要改用这个文件，请运行“ce-ledger key adopt”（原文件会保留，并记入审计）";

/// Finds the ledger at `path` and opens it with its key; refuses what is not the ledger the key
/// store expects there.
pub fn unlock(path: &Path) -> Result<Unlocked> {
    let expected = expected_at(path)?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size == 0 {
        if let Some((id, _)) = &expected {
            return Err(refused(
                path,
                format!("此处的加密台账（编号 {id}）不见了或被清空；{ADOPT_HINT}"),
            ));
        }
        return create(path).map(Unlocked::New);
    }
    if is_plain(path) {
        if let Some((id, _)) = &expected {
            return Err(refused(
                path,
                format!("此处应是加密的台账（编号 {id}），现在却是未加密的文件，疑似被替换；{ADOPT_HINT}"),
            ));
        }
        return Ok(Unlocked::Plain(connect(path, None)?));
    }
    // The id noted at this place first, then every other the store knows, each tried once.
    let noted_here = expected.as_ref().map(|(id, _)| id.clone());
    let mut candidates: Vec<String> = noted_here.iter().cloned().collect();
    candidates.extend(
        platform::noted_ids()
            .into_iter()
            .filter(|id| Some(id) != noted_here.as_ref()),
    );
    for id in candidates {
        let Some(key) = key_of(&id)? else { continue };
        let conn = match connect(path, Some(&key)) {
            Ok(conn) => conn,
            // Another program writing is not a wrong key (found under Wine, where a reader
            // waited on a writer's lock and was then told the key was missing).
            Err(busy @ Error::Busy { .. }) => return Err(busy),
            Err(_) => continue,
        };
        let inner = key::ledger_id(&conn)?;
        if inner.as_deref() != Some(id.as_str()) {
            return Err(refused(path, "文件中的台账编号与其密钥不符".into()));
        }
        if let Some((expected_id, _)) = &expected {
            if *expected_id != id {
                return Err(refused(
                    path,
                    format!("此处应是台账（编号 {expected_id}），现在却是另一本台账（编号 {id}），疑似被替换；{ADOPT_HINT}"),
                ));
            }
        }
        key::install(&conn, &key)?;
        return Ok(Unlocked::Encrypted(conn));
    }
    Err(Error::Locked(format!(
        "无法打开台账 {}：文件已加密，本机没有它的密钥（或文件已损坏）。如有恢复码，请运行“ce-ledger key recover”或在桌面程序中输入恢复码。未做任何修改",
        path.display()
    )))
}

/// A new ledger at `path`: its id and key chosen and kept before the first page is written, so
/// the file is encrypted from its first byte. Migration 6 seals with them.
fn create(path: &Path) -> Result<Connection> {
    let id = key::new_ledger_id()?;
    let key = LedgerKey::random()?;
    platform::store_secret(&id, &key.to_hex()).map_err(store_error)?;
    let conn = open_anew(&id, path, &key)?;
    key::reserve_id(&conn, &id)?;
    Ok(conn)
}

/// Ledger `id` starts a fresh note at `path` (no head yet), and opens there with `key`.
fn open_anew(id: &str, path: &Path, key: &LedgerKey) -> Result<Connection> {
    save_note(
        id,
        &Note {
            path: platform::place_of(path),
            ..Default::default()
        },
    )?;
    let conn = connect(path, Some(key))?;
    key::install(&conn, key)?;
    Ok(conn)
}

/// After opening: this ledger is the one at `path` from now on.
pub fn remember_place(conn: &Connection, path: &Path) -> Result<()> {
    let Some(id) = key::ledger_id(conn)? else {
        return Ok(());
    };
    if key::installed(conn)?.is_none() || !is_encrypted(conn)? {
        return Ok(());
    }
    let place = platform::place_of(path);
    if note(&id)?.is_some_and(|n| n.path == place) {
        return Ok(());
    }
    // Opened at a new place (moved, or copied): the note follows it, from its head as it is now.
    let head = crate::ledger::anchor::head(conn)?;
    let anchor_file = crate::ledger::anchor::file_beside(path).exists();
    update_note(&id, |n| {
        n.path = place;
        n.events = head.as_ref().map_or(0, |h| h.events);
        n.hash = head.map(|h| h.hash).unwrap_or_default();
        n.anchor_file = anchor_file;
    })
}

/// Whether the open ledger is encrypted (its file does not start as plain SQLite does).
pub fn is_encrypted(conn: &Connection) -> Result<bool> {
    Ok(crate::ledger::anchor::ledger_path(conn).is_some_and(|p| !is_plain(&p)))
}

/// After each commit: the head this machine last wrote, and whether an anchor file went with it.
pub fn record_head(
    id: &str,
    ledger: &Path,
    events: i64,
    hash: &str,
    anchor_written: bool,
) -> Result<()> {
    // Only for the ledger at its noted place: a plain ledger from before is noted once
    // converted, and a copy elsewhere speaks for itself.
    let Some(mut n) = note(id)?.filter(|n| n.path == platform::place_of(ledger)) else {
        return Ok(());
    };
    n.events = events;
    n.hash = hash.to_string();
    n.anchor_file |= anchor_written;
    save_note(id, &n)
}

/// A plain ledger from before encryption, migrated and with its key in hand, becomes encrypted:
/// an encrypted copy is made beside it, the plain file is kept in `backups/` as the pre-upgrade
/// copy, and the copy takes the ledger's place, with an audit event saying so.
pub fn encrypt(conn: Connection, path: &Path) -> Result<Connection> {
    let Some(key) = key::installed(&conn)? else {
        return Ok(conn); // without its key a plain ledger stays as it is, read-only
    };
    let id = key::ledger_id(&conn)?.ok_or_else(|| Error::invalid("台账尚无编号"))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let staged = sibling(path, ".encrypting");
    let _ = std::fs::remove_file(&staged);
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    cipher_defaults(&conn)?;
    conn.execute(
        "ATTACH DATABASE ?1 AS encrypted KEY ?2",
        [staged.to_string_lossy().as_ref(), key.page_key().as_str()],
    )?;
    conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    conn.execute_batch(&format!(
        "PRAGMA encrypted.user_version = {version}; DETACH DATABASE encrypted;"
    ))?;
    conn.pragma_update(None, "journal_mode", "delete")?;
    drop(conn);
    let kept = keep_copy(path, "before-encryption", "sqlite3")?;
    let io = |e: std::io::Error| Error::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    platform::restrict_to_owner(&staged, false).map_err(io)?;
    std::fs::rename(&staged, path).map_err(io)?;
    let mut conn = open_anew(&id, path, &key)?;
    crate::ledger::db::configure(&conn)?;
    crate::ledger::evidence::seal_stored_files(&conn, &key)?;
    let tx = crate::ledger::db::write_tx(&mut conn)?;
    crate::ledger::audit::append(
        &tx,
        &[crate::ledger::audit::NewEvent {
            actor: "学时台账程序",
            action: crate::domain::codes::Action::Encrypt,
            entity: "ledger",
            entity_id: None,
            entity_id_to: None,
            before: None,
            after: Some(
                serde_json::json!({ "plain_copy": kept.file_name().map(|n| n.to_string_lossy().into_owned()) }),
            ),
            reason: "台账文件、其日志、备份和证明材料从此加密保存；加密前的文件保留在备份文件夹中",
        }],
    )?;
    crate::ledger::anchor::commit(tx)?;
    Ok(conn)
}

/// A dated, read-only copy of the file at `path` in the backups folder beside it:
/// `<prefix>-<time>.<extension>`.
fn keep_copy(path: &Path, prefix: &str, extension: &str) -> Result<PathBuf> {
    let copy = crate::ledger::db::backups_dir(path).join(format!(
        "{prefix}-{}.{extension}",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    ));
    let io = |e: std::io::Error| Error::Write {
        path: copy.display().to_string(),
        reason: e.to_string(),
    };
    platform::create_private_dir(copy.parent().expect("backups folder")).map_err(io)?;
    std::fs::copy(path, &copy).map_err(io)?;
    platform::restrict_to_owner(&copy, true).map_err(io)?;
    Ok(copy)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The officer chooses, deliberately, to use the file now at `path` although it is not the
/// ledger the key store expected there (a plain copy, another ledger, nothing). The key store
/// forgets that place; the file then opens as any unknown file would (a plain one is converted,
/// a missing one starts a new ledger). A copy of what was there is kept, and the opened ledger's
/// trail records the adoption.
pub fn adopt(path: &Path, by: &str) -> Result<Connection> {
    let expected = expected_at(path)?;
    let mut kept = None;
    if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        // Not `.sqlite3`: verify reads those as this ledger's backups, and this file is not one.
        let copy = keep_copy(path, "adopted", "kept")?;
        kept = copy.file_name().map(|n| n.to_string_lossy().into_owned());
    }
    if let Some((id, _)) = &expected {
        update_note(id, |n| n.path.clear())?;
    }
    let mut conn = crate::ledger::db::open(path)?;
    let tx = crate::ledger::db::write_tx(&mut conn)?;
    crate::ledger::audit::append(
        &tx,
        &[crate::ledger::audit::NewEvent {
            actor: by,
            action: crate::domain::codes::Action::Adopt,
            entity: "ledger",
            entity_id: None,
            entity_id_to: None,
            before: expected.map(|(id, _)| serde_json::json!({ "expected_ledger": id })),
            after: Some(serde_json::json!({ "copy_kept": kept })),
            reason: "专管员确认改用此处的台账文件",
        }],
    )?;
    crate::ledger::anchor::commit(tx)?;
    Ok(conn)
}

/// On a computer without the key: the recovery code opens the ledger at `path`, and its key is
/// kept here from then on. Returns the ledger's id.
pub fn recover(path: &Path, code: &str) -> Result<String> {
    let key = LedgerKey::from_recovery_code(code)
        .ok_or_else(|| Error::invalid("恢复码无效：请逐字核对（共55个字符，每5个一组）"))?;
    take_key(path, key)
}

/// `audit key --import` for a ledger that cannot open without it: the exported key file opens
/// the ledger at `path` as the recovery code does. A plain ledger from before encryption takes
/// it as it always has.
pub fn import_key_file(path: &Path, file: &Path) -> Result<String> {
    if is_plain(path) {
        let conn = crate::ledger::db::open(path)?;
        let place = key::import(&conn, file)?;
        drop(conn);
        crate::ledger::db::open(path)?; // now converted, with the key in hand
        return Ok(place.to_string());
    }
    let (id, key) = key::read_export(file)?;
    let opened = take_key(path, key)?;
    if opened != id {
        return Err(Error::invalid(format!(
            "该密钥文件属于另一本台账（编号 {id}），本台账编号为 {opened}"
        )));
    }
    Ok(format!("本机密钥库（台账编号 {id}）"))
}

/// Keeps `key` on this machine for the ledger at `path`, once it has opened it.
fn take_key(path: &Path, key: LedgerKey) -> Result<String> {
    if !std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
        return Err(Error::NotFound(format!("台账文件 {}", path.display())));
    }
    let conn = connect(path, Some(&key)).map_err(|_| {
        Error::invalid(
            "这个恢复码（密钥）打不开该台账：它属于另一本台账，或文件已损坏。未做任何修改",
        )
    })?;
    let id = key::ledger_id(&conn)?.ok_or_else(|| Error::invalid("台账尚无编号"))?;
    drop(conn);
    match key_of(&id)? {
        Some(kept) if kept == key => {}
        Some(_) => {
            return Err(Error::invalid(
                "本机已为该台账保存了另一把密钥；未做任何修改",
            ))
        }
        None => {
            platform::store_secret(&id, &key.to_hex()).map_err(store_error)?;
        }
    }
    let expected = expected_at(path)?;
    if let Some((other, _)) = expected.filter(|(other, _)| *other != id) {
        return Err(refused(
            path,
            format!("此处应是台账（编号 {other}）；{ADOPT_HINT}"),
        ));
    }
    update_note(&id, |n| {
        n.path = platform::place_of(path);
        n.recovery_kept = true;
    })?;
    Ok(id)
}

/// The officer has filed the recovery code: the window stops asking.
pub fn recovery_kept(conn: &Connection) -> Result<()> {
    let id = key::ledger_id(conn)?.ok_or_else(|| Error::invalid("台账尚无编号"))?;
    update_note(&id, |n| n.recovery_kept = true)
}

/// The recovery code of the open ledger, and whether the officer has confirmed keeping it.
pub fn recovery(conn: &Connection) -> Result<(String, bool)> {
    let id = key::ledger_id(conn)?.ok_or_else(|| Error::invalid("台账尚无编号"))?;
    let key = key::installed(conn)?
        .ok_or_else(|| Error::invalid(key::missing_message(conn).unwrap_or_default()))?;
    let kept = note(&id)?.is_some_and(|n| n.recovery_kept);
    Ok((key.recovery_code(), kept))
}

/// The first schema an encrypted ledger can have: encryption came with issue 26, after
/// migration 13.
pub const ENCRYPTED_FROM_SCHEMA: i64 = 13;

/// An encrypted ledger is sealed for life: one that now looks older, has no identity, or no seal
/// event was rebuilt by someone holding its key, and is refused.
pub fn check_sealed(conn: &Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let unsealed = |why: &str| {
        Err(Error::Refused(format!(
            "这本加密台账看起来未加签名（{why}），疑似用其密钥在程序之外改写过；为安全起见未做任何修改"
        )))
    };
    if version < ENCRYPTED_FROM_SCHEMA {
        return unsealed(&format!(
            "数据版本为{version}，加密台账不应低于{ENCRYPTED_FROM_SCHEMA}"
        ));
    }
    if key::ledger_id(conn)?.is_none() {
        return unsealed("没有台账编号");
    }
    // The seal is signed with this ledger's key (verify checks every event after it). Not the
    // latest event: its `mac` lies past its state, which after an import is tens of megabytes of
    // pages to decrypt at every open.
    let seal: Option<(i64, String, Option<String>)> = conn
        .query_row(
            "SELECT id, hash, mac FROM audit_event WHERE action = 'seal' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, hash, mac)) = seal else {
        return unsealed("审计链中没有“启用密钥签名”事件");
    };
    if let Some(key) = key::installed(conn)? {
        if mac.as_deref() != Some(key.mac(id, &hash).as_str()) {
            return unsealed("“启用密钥签名”事件没有本台账密钥的签名");
        }
    }
    Ok(())
}

/// The ledger at `path` unlocked with its key from the key store, and nothing more: not checked,
/// configured or migrated. What an insider holding the key reaches with a SQLite tool; the tests
/// that play that insider use it.
pub fn open_raw(path: &Path) -> Result<Connection> {
    match unlock(path)? {
        Unlocked::New(c) | Unlocked::Encrypted(c) | Unlocked::Plain(c) => Ok(c),
    }
}

/// `damaged_pages` of the open ledger, on a connection of its own in a thread of its own: verify
/// walks the chain on this core meanwhile, and the page check (a second read of the whole file)
/// costs little time on the other. Join it for the result.
pub fn damaged_pages_beside(
    conn: &Connection,
) -> Result<Option<std::thread::JoinHandle<Result<Vec<String>>>>> {
    let (Some(path), Some(key)) = (
        crate::ledger::anchor::ledger_path(conn),
        key::installed(conn)?,
    ) else {
        return Ok(None);
    };
    if is_plain(&path) {
        return Ok(None);
    }
    Ok(Some(std::thread::spawn(move || {
        // Only on a core the chain walk and its hashing leave idle.
        platform::run_only_when_idle();
        damaged_pages(&connect_untrusted(&path, Some(&key))?)
    })))
}

/// Every page of an encrypted ledger whose MAC fails (SQLCipher's `cipher_integrity_check`): a
/// byte changed anywhere in the file, not only in the pages a query happened to read.
pub fn damaged_pages(conn: &Connection) -> Result<Vec<String>> {
    if !is_encrypted(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let found: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(found
        .into_iter()
        .take(20)
        .map(|line| format!("台账文件的页面校验失败（文件在程序之外被改动或已损坏）：{line}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{audit, db, records::tests::person};

    fn ledger(dir: &Path, name: &str) -> (PathBuf, Connection) {
        let path = dir.join(name);
        let conn = db::open(&path).unwrap();
        person(&conn, 101);
        (path, conn)
    }

    fn refused_with(path: &Path, words: &str) {
        let before = std::fs::read(path).ok();
        match db::open(path) {
            Err(Error::Refused(why)) => assert!(why.contains(words), "{why}"),
            Err(other) => panic!("refused as {other:?}, wanted 「{words}」"),
            Ok(_) => panic!("opened; wanted 「{words}」"),
        }
        assert_eq!(std::fs::read(path).ok(), before, "nothing changed");
    }

    /// Someone with the ledger's folder but not its key swaps the file for a plain one, another
    /// ledger's, or nothing: each is refused at the ledger's place, and nothing is written.
    #[test]
    fn a_ledger_another_program_holds_is_busy_not_locked() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = ledger(dir.path(), "台账.sqlite3");
        // Held as a writer in exclusive locking mode holds it: no other connection may read.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .unwrap();
        person(&conn, 102);
        let err = unlock(&path).err().expect("a held ledger does not open");
        assert_eq!(err.code(), "busy", "{err}");
        assert!(err.to_string().contains("另一个程序"), "{err}");
        drop(conn);
        assert!(unlock(&path).is_ok(), "opens once released");
    }

    #[test]
    fn a_swapped_plain_foreign_or_emptied_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = ledger(dir.path(), "台账.sqlite3");
        drop(conn);
        let (other, other_conn) = ledger(dir.path(), "别的台账.sqlite3");
        drop(other_conn);
        let saved = std::fs::read(&path).unwrap();
        assert!(
            !saved.starts_with(b"SQLite format 3"),
            "encrypted from its first page"
        );

        let plain = dir.path().join("plain.sqlite3");
        {
            let mut c = Connection::open(&plain).unwrap();
            db::migrate_up_to(&mut c, 12).unwrap();
        }
        std::fs::copy(&plain, &path).unwrap();
        refused_with(&path, "未加密的文件，疑似被替换");
        std::fs::copy(&other, &path).unwrap();
        refused_with(&path, "另一本台账");
        std::fs::write(&path, b"").unwrap();
        refused_with(&path, "不见了或被清空");
        std::fs::remove_file(&path).unwrap();
        refused_with(&path, "不见了或被清空");
        assert!(!path.exists(), "no new ledger made in its place");

        std::fs::write(&path, &saved).unwrap();
        let conn = db::open(&path).unwrap();
        assert!(audit::verify(&conn).unwrap().holds());
    }

    /// Bytes flipped in an encrypted page: SQLCipher's page MAC fails and nothing opens or
    /// changes; without any key the file cannot be read at all.
    #[test]
    fn flipped_bytes_and_a_missing_key_open_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = ledger(dir.path(), "台账.sqlite3");
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
        drop(conn);
        let good = std::fs::read(&path).unwrap();
        // In the first page, read at every open: the page's MAC fails.
        let mut bytes = good.clone();
        bytes[100] ^= 0x5a;
        std::fs::write(&path, &bytes).unwrap();
        assert!(db::open(&path).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        // In the last page, perhaps not read at open: verify checks every page's MAC.
        let mut bytes = good.clone();
        let last = bytes.len() - 200;
        bytes[last] ^= 0x5a;
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(conn) = db::open(&path) {
            let v = audit::verify(&conn);
            assert!(v.as_ref().map_or(true, |v| !v.holds()), "{v:?}");
        }
        std::fs::write(&path, &good).unwrap();

        let stray = tempfile::tempdir().unwrap();
        let (stray_path, stray_conn) = ledger(stray.path(), "l.sqlite3");
        let id = key::ledger_id(&stray_conn).unwrap().unwrap();
        drop(stray_conn);
        // As on a computer that never had this ledger's key.
        let hidden = platform::key_dir().join(format!("{id}.key"));
        let kept = std::fs::read(&hidden).unwrap();
        std::fs::remove_file(&hidden).unwrap();
        let before = std::fs::read(&stray_path).unwrap();
        match db::open(&stray_path) {
            Err(Error::Locked(why)) => assert!(why.contains("恢复码"), "{why}"),
            other => panic!("{:?}", other.map(|_| ())),
        }
        assert_eq!(std::fs::read(&stray_path).unwrap(), before);
        std::fs::write(&hidden, kept).unwrap();
        assert!(db::open(&stray_path).is_ok());
    }

    /// The whole ledger put back to an older copy, its anchor file deleted: the key store's
    /// head finds it.
    #[test]
    fn a_ledger_rolled_back_with_its_anchor_removed_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = ledger(dir.path(), "台账.sqlite3");
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
        let older = std::fs::read(&path).unwrap();
        person(&conn, 102);
        drop(conn);
        std::fs::write(&path, older).unwrap();
        let _ = std::fs::remove_file(sibling(&path, "-wal"));
        let _ = std::fs::remove_file(sibling(&path, "-shm"));
        std::fs::remove_file(crate::ledger::anchor::file_beside(&path)).unwrap();
        let conn = db::open(&path).unwrap();
        let v = audit::verify(&conn).unwrap();
        assert!(!v.holds());
        assert!(
            v.problems.iter().any(|p| p.contains("换回了较早的副本")),
            "{v:?}"
        );
        assert!(v.problems.iter().any(|p| p.contains("锚点文件")), "{v:?}");
    }

    /// An anchor that could never be written beside the ledger (here a folder is in its way, as an
    /// unwritable folder would be on Windows) is reported, not passed over.
    #[test]
    fn an_anchor_never_written_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("台账.sqlite3");
        std::fs::create_dir(crate::ledger::anchor::file_beside(&path)).unwrap();
        let conn = db::open(&path).unwrap();
        person(&conn, 101);
        let v = audit::verify(&conn).unwrap();
        assert!(
            v.problems
                .iter()
                .any(|p| p.contains("不存在：本程序每次写入后都应在台账旁写出它")),
            "{v:?}"
        );
    }

    /// With the key in hand, as an insider with a SQLite tool: an id that is a path, a planted
    /// trigger, a downgraded schema. Each is refused before any write.
    #[test]
    fn an_insiders_id_as_path_planted_trigger_or_downgrade_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = ledger(dir.path(), "台账.sqlite3");
        drop(conn);
        let saved = std::fs::read(&path).unwrap();
        let edit = |sql: &str| {
            std::fs::write(&path, &saved).unwrap();
            let c = open_raw(&path).unwrap();
            c.execute_batch(sql).unwrap();
        };
        edit("CREATE TRIGGER approve_all AFTER INSERT ON record BEGIN UPDATE record SET status = 'approved' WHERE id = NEW.id; END;");
        refused_with(&path, "多出触发器“approve_all”");
        edit("ANALYZE;");
        refused_with(&path, "多出表“sqlite_stat1”");
        edit("PRAGMA user_version = 5;");
        refused_with(&path, "结构");
        edit("DROP TRIGGER audit_no_update; UPDATE audit_event SET mac = NULL WHERE action = 'seal'; CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_event BEGIN SELECT RAISE(ABORT, '审计记录只能追加，不能修改'); END;");
        refused_with(&path, "没有本台账密钥的签名");
        // An id that is a path: never joined onto the key folder, refused as it is read.
        edit("DROP TRIGGER ledger_identity_fixed; UPDATE ledger_identity SET id = '../../../../tmp/evil';");
        refused_with(&path, "台账编号格式无效");
    }

    /// The officer's way back on a new computer, and a mistyped code refused.
    #[test]
    fn the_recovery_code_opens_the_ledger_and_a_wrong_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = ledger(dir.path(), "台账.sqlite3");
        let (code, kept) = recovery(&conn).unwrap();
        assert!(!kept);
        let id = key::ledger_id(&conn).unwrap().unwrap();
        drop(conn);
        assert_eq!(recover(&path, &code).unwrap(), id);
        assert!(recover(&path, "ABCDE-FGHJK").is_err());
        let other = LedgerKey::random().unwrap().recovery_code();
        assert!(recover(&path, &other)
            .unwrap_err()
            .to_string()
            .contains("打不开该台账"));
        let conn = db::open(&path).unwrap();
        assert!(recovery(&conn).unwrap().1, "kept once recovered with it");
    }

    /// A deliberate adoption keeps the refused file and is in the trail.
    #[test]
    fn adopting_a_plain_file_keeps_it_and_is_audited() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = ledger(dir.path(), "台账.sqlite3");
        drop(conn);
        std::fs::remove_file(&path).unwrap();
        {
            let mut c = Connection::open(&path).unwrap();
            db::migrate_up_to(&mut c, 4).unwrap();
        }
        refused_with(&path, "疑似被替换");
        let conn = adopt(&path, "王敏").unwrap();
        let adopted = audit::log(&conn, None).unwrap();
        assert_eq!(adopted.last().unwrap().action, "adopt", "{adopted:?}");
        let v = audit::verify(&conn).unwrap();
        assert!(v.holds(), "{v:?}");
        assert!(std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .any(|e| e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("adopted-")));
    }
}

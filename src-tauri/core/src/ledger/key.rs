//! The audit key: a random per-ledger secret kept outside the ledger file (the desktop's keyring,
//! else a 0600 key file in the user's config folder). Every event from the ledger's seal onward
//! carries an HMAC-SHA-256 of its hash under this key, so a trail rebuilt by someone holding the
//! file but not the key is found, however consistent its hashes.

use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action, NewEvent};
use crate::platform::{self, SecretPlace};
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// 32 random bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct LedgerKey([u8; 32]);

impl std::fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LedgerKey(…)") // never printed
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What a key export file starts with, so an import can tell one from any other file.
const EXPORT_HEADER: &str = "学时台账审计密钥";

impl LedgerKey {
    pub fn random() -> Result<LedgerKey> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::invalid(format!("无法生成随机密钥：{e}")))?;
        Ok(LedgerKey(bytes))
    }

    pub(crate) fn to_hex(&self) -> String {
        audit::hex(&self.0)
    }

    pub(crate) fn from_hex(text: &str) -> Option<LedgerKey> {
        let text = text.trim();
        if text.len() != 64 || !text.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(LedgerKey(bytes))
    }

    /// A key of its own for each use, derived from this one: the ledger's pages, the stored
    /// certificates, the anchors. The audit MACs use this key itself, as they always have.
    fn derived(&self, purpose: &str) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length");
        mac.update(b"ce-ledger derived key\0");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The SQLCipher key of the ledger's pages, as `PRAGMA key` takes a raw key (no KDF: the key
    /// is already random).
    pub fn page_key(&self) -> String {
        format!("x'{}'", audit::hex(&self.derived("sqlcipher pages")))
    }

    /// The key certificates are sealed with on disk.
    pub fn file_key(&self) -> [u8; 32] {
        self.derived("evidence files")
    }

    /// The check an anchor line carries, over every field it states: a line written by hand, or
    /// copied from another ledger, does not carry this ledger's.
    pub fn anchor_seal(&self, fields: &[(&str, String)]) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.derived("anchors")).expect("any key length");
        for (name, value) in fields {
            mac.update(name.as_bytes());
            mac.update(b"=");
            mac.update(value.as_bytes());
            mac.update(b"\0");
        }
        audit::hex(&mac.finalize().into_bytes())
    }

    /// The recovery code: the key itself and a 2-byte check, in Crockford's base32 (no I, L, O,
    /// U), in groups of five: what the officer files with the unit's seal.
    pub fn recovery_code(&self) -> String {
        let mut bytes = self.0.to_vec();
        bytes.extend_from_slice(&Sha256::digest(self.0)[..2]);
        let mut out = String::new();
        let (mut acc, mut bits) = (0u32, 0u32);
        for b in bytes {
            acc = (acc << 8) | b as u32;
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(CROCKFORD[((acc >> bits) & 31) as usize] as char);
            }
        }
        if bits > 0 {
            out.push(CROCKFORD[((acc << (5 - bits)) & 31) as usize] as char);
        }
        out.as_bytes()
            .chunks(5)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// The key a recovery code holds, if it is one: case, spaces, dashes and the letters read as
    /// digits (O, I, L) forgiven; a mistyped character fails the check.
    pub fn from_recovery_code(code: &str) -> Option<LedgerKey> {
        let mut bytes = Vec::new();
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in code.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let value = CROCKFORD.iter().position(|&x| x as char == c)? as u32;
            acc = (acc << 5) | value;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        if bytes.len() != 34 {
            return None;
        }
        let key: [u8; 32] = bytes[..32].try_into().ok()?;
        (Sha256::digest(key)[..2] == bytes[32..]).then_some(LedgerKey(key))
    }

    /// The MAC an event carries: over its id and its hash (which already covers every field and
    /// the previous hash, so the MACs chain too).
    pub fn mac(&self, id: i64, hash: &str) -> String {
        self.signer().mac(id, hash)
    }

    /// The key made ready once, for signing or checking many events.
    pub fn signer(&self) -> Signer {
        Signer(Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length"))
    }
}

/// HMAC-SHA-256 keyed once: each MAC starts from a copy instead of hashing the key again (a
/// million events in `verify`).
#[derive(Clone)]
pub struct Signer(Hmac<Sha256>);

impl Signer {
    /// See `LedgerKey::mac`.
    pub fn mac(&self, id: i64, hash: &str) -> String {
        let mut mac = self.0.clone();
        mac.update(b"ce-ledger audit event\0");
        mac.update(&id.to_le_bytes());
        mac.update(hash.as_bytes());
        audit::hex(&mac.finalize().into_bytes())
    }
}

/// The one value of a one-row table of `schema` ("main" or "temp"), if the table exists.
fn single_value(
    conn: &Connection,
    schema: &str,
    table: &str,
    column: &str,
) -> Result<Option<String>> {
    let exists: bool = conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?1)"),
        [table],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(None);
    }
    Ok(conn
        .query_row(&format!("SELECT {column} FROM {schema}.{table}"), [], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The id that names this ledger's key (and its anchors); none before migration 6. An id that
/// is not 32 lowercase hex characters is not one this program wrote: it is refused, never used
/// to look up a key.
pub fn ledger_id(conn: &Connection) -> Result<Option<String>> {
    let id = single_value(conn, "main", "ledger_identity", "id")?;
    match id {
        Some(id) if !platform::is_ledger_id(&id) => Err(Error::Refused(
            "台账编号格式无效（不是本程序写入的），台账文件疑似被改动；为安全起见未做任何修改"
                .into(),
        )),
        id => Ok(id),
    }
}

/// A new ledger id: 16 random bytes in hex.
pub fn new_ledger_id() -> Result<String> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|e| Error::invalid(format!("无法生成台账编号：{e}")))?;
    Ok(audit::hex(&id))
}

/// Whether this connection made the ledger (its id was chosen here).
pub fn created_now(conn: &Connection) -> Result<bool> {
    Ok(single_value(conn, "temp", "reserved_id", "id")?.is_some())
}

/// The id a new encrypted ledger was created under, for migration 6 to seal it with.
pub fn reserve_id(conn: &Connection, id: &str) -> Result<()> {
    conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS reserved_id (id TEXT NOT NULL); DELETE FROM temp.reserved_id;")?;
    conn.execute("INSERT INTO temp.reserved_id (id) VALUES (?1)", [id])?;
    Ok(())
}

/// The key the connection signs with, held in a table of the connection's own (TEMP: never in
/// the file, gone when the connection closes).
pub fn installed(conn: &Connection) -> Result<Option<LedgerKey>> {
    Ok(single_value(conn, "temp", "audit_key", "key")?
        .as_deref()
        .and_then(LedgerKey::from_hex))
}

pub fn install(conn: &Connection, key: &LedgerKey) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS audit_key (key TEXT NOT NULL); DELETE FROM temp.audit_key;",
    )?;
    conn.execute(
        "INSERT INTO temp.audit_key (key) VALUES (?1)",
        [key.to_hex()],
    )?;
    Ok(())
}

fn store_error(e: std::io::Error) -> Error {
    Error::invalid(format!("无法保存台账的审计密钥：{e}"))
}

/// Where this ledger's key is kept, if it can be found.
pub fn place(conn: &Connection) -> Result<Option<SecretPlace>> {
    let Some(id) = ledger_id(conn)? else {
        return Ok(None);
    };
    Ok(platform::read_secret(&id)
        .map_err(store_error)?
        .map(|(_, place)| place))
}

/// Migration 6: the ledger gets an id and a key of its own, and the trail a first signed event.
/// An in-memory ledger keeps its key in memory only.
pub fn seal(conn: &Connection) -> Result<()> {
    // A new encrypted ledger chose its id and key before its first page (lock::create).
    let reserved = single_value(conn, "temp", "reserved_id", "id")?;
    let (id, key) = match (reserved, installed(conn)?) {
        (Some(id), Some(key)) => (id, key),
        _ => {
            let (id, key) = (new_ledger_id()?, LedgerKey::random()?);
            if crate::ledger::anchor::ledger_path(conn).is_some() {
                platform::store_secret(&id, &key.to_hex()).map_err(store_error)?;
            }
            (id, key)
        }
    };
    conn.execute("INSERT INTO ledger_identity (id) VALUES (?1)", [&id])?;
    install(conn, &key)?;
    audit::append(
        conn,
        &[NewEvent {
            actor: "学时台账程序",
            action: Action::Seal,
            entity: "ledger",
            entity_id: None,
            entity_id_to: None,
            before: None,
            after: None,
            reason: "此后每个审计事件都带有以本台账密钥计算的签名；密钥保存在台账文件之外",
        }],
    )?;
    Ok(())
}

/// After opening: the key of this ledger's id, if this machine has it. Without it the ledger
/// still reads, but refuses to write (see `audit::append`) and `audit verify` says so.
pub fn attach(conn: &Connection) -> Result<()> {
    let Some(id) = ledger_id(conn)? else {
        return Ok(());
    };
    let stored = platform::read_secret(&id).map_err(store_error)?;
    match stored.and_then(|(hex, _)| LedgerKey::from_hex(&hex)) {
        Some(key) => install(conn, &key),
        None => Ok(()),
    }
}

/// The message for a ledger whose key is not on this machine.
pub fn missing_message(conn: &Connection) -> Result<String> {
    let id = ledger_id(conn)?.unwrap_or_default();
    Ok(format!(
        "找不到本台账（编号 {id}）的审计密钥：既不在系统密钥环中，也不在 {} 中。请用“ce-ledger audit key --import 文件”导入该台账的密钥备份",
        platform::key_dir().display()
    ))
}

/// Writes the key to `out` (the owner's alone) so it can be kept with the backups, or moved to
/// another computer together with the ledger.
pub fn export(conn: &Connection, out: &std::path::Path) -> Result<()> {
    let id = ledger_id(conn)?.ok_or_else(|| Error::invalid("台账尚无审计密钥"))?;
    let key = installed(conn)?
        .ok_or_else(|| Error::invalid(missing_message(conn).unwrap_or_default()))?;
    crate::files::write_with(out, |staged| {
        std::fs::write(
            staged,
            format!("{EXPORT_HEADER}\n台账={id}\n密钥={}\n", key.to_hex()),
        )
        .map_err(|e| Error::Write {
            path: out.display().to_string(),
            reason: e.to_string(),
        })?;
        crate::platform::restrict_to_owner(staged, false).map_err(|e| Error::Write {
            path: out.display().to_string(),
            reason: e.to_string(),
        })
    })
}

/// The (ledger id, key) a file written by `export` holds.
pub fn read_export(from: &std::path::Path) -> Result<(String, LedgerKey)> {
    let label = crate::files::display_name(&from.to_string_lossy());
    let text = String::from_utf8_lossy(&crate::files::read_capped(from, 4096)?).into_owned();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name).map(str::to_string))
    };
    match (
        text.lines().next().map(|l| l.trim() == EXPORT_HEADER),
        field("台账=").filter(|id| platform::is_ledger_id(id)),
        field("密钥=").as_deref().and_then(LedgerKey::from_hex),
    ) {
        (Some(true), Some(id), Some(key)) => Ok((id, key)),
        _ => Err(Error::invalid(format!(
            "{label} 不是学时台账的审计密钥文件"
        ))),
    }
}

/// Takes a key written by `export` for this ledger and keeps it on this machine.
pub fn import(conn: &Connection, from: &std::path::Path) -> Result<SecretPlace> {
    let label = crate::files::display_name(&from.to_string_lossy());
    let (for_ledger, key) = read_export(from)?;
    let id = ledger_id(conn)?.unwrap_or_default();
    if for_ledger != id {
        return Err(Error::invalid(format!(
            "{label} 是另一本台账（编号 {for_ledger}）的密钥，本台账编号为 {id}"
        )));
    }
    if let Some(current) = installed(conn)? {
        if current != key {
            return Err(Error::invalid(format!(
                "本台账已有审计密钥，且与 {label} 中的不同；未做任何修改"
            )));
        }
        return place(conn)?.ok_or_else(|| Error::invalid("台账尚无审计密钥"));
    }
    // A chain this key did not sign is not taken: the first signed event must check.
    let sealed: Option<(i64, String, Option<String>)> = conn
        .query_row(
            "SELECT id, hash, mac FROM audit_event WHERE mac IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((event, hash, mac)) = sealed {
        if mac.as_deref() != Some(key.mac(event, &hash).as_str()) {
            return Err(Error::invalid(format!(
                "{label} 中的密钥与本台账审计记录的签名不符；未做任何修改"
            )));
        }
    }
    let place = match platform::read_secret(&id).map_err(store_error)? {
        Some((kept, place)) if LedgerKey::from_hex(&kept).as_ref() == Some(&key) => place,
        Some(_) => {
            return Err(Error::invalid(
                "本机已为本台账保存了另一把审计密钥；未做任何修改",
            ))
        }
        None => platform::store_secret(&id, &key.to_hex()).map_err(store_error)?,
    };
    install(conn, &key)?;
    Ok(place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mac_depends_on_key_id_and_hash() {
        let a = LedgerKey([1; 32]);
        let b = LedgerKey([2; 32]);
        assert_eq!(a.mac(1, "ab"), a.mac(1, "ab"));
        assert_ne!(a.mac(1, "ab"), b.mac(1, "ab"));
        assert_ne!(a.mac(1, "ab"), a.mac(2, "ab"));
        assert_ne!(a.mac(1, "ab"), a.mac(1, "ac"));
        assert_eq!(a.mac(1, "ab").len(), 64);
        assert_eq!(LedgerKey::from_hex(&a.to_hex()), Some(a.clone()));
        assert_eq!(LedgerKey::from_hex("zz"), None);
        assert_eq!(format!("{a:?}"), "LedgerKey(…)");
    }

    #[test]
    fn a_recovery_code_gives_its_key_back_and_a_typo_is_caught() {
        let key = LedgerKey::random().unwrap();
        let code = key.recovery_code();
        assert_eq!(code.len(), 55 + 10, "{code}");
        assert_eq!(LedgerKey::from_recovery_code(&code), Some(key.clone()));
        let relaxed = code.to_lowercase().replace('-', " ").replace('0', "o");
        assert_eq!(LedgerKey::from_recovery_code(&relaxed), Some(key.clone()));
        let mut typo: Vec<char> = code.chars().collect();
        typo[3] = if typo[3] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        assert_eq!(LedgerKey::from_recovery_code(&typo), None);
        assert_eq!(LedgerKey::from_recovery_code("ABCDE"), None);
        assert_ne!(key.page_key(), LedgerKey([9; 32]).page_key());
        assert_ne!(key.file_key(), key.derived("sqlcipher pages"));
    }
}

#[cfg(test)]
mod rebuild_tests {
    use super::*;
    use crate::ledger::{db, records::tests::person};

    /// What someone holding the file but not the key can do: change an event and recompute every
    /// hash from there on, signing with a key of their own (or with none).
    fn rebuild_from(path: &std::path::Path, from: i64, forged_key: Option<&LedgerKey>) {
        let c = crate::ledger::lock::open_raw(path).unwrap();
        c.execute_batch(
            "DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;",
        )
        .unwrap();
        c.execute(
            "UPDATE audit_event SET reason = '改过' WHERE id = ?1",
            [from],
        )
        .unwrap();
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
        );
        let rows: Vec<Row> = c
            .prepare("SELECT id, at, actor, action, entity, entity_id, entity_id_to, before, after, reason, state FROM audit_event WHERE id >= ?1 ORDER BY id")
            .unwrap()
            .query_map([from], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut prev: String = c
            .query_row(
                "SELECT hash FROM audit_event WHERE id = ?1",
                [from - 1],
                |r| r.get(0),
            )
            .unwrap();
        for (id, at, actor, action, entity, eid, eto, before, after, reason, state) in rows {
            let hash = audit::digest(
                &prev,
                id,
                &at,
                &actor,
                &action,
                &entity,
                eid,
                eto,
                before.as_deref(),
                after.as_deref(),
                &reason,
                state.as_deref(),
            );
            let mac = forged_key.map(|k| k.mac(id, &hash));
            c.execute(
                "UPDATE audit_event SET prev_hash = ?1, hash = ?2, mac = ?3 WHERE id = ?4",
                rusqlite::params![prev, hash, mac, id],
            )
            .unwrap();
            prev = hash;
        }
    }

    fn ledger(dir: &std::path::Path) -> (std::path::PathBuf, Connection) {
        let path = dir.join("台账.sqlite3");
        let conn = db::open(&path).unwrap();
        person(&conn, 101);
        person(&conn, 102);
        (path, conn)
    }

    #[test]
    fn a_chain_rebuilt_without_the_key_or_under_another_is_found() {
        for forged in [None, Some(LedgerKey([7; 32]))] {
            let dir = tempfile::tempdir().unwrap();
            let (path, conn) = ledger(dir.path());
            let last: i64 = conn
                .query_row("SELECT MAX(id) FROM audit_event", [], |r| r.get(0))
                .unwrap();
            assert!(audit::verify(&conn).unwrap().holds());
            rebuild_from(&path, last, forged.as_ref());
            let v = audit::verify(&conn).unwrap();
            let (at, why) = v.broken.clone().expect("found");
            assert_eq!(at, last, "{v:?}");
            assert!(why.contains("签名与本台账的密钥不符"), "{why}");
        }
    }

    #[test]
    fn a_chain_rebuilt_without_its_seal_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let (path, conn) = ledger(dir.path());
        // Turn the seal into an ordinary event and rebuild from there, unsigned.
        let seal: i64 = conn
            .query_row(
                "SELECT id FROM audit_event WHERE action = 'seal'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        {
            let c = crate::ledger::lock::open_raw(&path).unwrap();
            c.execute_batch("DROP TRIGGER audit_no_update;").unwrap();
            c.execute(
                "UPDATE audit_event SET action = 'baseline' WHERE id = ?1",
                [seal],
            )
            .unwrap();
        }
        rebuild_from(&path, seal, None);
        let v = audit::verify(&conn).unwrap();
        assert!(v.broken.is_none(), "{v:?}");
        assert!(
            v.problems
                .iter()
                .any(|p| p.contains("没有“启用密钥签名”事件")),
            "{v:?}"
        );
    }

    #[test]
    fn without_its_key_a_ledger_reads_refuses_writes_and_takes_an_exported_key_back() {
        let dir = tempfile::tempdir().unwrap();
        let (_path, conn) = ledger(dir.path());
        let saved = dir.path().join("密钥备份.txt");
        export(&conn, &saved).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&saved).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            if let Some(SecretPlace::File(file)) = place(&conn).unwrap() {
                let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{}", file.display());
                assert!(
                    !file.starts_with(dir.path()),
                    "the key is not beside the ledger"
                );
            }
        }
        // As on a computer without the key.
        conn.execute_batch("DROP TABLE temp.audit_key").unwrap();
        let someone = crate::ledger::staff::StaffInput {
            name: "新人".into(),
            id_number: crate::domain::idcard::tests::make_id("370402", "19900101", "201"),
            ..Default::default()
        };
        let refused = crate::ledger::staff::add(&conn, &someone)
            .unwrap_err()
            .to_string();
        assert_eq!(
            crate::ledger::staff::list(&conn, &Default::default())
                .unwrap()
                .0,
            2
        );
        assert!(
            refused.contains("找不到本台账") && refused.contains("没有做任何修改"),
            "{refused}"
        );
        let v = audit::verify(&conn).unwrap();
        assert!(
            v.problems.iter().any(|p| p.contains("找不到本台账")),
            "{v:?}"
        );

        let other = tempfile::tempdir().unwrap();
        let (_, other_conn) = ledger(other.path());
        let wrong = other.path().join("别的密钥.txt");
        export(&other_conn, &wrong).unwrap();
        assert!(import(&conn, &wrong)
            .unwrap_err()
            .to_string()
            .contains("另一本台账"));
        let junk = other.path().join("junk.txt");
        std::fs::write(&junk, "hello").unwrap();
        assert!(import(&conn, &junk)
            .unwrap_err()
            .to_string()
            .contains("不是学时台账的审计密钥文件"));

        import(&conn, &saved).unwrap();
        assert!(audit::verify(&conn).unwrap().holds());
        crate::ledger::staff::add(&conn, &someone).unwrap();
        assert!(audit::verify(&conn).unwrap().holds());
    }
}

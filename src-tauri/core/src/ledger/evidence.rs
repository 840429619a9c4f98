//! Evidence files: copied into the ledger's data directory under their SHA-256, stored once
//! however often attached, kept read-only, and removed only when no record uses them. Beside an
//! encrypted ledger each is sealed (XChaCha20-Poly1305 under a key derived from the ledger's,
//! its name as associated data): a certificate shows an ID number, and a file swapped or put
//! back under another's name does not open.

use crate::domain::rules::Status;
use crate::error::{Error, Result};
use crate::ledger::audit::{self, Action};
use crate::ledger::db;
use crate::ledger::records;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const MAX_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Attachment {
    pub file_id: i64,
    pub name: String,
    pub size: i64,
    pub mime: String,
    pub sha256: String,
}

/// Recognises the file kinds a certificate or scan comes in by their first bytes, not their name.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The name shown to people: the last path component, without control characters.
pub fn clean_name(raw: &str) -> String {
    let name = crate::files::display_name(raw);
    if name.is_empty() {
        "证明材料".into()
    } else {
        name
    }
}

/// `<ledger dir>/evidence`, next to the ledger file.
pub fn dir(conn: &Connection) -> Result<PathBuf> {
    let path = conn
        .path()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Error::invalid("内存台账不能保存证明材料文件"))?;
    Ok(PathBuf::from(path)
        .parent()
        .map(|p| p.join("evidence"))
        .unwrap_or_else(|| PathBuf::from("evidence")))
}

fn file_path(conn: &Connection, sha256: &str) -> Result<PathBuf> {
    // The name is our own hex digest; anything else would be a path escape.
    if sha256.len() != 64 || !sha256.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::invalid("证明材料文件标识无效"));
    }
    Ok(dir(conn)?.join(sha256))
}

/// The kind of a certificate file, or why it cannot be one.
fn certificate_kind(bytes: &[u8]) -> Result<&'static str> {
    if bytes.is_empty() {
        return Err(Error::invalid("证明材料文件是空的"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid(format!(
            "证明材料文件过大（{:.1} MB），单个文件不超过20 MB",
            bytes.len() as f64 / 1048576.0
        )));
    }
    sniff(bytes).ok_or_else(|| Error::invalid("只接受 PDF、PNG、JPG、GIF、WebP 格式的证明材料"))
}

/// What a sealed certificate file starts with, before its nonce.
const SEALED_MAGIC: &[u8] = b"CE-LEDGER-EVIDENCE-1\n";
/// Room the seal takes besides the file: magic, nonce, tag.
const SEAL_OVERHEAD: usize = 21 + 24 + 16;

fn cipher(key: &crate::ledger::key::LedgerKey) -> chacha20poly1305::XChaCha20Poly1305 {
    use chacha20poly1305::KeyInit;
    chacha20poly1305::XChaCha20Poly1305::new(&key.file_key().into())
}

/// The bytes as they are kept on disk: sealed under `key`, bound to the name `sha`.
fn seal(key: &crate::ledger::key::LedgerKey, sha: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, Payload};
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).map_err(|e| Error::invalid(format!("无法生成随机数：{e}")))?;
    let sealed = cipher(key)
        .encrypt(
            &nonce.into(),
            Payload {
                msg: bytes,
                aad: sha.as_bytes(),
            },
        )
        .map_err(|_| Error::invalid("无法加密证明材料"))?;
    Ok([SEALED_MAGIC, &nonce, &sealed].concat())
}

/// The file's own bytes from what is on disk; a plain file beside an encrypted ledger, or one
/// that does not open under this ledger's key and name, is refused.
fn unseal(
    key: Option<&crate::ledger::key::LedgerKey>,
    sha: &str,
    stored: Vec<u8>,
) -> Result<Vec<u8>> {
    use chacha20poly1305::aead::{Aead, Payload};
    match (stored.strip_prefix(SEALED_MAGIC), key) {
        (None, None) => Ok(stored),
        (None, Some(_)) => Err(Error::invalid(
            "证明材料文件没有加密，不是本程序保存的（疑似被替换）",
        )),
        (Some(_), None) => Err(Error::invalid("证明材料文件已加密，但本机没有本台账的密钥")),
        (Some(rest), Some(key)) if rest.len() >= 24 => cipher(key)
            .decrypt(
                rest[..24].into(),
                Payload {
                    msg: &rest[24..],
                    aad: sha.as_bytes(),
                },
            )
            .map_err(|_| Error::invalid("证明材料文件无法用本台账的密钥解开（被改动或替换）")),
        (Some(_), Some(_)) => Err(Error::invalid("证明材料文件不完整")),
    }
}

/// The key certificates are sealed with: the ledger's, when the ledger itself is encrypted.
fn sealing_key(conn: &Connection) -> Result<Option<crate::ledger::key::LedgerKey>> {
    if !crate::ledger::lock::is_encrypted(conn)? {
        return Ok(None);
    }
    crate::ledger::key::installed(conn)
}

/// When a plain ledger is encrypted: every certificate stored beside it is sealed in place.
pub fn seal_stored_files(conn: &Connection, key: &crate::ledger::key::LedgerKey) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir(conn)?) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(sha) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if file_path(conn, &sha).is_err() {
            continue;
        }
        let bytes = read_stored(&path)?;
        if bytes.starts_with(SEALED_MAGIC) {
            continue;
        }
        // The plain file is replaced by its sealed form in one rename.
        crate::platform::restrict_to_owner(&path, false).map_err(|e| Error::Io {
            path: sha.clone(),
            reason: e.to_string(),
        })?;
        write_stored(&path, &seal(key, &sha, &bytes)?, &sha)?;
    }
    Ok(())
}

/// Re-reads every certificate the ledger names, as verify does: (files checked, what is wrong).
pub fn check_stored(conn: &Connection) -> Result<(u64, Vec<String>)> {
    if crate::ledger::anchor::ledger_path(conn).is_none() {
        return Ok((0, Vec::new()));
    }
    let files: Vec<(String, String)> = conn
        .prepare(
            "SELECT f.sha256, COALESCE((SELECT original_name FROM record_evidence WHERE file_id = f.id ORDER BY record_id LIMIT 1), '')
             FROM evidence_file f ORDER BY f.id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // One key for every file: read once, not per certificate.
    let key = sealing_key(conn)?;
    let mut problems = Vec::new();
    for (sha, name) in &files {
        let name = crate::domain::idcard::mask_all(name);
        let checked = file_path(conn, sha)
            .and_then(|p| read_stored(&p))
            .and_then(|stored| unseal(key.as_ref(), sha, stored));
        match checked {
            Ok(bytes) if audit::hex(&Sha256::digest(&bytes)) == *sha => {}
            Ok(_) => problems.push(format!(
                "证明材料“{name}”的文件内容与登记的摘要不符（被替换）"
            )),
            Err(Error::Io { .. }) => {
                problems.push(format!("证明材料“{name}”的文件不见了（{}）", &sha[..12]))
            }
            Err(e) => problems.push(format!("证明材料“{name}”：{e}")),
        }
    }
    Ok((files.len() as u64, problems))
}

/// Writes the file once under its hash in the evidence folder: owner-only, read-only, sealed
/// when the ledger is encrypted.
fn store_file(conn: &Connection, sha: &str, bytes: &[u8], name: &str) -> Result<()> {
    let target = file_path(conn, sha)?;
    if target.exists() {
        return Ok(());
    }
    let stored = match sealing_key(conn)? {
        Some(key) => seal(&key, sha, bytes)?,
        None => bytes.to_vec(),
    };
    write_stored(&target, &stored, name)
}

fn write_stored(target: &Path, bytes: &[u8], name: &str) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        path: name.to_string(),
        reason: e.to_string(),
    };
    crate::platform::create_private_dir(target.parent().expect("evidence dir")).map_err(io)?;
    let tmp = target.with_extension("part");
    let _ = std::fs::remove_file(&tmp); // left by a crash
    std::io::Write::write_all(
        &mut crate::platform::create_private_file(&tmp).map_err(io)?,
        bytes,
    )
    .map_err(io)?;
    crate::platform::restrict_to_owner(&tmp, true).map_err(io)?;
    std::fs::rename(&tmp, target).map_err(io)
}

/// Refuses a record that takes no more evidence: approved, synced, or not there.
fn open_for_evidence(tx: &Connection, record_id: i64) -> Result<()> {
    let record = records::get(tx, record_id)?;
    if matches!(record.status, Status::Approved | Status::Synced) {
        return Err(Error::invalid(format!(
            "记录{record_id}已{}，不能再添加证明材料",
            record.status_label
        )));
    }
    Ok(())
}

/// Attaches a stored file to a record inside the caller's transaction, with its audit event;
/// `false` when the record already had this very file (nothing written).
#[allow(clippy::too_many_arguments)]
fn link(
    tx: &Connection,
    record_id: i64,
    name: &str,
    sha: &str,
    size: usize,
    mime: &str,
    by: &str,
    source: Option<&str>,
) -> Result<(i64, bool)> {
    tx.execute(
        "INSERT INTO evidence_file (sha256, size, mime, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(sha256) DO NOTHING",
        params![sha, size as i64, mime, db::now_local()],
    )?;
    let file_id: i64 = tx.query_row(
        "SELECT id FROM evidence_file WHERE sha256 = ?1",
        [sha],
        |r| r.get(0),
    )?;
    let already: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM record_evidence WHERE record_id = ?1 AND file_id = ?2)",
        params![record_id, file_id],
        |r| r.get(0),
    )?;
    if already && source.is_some() {
        return Ok((file_id, false));
    }
    tx.execute(
        "INSERT INTO record_evidence (record_id, file_id, original_name) VALUES (?1, ?2, ?3)
         ON CONFLICT(record_id, file_id) DO UPDATE SET original_name = ?3",
        params![record_id, file_id, name],
    )?;
    let mut after = serde_json::json!({ "file": name, "sha256": sha, "size": size });
    if let Some(source) = source {
        after["source"] = source.into();
    }
    audit::append(
        tx,
        &[audit::NewEvent {
            actor: by,
            action: Action::Attach,
            entity: "record",
            entity_id: Some(record_id),
            entity_id_to: None,
            before: None,
            after: Some(after),
            reason: "",
        }],
    )?;
    Ok((file_id, true))
}

pub fn attach(
    conn: &mut Connection,
    record_id: i64,
    original_name: &str,
    bytes: &[u8],
    by: &str,
) -> Result<Attachment> {
    let mime = certificate_kind(bytes)?;
    let name = clean_name(original_name);
    let sha = audit::hex(&Sha256::digest(bytes));
    // Under the write lock from here: the record cannot be approved in between, and the clean-up
    // of another program cannot remove the stored file between the check and the link.
    let tx = db::write_tx(conn)?;
    open_for_evidence(&tx, record_id)?;
    store_file(&tx, &sha, bytes, &name)?;
    let (file_id, _) = link(&tx, record_id, &name, &sha, bytes.len(), mime, by, None)?;
    crate::ledger::anchor::commit(tx)?;
    Ok(Attachment {
        file_id,
        name,
        size: bytes.len() as i64,
        mime: mime.into(),
        sha256: sha,
    })
}

/// A file for a record, as a bulk attach hands it over (`name`: its path in the folder or archive).
pub struct NewAttachment<'a> {
    pub record_id: i64,
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Attaches many files in one transaction, an audit event each naming `source`: all or nothing.
/// Returns (attached, already attached to their record).
pub fn attach_many(
    conn: &mut Connection,
    items: &[NewAttachment<'_>],
    by: &str,
    source: &str,
) -> Result<(usize, usize)> {
    let checked = check_items(items, source)?;
    let tx = db::write_tx(conn)?;
    let counts = attach_checked(&tx, &checked, by, source)?;
    crate::ledger::anchor::commit(tx)?;
    Ok(counts)
}

/// `attach_many` inside the caller's transaction (an import's, which attaches its certificates
/// before it commits).
pub fn attach_in(
    tx: &Connection,
    items: &[NewAttachment<'_>],
    by: &str,
    source: &str,
) -> Result<(usize, usize)> {
    let checked = check_items(items, source)?;
    attach_checked(tx, &checked, by, source)
}

/// A file checked as a certificate: the item, its kind, its SHA-256.
type CheckedItem<'a, 'b> = (&'a NewAttachment<'b>, &'static str, String);

fn check_items<'a, 'b>(
    items: &'a [NewAttachment<'b>],
    source: &str,
) -> Result<Vec<CheckedItem<'a, 'b>>> {
    items
        .iter()
        .map(|item| {
            let mime = certificate_kind(item.bytes)
                .map_err(|e| Error::invalid(format!("{source}：{}：{e}", item.name)))?;
            Ok((item, mime, audit::hex(&Sha256::digest(item.bytes))))
        })
        .collect()
}

fn attach_checked(
    tx: &Connection,
    checked: &[CheckedItem<'_, '_>],
    by: &str,
    source: &str,
) -> Result<(usize, usize)> {
    // Every record is checked before any file is written.
    for (item, _, _) in checked {
        open_for_evidence(tx, item.record_id)?;
    }
    let (mut attached, mut already) = (0, 0);
    for (item, mime, sha) in checked {
        store_file(tx, sha, item.bytes, item.name)?;
        let name: String = item.name.chars().filter(|c| !c.is_control()).collect();
        match link(
            tx,
            item.record_id,
            &name,
            sha,
            item.bytes.len(),
            mime,
            by,
            Some(source),
        )? {
            (_, true) => attached += 1,
            (_, false) => already += 1,
        }
    }
    Ok((attached, already))
}

/// A certificate that fits several records, left for the officer: kept against each of them.
pub fn note_doubts(tx: &Connection, doubts: &[(i64, &str)], source: &str) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO certificate_doubt (record_id, path, source) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
    )?;
    let mut noted = std::collections::BTreeSet::new();
    for (record_id, path) in doubts {
        if stmt.execute(params![record_id, path, source])? > 0 {
            noted.insert(*record_id);
        }
    }
    for record_id in noted {
        audit::rows_changed(
            tx,
            Action::Edit,
            "record",
            record_id,
            record_id,
            "有多个可能的证明材料文件，待专管员确认",
        )?;
    }
    Ok(())
}

/// The files that may be a record's certificate, as (path, source), while it has none.
pub fn doubts(conn: &Connection, record_id: i64) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, source FROM certificate_doubt WHERE record_id = ?1
           AND NOT EXISTS (SELECT 1 FROM record_evidence e WHERE e.record_id = ?1)
         ORDER BY source, path",
    )?;
    let rows = stmt.query_map([record_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

pub fn list(conn: &Connection, record_id: i64) -> Result<Vec<Attachment>> {
    let mut stmt = conn.prepare(
        "SELECT f.id, e.original_name, f.size, f.mime, f.sha256 FROM record_evidence e JOIN evidence_file f ON f.id = e.file_id
         WHERE e.record_id = ?1 ORDER BY e.rowid",
    )?;
    let rows = stmt.query_map([record_id], |r| {
        Ok(Attachment {
            file_id: r.get(0)?,
            name: r.get(1)?,
            size: r.get(2)?,
            mime: r.get(3)?,
            sha256: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Reads a stored file only if it and its folder are what the program made: a regular file,
/// not a symlink planted to reach outside the ledger's folder (or a device that never ends).
fn read_stored(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |e: std::io::Error| Error::Io {
        path: "证明材料".into(),
        reason: e.to_string(),
    };
    let refuse =
        || Error::invalid("证明材料文件或其目录被替换成了链接或特殊文件，为安全起见不予读取");
    let folder = path
        .parent()
        .expect("stored files sit in the evidence folder");
    if std::fs::symlink_metadata(folder)
        .map_err(io)?
        .file_type()
        .is_symlink()
    {
        return Err(refuse());
    }
    let meta = std::fs::symlink_metadata(path).map_err(io)?;
    if !meta.file_type().is_file() || meta.len() > (MAX_BYTES + SEAL_OVERHEAD) as u64 {
        return Err(refuse());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .map_err(io)?
        .take((MAX_BYTES + SEAL_OVERHEAD) as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

/// The bytes of a stored file, for preview; checked against its hash.
pub fn read(conn: &Connection, file_id: i64) -> Result<(String, Vec<u8>)> {
    let (sha, mime): (String, String) = conn
        .query_row(
            "SELECT sha256, mime FROM evidence_file WHERE id = ?1",
            [file_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound("该证明材料".into()))?;
    let bytes = unseal(
        sealing_key(conn)?.as_ref(),
        &sha,
        read_stored(&file_path(conn, &sha)?)?,
    )?;
    if audit::hex(&Sha256::digest(&bytes)) != sha {
        return Err(Error::invalid("证明材料文件已被改动，与登记时不一致"));
    }
    Ok((mime, bytes))
}

/// Deletes stored files no record links to any more: their rows in one transaction, then, once
/// that has committed, the files, each while holding the write lock and only if no row has named
/// it again meanwhile (an attach of the same file by another program).
pub fn collect_garbage(conn: &mut Connection) -> Result<usize> {
    let tx = db::write_tx(conn)?;
    let orphans: Vec<String> = {
        let mut stmt = tx.prepare(
            "DELETE FROM evidence_file WHERE id NOT IN (SELECT file_id FROM record_evidence) RETURNING sha256",
        )?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        rows
    };
    crate::ledger::anchor::commit(tx)?;
    if orphans.is_empty() {
        return Ok(0);
    }
    let lock = db::write_tx(conn)?;
    for sha in &orphans {
        let named_again: bool = lock.query_row(
            "SELECT EXISTS (SELECT 1 FROM evidence_file WHERE sha256 = ?1)",
            [sha],
            |r| r.get(0),
        )?;
        if let (false, Ok(p)) = (named_again, file_path(&lock, sha)) {
            let _ = std::fs::remove_file(p);
        }
    }
    drop(lock); // nothing written: rolls back
    Ok(orphans.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::records::tests::{input, person};

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake but sniffable";

    fn ledger() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = db::open(&dir.path().join("ledger.sqlite3")).unwrap();
        (dir, conn)
    }

    #[test]
    fn same_file_is_stored_once_and_kept_while_used() {
        let (dir, mut conn) = ledger();
        let p = person(&conn, 101);
        let mut no_text = input(p.id, "training", "2025-03-01", Some(8));
        no_text.evidence.clear();
        let a = records::add(&mut conn, &no_text).unwrap();
        let b = records::add(&mut conn, &no_text).unwrap();
        let fa = attach(&mut conn, a.id, "C:\\扫描\\证书.png", PNG, "王敏").unwrap();
        let fb = attach(&mut conn, b.id, "../../证书副本.png", PNG, "王敏").unwrap();
        assert_eq!(fa.file_id, fb.file_id);
        assert_eq!(
            (fa.name.as_str(), fb.name.as_str()),
            ("证书.png", "证书副本.png")
        );
        let stored = dir.path().join("evidence").join(&fa.sha256);
        assert!(stored.exists() && std::fs::metadata(&stored).unwrap().permissions().readonly());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&stored), 0o400, "the owner reads it, nobody writes it");
            assert_eq!(mode(&dir.path().join("evidence")), 0o700);
        }
        assert_eq!(
            std::fs::read_dir(dir.path().join("evidence"))
                .unwrap()
                .count(),
            1
        );
        assert_eq!(read(&conn, fa.file_id).unwrap().1, PNG);
        assert!(records::get(&conn, a.id).unwrap().has_evidence());

        records::delete(&mut conn, a.id).unwrap();
        assert!(stored.exists(), "still used by record b");
        records::delete(&mut conn, b.id).unwrap();
        assert!(!stored.exists(), "removed once nothing uses it");
    }

    #[test]
    fn wrong_kinds_sizes_and_locked_records_are_refused() {
        let (_dir, mut conn) = ledger();
        let p = person(&conn, 101);
        let r = records::add(&mut conn, &input(p.id, "training", "2025-03-01", Some(8))).unwrap();
        assert!(attach(&mut conn, r.id, "a.exe", b"MZ\x90\0", "王敏")
            .unwrap_err()
            .to_string()
            .contains("只接受"));
        assert!(attach(&mut conn, r.id, "a.png", b"", "王敏")
            .unwrap_err()
            .to_string()
            .contains("空的"));
        let mut big = PNG.to_vec();
        big.resize(MAX_BYTES + 1, 0);
        assert!(attach(&mut conn, r.id, "big.png", &big, "王敏")
            .unwrap_err()
            .to_string()
            .contains("20 MB"));
        assert!(list(&conn, r.id).unwrap().is_empty());
        assert!(file_path(&conn, "../../etc/passwd").is_err());
    }

    #[test]
    fn names_are_cleaned_of_paths_and_control_characters() {
        assert_eq!(clean_name("../../x"), "x");
        assert_eq!(clean_name("证书\u{7}\n.pdf"), "证书.pdf");
        assert_eq!(clean_name(".."), "证明材料");
    }

    #[test]
    fn a_stored_file_or_folder_swapped_for_a_link_is_not_followed() {
        let (dir, mut conn) = ledger();
        let p = person(&conn, 102);
        let r = records::add(&mut conn, &input(p.id, "training", "2025-03-01", Some(8))).unwrap();
        let f = attach(&mut conn, r.id, "证书.png", PNG, "王敏").unwrap();
        let folder = dir.path().join("evidence");
        let stored = folder.join(&f.sha256);

        // The file replaced by a link to a device that never ends: refused at once, nothing read.
        std::fs::remove_file(&stored).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &stored).unwrap();
        let err = read(&conn, f.file_id).unwrap_err().to_string();
        assert!(err.contains("链接"), "{err}");

        // The folder replaced by a link to another folder holding the same name.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join(&f.sha256), PNG).unwrap();
        std::fs::remove_file(&stored).unwrap();
        std::fs::remove_dir(&folder).unwrap();
        std::os::unix::fs::symlink(outside.path(), &folder).unwrap();
        let err = read(&conn, f.file_id).unwrap_err().to_string();
        assert!(err.contains("链接"), "{err}");
    }
}

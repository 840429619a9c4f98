//! Certificates in bulk: a folder or a ZIP of scans and photos, as department secretaries collect
//! them (issue 25). Every archive is hostile until read: a bomb, `../` or absolute paths, links,
//! 100,000 tiny entries, encrypted entries, two entries of one name, a file that claims to be an
//! image and is not — each refuses the whole archive with a message naming the entry, before
//! anything is written. Entry names without the UTF-8 flag are Chinese Windows' GB18030.

use crate::domain::matching::{Candidate, Match, Matcher};
use crate::error::{Error, Result};
use crate::ledger::{evidence, records};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path};

/// One certificate: where it sits in the folder or archive ('/'-separated), its bytes and kind.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub path: String,
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

/// What a folder or archive holds: its certificates, and what was passed over (system files).
#[derive(Debug, Default)]
pub struct Bundle {
    pub certificates: Vec<Certificate>,
    /// Files that are no certificate (Thumbs.db, __MACOSX/…, a .txt), listed, not read.
    pub passed_over: Vec<String>,
}

/// Far above a year's certificates of a big unit, far below what would exhaust memory or time.
pub const MAX_ENTRIES: usize = 20_000;
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
/// A certificate inflating more than this many times its packed size is a bomb.
const MAX_RATIO: u64 = 100;

/// An entry's path as a message shows it: no control characters, not endless.
fn shown(entry: &str) -> String {
    entry
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect()
}

fn refuse(source: &str, entry: &str, why: impl std::fmt::Display) -> Error {
    let entry = shown(entry);
    Error::invalid(format!(
        "{source}：{entry}{why}，为安全起见整个压缩包不予读取，台账没有任何改动"
    ))
}

/// Files that are no one's certificate: what Windows and macOS leave behind, and anything not
/// named as a PDF or an image (a 新建文本文档.txt). A file named as one must be one.
fn passed_over(path: &str) -> bool {
    let lower = path.to_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let certificate = [".pdf", ".jpg", ".jpeg", ".png"]
        .iter()
        .any(|e| name.ends_with(e));
    lower.starts_with("__macosx/")
        || lower.contains("/__macosx/")
        || name.starts_with("._")
        || !certificate
}

/// Reads a folder of certificates (its subfolders too), or a .zip of them.
pub fn read(path: &Path) -> Result<Bundle> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::Io {
        path: crate::io::table::file_label(path),
        reason: e.to_string(),
    })?;
    if meta.is_dir() {
        read_folder(path)
    } else {
        let source = crate::io::table::file_label(path);
        let bytes = crate::files::read_capped(path, MAX_TOTAL_BYTES)?;
        read_zip(&source, &bytes)
    }
}

/// A certificate's bytes, refused when they are not the kind of file a certificate is.
fn certificate(source: &str, path: String, bytes: Vec<u8>) -> Result<Certificate> {
    if bytes.len() > evidence::MAX_BYTES {
        return Err(refuse(source, &path, "超过20 MB"));
    }
    match evidence::sniff(&bytes) {
        Some(mime @ ("application/pdf" | "image/png" | "image/jpeg")) => {
            Ok(Certificate { path, bytes, mime })
        }
        _ => Err(refuse(
            source,
            &path,
            "不是 PDF、JPG 或 PNG 文件（内容与扩展名不符）",
        )),
    }
}

fn read_folder(root: &Path) -> Result<Bundle> {
    let source = crate::io::table::file_label(root);
    let io = |e: std::io::Error| Error::Io {
        path: source.clone(),
        reason: e.to_string(),
    };
    let mut bundle = Bundle::default();
    let mut pending = vec![root.to_path_buf()];
    let mut total = 0u64;
    while let Some(dir) = pending.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .map_err(io)?
            .collect::<std::io::Result<_>>()
            .map_err(io)?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let kind = entry.file_type().map_err(io)?;
            if kind.is_symlink() {
                return Err(refuse(&source, &relative, "是链接"));
            }
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            if passed_over(&relative) {
                bundle.passed_over.push(relative);
                continue;
            }
            if !kind.is_file() {
                return Err(refuse(&source, &relative, "不是普通文件"));
            }
            if bundle.certificates.len() >= MAX_ENTRIES {
                return Err(refuse(&source, "", format!("文件超过{MAX_ENTRIES}个")));
            }
            let size = entry.metadata().map_err(io)?.len();
            total += size;
            if size > evidence::MAX_BYTES as u64 || total > MAX_TOTAL_BYTES {
                return Err(refuse(&source, &relative, "过大"));
            }
            let mut bytes = Vec::with_capacity(size as usize);
            std::fs::File::open(&path)
                .map_err(io)?
                .take(evidence::MAX_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(io)?;
            bundle
                .certificates
                .push(certificate(&source, relative, bytes)?);
        }
    }
    bundle.certificates.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(bundle)
}

/// An entry's name as its maker meant it: UTF-8 when it is, else GB18030 (the UTF-8 flag is not
/// trusted either way: GBK bytes are almost never valid UTF-8).
fn entry_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(name) => name.to_string(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

/// A relative path inside the archive, or why not: `..`, a root, a drive (`C:`), control
/// characters.
fn safe_relative(name: &str) -> std::result::Result<String, &'static str> {
    let unified = name.replace('\\', "/");
    if unified.starts_with('/') || unified.as_bytes().get(1) == Some(&b':') {
        return Err("是绝对路径");
    }
    if unified.chars().any(char::is_control) {
        return Err("的名称含有控制字符");
    }
    let mut parts = Vec::new();
    for part in Path::new(&unified).components() {
        match part {
            Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => return Err("的路径指向压缩包之外（含 ..）"),
        }
    }
    if parts.is_empty() {
        return Err("没有文件名");
    }
    Ok(parts.join("/"))
}

/// How many entries a ZIP's end-of-central-directory record declares (`None` for ZIP64, whose
/// count lives elsewhere, or no record).
fn declared_entries(bytes: &[u8]) -> Option<usize> {
    const END: &[u8] = b"PK\x05\x06";
    let from = bytes.len().saturating_sub(22 + 65_535);
    let at = bytes[from..].windows(4).rposition(|w| w == END)? + from;
    let total = u16::from_le_bytes([*bytes.get(at + 10)?, *bytes.get(at + 11)?]);
    (total != u16::MAX).then_some(total as usize)
}

/// The certificates of a ZIP, refused whole at the first hostile entry.
pub fn read_zip(source: &str, bytes: &[u8]) -> Result<Bundle> {
    let broken = |e: zip::result::ZipError| refuse(source, "", format!("无法打开（{e}）"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(broken)?;
    // The reader keeps one entry per name: two entries of one name show only in the count the
    // archive's end record declares.
    if let Some(declared) = declared_entries(bytes).filter(|&n| n != zip.len()) {
        return Err(refuse(
            source,
            "",
            format!(
                "中有同名文件（记录了{declared}个文件，不同名的只有{}个），无法确定用哪一个",
                zip.len()
            ),
        ));
    }
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(
            source,
            "",
            format!("有{}个文件（上限{MAX_ENTRIES}个）", zip.len()),
        ));
    }
    // The central directory first: names, kinds and declared sizes, before anything inflates.
    let mut declared = 0u64;
    let mut seen = std::collections::HashSet::new();
    let mut wanted = Vec::new();
    let mut bundle = Bundle::default();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(broken)?;
        let raw_name = entry_name(entry.name_raw());
        let name = safe_relative(&raw_name).map_err(|why| refuse(source, &raw_name, why))?;
        if entry.is_symlink() {
            return Err(refuse(source, &name, "是链接"));
        }
        if entry.is_dir() {
            continue;
        }
        if entry.encrypted() {
            return Err(refuse(source, &name, "已加密"));
        }
        if !seen.insert(name.to_lowercase()) {
            return Err(refuse(source, &name, "在压缩包中出现了两次"));
        }
        if passed_over(&name) {
            bundle.passed_over.push(name);
            continue;
        }
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        declared = declared.saturating_add(size);
        if size > evidence::MAX_BYTES as u64 {
            return Err(refuse(source, &name, "解压后超过20 MB"));
        }
        if size > 64 * 1024 && size / packed > MAX_RATIO {
            return Err(refuse(
                source,
                &name,
                format!("解压后是压缩时的{}倍，疑似压缩炸弹", size / packed),
            ));
        }
        if declared > MAX_TOTAL_BYTES {
            return Err(refuse(source, "", "解压后总量超过1 GB"));
        }
        wanted.push((i, name, size));
    }
    for (i, name, size) in wanted {
        let mut entry = zip.by_index(i).map_err(broken)?;
        // A header may lie about the size: never more than declared is read.
        let mut bytes = Vec::with_capacity(size as usize);
        (&mut entry)
            .take(size + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(source, &name, format!("无法解压（{e}）")))?;
        if bytes.len() as u64 != size {
            return Err(refuse(source, &name, "的大小与压缩包记录的不符"));
        }
        bundle.certificates.push(certificate(source, name, bytes)?);
    }
    bundle.certificates.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(bundle)
}

/// A record as the matching report shows it: who, what, when (no ID number).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RecordBrief {
    pub record_id: i64,
    pub name: String,
    pub department: String,
    pub title: String,
    pub start: String,
}

/// A file that fits several records: the officer picks one.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DoubtfulFile {
    pub path: String,
    pub choices: Vec<RecordBrief>,
}

/// A file and the record it goes to.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MatchedFile {
    pub path: String,
    pub record: RecordBrief,
}

/// How a folder or archive of certificates meets a year's records awaiting review.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BulkPlan {
    pub source: String,
    pub year: i32,
    pub matched: Vec<MatchedFile>,
    pub doubtful: Vec<DoubtfulFile>,
    /// Files that fit no record of the year (another year's, an ID card, a stranger's).
    pub unmatched: Vec<String>,
    /// Records awaiting review that no file reaches and that have none attached yet.
    pub without_file: Vec<RecordBrief>,
    /// Files passed over as no certificate (Thumbs.db, __MACOSX/…, a .txt).
    pub passed_over: Vec<String>,
}

/// The officer's pick for a doubtful file.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "CertificatePick")]
pub struct Pick {
    pub path: String,
    pub record_id: i64,
}

/// What a bulk attach did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BulkOutcome {
    pub attached: usize,
    /// Files already attached to their record (the same content), not attached again.
    pub already: usize,
}

fn brief(c: &Candidate) -> RecordBrief {
    RecordBrief {
        record_id: c.record_id,
        name: c.name.clone(),
        department: c.department.clone(),
        title: c.title.clone(),
        start: c.start.to_string(),
    }
}

/// Matches each certificate of the bundle to the year's records awaiting review; writes nothing.
pub fn plan(conn: &Connection, year: i32, source: &str, bundle: &Bundle) -> Result<BulkPlan> {
    let candidates = records::awaiting_certificates(conn, year)?;
    Ok(plan_for(&candidates, year, source, bundle))
}

/// Matches each certificate of the bundle to the given records.
pub fn plan_for(candidates: &[Candidate], year: i32, source: &str, bundle: &Bundle) -> BulkPlan {
    let by_id: HashMap<i64, &Candidate> = candidates.iter().map(|c| (c.record_id, c)).collect();
    let matcher = Matcher::new(candidates);
    let mut plan = BulkPlan {
        source: source.into(),
        year,
        matched: Vec::new(),
        doubtful: Vec::new(),
        unmatched: Vec::new(),
        without_file: Vec::new(),
        passed_over: bundle.passed_over.clone(),
    };
    let mut reached = std::collections::HashSet::new();
    for c in &bundle.certificates {
        match matcher.find(&c.path) {
            Match::One(id) => {
                reached.insert(id);
                plan.matched.push(MatchedFile {
                    path: c.path.clone(),
                    record: brief(by_id[&id]),
                });
            }
            Match::Several(ids) => {
                reached.extend(ids.iter().copied());
                plan.doubtful.push(DoubtfulFile {
                    path: c.path.clone(),
                    choices: ids.iter().map(|id| brief(by_id[id])).collect(),
                });
            }
            Match::None => plan.unmatched.push(c.path.clone()),
        }
    }
    plan.without_file = candidates
        .iter()
        .filter(|c| !c.has_file && !reached.contains(&c.record_id))
        .map(brief)
        .collect();
    plan
}

/// The doubtful files nobody picked, against each record they may belong to.
fn left_in_doubt<'a>(
    plan: &'a BulkPlan,
    picked: &std::collections::HashSet<&str>,
) -> Vec<(i64, &'a str)> {
    plan.doubtful
        .iter()
        .filter(|d| !picked.contains(d.path.as_str()))
        .flat_map(|d| {
            d.choices
                .iter()
                .map(move |c| (c.record_id, d.path.as_str()))
        })
        .collect()
}

/// Attaches the files a plan matched, inside the caller's transaction (an import attaches its
/// certificates before it commits). Returns how many were attached.
pub fn attach_matched_in(
    tx: &Connection,
    plan: &BulkPlan,
    bundle: &Bundle,
    by: &str,
) -> Result<usize> {
    let to = plan
        .matched
        .iter()
        .map(|m| (m.path.as_str(), m.record.record_id))
        .collect();
    Ok(attach_placed(tx, plan, bundle, &to, &Default::default(), by)?.0)
}

/// Attaches each file of the bundle placed in `to` (path → record), and keeps the doubtful files
/// nobody picked against their records; (attached, already there).
fn attach_placed(
    tx: &Connection,
    plan: &BulkPlan,
    bundle: &Bundle,
    to: &HashMap<&str, i64>,
    picked: &std::collections::HashSet<&str>,
    by: &str,
) -> Result<(usize, usize)> {
    let items: Vec<evidence::NewAttachment<'_>> = bundle
        .certificates
        .iter()
        .filter_map(|c| {
            to.get(c.path.as_str())
                .map(|&record_id| evidence::NewAttachment {
                    record_id,
                    name: &c.path,
                    bytes: &c.bytes,
                })
        })
        .collect();
    let counts = evidence::attach_in(tx, &items, by, &plan.source)?;
    evidence::note_doubts(tx, &left_in_doubt(plan, picked), &plan.source)?;
    Ok(counts)
}

/// Attaches the matched files and the officer's picks for doubtful ones, all in one transaction
/// with an audit event per file; files already attached to their record are not attached again.
pub fn attach(
    conn: &mut Connection,
    year: i32,
    source: &str,
    bundle: &Bundle,
    picks: &[Pick],
    by: &str,
) -> Result<BulkOutcome> {
    let plan = plan(conn, year, source, bundle)?;
    let mut to: HashMap<&str, i64> = plan
        .matched
        .iter()
        .map(|m| (m.path.as_str(), m.record.record_id))
        .collect();
    for pick in picks {
        let Some(doubt) = plan.doubtful.iter().find(|d| d.path == pick.path) else {
            return Err(Error::invalid(format!(
                "{}：“{}”不是需要选择记录的文件",
                source,
                shown(&pick.path)
            )));
        };
        if !doubt.choices.iter().any(|c| c.record_id == pick.record_id) {
            return Err(Error::invalid(format!(
                "{}：“{}”只能归入列出的记录之一",
                source,
                shown(&pick.path)
            )));
        }
        to.insert(doubt.path.as_str(), pick.record_id);
    }
    let picked: std::collections::HashSet<&str> = picks.iter().map(|p| p.path.as_str()).collect();
    let tx = crate::ledger::db::write_tx(conn)?;
    let (attached, already) = attach_placed(&tx, &plan, bundle, &to, &picked, by)?;
    crate::ledger::anchor::commit(tx)?;
    Ok(BulkOutcome { attached, already })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            for (name, bytes) in entries {
                w.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                std::io::Write::write_all(&mut w, bytes).unwrap();
            }
            w.finish().unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn paths_inside_the_archive_only() {
        assert_eq!(safe_relative("内科/张伟.jpg").unwrap(), "内科/张伟.jpg");
        assert_eq!(safe_relative("内科\\./张伟.jpg").unwrap(), "内科/张伟.jpg");
        for bad in [
            "../../evil.jpg",
            "内科/../../etc/x.jpg",
            "/tmp/evil.jpg",
            "C:\\evil.jpg",
            "C:/evil.jpg",
            "a\u{1b}b.jpg",
        ] {
            assert!(safe_relative(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn gbk_names_are_read_as_chinese_windows_wrote_them() {
        let (gbk, _, _) = encoding_rs::GBK.encode("内科/张伟_培训.jpg");
        assert_eq!(entry_name(&gbk), "内科/张伟_培训.jpg");
        assert_eq!(entry_name("外科/李娜.pdf".as_bytes()), "外科/李娜.pdf");
    }

    #[test]
    fn a_zip_of_certificates_is_read_and_system_files_passed_over() {
        let bytes = zip_of(&[
            ("内科/张伟_培训.jpg", JPEG),
            ("外科/李娜.pdf", b"%PDF-1.4\n%"),
            ("__MACOSX/._x.jpg", b"junk"),
            ("内科/Thumbs.db", b"junk"),
        ]);
        let b = read_zip("证明材料.zip", &bytes).unwrap();
        let paths: Vec<&str> = b.certificates.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["内科/张伟_培训.jpg", "外科/李娜.pdf"]);
        assert_eq!(b.passed_over.len(), 2);
    }

    #[test]
    fn a_file_that_claims_to_be_an_image_refuses_the_archive() {
        let bytes = zip_of(&[("内科/张伟.jpg", JPEG), ("外科/李娜.jpg", b"MZ\x90\x00")]);
        let err = read_zip("证明材料.zip", &bytes).unwrap_err().to_string();
        assert!(
            err.contains("外科/李娜.jpg") || err.contains("李娜.jpg"),
            "{err}"
        );
        assert!(err.contains("不是 PDF、JPG 或 PNG"), "{err}");
    }

    fn messy(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/corpus/messy")
            .join(name)
    }

    /// Issue 25 on the departments' ZIP (tests/corpus/make_certificates.py: GBK names without
    /// the UTF-8 flag, 1,112 files, some doubtful, some extra, some missing) against the year the
    /// first-day import leaves: no file goes to a wrong record or a stranger's, and most find
    /// their record by name alone; then the attach is one transaction, audited, and idempotent.
    #[test]
    fn the_departments_zip_meets_the_year_without_a_wrong_match() {
        use crate::io::import::{self, Kind, Options};
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open(&dir.path().join("l.sqlite3")).unwrap();
        let read = |name: &str| std::fs::read(messy(name)).unwrap();
        let none = Options::default();
        import::commit(
            &mut conn,
            Kind::Staff,
            "人员名册.xlsx",
            &read("人员名册.xlsx"),
            &none,
            &crate::io::table::no_progress,
        )
        .unwrap();
        let first_day = crate::dev::sample::messy_first_day(None);
        let declarations = read("学时申报.xlsx");
        import::commit(
            &mut conn,
            Kind::Records,
            "学时申报.xlsx",
            &declarations,
            &first_day,
            &crate::io::table::no_progress,
        )
        .unwrap();

        // The sheet's row → its record, by person, title and start.
        let rows = crate::io::table::raw_rows("学时申报.xlsx", &declarations).unwrap();
        let record_of = |row: usize| -> Option<i64> {
            let r = rows.iter().find(|r| r.line == row)?;
            let start = crate::domain::dates::parse_date(r.get(7)).ok()?;
            conn.query_row(
                "SELECT r.id FROM record r JOIN staff s ON s.id = r.staff_id
                 WHERE s.name = ?1 AND r.title = ?2 AND r.start_date = ?3",
                rusqlite::params![r.get(2), r.get(6), start.to_string()],
                |x| x.get(0),
            )
            .ok()
        };
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(messy("certificates.json")).unwrap()).unwrap();
        let bundle = read_zip("证明材料.zip", &read("证明材料.zip")).unwrap();
        assert_eq!(bundle.certificates.len(), 1110);
        assert_eq!(
            bundle.passed_over,
            ["康复医学科/Thumbs.db", "检验科/新建文本文档.txt"]
        );
        let p = plan(&conn, 2025, "证明材料.zip", &bundle).unwrap();
        let matched: HashMap<&str, i64> = p
            .matched
            .iter()
            .map(|m| (m.path.as_str(), m.record.record_id))
            .collect();
        let (mut right, mut expected) = (0, 0);
        for e in truth["entries"].as_array().unwrap() {
            let path = e["path"].as_str().unwrap();
            let row = e["row"].as_u64().map(|r| r as usize);
            match (e["kind"].as_str().unwrap(), matched.get(path)) {
                ("matched", Some(&id)) => {
                    let want = row.and_then(record_of);
                    if want.is_some() {
                        assert_eq!(Some(id), want, "{path} went to the wrong record");
                        right += 1;
                    }
                }
                ("matched", None) => expected += usize::from(row.and_then(record_of).is_some()),
                ("doubtful", Some(&id)) => {
                    let choices: Vec<Option<i64>> = e["candidates"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| record_of(r.as_u64().unwrap() as usize))
                        .collect();
                    assert!(
                        choices.contains(&Some(id)),
                        "{path}: a doubtful file went elsewhere"
                    );
                }
                ("extra", Some(_)) => panic!("{path} is no one's certificate but was matched"),
                _ => {}
            }
            if e["kind"] == "matched" && matched.contains_key(path) {
                expected += 1;
            }
        }
        // Most files find their record by their name alone; the rest are asked, never guessed.
        assert!(
            right * 100 >= expected * 95,
            "{right} of {expected} matched"
        );
        assert!(p.doubtful.len() <= 40, "{} doubtful", p.doubtful.len());

        // One transaction, an audit event per file; a second run attaches nothing again.
        let events = crate::ledger::audit::log(&conn, None).unwrap().len();
        let out = attach(&mut conn, 2025, "证明材料.zip", &bundle, &[], "王敏").unwrap();
        assert_eq!((out.attached, out.already), (p.matched.len(), 0));
        let doubted: i64 = conn
            .query_row(
                "SELECT COUNT(DISTINCT record_id) FROM certificate_doubt",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(doubted > 0);
        assert_eq!(
            crate::ledger::audit::log(&conn, None).unwrap().len(),
            events + p.matched.len() + doubted as usize,
            "an event per file, and one per record left with doubtful files"
        );
        let again = attach(&mut conn, 2025, "证明材料.zip", &bundle, &[], "王敏").unwrap();
        assert_eq!((again.attached, again.already), (0, p.matched.len()));
        // The doubtful files wait against each record they may be: 审核模式 can go through those.
        let doubtful = crate::ledger::review::queue(&conn, 2025, None, Some(false), true).unwrap();
        let expected: std::collections::BTreeSet<i64> = p
            .doubtful
            .iter()
            .flat_map(|d| d.choices.iter().map(|c| c.record_id))
            .filter(|id| crate::ledger::records::get(&conn, *id).unwrap().attachments == 0)
            .collect();
        assert_eq!(
            doubtful
                .iter()
                .copied()
                .collect::<std::collections::BTreeSet<_>>(),
            expected
        );
        let first = p.doubtful[0].choices[0].record_id;
        if crate::ledger::records::get(&conn, first)
            .unwrap()
            .attachments
            == 0
        {
            let said = crate::ledger::evidence::doubts(&conn, first).unwrap();
            assert_eq!(
                said[0],
                (p.doubtful[0].path.clone(), "证明材料.zip".to_string())
            );
        }
        assert!(crate::ledger::audit::verify(&conn).unwrap().holds());
    }
}

//! Issue 25: certificates in bulk through the real CLI. The departments' ZIP (GBK names, no UTF-8
//! flag) attaches what its names decide and asks about the rest; every hostile archive of
//! tests/corpus/hostile-archives, a 100,000-entry archive and a folder with a link are refused
//! with a message, the ledger and its evidence folder unchanged.

mod common;
use common::{id_number, path_str, Ledger};
use std::path::{Path, PathBuf};

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus")
        .join(rel)
}

/// A ledger with 张伟 and one training record awaiting review (record 1).
fn ledger_with_a_record() -> Ledger {
    let l = Ledger::new();
    let a = id_number("19800101", 101);
    let staff = l.write("名册.csv", format!("姓名,身份证号,部门\n张伟,{a},内科\n"));
    l.ok(&["staff", "import", path_str(&staff)]);
    let records = l.write(
        "申报.csv",
        format!(
            "身份证号,类别,项目名称,开始日期,学时\n{a},培训进修,心血管介入培训班,2025-03-05,8\n"
        ),
    );
    l.ok(&["records", "import", path_str(&records)]);
    l
}

/// What a refused archive must leave as it was: every row of the ledger and the evidence folder.
fn state(l: &Ledger) -> (Vec<u8>, Vec<String>) {
    let evidence = l.dir.path().join("evidence");
    let mut files: Vec<String> = std::fs::read_dir(&evidence)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let conn = ce_ledger_core::ledger::lock::open_raw(&l.db).unwrap();
    let rows: String = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM audit_event) || '/' || (SELECT COUNT(*) FROM record_evidence)
                    || '/' || (SELECT COUNT(*) FROM evidence_file)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (rows.into_bytes(), files)
}

fn refused(l: &Ledger, source: &Path, fragment: &str) {
    let before = state(l);
    let out = l.run(&["review", "attach-bulk", path_str(source), "--year", "2025"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{}: accepted", source.display());
    assert!(
        err.contains("错误：") && err.contains(fragment),
        "{}: {err}",
        source.display()
    );
    assert!(err.contains("台账没有任何改动"), "{err}");
    assert_eq!(
        state(l),
        before,
        "{}: something was written",
        source.display()
    );
}

#[test]
fn hostile_archives_are_refused_and_nothing_is_written() {
    let l = ledger_with_a_record();
    for (file, fragment) in [
        ("zip-bomb.zip", "解压后超过20 MB"),
        ("dotdot.zip", "压缩包之外"),
        ("absolute.zip", "绝对路径"),
        ("symlink.zip", "是链接"),
        ("not-an-image.zip", "不是 PDF、JPG 或 PNG"),
        ("encrypted.zip", "已加密"),
        ("truncated.zip", "无法打开"),
        ("duplicate-names.zip", "同名文件"),
    ] {
        refused(&l, &corpus(&format!("hostile-archives/{file}")), fragment);
    }

    // 100,000 tiny entries: refused from the central directory, before any is read.
    let many = l.dir.path().join("很多文件.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&many).unwrap());
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..100_000 {
            w.start_file(format!("内科/{i}.jpg"), stored).unwrap();
        }
        w.finish().unwrap();
    }
    refused(&l, &many, "100000个文件");

    // A folder whose certificate is a link to a file outside it.
    let folder = l.dir.path().join("证明材料");
    std::fs::create_dir_all(folder.join("内科")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", folder.join("内科/张伟.jpg")).unwrap();
    refused(&l, &folder, "是链接");
}

#[test]
fn a_folder_of_certificates_attaches_by_name_once() {
    let l = ledger_with_a_record();
    let folder = l.dir.path().join("证明材料");
    std::fs::create_dir_all(folder.join("内科")).unwrap();
    std::fs::write(
        folder.join("内科/内科_张伟_心血管介入培训班.jpg"),
        b"\xFF\xD8\xFF\xE0 jpeg",
    )
    .unwrap();
    std::fs::write(folder.join("内科/身份证.jpg"), b"\xFF\xD8\xFF\xE0 id card").unwrap();
    std::fs::write(folder.join("内科/Thumbs.db"), b"junk").unwrap();
    let dry = l.ok(&[
        "review",
        "attach-bulk",
        path_str(&folder),
        "--year",
        "2025",
        "--dry-run",
    ]);
    assert!(dry.contains("对应到一条记录：1 个"), "{dry}");
    assert!(
        dry.contains("没有对应记录的文件：1 个") && dry.contains("内科/身份证.jpg"),
        "{dry}"
    );
    assert!(dry.contains("跳过的系统文件：内科/Thumbs.db"), "{dry}");
    assert!(
        !l.dir.path().join("evidence").exists(),
        "a dry run writes nothing"
    );
    let out = l.ok(&[
        "review",
        "attach-bulk",
        path_str(&folder),
        "--year",
        "2025",
        "--by",
        "王敏",
    ]);
    assert!(out.contains("已添加证明材料 1 个"), "{out}");
    let again = l.ok(&["review", "attach-bulk", path_str(&folder), "--year", "2025"]);
    assert!(again.contains("1 个已在对应记录中"), "{again}");
    let log = l.json(&["audit", "log", "--json"]);
    let attach = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "attach")
        .count();
    assert_eq!(attach, 1, "one event for the one file attached");
    let verified = l.ok(&["audit", "verify"]);
    assert!(verified.contains("完整"), "{verified}");

    // The upload lists the file by name and short hash beside what the declaration says.
    l.ok(&["review", "approve", "1", "--by", "王敏"]);
    let out = l.dir.path().join("上报.csv");
    l.ok(&["export", "--year", "2025", "--out", path_str(&out)]);
    let csv = std::fs::read_to_string(&out).unwrap();
    let sha = {
        use std::io::Write;
        let mut child = std::process::Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"\xFF\xD8\xFF\xE0 jpeg")
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    let cell = format!("内科/内科_张伟_心血管介入培训班.jpg（{}）", &sha[..8]);
    assert!(csv.contains(&cell), "{cell} in {csv}");
}

#[test]
fn the_departments_zip_in_gbk_names_is_matched_and_doubtful_files_are_asked() {
    let l = ledger_with_a_record();
    let out = l.ok(&[
        "review",
        "attach-bulk",
        path_str(&corpus("messy/证明材料.zip")),
        "--year",
        "2025",
        "--dry-run",
    ]);
    // This ledger holds only 张伟's one record: the archive's 1,110 certificates are read (their
    // GBK names decoded), and none but his could be attached.
    assert!(out.contains("证明材料.zip：1110 个证明材料文件"), "{out}");
    assert!(
        out.contains("跳过的系统文件：康复医学科/Thumbs.db、检验科/新建文本文档.txt"),
        "{out}"
    );
}

mod common;
use common::{path_str, Ledger};
use std::process::Command;

const PLAN: &str = r#"{"unit":"枣庄市立医院","address":"枣庄市市中区龙庭路1号","project":"基层医师急危重症救治能力提升培训班","leader":"张建国","contact":"李晓梅","phone":"0632-3314140","advanced_seminar":false,"trainees":"全市二级以上医院急诊科、重症医学科医师及乡镇卫生院骨干医师，共计一百二十名，分两期轮训","trainee_count":120,"start":"2025-06-10","end":"2025-06-12","days":3,"hours":24,"venue_and_form":"枣庄市立医院学术报告厅；线下集中授课、模拟病例演练与技能操作考核相结合"}"#;

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed: {e}"));
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A 64×64 red disc with a transparent background, as a stand-in for a scanned seal.
fn seal_png() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        out.extend(crc32(&out[start..]).to_be_bytes());
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in bytes {
            c ^= *b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn adler(bytes: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for x in bytes {
            a = (a + *x as u32) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }
    let (w, h) = (64u32, 64u32);
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            let (dx, dy) = (x as i32 - 32, y as i32 - 32);
            let inside = dx * dx + dy * dy < 30 * 30;
            raw.extend([220, 20, 30, if inside { 230 } else { 0 }]);
        }
    }
    // zlib with stored (uncompressed) blocks
    let mut z = vec![0x78, 0x01];
    for (i, block) in raw.chunks(65535).enumerate() {
        let last = (i + 1) * 65535 >= raw.len();
        z.push(last as u8);
        z.extend((block.len() as u16).to_le_bytes());
        z.extend((!(block.len() as u16)).to_le_bytes());
        z.extend(block);
    }
    z.extend(adler(&raw).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]); // 8-bit RGBA
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &z);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn form_from_json_has_every_label_and_value_as_text_in_an_embedded_subset_font() {
    let l = Ledger::new();
    let plan = l.write("plan.json", PLAN);
    let seal = l.write("seal.png", seal_png());
    let out = l.dir.path().join("form.pdf");
    l.ok(&[
        "plan",
        "pdf",
        "--from",
        path_str(&plan),
        "--out",
        path_str(&out),
        "--seal",
        path_str(&seal),
    ]);
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-1.4"),
        "transparency needs a 1.4 header"
    );
    assert!(bytes.len() < 600 * 1024, "{} bytes", bytes.len());

    let info = poppler("pdfinfo", &[path_str(&out)]);
    assert!(
        info.contains("Pages:           2"),
        "一式二份 by default: {info}"
    );
    // Issue 13 item 13: `--copies 1` prints one; anything else is refused.
    let one = l.dir.path().join("one.pdf");
    l.ok(&[
        "plan",
        "pdf",
        "--from",
        path_str(&plan),
        "--out",
        path_str(&one),
        "--copies",
        "1",
    ]);
    assert!(poppler("pdfinfo", &[path_str(&one)]).contains("Pages:           1"));
    assert!(!l
        .run(&[
            "plan",
            "pdf",
            "--from",
            path_str(&plan),
            "--out",
            path_str(&one),
            "--copies",
            "3"
        ])
        .status
        .success());
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    let fonts = poppler("pdffonts", &[path_str(&out)]);
    let row = fonts
        .lines()
        .find(|l| l.contains("NotoSerifCJK"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(
        row.contains("yes yes yes"),
        "embedded, subset, unicode: {row}"
    );
    let images = poppler("pdfimages", &["-list", path_str(&out)]);
    assert!(
        images.contains("smask"),
        "the seal keeps its alpha as a soft mask: {images}"
    );

    let text: String = poppler("pdftotext", &[path_str(&out), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for needle in [
        "附件2",
        "2025年度枣庄市专业培训项目计划申报表",
        "申报单位",
        "地址",
        "申请培训项目名称",
        "负责人",
        "联系人",
        "联系电话",
        "是否申请为市级高级研修班",
        "培训计划",
        "计划培训对象",
        "计划培训人数",
        "计划培训时间",
        "培训天数",
        "拟计算学时",
        "培训地点及培训形式",
        "申报单位意见",
        "人社部门审核意见",
        "单位盖章",
        "年月日",
        "枣庄市立医院",
        "枣庄市市中区龙庭路1号",
        "基层医师急危重症救治能力提升培训班",
        "张建国",
        "李晓梅",
        "0632-3314140",
        "□是",
        "■否",
        "120人",
        "2025年6月10日至2025年6月12日",
        "3天",
        "24学时",
        "全市二级以上医院急诊科、重症医学科医师及乡镇卫生院骨干医师，共计一百二十名，分两期轮训",
        "枣庄市立医院学术报告厅；线下集中授课、模拟病例演练与技能操作考核相结合",
        "此表一式二份",
        "薛城区民生路366号南区三楼371室",
        "zzzjk@zz.shandong.cn",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in the PDF text");
    }
}

#[test]
fn a_plan_failing_a_check_writes_no_file() {
    let l = Ledger::new();
    let bad = l.write("bad.json", PLAN.replace("\"hours\":24", "\"hours\":25"));
    let out = l.dir.path().join("bad.pdf");
    let r = l.run(&[
        "plan",
        "pdf",
        "--from",
        path_str(&bad),
        "--out",
        path_str(&out),
    ]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("8学时"));
    assert!(!out.exists());
    let missing = l.write("missing.json", PLAN.replace("\"leader\":\"张建国\",", ""));
    let r = l.run(&[
        "plan",
        "pdf",
        "--from",
        path_str(&missing),
        "--out",
        path_str(&out),
    ]);
    assert!(String::from_utf8_lossy(&r.stderr).contains("缺少字段 leader"));
    let fake_seal = l.write("seal.png", "not a png");
    let plan = l.write("plan.json", PLAN);
    let r = l.run(&[
        "plan",
        "pdf",
        "--from",
        path_str(&plan),
        "--out",
        path_str(&out),
        "--seal",
        path_str(&fake_seal),
    ]);
    assert!(!r.status.success() && !out.exists());
}

#[test]
fn registry_add_list_print_and_file() {
    let l = Ledger::new();
    let plan = l.write("plan.json", PLAN);
    l.ok(&["plan", "add", path_str(&plan)]);
    let list = l.json(&["plan", "list", "--json"]);
    assert_eq!(list[0]["status"], "draft");
    assert_eq!(
        list[0]["form"]["project"],
        "基层医师急危重症救治能力提升培训班"
    );
    let out = l.dir.path().join("1.pdf");
    l.ok(&["plan", "pdf", "1", "--out", path_str(&out)]);
    assert!(out.exists());
    assert_eq!(l.json(&["plan", "list", "--json"])[0]["status"], "printed");
    assert!(!l
        .run(&[
            "plan",
            "status",
            "1",
            "--to",
            "filed",
            "--date",
            "2025-05-15",
            "--number",
            "备-1"
        ])
        .status
        .success());
    l.ok(&[
        "plan",
        "status",
        "1",
        "--to",
        "submitted",
        "--date",
        "2025-05-08",
    ]);
    l.ok(&[
        "plan",
        "status",
        "1",
        "--to",
        "filed",
        "--date",
        "2025-05-15",
        "--number",
        "枣人社备2025-018",
    ]);
    let p = &l.json(&["plan", "list", "--json"])[0];
    assert_eq!(
        (p["status"].as_str(), p["filing_number"].as_str()),
        (Some("filed"), Some("枣人社备2025-018"))
    );
    assert!(l.ok(&["audit", "verify"]).contains("审计链完整"));
}

/// Where pdftotext finds the word `prefix` on page 1, or else the first word starting with it:
/// (x, y) of its top left.
fn word_at(bbox: &str, prefix: &str) -> (f32, f32) {
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    let words = || {
        bbox.lines()
            .filter(|l| l.contains("<word"))
            .filter_map(|l| {
                let text = l.split('>').nth(1)?.split('<').next()?;
                Some((l, text))
            })
    };
    let line = words()
        .find(|(_, t)| *t == prefix)
        .or_else(|| words().find(|(_, t)| t.starts_with(prefix)))
        .map(|(l, _)| l)
        .unwrap_or_else(|| panic!("no word {prefix:?} in the PDF"));
    (attr(line, "xMin"), attr(line, "yMin"))
}

/// Issue 13 item 13: the grid of the notice's form as DOMAIN.md reads it, checked on the positions
/// poppler reads back: 申报单位 | 地址 on one row, 负责人 | 联系人 | 联系电话 on one, and the 培训计划
/// block as a header row of its six labels over a row of values.
#[test]
fn the_form_follows_the_grid_of_the_notice() {
    let l = Ledger::new();
    let plan = l.write("plan.json", PLAN);
    let out = l.dir.path().join("grid.pdf");
    l.ok(&[
        "plan",
        "pdf",
        "--from",
        path_str(&plan),
        "--out",
        path_str(&out),
        "--copies",
        "1",
    ]);
    let bbox = poppler(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", path_str(&out), "-"],
    );
    let at = |w: &str| word_at(&bbox, w);
    let same_row = |a: &str, b: &str| {
        let ((xa, ya), (xb, yb)) = (at(a), at(b));
        assert!(
            (ya - yb).abs() < 12.0 && xa < xb,
            "{a} and then {b} on one row: {:?} {:?}",
            at(a),
            at(b)
        );
    };
    let above = |a: &str, b: &str| assert!(at(a).1 < at(b).1, "{a} above {b}");
    same_row("申报单位", "地址");
    same_row("负责人", "联系人");
    same_row("联系人", "联系电话");
    above("地址", "申请培训项目");
    above("申请培训项目", "负责人");
    above("联系电话", "是否申请为市");
    // The block's labels side by side (each wrapped like a column header), values below them.
    let headers = [
        "计划培训对象",
        "计划培",
        "计划培训时间",
        "培训",
        "拟计算",
        "培训地点",
    ];
    for pair in headers.windows(2) {
        let ((x0, y0), (x1, y1)) = (at(pair[0]), at(pair[1]));
        assert!(x0 < x1 && (y0 - y1).abs() < 12.0, "{pair:?}");
    }
    above("是否申请为市", "计划培训对象");
    for (header, value) in [
        ("计划培训对象", "全市二级以上"),
        ("计划培", "120"),
        ("培训地点", "枣庄市立医院学术"),
    ] {
        let ((xh, yh), (xv, yv)) = (at(header), at(value));
        assert!(yh < yv && (xh - xv).abs() < 40.0, "{value} under {header}");
    }
    above("枣庄市立医院学术", "申报单位意见");
}

/// Issue 13 item 7: a city-level unit's plan submitted after May 20 is flagged late; the same plan
/// of a unit that is not city-level is not (the duty is a city-level unit's only).
#[test]
fn a_city_level_units_plan_submitted_after_may_20_is_late() {
    let l = Ledger::new();
    let plan = l.write("plan.json", PLAN);
    l.ok(&["plan", "add", path_str(&plan)]);
    l.ok(&["plan", "status", "1", "--to", "printed"]);
    l.ok(&[
        "plan",
        "status",
        "1",
        "--to",
        "submitted",
        "--date",
        "2025-05-21",
    ]);
    assert_eq!(l.json(&["plan", "list", "--json"])[0]["late"], false);
    let unit = l.write(
        "unit.json",
        r#"{"name":"枣庄市立医院","officer":"王敏","city_level":true}"#,
    );
    l.ok(&["unit", "set", path_str(&unit)]);
    assert_eq!(l.json(&["plan", "list", "--json"])[0]["late"], true);
}

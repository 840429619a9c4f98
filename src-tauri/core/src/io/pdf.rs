//! The appendix 2 form 「枣庄市专业培训项目计划申报表」 as an A4 PDF: one bordered table in the
//! notice's field order, real (searchable) text in an embedded subset of Noto Serif CJK SC,
//! optional seal and date, one or two copies.

use crate::domain::dates::parse_date;
use crate::error::{Error, Result};
use crate::ledger::plan::{self, PlanForm};
use chrono::{Datelike, NaiveDate};
use printpdf::{
    FontId, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, RawImage, Rect, TextItem, XObjectTransform,
};
use rusqlite::Connection;
use std::sync::OnceLock;

/// The GBK subset of Noto Serif CJK SC (`assets/fonts`), installed under this name.
const FONT_FILE: &str = "NotoSerifCJKsc-Regular-GBK.otf";
pub const FOOTNOTE: &str = "注：此表一式二份报市人社局人才开发与专业技术人员管理科（地址：薛城区民生路366号南区三楼371室，邮箱：zzzjk@zz.shandong.cn），报送后请及时完成市平台备案、发证工作。";
pub const MAX_SEAL_BYTES: usize = 5 * 1024 * 1024;
const MAX_SEAL_PIXELS: usize = 4096;

#[cfg(not(feature = "shared-font"))]
fn font_bytes() -> Result<std::borrow::Cow<'static, [u8]>> {
    Ok(std::borrow::Cow::Borrowed(include_bytes!(
        "../../../../assets/fonts/NotoSerifCJKsc-Regular-GBK.otf"
    )))
}

/// The installed package's copy, shared by the desktop app and the CLI.
#[cfg(feature = "shared-font")]
fn font_bytes() -> Result<std::borrow::Cow<'static, [u8]>> {
    let path = crate::platform::shared_dir()
        .unwrap_or_default()
        .join("fonts")
        .join(FONT_FILE);
    std::fs::read(&path)
        .map(std::borrow::Cow::Owned)
        .map_err(|e| {
            Error::invalid(format!(
                "找不到申报表字体 {}（{e}），请重新安装学时台账",
                path.display()
            ))
        })
}

static FONT: OnceLock<ParsedFont> = OnceLock::new();

/// Loads the form's font once; `render` calls this before drawing anything.
fn load_font() -> Result<&'static ParsedFont> {
    if let Some(f) = FONT.get() {
        return Ok(f);
    }
    let parsed = ParsedFont::from_bytes(&font_bytes()?, 0, &mut Vec::new()).ok_or_else(|| {
        Error::invalid(format!("申报表字体 {FONT_FILE} 已损坏，请重新安装学时台账"))
    })?;
    Ok(FONT.get_or_init(|| parsed))
}

/// The loaded font, for the drawing helpers that run inside `render`.
fn font() -> &'static ParsedFont {
    load_font().expect("render loads the font before drawing")
}

#[derive(Debug, Clone, Default)]
pub struct FormOptions {
    /// A PNG with transparency, placed over 申报单位意见.
    pub seal_png: Option<Vec<u8>>,
    /// Fills 年 月 日 under 申报单位意见.
    pub date: Option<NaiveDate>,
    /// Both copies the notice asks for, as two pages.
    pub two_copies: bool,
}

/// Width of `text` in points at `size`.
fn width(text: &str, size: f32) -> f32 {
    let f = font();
    let upm = f.pdf_font_metrics.units_per_em as f32;
    text.chars()
        .map(|c| {
            f.lookup_glyph_index(c as u32)
                .map(|g| f.get_horizontal_advance(g) as f32)
                .unwrap_or(0.0)
                / upm
                * size
        })
        .sum()
}

/// Refuses a value the font cannot draw, naming the character: a blank on a stamped form is worse than an error.
fn check_glyphs(field: &str, text: &str) -> Result<()> {
    let f = font();
    match text
        .chars()
        .find(|c| !c.is_control() && f.lookup_glyph_index(*c as u32).is_none())
    {
        Some(c) => Err(Error::invalid(format!(
            "{field}中的字符“{c}”（U+{:04X}）超出表格字体（GBK字符集），请改用常用字",
            c as u32
        ))),
        None => Ok(()),
    }
}

/// Breaks text into lines no wider than `max` points, character by character (Chinese has no spaces).
fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut w = 0.0;
        for c in para.chars() {
            let cw = width(c.encode_utf8(&mut [0; 4]), size);
            // Closing punctuation stays on its line rather than starting the next one.
            let closing = matches!(
                c,
                '，' | '。'
                    | '、'
                    | '；'
                    | '：'
                    | '）'
                    | '》'
                    | '”'
                    | '！'
                    | '？'
                    | ','
                    | '.'
                    | ')'
            );
            if w + cw > max && !line.is_empty() && !closing {
                lines.push(std::mem::take(&mut line));
                w = 0.0;
            }
            line.push(c);
            w += cw;
        }
        lines.push(line);
    }
    lines
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
}

const LINE: f32 = 1.45; // line height as a multiple of the font size
const PAD: f32 = 2.2; // mm inside a cell
const SIZE: f32 = 11.5; // pt, table text

fn mm(v: f32) -> Pt {
    Mm(v).into()
}

/// Collects drawing operations in millimetres from the top-left corner of an A4 page.
struct Page {
    ops: Vec<Op>,
    font: FontId,
}

impl Page {
    const HEIGHT: f32 = 297.0;

    fn text(&mut self, x: f32, y_top_baseline: f32, size: f32, s: &str) {
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(self.font.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: mm(x),
                    y: mm(Self::HEIGHT - y_top_baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn centered(&mut self, x0: f32, x1: f32, baseline: f32, size: f32, s: &str) {
        let w = width(s, size) / 72.0 * 25.4;
        self.text(x0 + ((x1 - x0) - w) / 2.0, baseline, size, s);
    }

    fn rect(&mut self, x: f32, y_top: f32, w: f32, h: f32) {
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: mm(x),
                y: mm(Self::HEIGHT - y_top - h),
                width: mm(w),
                height: mm(h),
                mode: Some(PaintMode::Stroke),
                winding_order: None,
            },
        });
    }

    /// Height in mm that `text` needs in a cell `w` mm wide.
    fn needed(text: &str, w: f32) -> f32 {
        let lines = wrap(text, SIZE, (w - 2.0 * PAD) / 25.4 * 72.0).len() as f32;
        lines * SIZE * LINE / 72.0 * 25.4 + 2.0 * PAD
    }

    /// A bordered cell with wrapped, vertically centred text.
    fn cell(&mut self, x: f32, y_top: f32, w: f32, h: f32, text: &str, align: Align) {
        self.rect(x, y_top, w, h);
        let lines = wrap(text, SIZE, (w - 2.0 * PAD) / 25.4 * 72.0);
        let lh = SIZE * LINE / 72.0 * 25.4;
        let block = lines.len() as f32 * lh;
        let ascent = SIZE * 0.88 / 72.0 * 25.4;
        let mut baseline = y_top + (h - block) / 2.0 + ascent + (lh - SIZE / 72.0 * 25.4) / 2.0;
        for l in &lines {
            match align {
                Align::Left => self.text(x + PAD, baseline, SIZE, l),
                Align::Center => self.centered(x, x + w, baseline, SIZE, l),
            }
            baseline += lh;
        }
    }
}

// Column edges (mm from the left edge of the page). The grid is the notice's form as DOMAIN.md
// reads it: 申报单位 | 地址 on one row, 负责人 | 联系人 | 联系电话 on one, and the 培训计划 block as a
// header row of its six labels over a row of values.
const X0: f32 = 20.0; // table left
const XB: f32 = 30.0; // end of the merged 培训计划 cell
const XL: f32 = 50.0; // end of the label column of whole rows
const XM: f32 = 112.0; // first row: end of 申报单位's value
const XN: f32 = 132.0; // first row: end of 地址's label
const X1: f32 = 190.0; // table right
/// The 培训计划 block's columns, left to right, and their widths in mm (160 in all).
const PLAN_COLUMNS: [(&str, f32); 6] = [
    ("计划培训对象", 30.0),
    ("计划培训人数", 18.0),
    ("计划培训时间", 36.0),
    ("培训天数", 16.0),
    ("拟计算学时", 20.0),
    ("培训地点及培训形式", 40.0),
];
const MIN_ROW: f32 = 11.0;
const OPINION_ROW: f32 = 44.0;

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The values as printed, checked against the font.
fn values(p: &PlanForm) -> Result<Vec<(&'static str, String)>> {
    let start = parse_date(&p.start).map_err(Error::invalid)?;
    let end = parse_date(&p.end).map_err(Error::invalid)?;
    let time = if start == end {
        cn_date(start)
    } else {
        format!("{} 至 {}", cn_date(start), cn_date(end))
    };
    let v = vec![
        ("申报单位", p.unit.trim().to_string()),
        ("地址", p.address.trim().to_string()),
        ("申请培训项目名称", p.project.trim().to_string()),
        ("负责人", p.leader.trim().to_string()),
        ("联系人", p.contact.trim().to_string()),
        ("联系电话", p.phone.trim().to_string()),
        (
            "是否申请为市级高级研修班",
            if p.advanced_seminar {
                "■ 是　　□ 否".into()
            } else {
                "□ 是　　■ 否".into()
            },
        ),
        ("计划培训对象", p.trainees.trim().to_string()),
        ("计划培训人数", format!("{} 人", p.trainee_count)),
        ("计划培训时间", time),
        ("培训天数", format!("{} 天", p.days)),
        ("拟计算学时", format!("{} 学时", p.hours)),
        ("培训地点及培训形式", p.venue_and_form.trim().to_string()),
    ];
    for (label, value) in &v {
        check_glyphs(label, value)?;
    }
    Ok(v)
}

struct Seal {
    image: RawImage,
}

/// Width and height from the IHDR chunk, which the PNG standard puts first.
fn png_dimensions(png: &[u8]) -> Option<(u32, u32)> {
    let ihdr = png.get(12..24)?;
    if &ihdr[..4] != b"IHDR" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&ihdr[4..8]), be(&ihdr[8..12])))
}

fn seal_too_large(len: u64) -> Error {
    Error::invalid(format!(
        "印章图片过大（{:.1} MB），不超过5 MB",
        len as f64 / 1048576.0
    ))
}

/// Reads a seal PNG from a file, refusing an oversized one before reading it.
pub fn read_seal(path: &std::path::Path) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_SEAL_BYTES as u64 {
        return Err(seal_too_large(len));
    }
    std::fs::read(path).map_err(io)
}

/// Renders the form of a stored plan and hands it to `deliver` (write it, return it); only when
/// that succeeded does a draft become 已打印 (audited).
pub fn print_plan<T>(
    conn: &mut Connection,
    id: i64,
    opts: &FormOptions,
    deliver: impl FnOnce(Vec<u8>) -> Result<T>,
) -> Result<T> {
    let p = plan::get(conn, id)?;
    let delivered = deliver(render(&p.form, opts)?)?;
    if p.status == plan::PlanStatus::Draft {
        let by = crate::ledger::audit::default_actor(conn)?;
        plan::transition(conn, id, &plan::Transition::Printed, &by)?;
    }
    Ok(delivered)
}

fn decode_seal(png: &[u8]) -> Result<Seal> {
    if png.len() > MAX_SEAL_BYTES {
        return Err(seal_too_large(png.len() as u64));
    }
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(Error::invalid("印章图片须为带透明背景的PNG文件"));
    }
    // The size the header claims, checked before decoding: a small file can claim gigapixels.
    if let Some((w, h)) = png_dimensions(png) {
        if w == 0 || h == 0 || w > MAX_SEAL_PIXELS as u32 || h > MAX_SEAL_PIXELS as u32 {
            return Err(Error::invalid(format!(
                "印章图片尺寸{w}×{h}不合适（每边不超过{MAX_SEAL_PIXELS}像素）"
            )));
        }
    } else {
        return Err(Error::invalid("印章图片无法读取：PNG文件头不完整"));
    }
    let image = RawImage::decode_from_bytes(png, &mut Vec::new())
        .map_err(|e| Error::invalid(format!("印章图片无法读取：{e}")))?;
    if image.width == 0
        || image.height == 0
        || image.width > MAX_SEAL_PIXELS
        || image.height > MAX_SEAL_PIXELS
    {
        return Err(Error::invalid(format!(
            "印章图片尺寸{}×{}不合适（每边不超过{MAX_SEAL_PIXELS}像素）",
            image.width, image.height
        )));
    }
    Ok(Seal { image })
}

/// Renders the form. Fails — with a Chinese message and no output — when the plan fails a check,
/// a character is outside the font, or the seal is not a usable PNG.
pub fn render(p: &PlanForm, opts: &FormOptions) -> Result<Vec<u8>> {
    load_font()?;
    plan::checked(p)?;
    let v = values(p)?;
    let get = |k: &str| {
        v.iter()
            .find(|(l, _)| *l == k)
            .map(|(_, s)| s.as_str())
            .unwrap_or("")
    };
    let year = p.year();
    let mut doc = PdfDocument::new(&format!(
        "{year}年度枣庄市专业培训项目计划申报表 - {}",
        p.project.trim()
    ));
    let font_id = doc.add_font(font());
    let seal = match &opts.seal_png {
        Some(png) => {
            let s = decode_seal(png)?;
            Some((
                doc.add_image(&s.image),
                s.image.width as f32,
                s.image.height as f32,
            ))
        }
        None => None,
    };

    let mut page = Page {
        ops: Vec::new(),
        font: font_id,
    };
    page.ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
    page.text(X0, 20.0, 14.0, "附件2");
    page.centered(
        X0,
        X1,
        33.0,
        18.0,
        &format!("{year}年度枣庄市专业培训项目计划申报表"),
    );

    let mut y = 42.0;
    // One row of (label, value, width of the pair's label, width of its value) cells; every value is
    // wrapped in full, and the row is as tall as its tallest cell.
    let row = |page: &mut Page, y: &mut f32, cells: &[(&str, f32, f32)]| {
        let h = cells
            .iter()
            .map(|(label, lw, vw)| Page::needed(label, *lw).max(Page::needed(get(label), *vw)))
            .fold(MIN_ROW, f32::max);
        let mut x = X0;
        for (label, lw, vw) in cells {
            page.cell(x, *y, *lw, h, label, Align::Center);
            page.cell(x + lw, *y, *vw, h, get(label), Align::Left);
            x += lw + vw;
        }
        *y += h;
    };
    row(
        &mut page,
        &mut y,
        &[("申报单位", XL - X0, XM - XL), ("地址", XN - XM, X1 - XN)],
    );
    row(&mut page, &mut y, &[("申请培训项目名称", XL - X0, X1 - XL)]);
    let third = (X1 - X0) / 3.0;
    row(
        &mut page,
        &mut y,
        &[
            ("负责人", 22.0, third - 22.0),
            ("联系人", 22.0, third - 22.0),
            ("联系电话", 22.0, third - 22.0),
        ],
    );
    row(
        &mut page,
        &mut y,
        &[("是否申请为市级高级研修班", XL - X0, X1 - XL)],
    );
    // 培训计划: a merged cell beside a header row of its six labels over a row of their values.
    let block_top = y;
    // A date range breaks after 至, not inside a date.
    let time = get("计划培训时间").replacen(" 至 ", " 至\n", 1);
    let values = PLAN_COLUMNS.map(|(label, _)| match label {
        "计划培训时间" => time.as_str(),
        _ => get(label),
    });
    for texts in [PLAN_COLUMNS.map(|(label, _)| label), values] {
        let h = texts
            .iter()
            .zip(PLAN_COLUMNS)
            .map(|(text, (_, w))| Page::needed(text, w))
            .fold(MIN_ROW, f32::max);
        let mut x = XB;
        for (i, (text, (_, w))) in texts.iter().zip(PLAN_COLUMNS).enumerate() {
            let align = if y == block_top || i == 1 || i == 3 || i == 4 {
                Align::Center
            } else {
                Align::Left
            };
            page.cell(x, y, w, h, text, align);
            x += w;
        }
        y += h;
    }
    page.cell(
        X0,
        block_top,
        XB - X0,
        y - block_top,
        "培\n训\n计\n划",
        Align::Center,
    );

    for (i, label) in ["申报单位意见", "人社部门审核意见"].into_iter().enumerate() {
        page.cell(X0, y, XL - X0, OPINION_ROW, label, Align::Center);
        page.rect(XL, y, X1 - XL, OPINION_ROW);
        let date = match (i, opts.date) {
            (0, Some(d)) => format!("{}年　{}月　{}日", d.year(), d.month(), d.day()),
            _ => "年　　月　　日".to_string(),
        };
        page.text(X1 - 58.0, y + OPINION_ROW - 16.0, SIZE, "（单位盖章）");
        page.text(X1 - 58.0, y + OPINION_ROW - 7.0, SIZE, &date);
        if let (0, Some((id, w, h))) = (i, &seal) {
            // About 42 mm across, centred on 单位盖章, as a stamp would be.
            let target_w = 42.0;
            let target_h = target_w * h / w;
            let cx = X1 - 40.0;
            let cy = y + OPINION_ROW - 22.0;
            page.ops.push(Op::UseXobject {
                id: id.clone(),
                transform: XObjectTransform {
                    translate_x: Some(mm(cx - target_w / 2.0)),
                    translate_y: Some(mm(Page::HEIGHT - cy - target_h / 2.0)),
                    dpi: Some(w / (target_w / 25.4)),
                    ..Default::default()
                },
            });
        }
        y += OPINION_ROW;
    }
    let mut baseline = y + 7.0;
    for line in wrap(FOOTNOTE, 10.5, (X1 - X0) / 25.4 * 72.0) {
        page.text(X0, baseline, 10.5, &line);
        baseline += 10.5 * LINE / 72.0 * 25.4;
    }

    let copies = if opts.two_copies { 2 } else { 1 };
    let pages = (0..copies)
        .map(|_| PdfPage::new(Mm(210.0), Mm(297.0), page.ops.clone()))
        .collect();
    let mut bytes = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new());
    // printpdf writes a 1.3 header, but the seal's soft mask (transparency) is PDF 1.4;
    // the two headers are the same length, so offsets stay valid.
    if bytes.starts_with(b"%PDF-1.3") {
        bytes[5..8].copy_from_slice(b"1.4");
    }
    Ok(bytes)
}

/// What the recovery sheet states: the unit, the ledger, the code.
pub struct RecoverySheet<'a> {
    pub unit: &'a str,
    pub ledger_id: &'a str,
    pub ledger_path: &'a str,
    pub code: &'a str,
}

/// The recovery code on one A4 page, to print and file with the unit's seal: what it is, the
/// code in large type, and how to use it on a new computer.
pub fn recovery_sheet(s: &RecoverySheet<'_>) -> Result<Vec<u8>> {
    load_font()?;
    let mut doc = PdfDocument::new("学时台账 恢复码");
    let font_id = doc.add_font(font());
    let mut page = Page {
        ops: Vec::new(),
        font: font_id,
    };
    page.centered(20.0, 190.0, 30.0, 20.0, "学时台账 恢复码");
    let mut y = 48.0;
    let unit = if s.unit.trim().is_empty() {
        "（未填写单位名称）"
    } else {
        s.unit.trim()
    };
    for (label, value) in [
        ("单位", unit),
        ("台账编号", s.ledger_id),
        ("台账文件", s.ledger_path),
        (
            "打印日期",
            &chrono::Local::now().format("%Y年%m月%d日").to_string(),
        ),
    ] {
        page.text(25.0, y, SIZE, &format!("{label}：{value}"));
        y += 8.0;
    }
    y += 6.0;
    page.rect(20.0, y, 170.0, 34.0);
    let groups: Vec<&str> = s.code.split('-').collect();
    for (row, chunk) in groups.chunks(6).enumerate() {
        page.centered(
            20.0,
            190.0,
            y + 13.0 + row as f32 * 12.0,
            16.0,
            &chunk.join("  "),
        );
    }
    y += 46.0;
    for line in [
        "这是什么：台账文件是加密保存的，密钥保存在本机（系统密钥环或密钥文件）中。",
        "什么时候用：换电脑、重装系统或本机密钥丢失时，凭此恢复码才能打开台账；没有密钥也没有恢复码，",
        "台账无法打开，任何人都无法恢复其中的数据。",
        "怎么用：把台账文件（连同 evidence、backups 文件夹）复制到新电脑，打开学时台账，在提示处输入恢复码；",
        "或在命令行运行：ce-ledger key recover --code 恢复码",
        "怎么保管：与单位公章一同保管，不要拍照、不要发到聊天软件。持有恢复码和台账文件的人可以读取全部数据。",
    ] {
        for wrapped in wrap(line, 10.5, (170.0 / 25.4) * 72.0) {
            page.text(20.0, y, 10.5, &wrapped);
            y += 6.2;
        }
        y += 1.5;
    }
    let pages = vec![PdfPage::new(Mm(210.0), Mm(297.0), page.ops)];
    Ok(doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new()))
}

/// Writes the open ledger's recovery sheet to `out`; the officer has the code from then on, so
/// the window stops asking.
pub fn write_recovery_sheet(conn: &rusqlite::Connection, out: &std::path::Path) -> Result<()> {
    let (code, _) = crate::ledger::lock::recovery(conn)?;
    let id = crate::ledger::key::ledger_id(conn)?.unwrap_or_default();
    let path = conn.path().unwrap_or_default().to_string();
    let unit = crate::ledger::unit::get(conn)?.name;
    let bytes = recovery_sheet(&RecoverySheet {
        unit: &unit,
        ledger_id: &id,
        ledger_path: &path,
        code: &code,
    })?;
    crate::files::write_with(out, |staged| {
        std::fs::write(staged, &bytes).map_err(|e| Error::Write {
            path: out.display().to_string(),
            reason: e.to_string(),
        })
    })?;
    crate::ledger::lock::recovery_kept(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::plan::tests::sample;

    #[test]
    fn wrapping_respects_the_width_and_keeps_punctuation() {
        let lines = wrap("枣庄市立医院学术报告厅，线下集中授课与实操", SIZE, 60.0);
        assert!(lines.len() > 1);
        assert!(
            lines
                .iter()
                .all(|l| width(l, SIZE) <= 60.0 + width("，", SIZE)),
            "{lines:?}"
        );
        assert!(!lines.iter().skip(1).any(|l| l.starts_with('，')));
    }

    #[test]
    fn characters_outside_the_font_are_refused_by_name() {
        let p = PlanForm {
            leader: "张𠀀".into(),
            ..sample()
        };
        let err = render(&p, &FormOptions::default()).unwrap_err().to_string();
        assert!(
            err.contains("负责人") && err.contains("𠀀") && err.contains("U+20000"),
            "{err}"
        );
    }

    #[test]
    fn a_failing_plan_gives_no_pdf() {
        let p = PlanForm {
            hours: crate::domain::hours::Hours::from_whole(100),
            ..sample()
        };
        assert!(render(&p, &FormOptions::default())
            .unwrap_err()
            .to_string()
            .contains("8学时"));
    }

    #[test]
    fn renders_a_small_pdf_1_4() {
        let one = render(&sample(), &FormOptions::default()).unwrap();
        assert!(one.starts_with(b"%PDF-1.4"));
        assert!(one.len() < 600 * 1024, "{} bytes", one.len());
        // Page counts are read back with poppler's pdfinfo in the CLI tests.
        let two = render(
            &sample(),
            &FormOptions {
                two_copies: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(two.len() > one.len());
    }

    #[test]
    fn seal_must_be_a_sane_png() {
        let err = |png: Vec<u8>| {
            render(
                &sample(),
                &FormOptions {
                    seal_png: Some(png),
                    ..Default::default()
                },
            )
            .unwrap_err()
            .to_string()
        };
        assert!(err(b"GIF89a....".to_vec()).contains("PNG"));
        assert!(err(vec![0u8; MAX_SEAL_BYTES + 1]).contains("过大"));
        assert!(err(b"\x89PNG\r\n\x1a\ntruncated".to_vec()).contains("无法读取"));
    }
}

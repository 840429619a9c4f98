//! Reading tabular files (CSV now) into rows keyed by the columns a caller asks for,
//! accepting Chinese and English header aliases.

use crate::error::{Error, Result, RowError};
use std::path::Path;

/// The resident ID number's column, as every file names it.
pub const ID_NUMBER_COLUMN: Column = Column {
    label: "身份证号",
    aliases: &[
        "id_number",
        "id",
        "身份证号码",
        "公民身份号码",
        "身份证",
        "证件号码",
    ],
    required: true,
};

/// A column a caller wants: its Chinese name (used in messages) and accepted aliases.
pub struct Column {
    pub label: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// One row of a file: its line (header = 1) and its cells, held in one string: a 200,000-row
/// file is 200,000 strings in memory, not 2.4 million (issue 14: an import within 150 MB).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    text: String,
    /// Where each cell ends in `text`.
    ends: Box<[u32]>,
}

impl Row {
    pub fn new<S: AsRef<str>>(line: usize, cells: impl IntoIterator<Item = S>) -> Row {
        let mut text = String::new();
        let mut ends = Vec::new();
        for cell in cells {
            text.push_str(cell.as_ref());
            // A cell holds at most a few thousand characters (`MAX_CELL_CHARS`); a file of 4 GB is
            // refused long before it is read, so every end fits in u32.
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Row {
            line,
            text,
            ends: ends.into_boxed_slice(),
        }
    }

    /// Cell `i` as the file holds it, empty when the row has no such cell.
    pub fn raw(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1).copied().unwrap_or(0) as usize,
        };
        self.ends
            .get(i)
            .and_then(|&end| self.text.get(start..end as usize))
            .unwrap_or("")
    }

    /// The trimmed cell of column `i`, empty when the column is absent.
    pub fn get(&self, i: usize) -> &str {
        self.raw(i).trim()
    }

    /// Every cell, as the file holds it.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.raw(i))
    }
}

#[cfg(test)]
pub use crate::progress::cancel_from;
pub use crate::progress::{no_progress, report, Progress};

/// The end of every all-or-nothing import: any error refuses the whole file; an empty file is an error too.
pub fn all_or_nothing<T>(file: &str, errors: Vec<RowError>, good: Vec<T>) -> Result<Vec<T>> {
    if !errors.is_empty() {
        return Err(Error::Rows {
            file: file.into(),
            errors,
        });
    }
    if good.is_empty() {
        return Err(Error::Rows {
            file: file.into(),
            errors: vec![RowError {
                line: 2,
                column: String::new(),
                message: "文件中没有数据行".into(),
            }],
        });
    }
    Ok(good)
}

/// The file's name as messages show it: no folders, no control characters (a hostile name must
/// not reach a terminal or a log raw).
pub fn file_label(path: &Path) -> String {
    let name = crate::files::display_name(&path.to_string_lossy());
    if name.is_empty() {
        "文件".into()
    } else {
        name
    }
}

pub fn header_key(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '_', '　', '*', '＊', '\n', '\r'], "")
}

/// The keys a header cell answers to: the whole cell, the cell without a bracketed unit or note
/// (学时（小时）), and each part of a cell that names several (现职称/专业技术职务).
fn header_keys(cell: &str) -> Vec<String> {
    let whole = header_key(cell);
    let mut bare = String::new();
    let mut depth = 0;
    for c in whole.chars() {
        match c {
            '（' | '(' | '【' | '[' => depth += 1,
            '）' | ')' | '】' | ']' => depth = (depth - 1).max(0),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    let mut keys = vec![whole.clone()];
    keys.extend(
        bare.split(['/', '／', '、', '|'])
            .chain([bare.as_str()])
            .filter(|k| !k.is_empty())
            .map(str::to_string),
    );
    keys.dedup();
    keys
}

fn one_error(file: &str, line: usize, message: impl Into<String>) -> Error {
    Error::Rows {
        file: file.into(),
        errors: vec![RowError {
            line,
            column: String::new(),
            message: message.into(),
        }],
    }
}

/// Text of a CSV file in whatever encoding Chinese Excel wrote it: UTF-8 (BOM or not), UTF-16 with a
/// BOM, or GBK/GB18030. Bytes valid in none of them are refused rather than garbled.
pub fn decode_text<'a>(bytes: &'a [u8], file: &str) -> Result<std::borrow::Cow<'a, str>> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|_| one_error(file, 1, "文件标明为UTF-8编码，但内容不是有效的UTF-8"));
    }
    for (bom, enc) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if bytes.starts_with(bom) {
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
            return if had_errors {
                Err(one_error(file, 1, "文件的UTF-16编码有误"))
            } else {
                Ok(std::borrow::Cow::Owned(text.into_owned()))
            };
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(std::borrow::Cow::Borrowed(text));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(one_error(
            file,
            1,
            "无法识别文件编码（既不是UTF-8，也不是GBK），请在Excel中另存为“CSV UTF-8（逗号分隔）”",
        ));
    }
    Ok(std::borrow::Cow::Owned(text.into_owned()))
}

/// Raw rows with their line (CSV) or sheet row (workbook) numbers, header = 1; blank rows left out.
pub type RawRows = Vec<Row>;

fn csv_rows(text: &str, file: &str) -> Result<RawRows> {
    // Excel's "Unicode text" export is tab-separated.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for rec in reader.records() {
        match rec {
            // Blank rows are dropped as they are read: a million of them must not fill memory.
            Ok(rec) if rec.iter().all(|c| c.trim().is_empty()) => {}
            Ok(rec) => rows.push(Row::new(
                rec.position().map(|p| p.line() as usize).unwrap_or(0),
                rec.iter(),
            )),
            Err(e) => errors.push(csv_error(
                e.position().map(|p| p.line() as usize).unwrap_or(0),
                &e,
            )),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Rows {
            file: file.into(),
            errors,
        })
    }
}

/// A workbook cell as text. A number too large to be exact in a double (an ID number typed as a
/// number) is shown in scientific notation, so the ID check refuses it instead of reading wrong digits.
fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:E}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => {
            if *b {
                "是".into()
            } else {
                "否".into()
            }
        }
        // Excel keeps dates as days since 1899-12-30.
        Data::DateTime(dt) => excel_date(dt.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_else(|| dt.as_f64().to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#错误:{e:?}"),
    }
}

/// An Excel serial day as a date; `None` for a serial no calendar holds (NaN, ±1e300), which
/// the date check then refuses by its text.
fn excel_date(serial: f64) -> Option<chrono::NaiveDate> {
    let days = serial.floor();
    if !days.is_finite() || days.abs() > 3_000_000.0 {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?
        .checked_add_signed(chrono::TimeDelta::try_days(days as i64)?)
}

/// What a workbook may hold before it is refused unread: far above any real roster or record
/// list, far below what could exhaust memory.
pub const MAX_WORKBOOK_UNPACKED: u64 = 256 * 1024 * 1024;
pub const MAX_WORKBOOK_ENTRIES: usize = 2000;
/// A part that inflates more than this many times its packed size is a ZIP bomb, not a sheet.
pub const MAX_WORKBOOK_RATIO: u64 = 200;
pub const MAX_SHEET_ROWS: u32 = 1_048_576;
pub const MAX_SHEET_COLUMNS: u32 = 200;
pub const MAX_SHEET_CELLS: usize = 5_000_000;

/// Checks the ZIP's own account of its parts before anything is inflated.
fn check_zip(bytes: &[u8], file: &str) -> Result<()> {
    let broken = |e: zip::result::ZipError| {
        one_error(
            file,
            1,
            format!("无法打开工作簿（文件损坏，或不是Excel文件）：{e}"),
        )
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(broken)?;
    if zip.len() > MAX_WORKBOOK_ENTRIES {
        return Err(one_error(
            file,
            1,
            format!(
                "工作簿内部文件过多（{}个，上限{MAX_WORKBOOK_ENTRIES}个），不予读取",
                zip.len()
            ),
        ));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(broken)?;
        let (size, packed) = (part.size(), part.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > 1024 * 1024 && size / packed > MAX_WORKBOOK_RATIO {
            return Err(one_error(
                file,
                1,
                format!(
                    "工作簿内部文件解压后是压缩时的{}倍（上限{MAX_WORKBOOK_RATIO}倍），疑似压缩炸弹，不予读取",
                    size / packed
                ),
            ));
        }
    }
    if total > MAX_WORKBOOK_UNPACKED {
        return Err(one_error(
            file,
            1,
            format!(
                "工作簿解压后共{} MB，超过上限{} MB，不予读取",
                total / 1024 / 1024,
                MAX_WORKBOOK_UNPACKED / 1024 / 1024
            ),
        ));
    }
    Ok(())
}

/// The first sheet of an .xlsx/.xlsm, read cell by cell as stored: the dimension a sheet declares
/// is never trusted (a 5 KB file may declare A1:XFD1048576), and reading stops at the caps.
fn workbook_rows(bytes: &[u8], file: &str, sheet: Option<&str>) -> Result<RawRows> {
    use calamine::Reader;
    let extension = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    // Only the format whose cells can be read one by one: an .xls or .ods is unpacked whole by
    // the reader, to whatever size its cells claim.
    if !matches!(extension.as_str(), "xlsx" | "xlsm") || !bytes.starts_with(b"PK\x03\x04") {
        let what = if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            "这是旧版 .xls 工作簿".to_string()
        } else if matches!(extension.as_str(), "xls" | "xlsb" | "ods") {
            format!("不支持 .{extension} 格式")
        } else {
            "这不是 .xlsx 工作簿".to_string()
        };
        return Err(one_error(
            file,
            1,
            format!("{what}：请在 Excel 或 WPS 中“另存为” .xlsx 后再导入"),
        ));
    }
    check_zip(bytes, file)?;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| {
        one_error(
            file,
            1,
            format!("无法打开工作簿（文件损坏，或不是Excel文件）：{e}"),
        )
    })?;
    let names = book.sheet_names();
    let sheet = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| one_error(file, 1, format!("工作簿中没有名为“{wanted}”的工作表")))?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| one_error(file, 1, "工作簿中没有工作表"))?,
    };
    let unreadable =
        |e: calamine::XlsxError| one_error(file, 1, format!("无法读取工作表“{sheet}”：{e}"));
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(unreadable)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    let mut count = 0usize;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let value = calamine::Data::from(cell.get_value().clone());
        if value == calamine::Data::Empty {
            continue;
        }
        let (row, col) = cell.get_position();
        let too_large = |what: String| {
            one_error(
                file,
                row as usize + 1,
                format!("工作表“{sheet}”过大：{what}，不予读取"),
            )
        };
        if row >= MAX_SHEET_ROWS {
            return Err(too_large(format!("超过{MAX_SHEET_ROWS}行")));
        }
        if col >= MAX_SHEET_COLUMNS {
            return Err(too_large(format!(
                "第{}列有内容，上限{MAX_SHEET_COLUMNS}列",
                col + 1
            )));
        }
        count += 1;
        if count > MAX_SHEET_CELLS {
            return Err(too_large(format!("非空单元格超过{MAX_SHEET_CELLS}个")));
        }
        let cells_of_row = rows.entry(row).or_default();
        if cells_of_row.len() <= col as usize {
            cells_of_row.resize(col as usize + 1, String::new());
        }
        cells_of_row[col as usize] = cell_text(&value);
    }
    Ok(rows
        .into_iter()
        // Blank rows are dropped here, as for CSV.
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(row, cells)| Row::new(row as usize + 1, cells))
        .collect())
}

pub fn is_workbook(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        // .xls, .xlsb and .ods are recognised so they are refused with a hint, not read as CSV.
        Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
    )
}

/// The raw rows of a CSV (any encoding above) or the first sheet of a workbook, by its name and bytes.
pub fn raw_rows(name: &str, bytes: &[u8]) -> Result<RawRows> {
    if is_workbook(Path::new(name)) {
        return workbook_rows(bytes, name, None);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(one_error(
            name,
            1,
            "这是Excel工作簿，请使用 .xlsx / .xls 扩展名",
        ));
    }
    csv_rows(&decode_text(bytes, name)?, name)
}

/// The raw rows of the sheet named `sheet` of an .xlsx workbook.
pub fn sheet_rows(name: &str, bytes: &[u8], sheet: &str) -> Result<RawRows> {
    workbook_rows(bytes, name, Some(sheet))
}

/// Header names the officer taught the import: (header key, column label).
pub type Learned = [(String, String)];

/// Where each requested column sits in a header row, if it does: a header the officer taught
/// first, then the column's name or one of its aliases.
fn locate(header: &Row, columns: &[Column], learned: &Learned) -> Vec<Option<usize>> {
    let keys: Vec<Vec<String>> = header.cells().map(header_keys).collect();
    columns
        .iter()
        .map(|c| {
            let taught = keys.iter().position(|k| {
                learned
                    .iter()
                    .any(|(h, label)| label == c.label && k.first() == Some(h))
            });
            taught.or_else(|| {
                let names: Vec<String> = std::iter::once(c.label)
                    .chain(c.aliases.iter().copied())
                    .map(header_key)
                    .collect();
                // A whole-cell match beats a part of another cell (科目类别 before 类别/科目).
                keys.iter()
                    .position(|k| k.first().is_some_and(|w| names.contains(w)))
                    .or_else(|| {
                        keys.iter()
                            .position(|k| k.iter().any(|p| names.contains(p)))
                    })
            })
        })
        .collect()
}

/// Where each requested column sits in a header row given as its cells.
pub fn positions_in(
    header: &[String],
    columns: &[Column],
    learned: &Learned,
) -> Vec<Option<usize>> {
    locate(&Row::new(0, header), columns, learned)
}

/// No field of a roster or hour record is longer; a longer cell is a pasted document or an attack.
pub const MAX_CELL_CHARS: usize = 2000;

/// How many rows above the header a title may take (e.g. 「2025年度学时登记表」).
const HEADER_SEARCH_ROWS: usize = 10;

/// Which row is the header and which file column feeds each requested column.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Mapping {
    /// Index among the raw rows (0 = first row of the file).
    pub header_index: usize,
    pub positions: Vec<Option<usize>>,
}

/// A row of the file that is not data (a total, who made the table, a note), left out and listed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct SkippedRow {
    pub line: usize,
    /// The row's text, its cells joined (cut to 60 characters).
    pub text: String,
    pub why: String,
}

/// A parsed table: its header, the mapping used, the data rows, and what was left out.
pub struct Table {
    pub header: Vec<String>,
    pub mapping: Mapping,
    pub rows: Vec<Row>,
    /// Header cells no requested column reads: said, never dropped silently.
    pub ignored: Vec<String>,
    pub skipped: Vec<SkippedRow>,
}

/// Why a row is not data: a footer or note row, or nothing in any column the import reads.
fn not_data(raw: &Row, read: &Row) -> Option<&'static str> {
    if crate::domain::wording::is_footer_row(raw.cells()) {
        Some("合计、制表人、注释等非数据行")
    } else if read.cells().all(|c| c.trim().is_empty()) {
        Some("需要导入的列都是空的")
    } else {
        None
    }
}

/// Finds the header (below any title rows) and maps the requested columns by Chinese or English
/// name, or uses the officer's own `mapping`; skips blank rows. Missing required columns are
/// reported against the header row.
pub fn parse(
    name: &str,
    bytes: &[u8],
    columns: &[Column],
    mapping: Option<&Mapping>,
    learned: &Learned,
) -> Result<Table> {
    let raw = raw_rows(name, bytes)?;
    // `raw_rows` has already dropped blank rows.
    let Some(first) = raw.first() else {
        return Err(one_error(name, 1, "文件是空的，缺少表头行"));
    };
    let required = |pos: &[Option<usize>]| {
        columns
            .iter()
            .zip(pos)
            .all(|(c, p)| !c.required || p.is_some())
    };
    let mapping = match mapping {
        Some(m) if m.header_index < raw.len() && m.positions.len() == columns.len() => m.clone(),
        Some(_) => return Err(one_error(name, 1, "列对应关系与文件不符，请重新选择")),
        None => match raw
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .position(|row| required(&locate(row, columns, learned)))
        {
            Some(h) => Mapping {
                header_index: h,
                positions: locate(&raw[h], columns, learned),
            },
            None => {
                // The row that matches most columns is the header the officer maps by hand.
                let (at, positions) = raw
                    .iter()
                    .take(HEADER_SEARCH_ROWS)
                    .enumerate()
                    .map(|(i, row)| (i, locate(row, columns, learned)))
                    .max_by_key(|(i, p)| (p.iter().flatten().count(), usize::MAX - i))
                    .unwrap_or((0, locate(first, columns, learned)));
                let missing = columns
                    .iter()
                    .zip(&positions)
                    .filter(|(c, p)| c.required && p.is_none())
                    .map(|(c, _)| RowError {
                        line: raw[at].line,
                        column: c.label.into(),
                        message: format!(
                            "表头缺少“{}”列（可在预览中选择对应的列，或用 --map 表头=字段）",
                            c.label
                        ),
                    })
                    .collect();
                return Err(Error::Rows {
                    file: name.into(),
                    errors: missing,
                });
            }
        },
    };
    if let Some(c) = columns
        .iter()
        .zip(&mapping.positions)
        .find(|(c, p)| c.required && p.is_none())
        .map(|(c, _)| c)
    {
        return Err(one_error(
            name,
            raw[mapping.header_index].line,
            format!("请为“{}”选择对应的列", c.label),
        ));
    }
    // Each raw row is dropped once its requested cells are copied out: the file is held once.
    let mut raw = raw.into_iter().skip(mapping.header_index);
    let header: Vec<String> = raw
        .next()
        .map(|row| row.cells().map(str::to_string).collect())
        .unwrap_or_default();
    let ignored = header
        .iter()
        .enumerate()
        .filter(|(i, h)| !h.trim().is_empty() && !mapping.positions.contains(&Some(*i)))
        .map(|(_, h)| h.trim().to_string())
        .collect();
    let mut skipped = Vec::new();
    let mut rows = Vec::with_capacity(raw.len());
    for raw_row in raw {
        let row = Row::new(
            raw_row.line,
            mapping
                .positions
                .iter()
                .map(|p| p.map(|i| raw_row.raw(i)).unwrap_or("")),
        );
        if let Some(why) = not_data(&raw_row, &row) {
            let text: String = raw_row
                .cells()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            skipped.push(SkippedRow {
                line: raw_row.line,
                text: crate::domain::idcard::mask_all(&text.chars().take(60).collect::<String>()),
                why: why.into(),
            });
            continue;
        }
        rows.push(row);
    }
    Ok(Table {
        header,
        mapping,
        rows,
        ignored,
        skipped,
    })
}

/// Rows whose every cell an import can take, and an error for each cell it cannot.
pub fn readable_rows(rows: Vec<Row>, columns: &[Column]) -> (Vec<Row>, Vec<RowError>) {
    let mut errors = Vec::new();
    let rows = rows
        .into_iter()
        .filter(|row| {
            let before = errors.len();
            errors.extend(columns.iter().enumerate().filter_map(|(i, c)| {
                cell_problem(row.get(i)).map(|message| RowError {
                    line: row.line,
                    column: c.label.into(),
                    message,
                })
            }));
            errors.len() == before
        })
        .collect();
    (rows, errors)
}

/// What makes a cell unreadable to any import: a pasted document, or invisible control characters.
pub fn cell_problem(cell: &str) -> Option<String> {
    let chars = cell.chars().count();
    if chars > MAX_CELL_CHARS {
        Some(format!("内容过长（{chars}字），不超过{MAX_CELL_CHARS}字"))
    } else if cell
        .chars()
        .any(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t'))
    {
        Some("含有不可见的控制字符，请删除后重新导入".to_string())
    } else {
        None
    }
}

/// Reads a file from disk with automatic header detection.
pub fn read_table(path: &Path, columns: &[Column]) -> Result<Vec<Row>> {
    let file = file_label(path);
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: file.clone(),
        reason: e.to_string(),
    })?;
    let (rows, unreadable) = readable_rows(parse(&file, &bytes, columns, None, &[])?.rows, columns);
    if !unreadable.is_empty() {
        return Err(Error::Rows {
            file,
            errors: unreadable,
        });
    }
    Ok(rows)
}

fn csv_error(line: usize, e: &csv::Error) -> RowError {
    RowError {
        line,
        column: String::new(),
        message: format!("无法解析该行（{e}）"),
    }
}

#[cfg(test)]
mod tests {
    use super::{decode_text, excel_date, raw_rows};

    #[test]
    fn encodings_are_detected_never_garbled() {
        let text = "姓名,部门\n王一,内科\n";
        assert_eq!(decode_text(text.as_bytes(), "a.csv").unwrap(), text);
        assert_eq!(
            decode_text(&[b"\xEF\xBB\xBF", text.as_bytes()].concat(), "a.csv").unwrap(),
            text
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_eq!(decode_text(&gbk, "a.csv").unwrap(), text);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_text(&utf16, "a.csv").unwrap(), text);
        assert!(
            decode_text(b"\xEF\xBB\xBF\xff", "a.csv").is_err(),
            "a UTF-8 BOM over invalid bytes"
        );
    }

    fn corpus(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/corpus")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn a_workbook_is_read_by_its_cells_not_by_the_size_it_declares() {
        let rows = raw_rows("名册.xlsx", &corpus("good-declared-whole-grid.xlsx")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].line, rows[0].cells().collect::<Vec<_>>()),
            (1, vec!["身份证号", "学时"])
        );
        assert_eq!((rows[1].line, rows[1].raw(1)), (2, "8"));
    }

    #[test]
    fn workbooks_past_the_caps_are_refused_before_they_are_unpacked() {
        for (file, fragment) in [
            ("records-sparse-far-corner.xlsx", "第16384列有内容"),
            ("records-zip-bomb.xlsx", "压缩炸弹"),
            ("records-old-format.xls", "另存为"),
        ] {
            let name = file.replace("records-", "");
            let err = raw_rows(&name, &corpus(file)).unwrap_err().to_string();
            assert!(
                err.contains(fragment) && err.contains(&name),
                "{file}: {err}"
            );
        }
    }

    #[test]
    fn excel_serial_dates_outside_any_calendar_are_not_a_panic() {
        assert_eq!(
            excel_date(45717.0),
            chrono::NaiveDate::from_ymd_opt(2025, 3, 1)
        );
        for serial in [f64::NAN, f64::INFINITY, -1e300, 1e300, 9.9e15] {
            assert_eq!(excel_date(serial), None, "{serial}");
        }
    }

    /// Every name and alias of every field finds its column, and so do the clerks' own forms of
    /// them: a unit in brackets, two names joined by a slash, stray spaces and asterisks.
    #[test]
    fn every_header_synonym_finds_its_field() {
        use crate::io::{record_import, staff_import};
        for columns in [
            &staff_import::IMPORT_COLUMNS[..],
            &record_import::IMPORT_COLUMNS[..],
            &record_import::CITY_COLUMNS[..],
        ] {
            for (i, c) in columns.iter().enumerate() {
                for name in std::iter::once(c.label).chain(c.aliases.iter().copied()) {
                    let header = super::Row::new(1, ["备注", name]);
                    let found = super::locate(&header, columns, &[]);
                    assert_eq!(found[i], Some(1), "{name} → {}", c.label);
                }
            }
        }
        let clerks = [
            (
                "现职称/专业技术职务",
                "现职称",
                &staff_import::IMPORT_COLUMNS[..],
            ),
            ("专业技术职务", "现职称", &staff_import::IMPORT_COLUMNS[..]),
            ("科室", "部门", &staff_import::IMPORT_COLUMNS[..]),
            ("* 姓 名", "姓名", &staff_import::IMPORT_COLUMNS[..]),
            (
                "联系电话（手机）",
                "手机",
                &staff_import::IMPORT_COLUMNS[..],
            ),
            ("学时数", "学时", &record_import::IMPORT_COLUMNS[..]),
            ("学时（小时）", "学时", &record_import::IMPORT_COLUMNS[..]),
            ("起始日期", "开始日期", &record_import::IMPORT_COLUMNS[..]),
            ("开始时间", "开始日期", &record_import::IMPORT_COLUMNS[..]),
            ("学习形式", "类别", &record_import::IMPORT_COLUMNS[..]),
            (
                "身份证号码\n（18位）",
                "身份证号",
                &record_import::IMPORT_COLUMNS[..],
            ),
        ];
        for (header, field, columns) in clerks {
            let at = columns.iter().position(|c| c.label == field).unwrap();
            let found = super::locate(&super::Row::new(1, [header]), columns, &[]);
            assert_eq!(found[at], Some(0), "{header} → {field}");
        }
        // 科目类别 is the subject's column, not the category's, though it holds 类别.
        let found = super::locate(
            &super::Row::new(1, ["学习形式", "科目类别"]),
            &record_import::IMPORT_COLUMNS,
            &[],
        );
        assert_eq!((found[1], found[2]), (Some(0), Some(1)));
    }
}

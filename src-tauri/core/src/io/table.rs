//! Reading tabular files (CSV now) into rows keyed by the columns a caller asks for,
//! accepting Chinese and English header aliases.

use crate::error::{Error, Result, RowError};
use std::path::Path;

/// A column a caller wants: its Chinese name (used in messages) and accepted aliases.
pub struct Column {
    pub label: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// One data row: its line in the file (header = 1) and the cell of each requested column.
pub struct Row {
    pub line: usize,
    pub cells: Vec<Option<String>>,
}

impl Row {
    /// The trimmed cell of column `i`, empty when the column is absent.
    pub fn get(&self, i: usize) -> &str {
        self.cells
            .get(i)
            .and_then(|c| c.as_deref())
            .map(str::trim)
            .unwrap_or("")
    }
}

/// Reports how far an import is (percent, stage), for a progress bar on large files.
pub type Progress<'a> = &'a (dyn Fn(u32, &str) + Sync);

/// For callers that show no progress.
pub fn no_progress(_: u32, _: &str) {}

/// Checking rows runs from 10% to 70% of an import, writing from 70% to 100%.
pub fn report(
    progress: Progress<'_>,
    done: usize,
    total: usize,
    from: u32,
    span: u32,
    stage: &str,
) {
    if done.is_multiple_of(2000) {
        progress(from + (span as usize * done / total.max(1)) as u32, stage);
    }
}

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

fn header_key(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '_', '　', '*', '＊'], "")
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
pub fn decode_text(bytes: &[u8], file: &str) -> Result<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(str::to_string)
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
                Ok(text.into_owned())
            };
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(one_error(
            file,
            1,
            "无法识别文件编码（既不是UTF-8，也不是GBK），请在Excel中另存为“CSV UTF-8（逗号分隔）”",
        ));
    }
    Ok(text.into_owned())
}

/// Raw rows with their line (CSV) or sheet row (workbook) numbers, header = 1; blank rows left out.
type RawRows = Vec<(usize, Vec<String>)>;

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
            Ok(rec) => rows.push((
                rec.position().map(|p| p.line() as usize).unwrap_or(0),
                rec.iter().map(str::to_string).collect(),
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
        Data::DateTime(dt) => (chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
            + chrono::Duration::days(dt.as_f64().floor() as i64))
        .to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#错误:{e:?}"),
    }
}

fn workbook_rows(bytes: &[u8], file: &str) -> Result<RawRows> {
    use calamine::Reader;
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            one_error(
                file,
                1,
                format!("无法打开工作簿（文件损坏，或不是Excel文件）：{e}"),
            )
        })?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| one_error(file, 1, "工作簿中没有工作表"))?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| one_error(file, 1, format!("无法读取工作表“{sheet}”：{e}")))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row: Vec<String> = vec![String::new(); first_col];
            row.extend(cells.iter().map(cell_text));
            (first_row + i + 1, row)
        })
        // Blank rows are dropped here, as for CSV.
        .filter(|(_, row)| row.iter().any(|c| !c.trim().is_empty()))
        .collect())
}

pub fn is_workbook(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
    )
}

/// The raw rows of a CSV (any encoding above) or the first sheet of a workbook, by its name and bytes.
pub fn raw_rows(name: &str, bytes: &[u8]) -> Result<RawRows> {
    if is_workbook(Path::new(name)) {
        return workbook_rows(bytes, name);
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

/// Where each requested column sits in a header row, if it does.
fn locate(header: &[String], columns: &[Column]) -> Vec<Option<usize>> {
    columns
        .iter()
        .map(|c| {
            header.iter().position(|h| {
                let h = header_key(h);
                !h.is_empty()
                    && (header_key(c.label) == h || c.aliases.iter().any(|a| header_key(a) == h))
            })
        })
        .collect()
}

/// No field of a roster or hour record is longer; a longer cell is a pasted document or an attack.
pub const MAX_CELL_CHARS: usize = 2000;

/// How many rows above the header a title may take (e.g. 「2025年度学时登记表」).
const HEADER_SEARCH_ROWS: usize = 10;

/// Which row is the header and which file column feeds each requested column.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Mapping {
    /// Index among the raw rows (0 = first row of the file).
    pub header_index: usize,
    pub positions: Vec<Option<usize>>,
}

/// A parsed table: its header, the mapping used, and the data rows.
pub struct Table {
    pub header: Vec<String>,
    pub mapping: Mapping,
    pub rows: Vec<Row>,
}

/// Finds the header (below any title rows) and maps the requested columns by Chinese or English
/// name, or uses the officer's own `mapping`; skips blank rows. Missing required columns are
/// reported against the header row.
pub fn parse(
    name: &str,
    bytes: &[u8],
    columns: &[Column],
    mapping: Option<&Mapping>,
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
            .position(|(_, cells)| required(&locate(cells, columns)))
        {
            Some(h) => Mapping {
                header_index: h,
                positions: locate(&raw[h].1, columns),
            },
            None => {
                let positions = locate(&first.1, columns);
                let missing = columns
                    .iter()
                    .zip(&positions)
                    .filter(|(c, p)| c.required && p.is_none())
                    .map(|(c, _)| RowError {
                        line: first.0,
                        column: c.label.into(),
                        message: format!("表头缺少“{}”列", c.label),
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
            raw[mapping.header_index].0,
            format!("请为“{}”选择对应的列", c.label),
        ));
    }
    let header = raw[mapping.header_index].1.clone();
    let rows: Vec<Row> = raw[mapping.header_index + 1..]
        .iter()
        .map(|(line, cells)| Row {
            line: *line,
            cells: mapping
                .positions
                .iter()
                .map(|p| p.and_then(|i| cells.get(i)).cloned())
                .collect(),
        })
        .collect();
    let unreadable: Vec<RowError> = rows
        .iter()
        .flat_map(|r| {
            columns.iter().enumerate().filter_map(move |(i, c)| {
                let cell = r.get(i);
                let chars = cell.chars().count();
                let message = if chars > MAX_CELL_CHARS {
                    format!("内容过长（{chars}字），不超过{MAX_CELL_CHARS}字")
                } else if cell
                    .chars()
                    .any(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t'))
                {
                    "含有不可见的控制字符，请删除后重新导入".to_string()
                } else {
                    return None;
                };
                Some(RowError {
                    line: r.line,
                    column: c.label.into(),
                    message,
                })
            })
        })
        .collect();
    if !unreadable.is_empty() {
        return Err(Error::Rows {
            file: name.into(),
            errors: unreadable,
        });
    }
    Ok(Table {
        header,
        mapping,
        rows,
    })
}

/// Reads a file from disk with automatic header detection.
pub fn read_table(path: &Path, columns: &[Column]) -> Result<Vec<Row>> {
    let file = file_label(path);
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: file.clone(),
        reason: e.to_string(),
    })?;
    Ok(parse(&file, &bytes, columns, None)?.rows)
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
    use super::decode_text;

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
}

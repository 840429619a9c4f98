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

pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn header_key(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace([' ', '_', '　'], "")
}

/// Reads a UTF-8 CSV (BOM optional). Missing required columns are reported as line 1 errors.
pub fn read_csv(path: &Path, columns: &[Column]) -> Result<Vec<Row>> {
    let file = file_label(path);
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: file.clone(),
        reason: e.to_string(),
    })?;
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).map_err(
        |_| Error::Rows {
            file: file.clone(),
            errors: vec![RowError {
                line: 1,
                column: String::new(),
                message: "文件不是UTF-8编码，请在Excel中另存为“CSV UTF-8（逗号分隔）”".into(),
            }],
        },
    )?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(Error::Rows {
                file,
                errors: vec![csv_error(1, &e)],
            })
        }
        None => {
            return Err(Error::Rows {
                file,
                errors: vec![RowError {
                    line: 1,
                    column: String::new(),
                    message: "文件是空的，缺少表头行".into(),
                }],
            })
        }
    };
    let positions: Vec<Option<usize>> = columns
        .iter()
        .map(|c| {
            header.iter().position(|h| {
                let h = header_key(h);
                header_key(c.label) == h || c.aliases.iter().any(|a| header_key(a) == h)
            })
        })
        .collect();
    let missing: Vec<RowError> = columns
        .iter()
        .zip(&positions)
        .filter(|(c, p)| c.required && p.is_none())
        .map(|(c, _)| RowError {
            line: 1,
            column: c.label.into(),
            message: format!("表头缺少“{}”列", c.label),
        })
        .collect();
    if !missing.is_empty() {
        return Err(Error::Rows {
            file,
            errors: missing,
        });
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for rec in records {
        match rec {
            Ok(rec) => {
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue; // blank rows Excel leaves at the end
                }
                let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
                rows.push(Row {
                    line,
                    cells: positions
                        .iter()
                        .map(|p| p.and_then(|i| rec.get(i)).map(str::to_string))
                        .collect(),
                });
            }
            Err(e) => errors.push(csv_error(
                e.position().map(|p| p.line() as usize).unwrap_or(0),
                &e,
            )),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Rows { file, errors });
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

/// Reads the dates officers actually type: `2025-03-01`, `2025/3/1`, `2025.3.1`, `2025年3月1日`.
pub fn parse_date(raw: &str) -> std::result::Result<chrono::NaiveDate, String> {
    let s = crate::idcard::normalize_input(raw);
    if s.is_empty() {
        return Err("日期不能为空".into());
    }
    let unified: String = s
        .trim_end_matches('日')
        .chars()
        .map(|c| {
            if matches!(c, '/' | '.' | '年' | '月') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let parts: Vec<&str> = unified.split('-').collect();
    let bad = || format!("日期“{}”无效，应为 YYYY-MM-DD", raw.trim());
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
        || parts[0].len() != 4
    {
        return Err(bad());
    }
    let (y, m, d) = (
        parts[0].parse().map_err(|_| bad())?,
        parts[1].parse().map_err(|_| bad())?,
        parts[2].parse().map_err(|_| bad())?,
    );
    chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("日期“{}”不存在", raw.trim()))
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn dates_in_the_shapes_officers_type() {
        let want = chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        for s in [
            "2025-03-01",
            "2025/3/1",
            "2025.3.1",
            "2025年3月1日",
            " ２０２５-03-01 ",
        ] {
            assert_eq!(parse_date(s), Ok(want), "{s}");
        }
        assert!(parse_date("2025-02-30").unwrap_err().contains("不存在"));
        for s in ["", "20250301", "25-3-1", "2025-3", "abc"] {
            assert!(parse_date(s).is_err(), "{s}");
        }
    }
}

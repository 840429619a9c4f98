//! Dates as officers type them.

/// Reads the dates officers actually type: `2025-03-01`, `2025/3/1`, `2025.3.1`, `2025年3月1日`.
pub fn parse_date(raw: &str) -> std::result::Result<chrono::NaiveDate, String> {
    let s = crate::domain::idcard::normalize_input(raw);
    if s.is_empty() {
        return Err("日期不能为空".into());
    }
    // An Excel serial date (days since 1899-12-30) that lost its date format.
    if s.len() == 5 && s.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = s.parse().map_err(|_| "日期无效".to_string())?;
        if (20_000..=80_000).contains(&n) {
            return Ok(
                chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + chrono::Duration::days(n)
            );
        }
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
        assert_eq!(
            parse_date("45717"),
            Ok(chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
            "Excel serial date"
        );
        for s in ["", "20250301", "25-3-1", "2025-3", "abc"] {
            assert!(parse_date(s).is_err(), "{s}");
        }
    }
}

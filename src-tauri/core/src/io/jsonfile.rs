//! JSON files an officer hands the CLI (plans, policies, the unit, calendars): refused with the
//! file and the key named, never with a bare parser message.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use std::path::Path;

pub fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T> {
    let bad = |what: String| Error::invalid(format!("{file}：{what}"));
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "JSON格式错误（第{}行第{}列）",
            e.line(),
            e.column()
        ))
    })?;
    if !value.is_object() {
        return Err(bad("JSON内容应为一个对象（{ … }）".into()));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let key = e.path().to_string();
        let msg = e.inner().to_string();
        let quoted = |m: &str| m.split('`').nth(1).unwrap_or("?").to_string();
        bad(if msg.starts_with("missing field") {
            format!("缺少字段 {}", quoted(&msg))
        } else if msg.starts_with("unknown field") {
            format!("无法识别的字段 {}", quoted(&msg))
        } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
            format!("字段 {key} 的类型或取值不对（{msg}）")
        } else {
            format!("字段 {key} 的值无效（{msg}）")
        })
    })
}

pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    parse(&text, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Form {
        count: u32,
        start: chrono::NaiveDate,
    }

    #[test]
    fn messages_name_the_file_and_the_key() {
        let err = |text: &str| parse::<Form>(text, "f.json").unwrap_err().to_string();
        assert!(err("{").contains("f.json：JSON格式错误（第1行"));
        assert!(err("[1, 2]").contains("应为一个对象"));
        assert!(err(r#"{"start": "2025-01-01"}"#).contains("缺少字段 count"));
        let wrong = err(r#"{"count": -5, "start": "2025-01-01"}"#);
        assert!(wrong.contains("字段 count"), "{wrong}");
        let date = err(r#"{"count": 5, "start": "2025-02-30"}"#);
        assert!(date.contains("字段 start"), "{date}");
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(err(&deep).contains("JSON格式错误"));
    }
}

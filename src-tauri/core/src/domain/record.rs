//! A record as it is entered (form, CLI, import row) and its checks: pure, no ledger needed.

use crate::domain::codes::Code;
use crate::domain::dates::parse_date;
use crate::domain::hours::Hours;
use crate::domain::rules::{self, Category, RuleInput, Situation, Status, Subject};
use crate::error::Error;
use chrono::Datelike;
use serde::{Deserialize, Serialize};

/// A record as the form, the CLI or an import row supplies it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct RecordInput {
    pub staff_id: i64,
    /// Category code or Chinese label.
    pub category: String,
    /// 公需/专业/public/professional, or empty.
    pub subject: String,
    pub title: String,
    pub start: String,
    pub end: String,
    pub claimed: Option<Hours>,
    pub months: Option<u32>,
    pub situation: String,
    pub evidence: String,
    /// For `filed_training`: one of the unit's own plans, whose filing status decides the hours.
    pub plan_id: Option<i64>,
    /// 公需专题: for training or study counted as public, one of the year's public topics.
    pub topic: String,
    /// 备案/证书编号: the filing or certificate number, where the officer has one.
    pub filing_number: String,
    /// The claim was written as days in an imported file (「2天」); the window never sets it.
    #[ts(skip)]
    pub claimed_in_days: bool,
}

/// A checked record, ready to store.
#[derive(Debug, Clone)]
pub struct ValidRecord {
    pub staff_id: i64,
    pub rule: RuleInput,
    pub title: String,
    pub evidence: String,
    pub plan_id: Option<i64>,
    pub topic: Option<String>,
    pub filing_number: Option<String>,
}

impl ValidRecord {
    pub fn year(&self) -> i32 {
        self.rule.start.year()
    }
}

pub type FieldErrors = Vec<(&'static str, String)>;

/// Checks everything but the person (which the caller resolves); errors are (column, message).
pub fn validate(input: &RecordInput) -> std::result::Result<ValidRecord, FieldErrors> {
    let mut errs: FieldErrors = Vec::new();
    let category = Category::parse(&input.category);
    if category.is_none() {
        errs.push((
            "类别",
            if input.category.trim().is_empty() {
                "类别不能为空".into()
            } else {
                format!(
                    "类别“{}”无效，应为 {}",
                    input.category.trim(),
                    Category::labels()
                )
            },
        ));
    }
    let subject = match input.subject.trim() {
        "" => None,
        s => Subject::parse(s).or_else(|| {
            errs.push(("科目", format!("科目“{s}”无效，应为 公需 或 专业")));
            None
        }),
    };
    let situation = match input.situation.trim() {
        "" => None,
        s => Situation::parse(s).or_else(|| {
            errs.push((
                "情形",
                format!("情形“{s}”无效，应为 {}", Situation::labels()),
            ));
            None
        }),
    };
    let title = input.title.trim().to_string();
    if title.is_empty() {
        errs.push(("项目名称", "项目名称不能为空".into()));
    } else if title.chars().count() > 200 {
        errs.push(("项目名称", "项目名称过长（最多200字）".into()));
    }
    let start = parse_date(&input.start)
        .map_err(|m| errs.push(("开始日期", m)))
        .ok();
    let end = parse_date(&input.end)
        .map_err(|m| errs.push(("结束日期", m)))
        .ok();
    if let Some(s) = start {
        if !(2000..=2100).contains(&s.year()) {
            errs.push(("开始日期", format!("开始日期{s}不在合理年份内")));
        }
    }
    let evidence = input.evidence.trim().to_string();
    if evidence.chars().count() > 500 {
        errs.push(("证明材料", "证明材料说明过长（最多500字）".into()));
    }
    let topic = optional_text(&input.topic, "公需专题", 100, &mut errs);
    let filing_number = optional_text(&input.filing_number, "备案/证书编号", 50, &mut errs);
    let (Some(category), Some(start), Some(end)) = (category, start, end) else {
        return Err(errs);
    };
    // A public topic says the record is public even when the subject column was left empty.
    let subject = match (&topic, subject) {
        (Some(_), None) if category.public_needs_topic() => Some(Subject::Public),
        (_, s) => s,
    };
    let status = if category == Category::CityPlatform {
        Status::Synced
    } else {
        Status::Pending
    };
    let rule = RuleInput {
        category,
        subject,
        start,
        end,
        claimed: input.claimed,
        months: input.months,
        situation,
        status,
        own_plan_filed: None,
        claimed_in_days: input.claimed_in_days,
    };
    if let Err(e) = rules::check(&rule) {
        errs.push(e);
    }
    if input.plan_id.is_some() && category != Category::FiledTraining {
        errs.push(("培训计划", "只有备案培训可以关联本单位的培训计划".into()));
    }
    if errs.is_empty() {
        Ok(ValidRecord {
            staff_id: input.staff_id,
            rule,
            title,
            evidence,
            plan_id: input.plan_id,
            topic,
            filing_number,
        })
    } else {
        Err(errs)
    }
}

/// A trimmed optional text field of at most `max` characters, without control characters.
fn optional_text(
    value: &str,
    column: &'static str,
    max: usize,
    errs: &mut FieldErrors,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max {
        errs.push((column, format!("{column}过长（最多{max}字）")));
        return None;
    }
    if value.chars().any(char::is_control) {
        errs.push((column, format!("{column}含有控制字符")));
        return None;
    }
    Some(value.to_string())
}

pub(crate) fn joined(errs: FieldErrors) -> Error {
    Error::invalid(
        errs.into_iter()
            .map(|(c, m)| format!("{c}：{m}"))
            .collect::<Vec<_>>()
            .join("；"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn training() -> RecordInput {
        RecordInput {
            staff_id: 1,
            category: "training".into(),
            title: "党课".into(),
            start: "2025-03-01".into(),
            end: "2025-03-01".into(),
            claimed: Some(Hours::from_whole(4)),
            ..Default::default()
        }
    }

    /// The two new free-text fields of issue 13 refuse what a hostile file may put in them, naming
    /// the column; a topic alone makes training public.
    #[test]
    fn topic_and_filing_number_are_checked_like_every_other_cell() {
        let (long_topic, long_number) = ("专".repeat(101), "9".repeat(51));
        let cases: Vec<(&str, &str, &str)> = vec![
            ("数字\u{0}技术", "", "公需专题含有控制字符"),
            (&long_topic, "", "公需专题过长（最多100字）"),
            ("", "ZZ\n-1", "备案/证书编号含有控制字符"),
            ("", &long_number, "备案/证书编号过长（最多50字）"),
        ];
        for (topic, filing, message) in cases {
            let input = RecordInput {
                topic: topic.into(),
                filing_number: filing.into(),
                ..training()
            };
            let errs = validate(&input).expect_err(message);
            assert!(
                errs.iter().any(|(_, m)| m == message),
                "{message}: {errs:?}"
            );
        }
        let good = RecordInput {
            topic: " 数字技术 ".into(),
            filing_number: " ZZ-2025-1 ".into(),
            ..training()
        };
        let v = validate(&good).unwrap();
        assert_eq!(v.rule.subject, Some(Subject::Public));
        assert_eq!(
            (v.topic.as_deref(), v.filing_number.as_deref()),
            (Some("数字技术"), Some("ZZ-2025-1"))
        );
    }
}

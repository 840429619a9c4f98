//! What clerks write, read as the notice means it (DOMAIN.md, "Decisions for reading what clerks
//! write"): categories, subjects, employment and situations in their own words, hours written as
//! days or with a unit, and the footer rows of a hand-made table. A reading of a code is only a
//! suggestion: the officer confirms it once per distinct value, it is never applied silently.

use crate::domain::codes::Employment;
use crate::domain::hours::Hours;
use crate::domain::rules::{Category, Situation, Subject};

/// Words of the notice for each kind of appendix 1, most specific first: the first kind whose
/// word the value contains is the suggestion (「竞赛获奖」 is a competition, not an award).
const CATEGORY_WORDS: &[(Category, &[&str])] = &[
    (
        Category::CityPlatform,
        &[
            "继续教育平台",
            "市平台",
            "公需课",
            "网络学习",
            "平台学习",
            "在线学习",
        ],
    ),
    (
        Category::DigitalEngineer,
        &["数字化管理师", "数字技术工程师"],
    ),
    (Category::FiledTraining, &["备案培训"]),
    (Category::TransferIn, &["外地调入", "调入"]),
    (
        Category::QualificationExam,
        &["资格考试", "执业资格", "职业资格", "注册考试"],
    ),
    (
        Category::Competition,
        &["竞赛", "技能大赛", "比武", "知识竞赛", "比赛"],
    ),
    (
        Category::Achievement,
        &[
            "论文",
            "专利",
            "软件著作权",
            "软著",
            "著作",
            "译著",
            "专著",
            "标准",
            "获奖",
            "科研成果",
        ],
    ),
    (
        Category::Expert,
        &[
            "专家评审",
            "评委",
            "阅卷",
            "技能鉴定",
            "专家服务",
            "评审专家",
        ],
    ),
    (
        Category::Posting,
        &[
            "援派", "援疆", "援藏", "支教", "支农", "支医", "扶贫", "帮扶",
        ],
    ),
    (Category::ExamService, &["监考", "考务"]),
    (Category::Special, &["病假", "产假", "特殊情况"]),
    (
        Category::Study,
        &[
            "单位组织学习",
            "自学考试",
            "自考",
            "学历教育",
            "在职学历",
            "在职研究生",
            "学历",
        ],
    ),
    (
        Category::Training,
        &[
            "培训",
            "进修",
            "研讨会",
            "讲座",
            "学术会议",
            "学术交流",
            "远程教育",
            "会议",
            "学术活动",
        ],
    ),
];

/// Spaces and full-width forms out, so 「学术 会议」 and 「学术会议」 are the same value.
fn squeezed(raw: &str) -> String {
    crate::domain::idcard::normalize_input(raw)
}

/// The category the notice's wording suggests for a value that is not one of the program's names.
pub fn suggest_category(raw: &str) -> Option<Category> {
    let value = squeezed(raw);
    CATEGORY_WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| value.contains(w)))
        .map(|(c, _)| *c)
}

/// The subject a value suggests: 公需课/公共科目 are public, 专业课 professional.
pub fn suggest_subject(raw: &str) -> Option<Subject> {
    let value = squeezed(raw);
    if ["公需", "公共"].iter().any(|w| value.contains(w)) {
        Some(Subject::Public)
    } else if value.contains("专业") {
        Some(Subject::Professional)
    } else {
        None
    }
}

/// The subject a city-platform course's title names, as the platform prints it
/// (「公需科目：数字技术」); `None` when it names neither or both.
pub fn subject_in_title(title: &str) -> Option<Subject> {
    let title = squeezed(title);
    let public = ["公需科目", "公需课"].iter().any(|w| title.contains(w));
    let professional = ["专业科目", "专业课"].iter().any(|w| title.contains(w));
    match (public, professional) {
        (true, false) => Some(Subject::Public),
        (false, true) => Some(Subject::Professional),
        _ => None,
    }
}

/// Employment as HR clerks write it: 在岗, 已退休, 辞职, 调离 …
pub fn suggest_employment(raw: &str) -> Option<Employment> {
    let value = squeezed(raw);
    let words: &[(Employment, &[&str])] = &[
        (Employment::Retired, &["退休"]),
        (Employment::TransferredOut, &["调出", "调离", "调走"]),
        (Employment::Left, &["离职", "辞职", "解聘", "离岗", "辞聘"]),
        (
            Employment::Active,
            &["在岗", "在编", "在职", "正式", "聘用", "合同"],
        ),
    ];
    words
        .iter()
        .find(|(_, ws)| ws.iter().any(|w| value.contains(w)))
        .map(|(e, _)| *e)
}

/// The special circumstance as people write it: 病休, 因公出国（境）, 生育 …
pub fn suggest_situation(raw: &str) -> Option<Situation> {
    let value = squeezed(raw);
    let words: &[(Situation, &[&str])] = &[
        (Situation::Abroad, &["出国", "出境", "国外"]),
        (Situation::SickLeave, &["病"]),
        (Situation::Maternity, &["产", "生育"]),
    ];
    words
        .iter()
        .find(|(_, ws)| ws.iter().any(|w| value.contains(w)))
        .map(|(s, _)| *s)
}

/// How an hours cell was written, when it was not a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// 「12学时」「12 小时」「12h」: a number with its unit.
    WithUnit,
    /// 「2天」「半天」: days of rule 1's 8 hours.
    Days,
}

/// Rule 1's day: 8 hours (appendix 1 rule 1; the day pool still applies).
pub const HOURS_PER_DAY: i64 = 8;

/// A small Chinese numeral as clerks write day counts: 一 … 十, 两.
fn chinese_number(s: &str) -> Option<i64> {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    match s {
        "两" => return Some(2),
        "十" => return Some(10),
        _ => {}
    }
    let mut chars = s.chars();
    let (c, rest) = (chars.next()?, chars.as_str());
    let n = DIGITS.iter().position(|d| *d == c)? as i64;
    rest.is_empty().then_some(n)
}

/// Reads an hours cell as people write it: a plain number (`Hours::parse`), a number with a unit
/// (学时, 小时, 课时, h), or days (N天, 半天, 一天, 两天, 1.5天) at 8 hours a day. Returns how it was
/// written when it was not a plain number, so the preview can mark the converted cell.
pub fn read_hours(raw: &str) -> Result<(Hours, Option<Written>), String> {
    // A number with two decimals is a number: its own message (hours are kept in tenths) beats
    // the list of forms.
    let too_precise = |m: &String| m.contains("超过一位小数");
    match Hours::parse(raw) {
        Ok(h) => return Ok((h, None)),
        Err(m) if too_precise(&m) => return Err(m),
        Err(_) => {}
    }
    let s = squeezed(raw).replace(['（', '）', '(', ')'], "");
    let lower = s.to_lowercase();
    for unit in [
        "个学时",
        "学时",
        "小时",
        "课时",
        "hours",
        "hour",
        "hrs",
        "h",
    ] {
        if let Some(number) = lower.strip_suffix(unit) {
            match Hours::parse(number) {
                Ok(h) => return Ok((h, Some(Written::WithUnit))),
                Err(m) if too_precise(&m) => return Err(m),
                Err(_) => {}
            }
        }
    }
    let day_count = |n: &str| {
        Hours::parse(n)
            .ok()
            .or_else(|| chinese_number(n).map(Hours::from_whole))
    };
    let days = match s.strip_suffix("天半") {
        _ if s == "半天" => Some(Hours(5)),
        Some(n) => day_count(n).map(|d| Hours(d.tenths() + 5)),
        None => s.strip_suffix('天').and_then(day_count),
    };
    match days {
        // Days are held in tenths like hours: 1.5 days = 15 tenths of a day = 12 hours.
        Some(d) if d.tenths() > 0 => Ok((Hours(d.tenths() * HOURS_PER_DAY), Some(Written::Days))),
        _ => Err(format!(
            "学时“{}”无法识别，应为数字（如 8、12.5），也可写作“12学时”“2天”“半天”",
            raw.trim()
        )),
    }
}

/// Words that open a footer or note row of a hand-made table: totals, who made and checked it,
/// notes. Such a row is not data.
const FOOTER_WORDS: &[&str] = &[
    "合计",
    "小计",
    "总计",
    "共计",
    "制表人",
    "制表",
    "填表人",
    "填表",
    "审核人",
    "负责人",
    "注：",
    "注:",
    "说明：",
    "说明:",
    "备注：",
    "填报单位",
    "单位盖章",
    "盖章",
];

/// The first characters of the footer words.
const FOOTER_OPENINGS: &str = "合小总共制填审负注说备单盖";

/// Whether a row is a footer or note row: its first non-empty cell opens with a footer word, and
/// it carries no ID number (a data row whose name happens to start with 合 is still data).
pub fn is_footer_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let mut cells = cells.into_iter();
    let Some(first) = cells.by_ref().map(str::trim).find(|c| !c.is_empty()) else {
        return false;
    };
    // A data row (a number, a name) is let go without copying a cell: a 200,000-row import
    // would feel it.
    if !first.starts_with(|c: char| FOOTER_OPENINGS.contains(c)) {
        return false;
    }
    let first = squeezed(first);
    let opens = FOOTER_WORDS.iter().any(|w| first.starts_with(&squeezed(w)))
        || first == "注"
        || first.starts_with("注")
            && first
                .chars()
                .nth(1)
                .is_some_and(|c| c.is_ascii_digit() || c == '：');
    opens && !looks_like_id_number(&first) && !cells.any(|c| looks_like_id_number(&squeezed(c)))
}

fn looks_like_id_number(cell: &str) -> bool {
    cell.len() == 18
        && cell.is_ascii()
        && cell[..17].bytes().all(|b| b.is_ascii_digit())
        && cell.ends_with(|c: char| c.is_ascii_digit() || c == 'X')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One line per wording of DOMAIN.md's list, and the clerks' words the issue names.
    #[test]
    fn every_wording_of_the_notice_suggests_its_category() {
        use Category::*;
        let table: &[(&str, Category)] = &[
            ("培训", Training),
            ("培训班", Training),
            ("进修", Training),
            ("研讨会", Training),
            ("讲座", Training),
            ("学术会议", Training),
            ("学术 会议", Training),
            ("学术交流", Training),
            ("远程教育", Training),
            ("省级学术会议", Training),
            ("单位组织学习", Study),
            ("自学考试", Study),
            ("学历教育", Study),
            ("在职学历", Study),
            ("在职研究生", Study),
            ("资格考试", QualificationExam),
            ("执业资格", QualificationExam),
            ("职业资格", QualificationExam),
            ("论文", Achievement),
            ("专利", Achievement),
            ("软件著作权", Achievement),
            ("著作", Achievement),
            ("译著", Achievement),
            ("标准", Achievement),
            ("获奖", Achievement),
            ("专家评审", Expert),
            ("评委", Expert),
            ("阅卷", Expert),
            ("技能鉴定", Expert),
            ("专家服务", Expert),
            ("援派", Posting),
            ("支教", Posting),
            ("支农", Posting),
            ("支医", Posting),
            ("扶贫", Posting),
            ("竞赛", Competition),
            ("技能大赛", Competition),
            ("比武", Competition),
            ("知识竞赛", Competition),
            ("竞赛获奖", Competition),
            ("监考", ExamService),
            ("考务", ExamService),
            ("继续教育平台", CityPlatform),
            ("市平台", CityPlatform),
            ("公需课", CityPlatform),
            ("网络学习", CityPlatform),
            ("数字化管理师", DigitalEngineer),
        ];
        for (word, want) in table {
            assert_eq!(suggest_category(word), Some(*want), "{word}");
        }
        assert_eq!(suggest_category("其他"), None);
        assert_eq!(suggest_category(""), None);
    }

    #[test]
    fn subjects_employment_and_situations_in_clerks_words() {
        for (word, want) in [
            ("公需课", Some(Subject::Public)),
            ("公共科目", Some(Subject::Public)),
            ("专业课", Some(Subject::Professional)),
            ("其它", None),
        ] {
            assert_eq!(suggest_subject(word), want, "{word}");
        }
        for (title, want) in [
            ("公需科目：数字技术", Some(Subject::Public)),
            ("【公需课】网络安全", Some(Subject::Public)),
            ("专业科目：内科临床新进展", Some(Subject::Professional)),
            ("内科临床新进展", None),
            ("公需科目与专业科目合集", None),
        ] {
            assert_eq!(subject_in_title(title), want, "{title}");
        }
        for (word, want) in [
            ("在岗", Some(Employment::Active)),
            ("在编", Some(Employment::Active)),
            ("已退休", Some(Employment::Retired)),
            ("辞职", Some(Employment::Left)),
            ("调离", Some(Employment::TransferredOut)),
            ("借调", None),
        ] {
            assert_eq!(suggest_employment(word), want, "{word}");
        }
        for (word, want) in [
            ("因公出国（境）", Some(Situation::Abroad)),
            ("病休", Some(Situation::SickLeave)),
            ("生育", Some(Situation::Maternity)),
            ("借调", None),
        ] {
            assert_eq!(suggest_situation(word), want, "{word}");
        }
    }

    #[test]
    fn hours_as_people_write_them() {
        let unit = Some(Written::WithUnit);
        let days = Some(Written::Days);
        for (cell, tenths, how) in [
            ("12", 120, None),
            ("１２．５", 125, None),
            ("12学时", 120, unit),
            ("12 小时", 120, unit),
            ("12h", 120, unit),
            ("12H", 120, unit),
            ("3.5学时", 35, unit),
            ("6个学时", 60, unit),
            ("4课时", 40, unit),
            ("1天", 80, days),
            ("2天", 160, days),
            ("半天", 40, days),
            ("1.5天", 120, days),
            ("一天", 80, days),
            ("两天", 160, days),
            ("三天", 240, days),
            ("一天半", 120, days),
            ("（2天）", 160, days),
        ] {
            assert_eq!(read_hours(cell), Ok((Hours(tenths), how)), "{cell}");
        }
        assert!(read_hours("８.５５").unwrap_err().contains("超过一位小数"));
        assert!(read_hours("8.55学时").unwrap_err().contains("超过一位小数"));
        for cell in ["十二", "天", "0天", "很多", "12学时半", "1e3h", "-2天x"] {
            let err = read_hours(cell).unwrap_err();
            assert!(
                err.contains(cell.trim()) && err.contains("2天"),
                "{cell}: {err}"
            );
        }
    }

    #[test]
    fn footer_and_note_rows_are_not_data() {
        for word in FOOTER_WORDS {
            let opening = word.chars().next().unwrap();
            assert!(FOOTER_OPENINGS.contains(opening), "{word}");
            assert!(is_footer_row([*word]), "{word}");
        }
        for row in [
            vec!["合计：500人"],
            vec!["", "合计", "", "1234"],
            vec!["小计", "37"],
            vec!["总计：1495条"],
            vec!["制表人：李娜    审核人：王强"],
            vec!["填表人：张三"],
            vec!["审核人：", "王强"],
            vec!["注：本表由人事科填报"],
            vec!["注:学时按实际填写"],
            vec!["注1：日期为开始日期"],
            vec!["说明：…"],
        ] {
            assert!(is_footer_row(row.iter().copied()), "{row:?}");
        }
        for row in [
            vec!["1", "合欢", "内科"],
            vec!["合计", "370402198001010011"],
            vec!["注射室培训"],
            vec![""],
            vec!["王一", "370402198001010011"],
            // 18 bytes that are not 18 ASCII characters: read as text, never sliced mid-character.
            vec!["王一", "制表人：赵静"],
        ] {
            assert!(!is_footer_row(row.iter().copied()), "{row:?}");
        }
    }
}

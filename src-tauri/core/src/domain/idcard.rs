//! Resident ID numbers (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check character.

use crate::domain::codes::codes;
use chrono::NaiveDate;
use serde::Serialize;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

codes! {
    /// From the ID number's 17th digit: odd for men, even for women.
    #[derive(Serialize)]
    pub enum Gender ("性别") {
        #[serde(rename = "男")]
        Male = "male", "男";
        #[serde(rename = "女")]
        Female = "female", "女";
    }
}

/// A validated, normalised (uppercase X, half-width) resident ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber(String);

/// Maps full-width digits/letters and trims spaces, as typed by people or exported by Excel.
pub fn normalize_input(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'ｘ' | 'Ｘ' | 'x' => 'X',
            other => other,
        })
        .collect()
}

/// The check character the first 17 digits call for.
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    for (digit, weight) in first17.chars().zip(WEIGHTS) {
        sum += digit.to_digit(10)? * weight;
    }
    (first17.chars().count() == 17).then(|| CHECK_CHARS[(sum % 11) as usize])
}

impl IdNumber {
    /// Validates shape, birth date and check character; the error is a Chinese sentence
    /// that never repeats the number itself (it may end up in a log or a screenshot).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = normalize_input(raw);
        if s.is_empty() {
            return Err("身份证号不能为空".into());
        }
        if s.contains('E') || s.contains('e') || s.contains('+') || s.contains('.') {
            return Err(
                "身份证号被存成了数字（科学计数法），后几位已丢失，请将该列设为文本后重新录入"
                    .into(),
            );
        }
        if !s.is_ascii() {
            return Err("身份证号只能由数字和X组成".into());
        }
        let n = s.len();
        if n != 18 {
            return Err(format!("身份证号应为18位，实际为{n}位"));
        }
        let (body, last) = s.split_at(17);
        if !body.chars().all(|c| c.is_ascii_digit()) {
            return Err("身份证号前17位必须是数字".into());
        }
        let last = last.chars().next().unwrap_or(' ');
        if !(last.is_ascii_digit() || last == 'X') {
            return Err("身份证号第18位必须是数字或X".into());
        }
        if birth_date_of(&s).is_none() {
            return Err("身份证号中的出生日期无效".into());
        }
        let expected = check_char(body).unwrap_or('?');
        if expected != last {
            return Err(format!("身份证号校验码错误（第18位应为{expected}）"));
        }
        Ok(IdNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).expect("validated at parse")
    }

    pub fn gender(&self) -> Gender {
        gender_of(&self.0).expect("validated at parse")
    }
}

fn birth_date_of(s: &str) -> Option<NaiveDate> {
    let y: i32 = s.get(6..10)?.parse().ok()?;
    let m: u32 = s.get(10..12)?.parse().ok()?;
    let d: u32 = s.get(12..14)?.parse().ok()?;
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    let today = chrono::Local::now().date_naive();
    (y >= 1900 && date <= today).then_some(date)
}

pub fn gender_of(s: &str) -> Option<Gender> {
    let digit = s.get(16..17)?.parse::<u32>().ok()?;
    Some(if digit % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    })
}

/// `370402199001011010` → `3704**********1010`: region prefix and the last four stay visible.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// `text` with every run shaped like a full ID number masked: for text the program does not
/// compose itself, such as a panic's message.
pub fn mask_all(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for start in find_id_like(text) {
        out.push_str(&text[done..start]);
        out.push_str(&mask(&text[start..start + 18]));
        done = start + 18;
    }
    out.push_str(&text[done..]);
    out
}

/// Byte offsets of every run in `text` shaped like a full ID number (17 digits and a digit or X,
/// valid or not), for tests that prove logs and messages never carry one.
pub fn find_id_like(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - start;
        let ends_in_x = digits == 17 && i < b.len() && matches!(b[i], b'X' | b'x');
        if digits == 18 || ends_in_x {
            found.push(start);
        }
    }
    found
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Builds a valid ID from region, birth date and sequence, for tests anywhere in the crate.
    pub fn make_id(region: &str, birth: &str, seq: &str) -> String {
        let body = format!("{region}{birth}{seq}");
        format!("{body}{}", check_char(&body).unwrap())
    }

    #[test]
    fn check_character_matches_the_standard_example() {
        // GB 11643-1999 appendix example.
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert!(IdNumber::parse("11010519491231002X").is_ok());
        assert!(
            IdNumber::parse("11010519491231002x").is_ok(),
            "lowercase x is normalised"
        );
    }

    #[test]
    fn wrong_check_character_is_refused_with_the_expected_one() {
        let err = IdNumber::parse("110105194912310021").unwrap_err();
        assert!(err.contains("校验码错误") && err.contains('X'), "{err}");
        assert!(
            !err.contains("11010519491231"),
            "message must not echo the number"
        );
    }

    #[test]
    fn impossible_birth_dates_are_refused() {
        let feb30 = make_id("370402", "20250230", "101");
        assert!(IdNumber::parse(&feb30).unwrap_err().contains("出生日期"));
        let future = make_id("370402", "29990101", "101");
        assert!(IdNumber::parse(&future).unwrap_err().contains("出生日期"));
    }

    #[test]
    fn shape_errors_are_named() {
        assert!(IdNumber::parse("").unwrap_err().contains("不能为空"));
        assert!(IdNumber::parse("3704021990").unwrap_err().contains("18位"));
        assert!(IdNumber::parse("3.70402E+17")
            .unwrap_err()
            .contains("科学计数法"));
        assert!(IdNumber::parse("37040219900101A011")
            .unwrap_err()
            .contains("前17位"));
    }

    #[test]
    fn full_width_digits_and_spaces_are_normalised() {
        let id = make_id("370402", "19900101", "101");
        let wide: String = id
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect();
        assert_eq!(IdNumber::parse(&format!(" {wide} ")).unwrap().as_str(), id);
    }

    #[test]
    fn gender_and_birth_date_are_derived() {
        let id = IdNumber::parse(&make_id("370402", "19850315", "123")).unwrap();
        assert_eq!(id.gender(), Gender::Male, "odd 17th digit");
        let id2 = IdNumber::parse(&make_id("370402", "19850315", "124")).unwrap();
        assert_eq!(id2.gender(), Gender::Female, "even 17th digit");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1985, 3, 15).unwrap()
        );
    }

    #[test]
    fn masking_keeps_prefix_and_last_four() {
        assert_eq!(mask("370402199001011010"), "3704**********1010");
        assert_eq!(mask("123"), "***");
    }

    #[test]
    fn id_like_runs_are_found_but_not_longer_or_shorter_numbers() {
        let id = make_id("370402", "19800101", "123");
        let text = format!(
            "ok 2025 {id} 3704021980010112 37040219800101123X, 1234567890123456789 x{}",
            &id[..17]
        );
        let found = find_id_like(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(&text[found[0]..found[0] + 18], id);
        assert!(find_id_like(&mask(&id)).is_empty());
        let masked = mask_all(&text);
        assert!(find_id_like(&masked).is_empty(), "{masked}");
        assert!(masked.contains(&mask(&id)), "{masked}");
    }

    /// Found by the id_number fuzz target: 18 characters that are not 18 bytes panicked in split_at.
    #[test]
    fn eighteen_multibyte_characters_are_refused_not_a_panic() {
        let fuzzed = String::from_utf8_lossy(b"\0\0\0\0\0\x02\xf7\xff\xfd\xff\xff\0\0\0`\0\0\0")
            .into_owned();
        assert!(IdNumber::parse(&fuzzed).is_err());
        let chinese = "一二三四五六七八九十一二三四五六七X";
        assert_eq!(
            IdNumber::parse(chinese).unwrap_err(),
            "身份证号只能由数字和X组成"
        );
    }
}

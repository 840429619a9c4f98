//! Hours as exact tenths: stored as INTEGER tenths, shown and serialised as one-decimal numbers.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, ts_rs::TS)]
#[ts(type = "number")]
pub struct Hours(pub i64);

/// Above this a claim is certainly a typo (a year has 8,784 hours).
pub const ABSURD_TENTHS: i64 = 2_000 * 10;

impl Hours {
    pub const ZERO: Hours = Hours(0);

    pub fn from_whole(h: i64) -> Self {
        Hours(h * 10)
    }

    pub fn tenths(self) -> i64 {
        self.0
    }

    pub fn min(self, other: Hours) -> Hours {
        Hours(self.0.min(other.0))
    }

    pub fn saturating_sub(self, other: Hours) -> Hours {
        Hours((self.0 - other.0).max(0))
    }

    /// Parses `12`, `12.5`, `１２．５`; refuses more than one decimal, exponents, NaN, signs other than `-`.
    pub fn parse(raw: &str) -> Result<Hours, String> {
        let s: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                '－' => '-',
                other => other,
            })
            .collect();
        let bad = || format!("学时“{}”不是有效数字（最多一位小数）", raw.trim());
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        let frac = frac.trim_end_matches('0');
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || whole.len() > 9
        {
            return Err(bad());
        }
        if frac.len() > 1 {
            return Err(format!(
                "学时“{}”超过一位小数，学时按0.1精确记录",
                raw.trim()
            ));
        }
        let w: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let f: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        let t = w * 10 + f;
        Ok(Hours(if negative { -t } else { t }))
    }

    /// Exact conversion from a JSON/Excel float that should hold a tenth.
    pub fn from_f64(v: f64) -> Result<Hours, String> {
        if !v.is_finite() || v.abs() > 1e9 {
            return Err(format!("学时“{v}”不是有效数字"));
        }
        let t = (v * 10.0).round();
        if ((t / 10.0) - v).abs() > 1e-9 {
            return Err(format!("学时“{v}”超过一位小数，学时按0.1精确记录"));
        }
        Ok(Hours(t as i64))
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10.0
    }

    /// Multiplies by `num / den` and rounds half up to a tenth (used for months ÷ 12).
    pub fn scale(self, num: i64, den: i64) -> Hours {
        Hours((self.0 * num * 2 + den) / (den * 2))
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.abs();
        if a % 10 == 0 {
            write!(f, "{sign}{}", a / 10)
        } else {
            write!(f, "{sign}{}.{}", a / 10, a % 10)
        }
    }
}

impl std::ops::Add for Hours {
    type Output = Hours;
    fn add(self, o: Hours) -> Hours {
        Hours(self.0 + o.0)
    }
}

impl std::ops::AddAssign for Hours {
    fn add_assign(&mut self, o: Hours) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        Hours(iter.map(|h| h.0).sum())
    }
}

impl Serialize for Hours {
    // A tenth divided by ten prints as its shortest decimal (12.5, 0.1), so JSON stays exact.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Hours, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Num(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Num(v) => Hours::from_f64(v),
            Raw::Text(t) => Hours::parse(&t),
        }
        .map_err(serde::de::Error::custom)
    }
}

impl rusqlite::ToSql for Hours {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.0.into())
    }
}

impl rusqlite::types::FromSql for Hours {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        i64::column_result(v).map(Hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_tenths() {
        assert_eq!(Hours::parse("12").unwrap(), Hours(120));
        assert_eq!(Hours::parse("12.5").unwrap(), Hours(125));
        assert_eq!(Hours::parse("0.1").unwrap(), Hours(1));
        assert_eq!(Hours::parse("8.50").unwrap(), Hours(85));
        assert_eq!(Hours::parse("１２．５").unwrap(), Hours(125));
        assert_eq!(Hours::parse("-3").unwrap(), Hours(-30));
    }

    #[test]
    fn refuses_what_is_not_a_tenth() {
        for bad in ["1e9", "NaN", "", "abc", "1.25", "1,5", "--1", "."] {
            assert!(Hours::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Hours::from_f64(f64::NAN).is_err());
        assert!(Hours::from_f64(1.25).is_err());
        assert_eq!(Hours::from_f64(0.3).unwrap(), Hours(3));
    }

    #[test]
    fn json_round_trip_is_exact() {
        let v = vec![Hours(1), Hours(125), Hours(300), Hours(7)];
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, "[0.1,12.5,30.0,0.7]");
        let back: Vec<Hours> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn display_and_scaling() {
        assert_eq!(Hours(125).to_string(), "12.5");
        assert_eq!(Hours(300).to_string(), "30");
        // 7 months of 30 public hours = 17.5
        assert_eq!(Hours::from_whole(30).scale(7, 12), Hours(175));
        // 5/12 × 60 = 25
        assert_eq!(Hours::from_whole(60).scale(5, 12), Hours(250));
        // 1/12 × 30 = 2.5 exactly; 1/12 × 60 = 5
        assert_eq!(Hours::from_whole(30).scale(1, 12), Hours(25));
    }
}

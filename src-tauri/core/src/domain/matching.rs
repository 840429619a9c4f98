//! Which record a certificate file belongs to, from the file's name as department secretaries
//! write it (DOMAIN.md: a file is attached only when its name or a 证明材料 cell points to exactly
//! one record; a doubtful one is the officer's decision, never a guess). Pure: no ledger, no files.

use chrono::NaiveDate;
use std::collections::HashMap;

/// What matching needs of a record waiting for its certificate.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub record_id: i64,
    pub name: String,
    pub id_number: String,
    pub department: String,
    pub title: String,
    pub start: NaiveDate,
    /// The record's 证明材料 text, which may name the file.
    pub evidence: String,
    /// Whether a file is attached already.
    pub has_file: bool,
}

/// Where a file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Exactly one record: attached.
    One(i64),
    /// Several records fit: the officer picks (record ids, at most `MAX_CHOICES`).
    Several(Vec<i64>),
    /// No record fits.
    None,
}

/// The most records a doubtful file offers the officer to pick from.
pub const MAX_CHOICES: usize = 8;

/// Words of a file name that say what kind of paper it is, not which record.
const PAPER_WORDS: &[&str] = &[
    "证书",
    "证明",
    "扫描件",
    "照片",
    "首页",
    "封面",
    "目录",
    "正文",
    "复印件",
    "结业证",
    "合格证",
    "学时证明",
    "继续教育",
    "培训证书",
    "会议证书",
    "论文首页",
    "截图",
    "副本",
    "新建",
];

/// The records of a year, indexed for the names in 1,000 file names at a time.
pub struct Matcher<'a> {
    records: &'a [Candidate],
    by_name: HashMap<&'a str, Vec<usize>>,
    /// The last four, five and six characters of each ID number.
    by_tail: HashMap<&'a str, Vec<usize>>,
    /// Records by the file their 证明材料 names (its path, its name, its name without extension).
    by_evidence: HashMap<String, Vec<usize>>,
}

impl<'a> Matcher<'a> {
    pub fn new(records: &'a [Candidate]) -> Matcher<'a> {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_tail: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_evidence: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in records.iter().enumerate() {
            by_name.entry(r.name.trim()).or_default().push(i);
            for n in 4..=6 {
                if r.id_number.len() >= n && r.id_number.is_ascii() {
                    by_tail
                        .entry(&r.id_number[r.id_number.len() - n..])
                        .or_default()
                        .push(i);
                }
            }
            let evidence = r.evidence.trim();
            if has_extension(evidence) {
                for key in file_keys(evidence) {
                    by_evidence.entry(key).or_default().push(i);
                }
            }
        }
        Matcher {
            records,
            by_name,
            by_tail,
            by_evidence,
        }
    }

    /// The record a file at `path` (inside a folder or archive) belongs to.
    pub fn find(&self, path: &str) -> Match {
        // A 证明材料 cell naming the file decides, by path or by name.
        if let Some(hits) = file_keys(path)
            .into_iter()
            .find_map(|k| self.by_evidence.get(&k))
        {
            return self.verdict(hits.clone());
        }
        let full_stem = stem_of(path);
        // Dates first: 2025.10.21 or 2025-3-5 would fall apart at the separators.
        let (dates, stem) = take_dates(&full_stem);
        let words_of_stem = tokens(&stem);
        let folder = path
            .replace('\\', "/")
            .rsplit_once('/')
            .map(|(dir, _)| dir.to_string())
            .unwrap_or_default();
        // The person: a name in the file name, or the last digits of their ID number.
        let mut people: Vec<usize> = Vec::new();
        for t in &words_of_stem {
            if let Some(hits) = self.by_name.get(t.as_str()) {
                people.extend(hits);
            }
            if t.len() >= 4 && t.chars().all(|c| c.is_ascii_digit() || c == 'X') {
                if let Some(hits) = self.by_tail.get(t.as_str()) {
                    people.extend(hits);
                }
            }
        }
        if people.is_empty() {
            // A name written inside a longer token (「内科张伟心电图」): the roster's names are
            // looked for in the whole stem, longest first, so 张伟 does not match 张伟明.
            let mut names: Vec<&&str> = self
                .by_name
                .keys()
                .filter(|n| n.chars().count() >= 2 && stem.contains(**n))
                .collect();
            names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
            if let Some(longest) = names.first() {
                people.extend(&self.by_name[**longest]);
            }
        }
        people.sort_unstable();
        people.dedup();
        // Several people of one name: the folder (their department) tells them apart.
        if !folder.is_empty() {
            let in_folder: Vec<usize> = people
                .iter()
                .copied()
                .filter(|&i| folder.contains(self.records[i].department.as_str()))
                .collect();
            if !in_folder.is_empty() {
                people = in_folder;
            }
        }
        if people.is_empty() {
            return Match::None;
        }
        // The person's 证明材料 texts (期刊封面、目录、正文) are the kind of paper, not the record's
        // words: taken out of the name whole, before it is split.
        let mut unpapered = stem.clone();
        for &i in &people {
            let paper = self.records[i].evidence.trim();
            if paper.chars().count() >= 2 {
                unpapered = unpapered.replace(paper, "_");
            }
        }
        let words = self.record_words(&tokens(&unpapered), &people);
        let mut chosen = people;
        if !dates.is_empty() {
            chosen.retain(|&i| dates.contains(&self.records[i].start));
            if chosen.is_empty() {
                // A date that fits none of the person's records: not theirs to guess.
                return Match::None;
            }
        }
        if !words.is_empty() {
            let by_title: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|&i| words.iter().any(|w| title_has(&self.records[i].title, w)))
                .collect();
            match (by_title.is_empty(), dates.is_empty()) {
                (false, _) => chosen = by_title,
                // Words that fit no record, with no date to go by.
                (true, true) => return Match::None,
                (true, false) => {}
            }
        }
        // Still several: the kind of paper the 证明材料 cell names (会议证书, 毕业证) may tell.
        if chosen.len() > 1 {
            let by_paper: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|&i| {
                    let paper = self.records[i].evidence.trim();
                    paper.chars().count() >= 2 && full_stem.contains(paper)
                })
                .collect();
            if !by_paper.is_empty() {
                chosen = by_paper;
            }
        }
        self.verdict(chosen)
    }

    /// What is left of the file name's words once the person, their department (where a word
    /// opens with it) and the kind of paper are taken out: it says which of their records it is.
    fn record_words(&self, tokens: &[String], people: &[usize]) -> Vec<String> {
        tokens
            .iter()
            .map(|t| {
                let mut w = t.clone();
                for &i in people {
                    let r = &self.records[i];
                    w = w.replace(r.name.trim(), "");
                    let department = r.department.trim();
                    if !department.is_empty() {
                        if let Some(rest) = w.strip_prefix(department) {
                            w = rest.to_string();
                        }
                    }
                }
                // Longest first: 会议证书 goes whole, not as 会议 left over from 证书.
                let mut papers = PAPER_WORDS.to_vec();
                papers.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
                for paper in papers {
                    w = w.replace(paper, "");
                }
                w
            })
            .filter(|w| {
                w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit() || c == 'X')
            })
            .collect()
    }

    fn verdict(&self, mut hits: Vec<usize>) -> Match {
        hits.sort_unstable();
        hits.dedup();
        match hits.as_slice() {
            [] => Match::None,
            [one] => Match::One(self.records[*one].record_id),
            many => Match::Several(
                many.iter()
                    .take(MAX_CHOICES)
                    .map(|&i| self.records[i].record_id)
                    .collect(),
            ),
        }
    }
}

fn has_extension(text: &str) -> bool {
    let lower = text.to_lowercase();
    [".pdf", ".jpg", ".jpeg", ".png"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The keys a file is known by: its path, its name, its name without extension (lower case,
/// forward slashes).
fn file_keys(path: &str) -> Vec<String> {
    let path = path.trim().replace('\\', "/").to_lowercase();
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    let stem = name
        .rsplit_once('.')
        .map(|(s, _)| s.to_string())
        .unwrap_or(name.clone());
    vec![path, name, stem]
}

fn stem_of(path: &str) -> String {
    let name = path.replace('\\', "/");
    let name = name.rsplit('/').next().unwrap_or("");
    name.rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(name)
        .to_string()
}

/// A file name's words: split at the separators people use, full-width forms made plain.
fn tokens(stem: &str) -> Vec<String> {
    crate::domain::idcard::normalize_input(&stem.replace([' ', '　'], "_"))
        .split(|c: char| {
            matches!(
                c,
                '_' | '-'
                    | '—'
                    | '、'
                    | '，'
                    | ','
                    | '（'
                    | '）'
                    | '('
                    | ')'
                    | '【'
                    | '】'
                    | '['
                    | ']'
                    | '+'
                    | '.'
                    | '·'
            )
        })
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The dates a file name carries (20250305, 2025.3.5, 2025-03-05, 2025年3月5日), and the name
/// without them.
fn take_dates(stem: &str) -> (Vec<NaiveDate>, String) {
    let chars: Vec<char> = stem.chars().collect();
    let digits_at = |from: usize, most: usize| {
        chars[from..]
            .iter()
            .take(most)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let number = |from: usize, len: usize| -> u32 {
        chars[from..from + len]
            .iter()
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    };
    let (mut dates, mut rest, mut i) = (Vec::new(), String::new(), 0);
    while i < chars.len() {
        let year_digits = digits_at(i, 9);
        // Only a run that starts here (not inside a longer number, such as an ID's digits).
        let starts = i == 0 || !chars[i - 1].is_ascii_digit();
        let found = if starts && year_digits == 8 {
            NaiveDate::from_ymd_opt(number(i, 4) as i32, number(i + 4, 2), number(i + 6, 2))
                .map(|d| (d, 8))
        } else if starts
            && year_digits == 4
            && chars.get(i + 4).is_some_and(|c| ".-/年".contains(*c))
        {
            let m = digits_at(i + 5, 2);
            let sep = i + 5 + m;
            let d = if m > 0 && chars.get(sep).is_some_and(|c| ".-/月".contains(*c)) {
                digits_at(sep + 1, 2)
            } else {
                0
            };
            (d > 0 && !chars.get(sep + 1 + d).is_some_and(|c| c.is_ascii_digit()))
                .then(|| {
                    NaiveDate::from_ymd_opt(
                        number(i, 4) as i32,
                        number(i + 5, m),
                        number(sep + 1, d),
                    )
                })
                .flatten()
                .map(|date| {
                    let end = sep + 1 + d;
                    (date, end - i + usize::from(chars.get(end) == Some(&'日')))
                })
        } else {
            None
        };
        match found {
            Some((date, len)) => {
                dates.push(date);
                rest.push('_');
                i += len;
            }
            None => {
                rest.push(chars[i]);
                i += 1;
            }
        }
    }
    (dates, rest)
}

/// Whether a record's title has a word of the file name, or is itself within it.
fn title_has(title: &str, word: &str) -> bool {
    let title = title.replace([' ', '　'], "");
    title.contains(word) || (title.chars().count() >= 2 && word.contains(title.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: i64, name: &str, tail: &str, dept: &str, title: &str, start: &str) -> Candidate {
        Candidate {
            record_id: id,
            name: name.into(),
            id_number: format!("37040219800101{tail}"),
            department: dept.into(),
            title: title.into(),
            start: NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap(),
            evidence: String::new(),
            has_file: false,
        }
    }

    fn year() -> Vec<Candidate> {
        vec![
            rec(1, "张伟", "1010", "内科", "心血管介入培训班", "2025-03-05"),
            rec(2, "张伟", "1010", "内科", "内科学术年会", "2025-06-10"),
            rec(
                3,
                "王芳",
                "2023",
                "护理部",
                "护理质量管理论文",
                "2025-04-01",
            ),
            rec(4, "张伟", "5577", "外科", "腔镜技术培训", "2025-03-05"),
            rec(5, "李娜", "301X", "儿科", "儿科急救培训", "2025-09-09"),
            rec(6, "张伟明", "8888", "药剂科", "合理用药培训", "2025-05-05"),
            rec(
                7,
                "万建",
                "4321",
                "内科",
                "鲁南内科学高峰论坛",
                "2025-12-20",
            ),
            rec(
                8,
                "林海斌",
                "6060",
                "检验科",
                "急危重症救治能力培训",
                "2025-08-26",
            ),
            rec(
                9,
                "林海斌",
                "6060",
                "检验科",
                "急危重症救治能力培训",
                "2025-10-21",
            ),
        ]
    }

    /// One line per way secretaries name a certificate, and the doubtful and foreign ones.
    #[test]
    fn file_names_as_secretaries_write_them() {
        let records = year();
        let m = Matcher::new(&records);
        for (path, want) in [
            ("内科/内科_张伟_心血管介入培训班.jpg", Match::One(1)),
            ("内科/张伟-20250305.jpg", Match::One(1)),
            ("1010-20250305.pdf", Match::One(1)),
            ("内科/1010_20250610.pdf", Match::One(2)),
            ("外科/张伟_腔镜.jpg", Match::One(4)),
            ("外科/张伟-20250305.jpg", Match::One(4)),
            ("护理部/王芳 论文首页.png", Match::One(3)),
            ("儿科/李娜.jpg", Match::One(5)),
            ("儿科/301X 儿科急救.JPG", Match::One(5)),
            ("药剂科/张伟明合理用药证书.jpg", Match::One(6)),
            ("内科/张伟_证书.jpg", Match::Several(vec![1, 2])),
            ("张伟-20250305.jpg", Match::Several(vec![1, 4])),
            ("内科/张伟-20240305.jpg", Match::None),
            ("内科/身份证.jpg", Match::None),
            ("外科/赵强_培训.jpg", Match::None),
            ("内科/张伟_英语六级.jpg", Match::None),
            // The department inside the title is the title's, not the person's folder.
            ("内科/内科_万建_鲁南内科学高峰论坛.png", Match::One(7)),
            (
                "检验科/2025.10.21林海斌急危重症救治能力培训.jpg",
                Match::One(9),
            ),
            ("检验科/林海斌2025年8月26日.jpg", Match::One(8)),
            (
                "检验科/林海斌_急危重症救治能力培训.jpg",
                Match::Several(vec![8, 9]),
            ),
        ] {
            assert_eq!(m.find(path), want, "{path}");
        }
    }

    #[test]
    fn dates_are_taken_out_whole_and_id_digits_are_not_dates() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        for (stem, dates, rest) in [
            ("1010-20250305", vec![d("2025-03-05")], "1010-_"),
            ("2025.10.21林海斌", vec![d("2025-10-21")], "_林海斌"),
            ("张伟2025年3月5日培训", vec![d("2025-03-05")], "张伟_培训"),
            ("张伟_2025-3-5", vec![d("2025-03-05")], "张伟__"),
            ("370402198001011010", vec![], "370402198001011010"),
            ("2025.13.40", vec![], "2025.13.40"),
        ] {
            assert_eq!(take_dates(stem), (dates, rest.to_string()), "{stem}");
        }
    }

    /// Among a person's records that the name leaves open, the 证明材料 a record names (会议证书)
    /// picks the one the file is.
    #[test]
    fn the_kind_of_paper_settles_two_records_of_one_person() {
        let mut records = year();
        records[0].evidence = "培训证书".into();
        records[1].evidence = "会议证书".into();
        let m = Matcher::new(&records);
        assert_eq!(m.find("内科/张伟 会议证书.jpg"), Match::One(2));
    }

    #[test]
    fn a_certificate_column_naming_the_file_decides() {
        let mut records = year();
        records[1].evidence = "内科/会议证书-ZW.pdf".into();
        let m = Matcher::new(&records);
        assert_eq!(m.find("内科\\会议证书-ZW.pdf"), Match::One(2));
        assert_eq!(m.find("别处/会议证书-zw.PDF"), Match::One(2), "by name");
    }
}

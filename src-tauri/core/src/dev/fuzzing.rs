//! What the fuzz targets (`src-tauri/core/fuzz`) check, kept here so that every input a fuzzer
//! ever crashed on is replayed by `cargo test` from `tests/corpus/fuzz/<target>/`.
//! Each function panics only when the program is wrong.

use crate::domain::idcard::{self, IdNumber};
use crate::domain::record::{validate, RecordInput};
use crate::domain::rules::{self, Status};
use crate::io::{pdf, record_import, staff_import, table};
use crate::ledger::plan;

/// Any bytes named .csv, read against both import layouts; an error always names the file.
pub fn csv_reader(data: &[u8]) {
    for columns in [
        &record_import::IMPORT_COLUMNS[..],
        &staff_import::IMPORT_COLUMNS[..],
    ] {
        match table::parse("fuzz.csv", data, columns, None, &[]) {
            Ok(t) => {
                for row in &t.rows {
                    assert!(row.line >= 1);
                    for i in 0..columns.len() {
                        assert!(row.get(i).chars().count() <= table::MAX_CELL_CHARS);
                    }
                }
            }
            Err(e) => assert!(e.to_string().contains("fuzz.csv"), "{e}"),
        }
    }
}

/// Any bytes named .xlsx: truncated zips, zips that are not workbooks, odd sheets.
pub fn xlsx_reader(data: &[u8]) {
    match table::parse("fuzz.xlsx", data, &record_import::IMPORT_COLUMNS, None, &[]) {
        Ok(t) => assert!(t.rows.iter().all(|r| r.line >= 1)),
        Err(e) => assert!(e.to_string().contains("fuzz.xlsx"), "{e}"),
    }
}

/// Any record fields (split on 0x1F): accepted, or refused naming the field; the rules never
/// recognise negative hours or more than a year of days could hold.
pub fn record_validator(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let f: Vec<&str> = text.split('\u{1f}').collect();
    let field = |i: usize| f.get(i).copied().unwrap_or("").to_string();
    let _ = crate::domain::dates::parse_date(&field(2));
    // Parsing keeps a sign; the validator is what refuses negative claims. Hours are read as
    // clerks write them (「2天」「12学时」), as an import reads them.
    let read = crate::domain::wording::read_hours(&field(4)).ok();
    let claimed = read.map(|(h, _)| h);
    let input = RecordInput {
        staff_id: 1,
        category: field(0),
        subject: field(1),
        title: field(5),
        start: field(2),
        end: field(3),
        claimed,
        months: field(6).trim().parse().ok(),
        situation: field(7),
        evidence: field(8),
        plan_id: None,
        topic: field(9),
        filing_number: field(10),
        claimed_in_days: read.and_then(|(_, how)| how)
            == Some(crate::domain::wording::Written::Days),
    };
    match validate(&input) {
        Ok(v) => {
            assert!(
                v.rule.claimed.is_none_or(|h| h.tenths() >= 0),
                "negative claim accepted"
            );
            let mut rule = v.rule.clone();
            rule.status = Status::Approved;
            for r in rules::recognize(&[rule.clone(), rule]) {
                assert!(
                    r.public.tenths() >= 0 && r.professional.tenths() >= 0,
                    "{r:?}"
                );
                assert!(r.total().tenths() <= 366 * 80, "{r:?}");
            }
        }
        Err(errs) => assert!(errs
            .iter()
            .all(|(col, msg)| !col.is_empty() && !msg.is_empty())),
    }
}

/// Any text as an ID number: accepted only with 18 characters, a real birth date and the right
/// check character; a refusal never repeats the number; the mask hides the birth date.
pub fn id_number(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match IdNumber::parse(&text) {
        Ok(id) => {
            let s = id.as_str();
            assert_eq!(s.len(), 18);
            assert_eq!(idcard::check_char(&s[..17]), s.chars().last());
            assert_eq!(
                IdNumber::parse(s).unwrap().as_str(),
                s,
                "normalising is idempotent"
            );
            assert!(
                !idcard::mask(s).contains(&s[6..14]),
                "the mask shows the birth date"
            );
            let _ = (id.birth_date(), id.gender());
        }
        Err(message) => {
            let normalised = idcard::normalize_input(&text);
            assert!(!message.is_empty());
            // A number-like input must not come back in the message (words may: they are ours).
            if normalised.chars().filter(|c| c.is_ascii_digit()).count() >= 15 {
                assert!(
                    !message.contains(&normalised),
                    "the refusal repeats the number"
                );
            }
        }
    }
}

/// Any plan JSON: refused naming the key, or checked; a plan the checks pass renders a PDF 1.4
/// or is refused naming the character the font lacks.
pub fn plan_checks(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(form) = crate::io::jsonfile::parse::<plan::PlanForm>(text, "fuzz.json") else {
        return;
    };
    match plan::check(&form) {
        Ok(()) => {
            if let Ok(bytes) = pdf::render(&form, &pdf::FormOptions::default()) {
                assert!(bytes.starts_with(b"%PDF-1.4"));
            }
        }
        Err(problems) => assert!(!problems.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every input a fuzzer crashed on, and the seeds, replayed through its target.
    #[test]
    fn saved_fuzz_inputs_pass() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/fuzz");
        type Target = (&'static str, fn(&[u8]));
        let targets: [Target; 5] = [
            ("csv_reader", csv_reader),
            ("xlsx_reader", xlsx_reader),
            ("record_validator", record_validator),
            ("id_number", id_number),
            ("plan_checks", plan_checks),
        ];
        let mut replayed = 0;
        for (name, target) in targets {
            for entry in std::fs::read_dir(root.join(name)).unwrap() {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{} fails again", path.display());
                replayed += 1;
            }
        }
        assert!(replayed >= 5, "only {replayed} saved inputs");
    }
}

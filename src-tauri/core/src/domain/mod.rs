//! Pure domain types and rules: exact-tenth hours, validated ID numbers, the codes of the
//! ledger (category, subject, status, situation, …) and appendix 1 of the notice as functions
//! of records and the year's policy. No database and no files: this folder uses only
//! `crate::error`, so everything here is unit-tested without a ledger.

pub mod codes;
pub mod dates;
pub mod hours;
pub mod idcard;
pub mod matching;
pub mod record;
pub mod rules;
pub mod wording;

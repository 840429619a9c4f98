//! Hour records: one activity of one person. Reading (`query`), the recognition cache kept on
//! every row (`recognition`) and writing (`write`); what a record may hold is checked in
//! `domain::record`, and files of records are read in `io::record_import`.

mod query;
mod recognition;
mod write;

pub use crate::domain::record::{validate, RecordInput, ValidRecord};
pub use query::{
    awaiting_certificates, awaiting_certificates_between, get, list, page, pending_by_evidence,
    public_source_problems, PublicSourceProblem, Record, RecordFilter, RecordPage,
};
pub use recognition::{refresh, refresh_pending_gains, refresh_year};
pub(crate) use write::record_event;
#[cfg(test)]
pub use write::set_status;
pub use write::{
    add, delete, insert_batch, person_year_problems, preview, update, AfterInsert,
    RecordImportSummary,
};

#[cfg(test)]
pub(crate) mod tests;

//! The TypeScript of every type that crosses IPC, generated from the Rust types with ts-rs, so
//! the window and the core cannot drift apart: `ui/src/bindings.ts` is committed, and a test
//! fails when it no longer matches. `UPDATE_BINDINGS=1 cargo test -p ce-ledger-desktop bindings`
//! rewrites it (`make bindings`).

use crate::commands::{IpcError, JobProgress, LedgerInfo, PdfRequest};
use ce_ledger_core::domain::codes::{CodeOption, Lists, PlanStatus};
use ce_ledger_core::domain::hours::Hours;
use ce_ledger_core::domain::rules::{
    Category, CategoryInfo, Recognition, Situation, Status, Subject,
};
use ce_ledger_core::error::RowError;
use ce_ledger_core::io::{backup, certificates, export, import, record_import, table};
use ce_ledger_core::ledger::{
    audit, evidence, notice, plan, policy, progress, records, review, staff, unit,
};
use ts_rs::TS;

/// One declaration, exported, with its doc comment.
fn declare<T: TS>() -> String {
    let docs = T::docs().unwrap_or_default();
    format!("{docs}export {}\n\n", T::decl())
}

/// The whole file.
pub fn typescript() -> String {
    let declarations = [
        declare::<Hours>(),
        declare::<Category>(),
        declare::<Subject>(),
        declare::<Status>(),
        declare::<Situation>(),
        declare::<PlanStatus>(),
        declare::<CodeOption>(),
        declare::<CategoryInfo>(),
        declare::<Lists>(),
        declare::<unit::UnitProfile>(),
        declare::<unit::HrOffice>(),
        declare::<staff::StaffInput>(),
        declare::<staff::Staff>(),
        declare::<staff::StaffRow>(),
        declare::<staff::SortKey>(),
        declare::<staff::StaffQuery>(),
        declare::<staff::StaffPage>(),
        declare::<policy::YearPolicy>(),
        declare::<policy::CalendarYear>(),
        declare::<records::RecordInput>(),
        declare::<records::Record>(),
        declare::<records::RecordFilter>(),
        declare::<records::RecordPage>(),
        declare::<records::PublicSourceProblem>(),
        declare::<Recognition>(),
        declare::<progress::PersonProgress>(),
        declare::<progress::PersonPage>(),
        declare::<progress::DepartmentStat>(),
        declare::<progress::Dashboard>(),
        declare::<progress::FirstSteps>(),
        declare::<audit::Event>(),
        declare::<audit::Verification>(),
        declare::<review::Skipped>(),
        declare::<review::BatchOutcome>(),
        declare::<evidence::Attachment>(),
        declare::<notice::NoticeInput>(),
        declare::<notice::ReminderPage>(),
        declare::<notice::Notice>(),
        declare::<plan::PlanForm>(),
        declare::<plan::Plan>(),
        declare::<plan::Transition>(),
        declare::<PdfRequest>(),
        declare::<table::Mapping>(),
        declare::<RowError>(),
        declare::<import::Kind>(),
        declare::<import::ColumnInfo>(),
        declare::<import::Preview>(),
        declare::<import::Outcome>(),
        declare::<import::Options>(),
        declare::<import::ValueChoice>(),
        declare::<import::CellFix>(),
        declare::<import::ValueQuestion>(),
        declare::<import::ErrorGroup>(),
        declare::<import::ProblemRow>(),
        declare::<table::SkippedRow>(),
        declare::<record_import::Converted>(),
        declare::<certificates::RecordBrief>(),
        declare::<certificates::MatchedFile>(),
        declare::<certificates::DoubtfulFile>(),
        declare::<certificates::BulkPlan>(),
        declare::<certificates::Pick>(),
        declare::<certificates::BulkOutcome>(),
        declare::<review::BatchCategory>(),
        declare::<backup::BackupInfo>(),
        declare::<export::ExportSummary>(),
        declare::<export::PastExport>(),
        declare::<export::PastExportPage>(),
        declare::<JobProgress>(),
        declare::<IpcError>(),
        declare::<LedgerInfo>(),
    ];
    // Every integer the ledger sends (ids, counts) is well inside 2^53: JSON numbers, not bigint.
    let body = declarations.concat().replace("bigint", "number");
    format!(
        "// Generated from the Rust types by ts-rs (src-tauri/src/bindings.rs); do not edit.\n\
         // `make bindings` rewrites it; `cargo test` fails when it is out of date.\n\n{body}"
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn the_committed_bindings_match_the_rust_types() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let generated = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings.ts is out of date with the Rust types: run `make bindings` and commit it"
        );
    }
}

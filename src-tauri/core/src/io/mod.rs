//! Files in and out of the ledger: reading CSV/XLSX tables in any encoding officers meet,
//! the import of staff, records and city-platform files (preview, then all-or-nothing commit),
//! the upload export, the reminder list, JSON files, backup and restore, and the appendix 2
//! PDF. Every file here is treated as hostile. May use `ledger`, `domain`, `error`, `files`.

pub mod anchor;
pub mod backup;
pub mod cells;
pub mod certificates;
pub mod export;
pub mod import;
pub mod jsonfile;
pub mod pdf;
pub mod record_import;
pub mod reminders;
pub mod staff_import;
pub mod table;

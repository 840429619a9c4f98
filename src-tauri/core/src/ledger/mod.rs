//! The ledger: one SQLite file, its schema (numbered SQL migrations in `migrations/`) and the
//! services that read and write it — roster, unit, year policy, hour records and their
//! recognition cache, review, the audit trail, notices, plans, evidence files, progress.
//! A write opens its transaction, changes rows, appends its audit events and commits here.
//! May use `domain`, `error` and `files`; never `io` or `dev`.

pub mod anchor;
pub mod audit;
pub mod db;
pub mod evidence;
pub mod import_memory;
pub mod key;
pub mod lock;
pub mod notice;
pub mod plan;
pub mod policy;
pub mod progress;
pub mod records;
pub mod review;
pub mod staff;
pub mod trail;
pub mod unit;

//! CE Ledger core: everything a continuing-education officer's tool needs, with no GUI.
//!
//! Four folders, each allowed to use only those before it:
//! - [`domain`]: pure types and rules of the notice (hours, ID numbers, codes, appendix 1);
//! - [`ledger`]: the SQLite ledger and the services that read and write it;
//! - [`io`]: files in and out (tables, import, export, backup, the plan PDF);
//! - [`dev`]: development aids (sample data, fuzzing hooks).
//!
//! `error`, `files` (crash-safe writes), `progress` (long jobs) and `platform` (every OS assumption) serve all of them.

pub mod dev;
pub mod domain;
pub mod error;
pub mod files;
pub mod io;
pub mod ledger;
pub mod platform;
pub mod progress;

pub use error::{Error, Result, RowError};

//! CE Ledger core: everything a continuing-education officer's tool needs, with no GUI.

pub mod audit;
pub mod backup;
pub mod db;
pub mod error;
pub mod evidence;
pub mod export;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod hours;
pub mod idcard;
pub mod import;
pub mod jsonfile;
pub mod notice;
pub mod pdf;
pub mod plan;
pub mod policy;
pub mod progress;
pub mod records;
pub mod review;
pub mod rules;
pub mod sample;
pub mod staff;
pub mod table;
pub mod unit;

pub use error::{Error, Result, RowError};

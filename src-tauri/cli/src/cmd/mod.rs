//! One module per noun of the command line; each `run` takes its parsed arguments and the
//! shared context, calls the core, and prints what an officer needs to read.

pub mod audit;
pub mod data;
pub mod import;
pub mod key;
pub mod notice;
pub mod plan;
pub mod policy;
pub mod progress;
pub mod records;
pub mod review;
pub mod staff;
pub mod unit;

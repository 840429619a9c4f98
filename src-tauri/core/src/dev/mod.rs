//! Development aids: a deterministic sample unit (for trying the program, benchmarks and the
//! 10,000-staff checks) and the hooks the fuzz targets call. May use everything else.

#[doc(hidden)]
pub mod fuzzing;
pub mod sample;

#![no_main]
// The checks live in ce_ledger_core::fuzzing, so `cargo test` replays saved inputs through them.
libfuzzer_sys::fuzz_target!(|data: &[u8]| ce_ledger_core::dev::fuzzing::csv_reader(data));

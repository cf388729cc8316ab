//! (a) Every ISA path of the safe API, bit for bit against the portable path and against the
//! exact oracle; the dispatched and exact paths against the oracle.  Input format: see
//! `fuzz/src/lib.rs`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(inp) = safenorm_fuzz::decode(data) {
        safenorm_fuzz::check_isa_paths(&inp);
    }
});

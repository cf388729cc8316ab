//! (b) Every C entry point (native, `_checked`, Fortran, CBLAS, LP64 and ILP64) on a vector at
//! an arbitrary byte offset (mostly misaligned) with an arbitrary stride, against the exact
//! oracle.  Input format: see `fuzz/src/lib.rs`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(inp) = safenorm_fuzz::decode(data) {
        safenorm_fuzz::check_c_entries(&inp);
    }
});

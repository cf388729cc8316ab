//! The very first calls into the library in a fresh process are concurrent: `THREADS` threads
//! wait on a barrier and then all call every routine, so the dispatcher's one-time choice of
//! kernel races with itself.  Every thread must get bitwise the same results, equal to the
//! independent oracle, and see the same active kernel.
//!
//! This binary holds one test only, so nothing calls the library before the race.  To repeat
//! the race in more fresh processes (and once per ISA forced with `SAFENORM_ISA`), the test
//! re-runs its own executable as child processes (not under Miri, which has no processes).
mod common;
mod entry_points;

use entry_points::{run_all, thread_cases, Case};
use std::ffi::CStr;
use std::sync::{Arc, Barrier};

const THREADS: usize = if cfg!(miri) { 3 } else { 16 };
const CHILD_ENV: &str = "SAFENORM_TEST_FIRST_CALL_CHILD";

/// The race: returns each thread's result bits and active-kernel name.
fn race(cases: Arc<Vec<Case>>) -> Vec<(Vec<u64>, String)> {
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let cases = Arc::clone(&cases);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                // Half the threads enter through the C ABI's kernel query, half through a
                // computation (each thread starts at a different case and routine).
                let kernel = if t.is_multiple_of(2) {
                    // SAFETY: returns a static NUL-terminated string.
                    let k =
                        unsafe { CStr::from_ptr(safenorm::ffi::native::safenorm_active_kernel()) };
                    Some(k.to_string_lossy().into_owned())
                } else {
                    None
                };
                let k = t % cases.len();
                let mut bits = vec![Vec::new(); cases.len()];
                for i in (k..cases.len()).chain(0..k) {
                    bits[i] = run_all(std::slice::from_ref(&cases[i]));
                }
                let kernel = kernel.unwrap_or_else(|| {
                    // SAFETY: as above.
                    let k =
                        unsafe { CStr::from_ptr(safenorm::ffi::native::safenorm_active_kernel()) };
                    k.to_string_lossy().into_owned()
                });
                (bits.concat(), kernel)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("thread ran"))
        .collect()
}

#[test]
fn first_calls_race_on_dispatch_initialisation() {
    // Prepare inputs and oracle answers without calling the library.
    let cases = Arc::new(thread_cases());
    let results = race(Arc::clone(&cases));
    // After the race: single-threaded reference, which must agree bitwise.
    let reference = run_all(&cases);
    let active = safenorm::active_isa().name().to_string();
    for (t, (bits, kernel)) in results.iter().enumerate() {
        assert!(
            *bits == reference,
            "thread {t} differs from the single-threaded reference"
        );
        assert_eq!(*kernel, active, "thread {t} saw another kernel");
    }
    if let Ok(forced) = std::env::var("SAFENORM_ISA") {
        if let Some(isa) = safenorm::Isa::from_name(&forced).filter(|i| i.is_available()) {
            assert_eq!(active, isa.name(), "SAFENORM_ISA={forced} not honoured");
        }
    }
    if cfg!(miri) || std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    // More fresh processes: default choice and every ISA forced, a few times each.
    let exe = std::env::current_exe().expect("own executable");
    let mut forced: Vec<Option<&str>> = vec![None; 3];
    for isa in safenorm::Isa::ALL {
        forced.push(Some(isa.name()));
    }
    for isa in forced {
        let mut cmd = std::process::Command::new(&exe);
        cmd.args([
            "--exact",
            "first_calls_race_on_dispatch_initialisation",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1");
        match isa {
            Some(name) => cmd.env("SAFENORM_ISA", name),
            None => cmd.env_remove("SAFENORM_ISA"),
        };
        let out = cmd.output().expect("child runs");
        assert!(
            out.status.success(),
            "child (SAFENORM_ISA={isa:?}) failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

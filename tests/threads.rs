//! Many threads calling every routine through every entry point at once (C ABI, safe API,
//! every ISA path): every thread must get bitwise the results of a single-threaded run, and
//! those must equal the independent oracle.  The dispatch is already initialised here; the
//! first-call race has its own test binary, `tests/threads_first_call.rs`.
mod common;
mod entry_points;

use entry_points::{run_all, thread_cases};
use std::sync::{Arc, Barrier};

const THREADS: usize = if cfg!(miri) { 3 } else { 16 };
const ROUNDS: usize = if cfg!(miri) { 1 } else { 4 };

#[test]
fn concurrent_calls_match_single_threaded_and_oracle() {
    let cases = Arc::new(thread_cases());
    assert!(cases.len() >= if cfg!(miri) { 3 } else { 40 });
    // The single-threaded reference (also checked against the oracle inside run_all).
    let reference = run_all(&cases);
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let cases = Arc::clone(&cases);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let mut runs = Vec::new();
                for r in 0..ROUNDS {
                    barrier.wait();
                    // Threads start at different cases so that different routines overlap.
                    let k = (t * 7 + r) % cases.len();
                    let mut order: Vec<usize> = (k..cases.len()).chain(0..k).collect();
                    if t % 2 == 1 {
                        order.reverse();
                    }
                    let mut bits = vec![Vec::new(); cases.len()];
                    for i in order {
                        bits[i] = run_all(std::slice::from_ref(&cases[i]));
                    }
                    runs.push(bits.concat());
                }
                runs
            })
        })
        .collect();
    for (t, h) in handles.into_iter().enumerate() {
        for (r, bits) in h.join().expect("thread ran").into_iter().enumerate() {
            assert!(
                bits == reference,
                "thread {t} round {r} differs from one thread"
            );
        }
    }
}

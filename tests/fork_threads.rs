//! The threads of long vectors (`threads.rs`) against the things that break thread pools:
//! concurrent callers that each split their vectors over threads, and `fork` after (and while
//! other threads of the parent are inside) a split call.  Every result must be bitwise the
//! single-thread result, which is checked against the independent oracle.
mod common;

use common::*;
use safenorm::{norm, set_num_threads, SumSq, PAR_MIN};
use std::sync::{Arc, Barrier};

fn long_vector(seed: u64) -> Vec<f64> {
    let mut rng = Rng(seed);
    (0..PAR_MIN * 2 + 12345)
        .map(|_| rng.normal() * 1e300)
        .collect()
}

/// Runs in one test: `set_num_threads` is process-wide (the results never depend on it, but
/// the test states which count it exercises).
#[test]
fn concurrent_callers_and_fork() {
    let xs: Vec<Vec<f64>> = (1..=3).map(long_vector).collect();
    let want: Vec<u64> = xs.iter().map(|x| oracle(x, D).to_bits()).collect();
    set_num_threads(1);
    for (x, w) in xs.iter().zip(&want) {
        assert_eq!(norm(x).to_bits(), *w, "1 thread vs oracle");
    }
    set_num_threads(3);

    // Concurrent callers, each splitting its vectors over 3 threads.
    let xs = Arc::new(xs);
    let want = Arc::new(want);
    let barrier = Arc::new(Barrier::new(4));
    let hs: Vec<_> = (0..4)
        .map(|t| {
            let (xs, want, barrier) = (Arc::clone(&xs), Arc::clone(&want), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                for r in 0..3 {
                    let k = (t + r) % xs.len();
                    assert_eq!(norm(&xs[k]).to_bits(), want[k], "caller {t} round {r}");
                    let mut s = SumSq::new();
                    s.add(&xs[k]);
                    assert_eq!(s.result_f64().value().to_bits(), want[k]);
                }
            })
        })
        .collect();

    // Fork while the other callers are running: the child (one thread, a copy of the
    // parent's memory) must split its own calls over fresh threads and get the same bits.
    // SAFETY: the child only computes norms (no locks held by other threads are taken by
    // safenorm's thread code: scoped threads, no pool, no allocation) and leaves with _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = xs
            .iter()
            .zip(want.iter())
            .all(|(x, w)| norm(x).to_bits() == *w);
        // SAFETY: _exit ends the child without running the parent's atexit handlers.
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waiting for the child this test started.
    let r = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(r, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child: {status}"
    );

    for h in hs {
        h.join().expect("caller thread");
    }
    set_num_threads(0);
}

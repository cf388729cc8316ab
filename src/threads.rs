//! Threads on the state: a long vector is split into contiguous pieces of elements, each
//! piece is added to a state of its own in its own thread, and the states are merged in
//! piece order.  The rounded result is the same for every thread count (it is the correctly
//! rounded norm of the whole vector, `sumsq.rs`).
//!
//! * The count: [`set_num_threads`] (from C `safenorm_set_num_threads`) if called with
//!   `n >= 1`; else the environment variable `SAFENORM_NUM_THREADS` (read once per process)
//!   if it holds an integer `>= 1`; else the CPUs available to the process
//!   (`std::thread::available_parallelism`: affinity mask and cgroup quota).
//! * Only views of at least [`PAR_MIN`] components are split, into pieces of at least
//!   `PAR_MIN / 2` components each; a count of 1 never starts a thread.
//! * Threads are scoped (`std::thread::scope`): none outlives the call, there is no pool, so
//!   nothing is left in a broken state by `fork`, and concurrent callers each get their own.
//!   If a thread cannot be started, its piece is added by the calling thread.
#![forbid(unsafe_code)]

use crate::strided::{Element, Strided};
use crate::sumsq::SumSq;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Shortest view (in real components) that is split over threads.  Measured on the
/// project's machines (`benches/nrm2.rs`, group `threads`): starting and joining a scoped
/// thread costs about 20-40 us, the time of about 2^18 components; from 2^20 components on
/// two threads are faster than one.
pub const PAR_MIN: usize = 1 << 20;

/// 0: not set by `set_num_threads`.
static REQUESTED: AtomicUsize = AtomicUsize::new(0);

/// Sets the number of threads for long vectors (`n >= 1`), or returns to the default
/// (`n == 0`: `SAFENORM_NUM_THREADS`, else the available CPUs).
pub fn set_num_threads(n: usize) {
    REQUESTED.store(n, Ordering::Relaxed);
}

/// The number of threads long vectors are split over.
pub fn num_threads() -> usize {
    match REQUESTED.load(Ordering::Relaxed) {
        0 => default_threads(),
        n => n,
    }
}

fn default_threads() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        let env = std::env::var("SAFENORM_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n >= 1);
        env.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

/// The pieces of a long view (`None`: add it in this thread).
pub(crate) fn split<'a, T: Element>(v: &Strided<'a, T>) -> Option<Vec<Strided<'a, T>>> {
    let comps = v.len().saturating_mul(T::PARTS);
    if comps < PAR_MIN {
        return None;
    }
    let t = num_threads().min(comps / (PAR_MIN / 2)).min(256);
    if t <= 1 {
        return None;
    }
    Some(v.pieces(t))
}

/// Adds every piece to its own state, the first in this thread and the others in scoped
/// threads, then merges them into `st` in piece order.
pub(crate) fn add_parallel<'a, T: Element>(
    st: &mut SumSq,
    parts: &[Strided<'a, T>],
    add: &(dyn Fn(&mut SumSq, &Strided<'a, T>) + Sync),
) {
    let one = |p: &Strided<'a, T>| {
        let mut s = SumSq::new();
        add(&mut s, p);
        s
    };
    let states: Vec<SumSq> = std::thread::scope(|scope| {
        let mut rest = parts.iter();
        let first = rest.next();
        let started: Vec<_> = rest
            .map(|p| {
                let b = std::thread::Builder::new().name("safenorm".into());
                (p, b.spawn_scoped(scope, move || one(p)).ok())
            })
            .collect();
        let mut out: Vec<SumSq> = first.map(one).into_iter().collect();
        for (p, h) in started {
            // A thread that could not be started, or (impossible: kernels do not panic, and
            // release builds abort on panic) that panicked: its piece is added here.
            out.push(h.and_then(|h| h.join().ok()).unwrap_or_else(|| one(p)));
        }
        out
    });
    for s in &states {
        // Cannot fail: the pieces hold fewer than 2^64 elements in all.
        let _ = st.merge(s);
    }
}

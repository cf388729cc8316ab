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
//!   If a thread cannot be started, its piece is added by the calling thread.  At most
//!   [`MAX_THREADS`] threads; nothing is allocated.
#![forbid(unsafe_code)]

use crate::strided::{Element, Strided};
use crate::sumsq::SumSq;
use core::sync::atomic::{AtomicUsize, Ordering};

/// Shortest view (in real components) that is split over threads.  Measured on the
/// project's machines (`benches/threads.rs`, AMD EPYC Zen 5, 2 vCPUs): starting and joining a
/// scoped thread costs 60-90 us there, about 2^19 binary64 components of work; at 2^20 two
/// threads were slower than one (168 vs 117 us), at 2^21 faster (225 vs 304 us).
pub const PAR_MIN: usize = 1 << 21;

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

/// The default count, computed on first use and cached (0: not yet; the race on the first
/// use is benign, every thread computes the same value).
static DEFAULT: AtomicUsize = AtomicUsize::new(0);

fn default_threads() -> usize {
    match DEFAULT.load(Ordering::Relaxed) {
        0 => {
            let env = std::env::var("SAFENORM_NUM_THREADS")
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|&n| n >= 1);
            let n = env
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
                .max(1);
            DEFAULT.store(n, Ordering::Relaxed);
            n
        }
        n => n,
    }
}

/// Most threads a view is split over.
pub const MAX_THREADS: usize = 64;

/// The number of pieces a view is split into (1: add it in this thread).
pub(crate) fn split<T: Element>(v: &Strided<'_, T>) -> usize {
    let comps = v.len().saturating_mul(T::PARTS);
    if comps < PAR_MIN {
        return 1;
    }
    num_threads()
        .min(comps / (PAR_MIN / 2))
        .clamp(1, MAX_THREADS)
}

/// Adds the `k` pieces of `v` (`Strided::piece`) each to its own state, the first in this
/// thread and the others in scoped threads, then merges them into `st` in piece order.
/// No allocation: the states and handles live in arrays of `MAX_THREADS`.
pub(crate) fn add_parallel<'a, T: Element>(
    st: &mut SumSq,
    v: &Strided<'a, T>,
    k: usize,
    add: &(dyn Fn(&mut SumSq, &Strided<'a, T>) + Sync),
) {
    let k = k.clamp(1, MAX_THREADS);
    let one = |i: usize| {
        let mut s = SumSq::new();
        if let Some(p) = v.piece(i, k) {
            add(&mut s, &p);
        }
        s
    };
    let mut states = [SumSq::new(); MAX_THREADS];
    std::thread::scope(|scope| {
        let mut handles: [Option<std::thread::ScopedJoinHandle<'_, SumSq>>; MAX_THREADS] =
            [const { None }; MAX_THREADS];
        for (i, h) in handles.iter_mut().enumerate().take(k).skip(1) {
            *h = std::thread::Builder::new()
                .spawn_scoped(scope, move || {
                    // The thread inherits the caller's (already guarded) environment; its
                    // own guard makes that independent of the platform (`fenv.rs`).
                    let _env = crate::fenv::Guard::enter();
                    one(i)
                })
                .ok();
        }
        for (i, (s, h)) in states
            .iter_mut()
            .zip(handles.iter_mut())
            .enumerate()
            .take(k)
        {
            *s = match h.take() {
                // A thread that panicked (impossible: kernels do not panic, and release builds
                // abort on panic): its piece is added again here.
                Some(h) => h.join().unwrap_or_else(|_| one(i)),
                // The first piece, or a thread that could not be started.
                None => one(i),
            };
        }
    });
    for s in states.iter().take(k) {
        st.merge_in_env(s);
    }
}

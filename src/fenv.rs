//! The caller's floating-point environment: read once per call, replaced by the one the
//! library computes in when it differs, and put back exactly.
//!
//! # The contract (also in the README, "The floating-point environment")
//!
//! * **Flush-to-zero / denormals-are-zero** (x86_64 MXCSR FTZ and DAZ, aarch64 FPCR.FZ,
//!   set by `-ffast-math` binaries) and the **trap enables** do not change any result: the
//!   library computes with them off and every exception masked.
//! * **Rounding direction**: every result is the exact norm correctly rounded in the
//!   caller's rounding mode (to nearest, ties to even; upward; downward; toward zero, which
//!   is downward for a norm).  Above the largest finite value: `+Inf` to nearest and
//!   upward, the largest finite value downward and toward zero (IEEE 754, 7.4).
//! * **Exception flags**: the caller's flags are restored exactly after every call: the
//!   library raises no flag at all (not even inexact, underflow, or overflow for a norm that
//!   overflows; a signalling NaN input gives a quiet NaN without raising invalid).  This is
//!   within what IEEE 754 allows a function to raise ("at most" the flags of its result), so
//!   a program with traps enabled never gets `SIGFPE` from the library, and one that tests
//!   `fetestexcept` sees only its own flags.
//! * The caller's control word is unchanged after every call.
//!
//! # The mechanism ([`Guard`], [`with_env`])
//!
//! Every safe API entry (`api.rs`, the state methods of `sumsq.rs`) runs its work inside
//! [`with_env`] (or holds a [`Guard`]): on entry the control/status register is read once
//! (x86_64: `stmxcsr`; aarch64: `mrs` of FPCR and FPSR; other targets: the default
//! environment is assumed, `arch/fenv_default.rs`); if its control bits are not the
//! library's (round to nearest, no flushing, every exception masked) the library's control
//! word is written, keeping the caller's flags.  The caller's rounding direction is handed
//! to the work ([`Dir`]), which passes it to the one place that rounds (`finish.rs`, and the
//! exact square root of `exact.rs`).  On exit the caller's word is put back, which undoes
//! both the library's control word and the flags its own arithmetic raised.  How is per ISA
//! (`arch/*/fenv.rs`), chosen by measurement: on x86_64 the caller's MXCSR is written back
//! unconditionally, because a second `stmxcsr` to find out whether anything changed costs
//! more than the `ldmxcsr` (measured on AMD Zen 5: about 7.7 ns per `stmxcsr`, 4.4 ns for
//! `stmxcsr` + `ldmxcsr` around a short computation); on aarch64 FPSR is read (cheap) and
//! written back only when it changed, FPCR only when the library changed it.
//!
//! Code that runs before the guard (the C adapters of `ffi/`) does no floating-point
//! arithmetic.  Threads started by a call (`threads.rs`) inherit the library's environment
//! from the calling thread and also enter a guard of their own.
//!
//! # The express path
//!
//! Short contiguous vectors whose components are all zero or of moderate magnitude (the
//! *clean range*, `kernel::express64` / `kernel::express32`) are computed by a path that
//! provably raises no flag but inexact: the range is tested on the bits before any
//! arithmetic, and every intermediate is then a normal number far from overflow.  When the
//! caller's control bits are the library's ([`with_env_express`]), that path runs in the
//! caller's word unchanged, and the word is written back only if the caller's inexact flag
//! was clear (x86_64: one `stmxcsr` instead of `stmxcsr` + `ldmxcsr`; the write costs about
//! 1 ns per short call on Zen 5, the read, which waits for every earlier floating-point
//! instruction, about 3 ns and cannot be avoided: measured 2026-12-06, `docs/PERFORMANCE.md`,
//! "Issue 11").  The flags after the
//! call are then exactly the caller's, as on every other path.  If the express path does not
//! apply (out of range, undecided: `None`), the ordinary path runs under the same guard and
//! the caller's word is put back as always.
//!
//! # What a new entry point must do
//!
//! Wrap its whole body, from the first floating-point operation to the last (including
//! conversions such as `f64 as f32`), in `fenv::with_env(|dir| ...)`, pass `dir` to the
//! rounding (`finish::finish`, `finish::round_part`, `ExactSum::sqrt_rounded`, or the api
//! helpers that take it), and not call another guarded public entry from inside (call the
//! unguarded internals instead: nesting is correct, only slower).
#![forbid(unsafe_code)]

use crate::arch::fenv as hw;
pub(crate) use crate::format::Dir;

/// Holds the caller's environment while the library computes in its own (module
/// documentation); dropping it puts the caller's back.
pub(crate) struct Guard {
    caller: hw::Env,
}

impl Guard {
    /// Reads the environment and installs the library's control word if it differs.
    #[inline(always)]
    pub(crate) fn enter() -> Guard {
        let caller = hw::current();
        if !caller.is_kernel() {
            set_kernel(caller);
        }
        Guard { caller }
    }

    /// The caller's rounding direction.
    #[inline(always)]
    pub(crate) fn dir(&self) -> Dir {
        self.caller.dir()
    }
}

#[cold]
#[inline(never)]
fn set_kernel(caller: hw::Env) {
    hw::set_kernel(caller);
}

impl Drop for Guard {
    #[inline(always)]
    fn drop(&mut self) {
        hw::leave(self.caller);
    }
}

/// The express path's guard (module documentation, "The express path"): reads the
/// environment once; when the caller computes in the library's control word, runs `fast`
/// (which must raise no flag but inexact when it returns `Some`) in it and puts the word back
/// only if the caller's inexact flag was clear; otherwise, or when `fast` returns `None`,
/// runs `slow` as [`with_env`] does.
#[inline(always)]
pub(crate) fn with_env_express<R>(
    fast: impl FnOnce() -> Option<R>,
    slow: impl FnOnce(Dir) -> R,
) -> R {
    let g = Guard::enter();
    if g.caller.is_kernel() {
        if let Some(r) = fast() {
            let caller = g.caller;
            core::mem::forget(g);
            if !hw::restore_after_inexact(caller) {
                // Nothing to write back: the result need not be pinned before a write.
                return r;
            }
            let r = core::hint::black_box(r);
            hw::leave(caller);
            return r;
        }
    }
    let r = core::hint::black_box(slow(g.dir()));
    drop(g);
    r
}

/// Runs `f` in the library's environment with the caller's rounding direction, and puts
/// the caller's environment back (module documentation).  The result is passed through
/// `black_box` before the environment is restored, so that no arithmetic producing it can
/// be moved past the restore.
#[inline(always)]
pub(crate) fn with_env<R>(f: impl FnOnce(Dir) -> R) -> R {
    let g = Guard::enter();
    let r = core::hint::black_box(f(g.dir()));
    drop(g);
    r
}

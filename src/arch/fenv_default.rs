//! Targets whose floating-point environment this library does not access (neither x86_64
//! nor aarch64, and Miri, which cannot run inline assembly): the default environment (round to nearest, no flushing, no traps) is
//! assumed and nothing is read or written.
#![forbid(unsafe_code)]

use crate::format::Dir;

/// Nothing: the default environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Env;

impl Env {
    /// Always nearest.
    #[inline(always)]
    pub(crate) fn dir(self) -> Dir {
        Dir::Nearest
    }
    /// Always the library's.
    #[inline(always)]
    pub(crate) fn is_kernel(self) -> bool {
        true
    }
    /// 0 (tests).
    pub(crate) fn raw(self) -> u64 {
        0
    }
}

/// The default environment.
#[inline(always)]
pub(crate) fn current() -> Env {
    Env
}
/// Nothing to do.
#[inline(always)]
pub(crate) fn set_kernel(_caller: Env) {}
/// Nothing to do.
#[inline(always)]
pub(crate) fn leave(_caller: Env) {}
/// Nothing to put back.
#[inline(always)]
pub(crate) fn restore_after_inexact(_caller: Env) -> bool {
    false
}
/// Nothing to do (tests).
pub(crate) fn set_raw(_w: u64) {}
/// 0 (tests).
pub(crate) fn compose(_ftz: bool, _daz: bool, _mode: u32, _traps: bool) -> u64 {
    0
}

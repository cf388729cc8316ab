//! The aarch64 floating-point environment: FPCR (control) and FPSR (status) (Arm ARM,
//! C5.2.8 and C5.2.9).  FPCR: bits 22-23 the rounding mode (00 nearest, 01 toward plus
//! infinity, 10 toward minus infinity, 11 toward zero), 24 FZ (flush to zero), 19 FZ16,
//! 25 DN (default NaN), 26 AHP, 8-12 and 15 the trap enables, 0-2 the FEAT_AFP bits; the
//! library computes with FPCR = 0 (the Linux default).  FPSR: bits 0-4 and 7 the cumulative
//! exception flags (IOC, DZC, OFC, UFC, IXC, IDC), 27 QC.
//!
//! Writing FPCR changes how every later floating-point instruction of this thread rounds
//! and flushes; Rust code is compiled for the default environment.  The guard of `fenv.rs`
//! installs FPCR = 0 before the library computes (only when it differs) and puts the
//! caller's FPCR and FPSR back after it, so each write moves only between the caller's
//! environment and the default one.

use crate::format::Dir;
use core::arch::asm;

/// FPCR and FPSR at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Env {
    fpcr: u64,
    fpsr: u64,
}

impl Env {
    /// The caller's rounding direction (toward zero is downward for a norm).
    #[inline(always)]
    pub(crate) fn dir(self) -> Dir {
        match (self.fpcr >> 22) & 3 {
            0 => Dir::Nearest,
            1 => Dir::Up,
            _ => Dir::Down,
        }
    }

    /// True when FPCR is the library's (all zero).
    #[inline(always)]
    pub(crate) fn is_kernel(self) -> bool {
        self.fpcr == 0
    }

    /// The raw words (tests): FPCR in the high half, FPSR in the low half.
    pub(crate) fn raw(self) -> u64 {
        (self.fpcr << 32) | (self.fpsr & 0xffff_ffff)
    }
}

#[inline(always)]
fn read_fpcr() -> u64 {
    let v: u64;
    // SAFETY: reading FPCR into a general register has no side effect and is allowed at EL0.
    unsafe {
        asm!("mrs {v}, fpcr", v = out(reg) v, options(nomem, nostack, preserves_flags));
    }
    v
}

#[inline(always)]
fn read_fpsr() -> u64 {
    let v: u64;
    // SAFETY: reading FPSR into a general register has no side effect and is allowed at EL0.
    unsafe {
        asm!("mrs {v}, fpsr", v = out(reg) v, options(nomem, nostack, preserves_flags));
    }
    v
}

#[inline(always)]
fn write_fpcr(v: u64) {
    // SAFETY: writing FPCR at EL0 is allowed; bits the CPU does not implement are ignored
    // (RES0 writes are ignored by the hardware).  Its effect is the floating-point control of
    // this thread, which this module moves only between the caller's value and 0 (module
    // documentation).
    unsafe {
        asm!("msr fpcr, {v}", v = in(reg) v, options(nomem, nostack, preserves_flags));
    }
}

#[inline(always)]
fn write_fpsr(v: u64) {
    // SAFETY: writing FPSR at EL0 is allowed; it holds only the cumulative status flags.
    unsafe {
        asm!("msr fpsr, {v}", v = in(reg) v, options(nomem, nostack, preserves_flags));
    }
}

/// Reads FPCR and FPSR.
#[inline(always)]
pub(crate) fn current() -> Env {
    Env {
        fpcr: read_fpcr(),
        fpsr: read_fpsr(),
    }
}

/// Installs the library's control (FPCR = 0); the flags stay as they are.
#[inline(always)]
pub(crate) fn set_kernel(_caller: Env) {
    write_fpcr(0);
}

/// Puts back the caller's FPCR (if the library changed it) and FPSR (if the library's
/// arithmetic raised a flag): reading them is cheap, writing FPCR may not be.
#[inline(always)]
pub(crate) fn leave(caller: Env) {
    if !caller.is_kernel() {
        write_fpcr(caller.fpcr);
    }
    if read_fpsr() != caller.fpsr {
        write_fpsr(caller.fpsr);
    }
}

/// Whether to put back the caller's environment after the express path (`crate::fenv`):
/// always ([`leave`] already writes FPSR only when it changed).
#[inline(always)]
pub(crate) fn restore_after_inexact(_caller: Env) -> bool {
    true
}

/// Writes raw words (tests): FPCR from the high half, FPSR from the low half.
pub(crate) fn set_raw(w: u64) {
    write_fpcr(w >> 32);
    write_fpsr(w & 0xffff_ffff);
}

/// The raw words of an environment with the given settings (tests): flush-to-zero (FZ;
/// `daz` has no separate bit on aarch64: FZ flushes inputs and outputs), a rounding
/// direction (0 nearest, 1 down, 2 up, 3 toward zero), and the trap enables for invalid,
/// divide-by-zero and overflow (ignored by CPUs without trapping support).
pub(crate) fn compose(ftz: bool, daz: bool, mode: u32, traps: bool) -> u64 {
    let rm: u64 = match mode & 3 {
        0 => 0,
        1 => 2, // toward minus infinity
        2 => 1, // toward plus infinity
        _ => 3,
    };
    let mut fpcr = rm << 22;
    if ftz || daz {
        fpcr |= 1 << 24;
    }
    if traps {
        fpcr |= (1 << 8) | (1 << 9) | (1 << 10);
    }
    fpcr << 32
}

//! The x86_64 floating-point environment of the SSE/AVX unit: MXCSR (Intel SDM vol. 1,
//! 10.2.3).  Bits 0-5 are the exception flags (IE, DE, ZE, OE, UE, PE), 6 DAZ, 7-12 the
//! exception masks, 13-14 the rounding control (00 nearest, 01 down, 10 up, 11 toward zero),
//! 15 FTZ; 16-31 are reserved (writing a 1 there faults, so only words read from the register
//! are ever written back).  The x87 unit is not used by Rust code on x86_64 and is left
//! alone.
//!
//! Writing MXCSR changes how every later SSE/AVX instruction of this thread rounds and
//! flushes; Rust code is compiled for the default environment (nearest, no flushing, all
//! exceptions masked).  The guard of `fenv.rs` installs exactly that environment
//! ([`set_kernel`]) before the library computes and puts the caller's word back
//! ([`leave`]) after it, so each write only moves between the caller's environment and
//! the default one.

use crate::format::Dir;
use core::arch::asm;

/// The register's state at one moment: control bits and exception flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Env(u32);

/// Exception flag bits.
const FLAGS: u32 = 0x3f;
/// The control word the library computes in: every exception masked (bits 7-12), round
/// to nearest (RC = 00), FTZ and DAZ off.
const KERNEL_CONTROL: u32 = 0x1f80;
/// Every defined bit (flags, DAZ, masks, rounding control, FTZ).
const DEFINED: u32 = 0xffff;

impl Env {
    /// The caller's rounding direction (toward zero is downward for a norm).
    #[inline(always)]
    pub(crate) fn dir(self) -> Dir {
        match (self.0 >> 13) & 3 {
            0 => Dir::Nearest,
            2 => Dir::Up,
            _ => Dir::Down,
        }
    }

    /// True when the control bits are those the library computes in.
    #[inline(always)]
    pub(crate) fn is_kernel(self) -> bool {
        self.0 & !FLAGS == KERNEL_CONTROL
    }

    /// The raw word (tests).
    pub(crate) fn raw(self) -> u64 {
        u64::from(self.0)
    }
}

/// Reads MXCSR.
#[inline(always)]
pub(crate) fn current() -> Env {
    let mut w: u32 = 0;
    // SAFETY: stmxcsr stores the 4-byte MXCSR to the address of `w`, a live, writable,
    // 4-byte aligned local; it has no other effect (no stack use, no flags changed).
    unsafe {
        asm!("stmxcsr [{p}]", p = in(reg) &mut w, options(nostack, preserves_flags));
    }
    Env(w)
}

/// Writes MXCSR (only defined bits: a reserved bit set would fault).
#[inline(always)]
fn write(w: u32) {
    let w = w & DEFINED;
    // SAFETY: ldmxcsr loads the 4-byte word at the address of `w` (a live local) into
    // MXCSR; the reserved bits 16-31 are cleared above, so it cannot fault.  Its effect is
    // the floating-point environment of this thread, which the callers of this module move
    // only between the caller's word and the default one (module documentation).
    unsafe {
        asm!("ldmxcsr [{p}]", p = in(reg) &w, options(nostack, preserves_flags, readonly));
    }
}

/// Installs the library's control word, keeping the caller's flags (so that the flags the
/// library's own arithmetic raises can be told apart on exit).
#[inline(always)]
pub(crate) fn set_kernel(caller: Env) {
    write((caller.0 & FLAGS) | KERNEL_CONTROL);
}

/// Puts back the caller's word (control bits and flags, exactly), unconditionally: reading
/// MXCSR to find out whether anything changed costs more than this write (`crate::fenv`).
#[inline(always)]
pub(crate) fn leave(caller: Env) {
    write(caller.0);
}

/// Whether the caller's word must be written back after a computation in the caller's own
/// (kernel) control word that can have raised the inexact flag and no other
/// (`crate::fenv`, "The express path"): not when the caller's inexact flag is already
/// set, since then nothing can have changed.
#[inline(always)]
pub(crate) fn restore_after_inexact(caller: Env) -> bool {
    caller.0 & INEXACT == 0
}

/// The inexact flag (PE, bit 5).
const INEXACT: u32 = 1 << 5;

/// Writes a raw word (tests: `crate::fenv::testing`).
pub(crate) fn set_raw(w: u64) {
    write(w as u32);
}

/// The raw word of an environment with the given settings (tests): flush-to-zero,
/// denormals-are-zero, a rounding direction (0 nearest, 1 down, 2 up, 3 toward zero in the
/// IEEE order used by `crate::fenv::testing`), and traps for invalid, divide-by-zero and
/// overflow unmasked.
pub(crate) fn compose(ftz: bool, daz: bool, mode: u32, traps: bool) -> u64 {
    let rc = match mode & 3 {
        0 => 0,
        1 => 1, // down
        2 => 2, // up
        _ => 3, // toward zero
    };
    let mut w = KERNEL_CONTROL | (rc << 13);
    if ftz {
        w |= 1 << 15;
    }
    if daz {
        w |= 1 << 6;
    }
    if traps {
        // IM (bit 7), ZM (bit 9), OM (bit 10) cleared.
        w &= !((1 << 7) | (1 << 9) | (1 << 10));
    }
    u64::from(w)
}

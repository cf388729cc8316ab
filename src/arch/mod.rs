//! One file per instruction set, each implementing [`crate::kernel::Lanes`] and the loads of
//! every input shape around the generic bodies of `kernel.rs`, plus the table of kernels
//! ([`Kernels`]) that `dispatch.rs` picks from.  Data flows one way: `dispatch` imports
//! `arch`, never the other way round.
//!
//! Every ISA module defines `is_available()` and, for each entry of [`Kernels`], an
//! `#[inline(always)]` body of the same name; the one macro [`kernel_table!`] turns those
//! bodies into `unsafe` `#[target_feature]` trampolines, safe entries that check the CPU
//! (falling back to the portable path of `scalar.rs`), and the module's `KERNELS` table.
//! The vector types are private to their module and are created only inside those
//! trampolines, which is what makes the intrinsics in their `Lanes` methods sound.
//!
//! Input shapes (all slices come from `strided.rs`, which owns the bounds reasoning):
//!
//! * `f64s` / `f32s`: every component of the slice (`incx = +-1`, real or complex);
//! * `even64` / `even32`: the components at even indices (real `incx = +-2`);
//! * `pairs64` / `pairs32`: the components at indices `4i` and `4i + 1` (complex `incx = +-2`);
//! * `small64` / `small32`: every component of a contiguous slice of at most
//!   [`crate::kernel::SHORT_MAX`] (binary32: [`crate::kernel::SHORT32_MAX`]) components, by
//!   the short paths (`small*` up to [`crate::kernel::SMALL_MAX`], one-block beyond);
//! * `short_even*` / `short_pairs*`: the one-block paths of the strided shapes;
//! * `spread64` / `spread32`: the components of a view with a stride of its own (`|incx| >=
//!   3`, real or complex; [`Spread`]), summed by the block bodies of their element type
//!   (`accumulate64`, binary32 data by `accumulate32`): the same proven accumulation as the
//!   contiguous shapes.  x86_64 loads each chunk's elements straight into vectors
//!   (`strip.rs`); the portable path and NEON copy them into a buffer ([`spread_add`]) and
//!   run `f64s` / `f32s` there;
//! * `h16s` / `bf16s`, `small_h16` / `small_bf16`: contiguous binary16 / bfloat16 data,
//!   widened to binary32 while loading (exact, see `half.rs`) and then summed by the binary32
//!   bodies, so their norms are bitwise those of the widened vectors.

use crate::finish::Finish;
use crate::half::{BF16, F16};
use crate::kernel::batch::Panel;
use crate::strided::Spread;
use crate::sumsq::{Part, SumSq};

/// The kernels of one ISA, one per input shape (see the module documentation).  The block
/// kernels add to a state and return `true` when they met a NaN or an infinity (the caller
/// then scans the data to tell which).  Each short path has two entries from one body: the
/// one-block sum for a state (`*_part`), and the norm rounded inside the ISA's
/// `#[target_feature]` function, so that its rounding test uses the ISA's FMA (`None`
/// when the short path or its rounding test cannot decide: the general path then runs).
pub(crate) struct Kernels {
    /// Every binary64 component of the slice.
    pub f64s: fn(&[f64], &mut SumSq) -> bool,
    /// Every binary32 component of the slice.
    pub f32s: fn(&[f32], &mut SumSq) -> bool,
    /// The binary64 components at even indices.
    pub even64: fn(&[f64], &mut SumSq) -> bool,
    /// The binary64 components at indices `4i`, `4i + 1`.
    pub pairs64: fn(&[f64], &mut SumSq) -> bool,
    /// The binary32 components at even indices.
    pub even32: fn(&[f32], &mut SumSq) -> bool,
    /// The binary32 components at indices `4i`, `4i + 1`.
    pub pairs32: fn(&[f32], &mut SumSq) -> bool,
    /// The binary64 components of a view with a stride of its own, gathered.
    pub spread64: fn(Spread<'_, f64>, &mut SumSq) -> bool,
    /// The binary32 components of a view with a stride of its own, gathered.
    pub spread32: fn(Spread<'_, f32>, &mut SumSq) -> bool,
    /// A short `spread64` view, rounded to binary64 (the ISA's one-block path; `None` where
    /// it has none).
    pub short_spread64: fn(Spread<'_, f64>) -> Option<f64>,
    /// A short `spread32` view, rounded to binary32.
    pub short_spread32: fn(Spread<'_, f32>) -> Option<f64>,
    /// The one-block sum of `short_spread64`.
    pub short_spread64_part: fn(Spread<'_, f64>) -> Option<Part>,
    /// The one-block sum of `short_spread32`.
    pub short_spread32_part: fn(Spread<'_, f32>) -> Option<Part>,
    /// A short contiguous binary64 vector, rounded to binary64.
    pub small64: fn(&[f64]) -> Option<f64>,
    /// A short contiguous binary32 vector, rounded to binary32.
    pub small32: fn(&[f32]) -> Option<f64>,
    /// A short `even64` shape, rounded to binary64.
    pub short_even64: fn(&[f64]) -> Option<f64>,
    /// A short `pairs64` shape, rounded to binary64.
    pub short_pairs64: fn(&[f64]) -> Option<f64>,
    /// A short `even32` shape, rounded to binary32.
    pub short_even32: fn(&[f32]) -> Option<f64>,
    /// A short `pairs32` shape, rounded to binary32.
    pub short_pairs32: fn(&[f32]) -> Option<f64>,
    /// The one-block sum of `small64`.
    pub small64_part: fn(&[f64]) -> Option<Part>,
    /// The one-block sum of `small32`.
    pub small32_part: fn(&[f32]) -> Option<Part>,
    /// The one-block sum of `short_even64`.
    pub short_even64_part: fn(&[f64]) -> Option<Part>,
    /// The one-block sum of `short_pairs64`.
    pub short_pairs64_part: fn(&[f64]) -> Option<Part>,
    /// The one-block sum of `short_even32`.
    pub short_even32_part: fn(&[f32]) -> Option<Part>,
    /// The one-block sum of `short_pairs32`.
    pub short_pairs32_part: fn(&[f32]) -> Option<Part>,
    /// Every binary16 value of the slice (widened to binary32).
    pub h16s: fn(&[F16], &mut SumSq) -> bool,
    /// Every bfloat16 value of the slice (widened to binary32).
    pub bf16s: fn(&[BF16], &mut SumSq) -> bool,
    /// A short contiguous binary16 vector, rounded to binary32.
    pub small_h16: fn(&[F16]) -> Option<f64>,
    /// A short contiguous bfloat16 vector, rounded to binary32.
    pub small_bf16: fn(&[BF16]) -> Option<f64>,
    /// The one-block sum of `small_h16`.
    pub small_h16_part: fn(&[F16]) -> Option<Part>,
    /// The one-block sum of `small_bf16`.
    pub small_bf16_part: fn(&[BF16]) -> Option<Part>,
    /// The express path (`kernel::express64`): a contiguous binary64 vector of at most
    /// `consts::EXPRESS_MAX` components in the clean range, rounded to binary64 raising no
    /// flag but inexact; `None` when it does not apply or does not decide.
    pub express64: fn(&[f64]) -> Option<f64>,
    /// The express path of binary32 data (`kernel::express32`), rounded to binary32.
    pub express32: fn(&[f32]) -> Option<f64>,
    /// `Panel::count` batch panels of binary64 rows side by side (`kernel/batch.rs`): lane
    /// `c` of panel `q` into `out[q * panel + c]`; `special[q]` gets the lanes of panel `q`
    /// that met a NaN or an infinity (bit `c`).
    pub batch64: fn(&[f64], Panel, &mut [SumSq], &mut [u64]),
    /// Batch panels of binary32 rows.
    pub batch32: fn(&[f32], Panel, &mut [SumSq], &mut [u64]),
    /// Components per panel row of `batch64` / `batch32` (at most 64).
    pub panel: usize,
    /// Most panels side by side per call of `batch64` / `batch32` (`panel * group <= 256`).
    pub group: usize,
}

/// The norm of a short path's sum correctly rounded to nearest, if its rounding test decides
/// (the api calls these entries only in that rounding mode).
#[inline(always)]
pub(crate) fn short_rounded<const FMA: bool>(
    p: Option<Part>,
    fmt: crate::format::Format,
) -> Option<f64> {
    match crate::finish::round_part::<FMA>(p?, fmt, crate::format::Dir::Nearest) {
        Finish::Value(v) => Some(v),
        Finish::NeedExact(_) => None,
    }
}

/// Defines an ISA module's `KERNELS` table from its `#[inline(always)]` bodies (one per
/// entry of [`Kernels`], with the entry's name and signature; the short bodies return
/// `Option<Part>`).
///
/// `kernel_table!(portable)` (for `scalar.rs`) calls the bodies directly.
/// `kernel_table!("features")` wraps each body in an `unsafe` `#[target_feature(enable =
/// "features")]` trampoline, reached only through a safe entry that checks the module's
/// `is_available()` and otherwise calls the portable entry.  Short bodies are rounded inside
/// the `#[target_feature]` function for the rounded entry ([`short_rounded`], with the ISA's
/// `Lanes::HAS_FMA`); the `_part` entry returns the sum.
/// `kernel_table!("features", "half features", half_available)` does the same, but wraps the
/// half-precision entries (`h16s`, `bf16s`, `small_h16`, `small_bf16`) with the second
/// feature list and checks `half_available()` (AVX2: F16C is a CPUID feature of its own).
macro_rules! kernel_table {
    (portable) => {
        /// The portable entries.
        pub(crate) static KERNELS: $crate::arch::Kernels = $crate::arch::Kernels {
            f64s,
            f32s,
            even64,
            pairs64,
            even32,
            pairs32,
            spread64,
            spread32,
            short_spread64: |x| {
                $crate::arch::short_rounded::<false>(short_spread64(x), $crate::format::F64)
            },
            short_spread32: |x| {
                $crate::arch::short_rounded::<false>(short_spread32(x), $crate::format::F32)
            },
            short_spread64_part: short_spread64,
            short_spread32_part: short_spread32,
            small64: |x| $crate::arch::short_rounded::<false>(small64(x), $crate::format::F64),
            small32: |x| $crate::arch::short_rounded::<false>(small32(x), $crate::format::F32),
            short_even64: |x| {
                $crate::arch::short_rounded::<false>(short_even64(x), $crate::format::F64)
            },
            short_pairs64: |x| {
                $crate::arch::short_rounded::<false>(short_pairs64(x), $crate::format::F64)
            },
            short_even32: |x| {
                $crate::arch::short_rounded::<false>(short_even32(x), $crate::format::F32)
            },
            short_pairs32: |x| {
                $crate::arch::short_rounded::<false>(short_pairs32(x), $crate::format::F32)
            },
            small64_part: small64,
            small32_part: small32,
            short_even64_part: short_even64,
            short_pairs64_part: short_pairs64,
            short_even32_part: short_even32,
            short_pairs32_part: short_pairs32,
            h16s,
            bf16s,
            small_h16: |x| $crate::arch::short_rounded::<false>(small_h16(x), $crate::format::F32),
            small_bf16: |x| {
                $crate::arch::short_rounded::<false>(small_bf16(x), $crate::format::F32)
            },
            small_h16_part: small_h16,
            small_bf16_part: small_bf16,
            express64: |x| {
                $crate::finish::round_express::<false>(express64(x)?, $crate::format::F64)
            },
            express32: |x| {
                $crate::finish::round_express::<false>(express32(x)?, $crate::format::F32)
            },
            batch64,
            batch32,
            panel: PANEL,
            group: GROUP,
        };
    };
    ($features:literal) => {
        $crate::arch::kernel_table!($features, $features, is_available);
    };
    ($features:literal, $hfeatures:literal, $havail:ident) => {
        /// This ISA's entries (each falls back to the portable path on a CPU without it).
        pub(crate) static KERNELS: $crate::arch::Kernels = $crate::arch::Kernels {
            f64s: tramp::f64s,
            f32s: tramp::f32s,
            even64: tramp::even64,
            pairs64: tramp::pairs64,
            even32: tramp::even32,
            pairs32: tramp::pairs32,
            spread64: tramp::spread64,
            spread32: tramp::spread32,
            short_spread64: tramp::short_spread64,
            short_spread32: tramp::short_spread32,
            short_spread64_part: tramp::short_spread64_part,
            short_spread32_part: tramp::short_spread32_part,
            small64: tramp::small64,
            small32: tramp::small32,
            short_even64: tramp::short_even64,
            short_pairs64: tramp::short_pairs64,
            short_even32: tramp::short_even32,
            short_pairs32: tramp::short_pairs32,
            small64_part: tramp::small64_part,
            small32_part: tramp::small32_part,
            short_even64_part: tramp::short_even64_part,
            short_pairs64_part: tramp::short_pairs64_part,
            short_even32_part: tramp::short_even32_part,
            short_pairs32_part: tramp::short_pairs32_part,
            h16s: tramp::h16s,
            bf16s: tramp::bf16s,
            small_h16: tramp::small_h16,
            small_bf16: tramp::small_bf16,
            small_h16_part: tramp::small_h16_part,
            small_bf16_part: tramp::small_bf16_part,
            express64: tramp::express64,
            express32: tramp::express32,
            batch64: tramp::batch64,
            batch32: tramp::batch32,
            panel: PANEL,
            group: GROUP,
        };

        /// The `#[target_feature]` trampolines and their safe entries.
        mod tramp {
            use $crate::kernel::batch::Panel;
            use $crate::half::{BF16, F16};
            use $crate::strided::Spread;
            use $crate::sumsq::{Part, SumSq};
            $crate::arch::kernel_table!(@block $features, is_available, f64s, f64);
            $crate::arch::kernel_table!(@block $features, is_available, f32s, f32);
            $crate::arch::kernel_table!(@block $features, is_available, even64, f64);
            $crate::arch::kernel_table!(@block $features, is_available, pairs64, f64);
            $crate::arch::kernel_table!(@block $features, is_available, even32, f32);
            $crate::arch::kernel_table!(@block $features, is_available, pairs32, f32);
            $crate::arch::kernel_table!(@block_of $features, is_available, spread64, Spread<'_, f64>);
            $crate::arch::kernel_table!(@block_of $features, is_available, spread32, Spread<'_, f32>);
            $crate::arch::kernel_table!(@short_of $features, is_available, short_spread64, Spread<'_, f64>, F64, short_spread64_part);
            $crate::arch::kernel_table!(@short_of $features, is_available, short_spread32, Spread<'_, f32>, F32, short_spread32_part);
            $crate::arch::kernel_table!(@short $features, is_available, small64, f64, F64, small64_part);
            $crate::arch::kernel_table!(@short $features, is_available, small32, f32, F32, small32_part);
            $crate::arch::kernel_table!(@short $features, is_available, short_even64, f64, F64, short_even64_part);
            $crate::arch::kernel_table!(@short $features, is_available, short_pairs64, f64, F64, short_pairs64_part);
            $crate::arch::kernel_table!(@short $features, is_available, short_even32, f32, F32, short_even32_part);
            $crate::arch::kernel_table!(@short $features, is_available, short_pairs32, f32, F32, short_pairs32_part);
            $crate::arch::kernel_table!(@block $hfeatures, $havail, h16s, F16);
            $crate::arch::kernel_table!(@block $hfeatures, $havail, bf16s, BF16);
            $crate::arch::kernel_table!(@short $hfeatures, $havail, small_h16, F16, F32, small_h16_part);
            $crate::arch::kernel_table!(@short $hfeatures, $havail, small_bf16, BF16, F32, small_bf16_part);
            $crate::arch::kernel_table!(@express $features, express64, f64, F64);
            $crate::arch::kernel_table!(@express $features, express32, f32, F32);
            $crate::arch::kernel_table!(@batch $features, batch64, f64);
            $crate::arch::kernel_table!(@batch $features, batch32, f32);
        }
    };
    (@block $features:literal, $avail:ident, $name:ident, $t:ty) => {
        $crate::arch::kernel_table!(@block_of $features, $avail, $name, &[$t]);
    };
    (@block_of $features:literal, $avail:ident, $name:ident, $t:ty) => {
        pub(super) fn $name(x: $t, s: &mut SumSq) -> bool {
            /// # Safety
            /// The CPU must have the module's target features.
            #[target_feature(enable = $features)]
            unsafe fn tf(x: $t, s: &mut SumSq) -> bool {
                super::$name(x, s)
            }
            if super::$avail() {
                // SAFETY: the CPU has this entry's target features (checked just above),
                // which is the only requirement of the trampoline.
                unsafe { tf(x, s) }
            } else {
                ($crate::arch::scalar::KERNELS.$name)(x, s)
            }
        }
    };
    (@express $features:literal, $name:ident, $t:ty, $fmt:ident) => {
        pub(super) fn $name(x: &[$t]) -> Option<f64> {
            /// # Safety
            /// The CPU must have the module's target features.
            #[target_feature(enable = $features)]
            unsafe fn tf(x: &[$t]) -> Option<f64> {
                $crate::finish::round_express::<{ <super::V as $crate::kernel::Lanes>::HAS_FMA }>(
                    super::$name(x)?,
                    $crate::format::$fmt,
                )
            }
            if super::is_available() {
                // SAFETY: the CPU has this module's target features (is_available() just
                // above), which is the only requirement of the trampoline.
                unsafe { tf(x) }
            } else {
                ($crate::arch::scalar::KERNELS.$name)(x)
            }
        }
    };
    (@batch $features:literal, $name:ident, $t:ty) => {
        pub(super) fn $name(x: &[$t], p: Panel, out: &mut [SumSq], sp: &mut [u64]) {
            /// # Safety
            /// The CPU must have the module's target features.
            #[target_feature(enable = $features)]
            unsafe fn tf(x: &[$t], p: Panel, out: &mut [SumSq], sp: &mut [u64]) {
                super::$name(x, p, out, sp)
            }
            if super::is_available() {
                // SAFETY: the CPU has this module's target features (is_available() just
                // above), which is the only requirement of the trampoline.
                unsafe { tf(x, p, out, sp) }
            } else {
                $crate::arch::batch_portable(
                    $crate::arch::scalar::KERNELS.$name,
                    x,
                    p,
                    super::PANEL,
                    out,
                    sp,
                )
            }
        }
    };
    (@short $features:literal, $avail:ident, $name:ident, $t:ty, $fmt:ident, $part:ident) => {
        $crate::arch::kernel_table!(@short_of $features, $avail, $name, &[$t], $fmt, $part);
    };
    (@short_of $features:literal, $avail:ident, $name:ident, $t:ty, $fmt:ident, $part:ident) => {
        pub(super) fn $name(x: $t) -> Option<f64> {
            /// # Safety
            /// The CPU must have the module's target features.
            #[target_feature(enable = $features)]
            unsafe fn tf(x: $t) -> Option<f64> {
                $crate::arch::short_rounded::<{ <super::V as $crate::kernel::Lanes>::HAS_FMA }>(
                    super::$name(x),
                    $crate::format::$fmt,
                )
            }
            if super::$avail() {
                // SAFETY: the CPU has this entry's target features (checked just above),
                // which is the only requirement of the trampoline.
                unsafe { tf(x) }
            } else {
                ($crate::arch::scalar::KERNELS.$name)(x)
            }
        }

        pub(super) fn $part(x: $t) -> Option<Part> {
            /// # Safety
            /// The CPU must have the module's target features.
            #[target_feature(enable = $features)]
            unsafe fn tf(x: $t) -> Option<Part> {
                super::$name(x)
            }
            if super::$avail() {
                // SAFETY: as above.
                unsafe { tf(x) }
            } else {
                ($crate::arch::scalar::KERNELS.$part)(x)
            }
        }
    };
}
pub(crate) use kernel_table;

#[cfg(target_arch = "aarch64")]
pub(crate) mod aarch64;
// The floating-point environment's register access (`crate::fenv`): per ISA; Miri cannot
// run inline assembly and always computes in the default environment.
#[cfg(all(target_arch = "aarch64", not(miri)))]
pub(crate) use aarch64::fenv;
#[cfg(any(miri, not(any(target_arch = "x86_64", target_arch = "aarch64"))))]
#[path = "fenv_default.rs"]
pub(crate) mod fenv;
#[cfg(all(target_arch = "x86_64", not(miri)))]
pub(crate) use x86_64::fenv;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod strip;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;

/// Runs batch panels laid out for an ISA of panel width `panel` through the portable
/// kernel `f` (panel width [`scalar::PANEL`]), one narrow panel at a time: the fallback of an
/// ISA's batch entry on a CPU without that ISA.
pub(crate) fn batch_portable<T>(
    f: fn(&[T], Panel, &mut [SumSq], &mut [u64]),
    x: &[T],
    p: Panel,
    panel: usize,
    out: &mut [SumSq],
    sp: &mut [u64],
) {
    let count = if p.width >= panel { p.count } else { 1 };
    let width = p.width.min(panel);
    for q in 0..count {
        let mut bits = 0u64;
        let mut t = 0;
        while t < width {
            let w = (width - t).min(scalar::PANEL);
            let mut one = [0u64; 1];
            let sub = Panel {
                base: p.base + q * panel + t,
                width: w,
                count: 1,
                ..p
            };
            f(
                x,
                sub,
                out.get_mut(q * panel + t..).unwrap_or(&mut []),
                &mut one,
            );
            bits |= one[0].checked_shl(t as u32).unwrap_or(0);
            t += w;
        }
        if let Some(d) = sp.get_mut(q) {
            *d = bits;
        }
    }
}

/// Components per copy buffer of the portable `spread64` / `spread32` (16 KiB of binary64
/// values).
pub(crate) const GATHER: usize = 2048;

/// A copy buffer.
pub(crate) struct GatherBuf<T>(pub(crate) [T; GATHER]);

/// Defines an ISA module's `Copies`: the gather of a [`crate::strided::Spread`] by checked
/// copies (`Spread::copy_to`), summed by that module's own `f64s` / `f32s` (the portable and
/// NEON paths' only gather; on x86_64 the fallback of `strip::spread_strips` for a view that
/// fails its invariant).
macro_rules! gather_copies {
    () => {
        /// Checked copies of a `Spread`, summed by this module's `f64s` / `f32s`.
        struct Copies;

        impl $crate::arch::Gathered<f64> for Copies {
            #[inline(always)]
            fn fill(
                x: &$crate::strided::Spread<'_, f64>,
                first: usize,
                count: usize,
                buf: &mut $crate::arch::GatherBuf<f64>,
            ) -> usize {
                x.copy_to(first, count, &mut buf.0)
            }
            #[inline(always)]
            fn add(x: &[f64], s: &mut $crate::sumsq::SumSq) -> bool {
                f64s(x, s)
            }
        }

        impl $crate::arch::Gathered<f32> for Copies {
            #[inline(always)]
            fn fill(
                x: &$crate::strided::Spread<'_, f32>,
                first: usize,
                count: usize,
                buf: &mut $crate::arch::GatherBuf<f32>,
            ) -> usize {
                x.copy_to(first, count, &mut buf.0)
            }
            #[inline(always)]
            fn add(x: &[f32], s: &mut $crate::sumsq::SumSq) -> bool {
                f32s(x, s)
            }
        }
    };
}
pub(crate) use gather_copies;

/// How an ISA copies a [`Spread`] and sums the copied components: a trait with
/// `#[inline(always)]` methods rather than closures, so that both are compiled inside the
/// ISA's `#[target_feature]` trampoline (as `kernel::Load`).
pub(crate) trait Gathered<T> {
    /// Writes the components of elements `first .. first + count` (`count * parts <=
    /// GATHER`, `first + count <= x.len()`) to the front of `buf`, in order; returns how
    /// many (`count * parts`).
    fn fill(x: &Spread<'_, T>, first: usize, count: usize, buf: &mut GatherBuf<T>) -> usize;
    /// The block kernel of the contiguous components (`f64s` / `f32s`).
    fn add(x: &[T], s: &mut SumSq) -> bool;
}

/// The portable `spread64` / `spread32`: the view's elements copied into buffers of
/// [`GATHER`] components, each summed by `G::add` (a kernel call of its own); returns whether
/// a call met a NaN or an infinity.
#[inline(always)]
pub(crate) fn spread_add<T: Copy + Default, G: Gathered<T>>(
    x: &Spread<'_, T>,
    s: &mut SumSq,
) -> bool {
    let mut buf = GatherBuf([T::default(); GATHER]);
    let per = GATHER / x.parts().max(1);
    let (mut first, mut special) = (0, false);
    while first < x.len() {
        let count = (x.len() - first).min(per);
        let w = G::fill(x, first, count, &mut buf);
        special |= G::add(buf.0.get(..w).unwrap_or(&[]), s);
        first += count;
    }
    special
}

/// Copies `x` (at most `CH` values) into a zero-padded array: the portable way to load a
/// partial chunk (index parities are preserved, as the remainder of `as_chunks` starts at a
/// multiple of `CH`).
#[inline(always)]
pub(crate) fn padded<T: Copy + Default, const CH: usize>(x: &[T]) -> [T; CH] {
    let mut t = [T::default(); CH];
    for (d, s) in t.iter_mut().zip(x) {
        *d = *s;
    }
    t
}

/// Raw access to this thread's floating-point environment, for the tests and fuzz targets
/// (`safenorm::__fenv`): not part of the API.
pub mod fenv_testing {
    /// The raw environment: x86_64 MXCSR; aarch64 FPCR in the high 32 bits and FPSR in the
    /// low 32 bits; 0 elsewhere.
    pub fn raw() -> u64 {
        super::fenv::current().raw()
    }

    /// The raw environment with flush-to-zero, denormals-are-zero (x86_64; aarch64 has
    /// one FZ bit for both), rounding `mode` (0 nearest, 1 down, 2 up, 3 toward zero) and,
    /// with `traps`, the invalid, divide-by-zero and overflow traps enabled; no flags.
    pub fn compose(ftz: bool, daz: bool, mode: u32, traps: bool) -> u64 {
        super::fenv::compose(ftz, daz, mode, traps)
    }

    /// Writes a raw environment (as returned by [`raw`] or [`compose`]).
    ///
    /// # Safety
    ///
    /// Rust code is compiled for the default environment: until the caller restores it,
    /// floating-point arithmetic of this thread outside this library may round, flush or
    /// trap differently from what the compiler assumed.  Call only around calls into this
    /// library (which computes in its own environment) and restore the previous word.
    pub unsafe fn set_raw(w: u64) {
        super::fenv::set_raw(w)
    }
}

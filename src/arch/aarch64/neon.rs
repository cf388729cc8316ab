//! NEON (Advanced SIMD) kernels: 2 binary64 lanes, 8 independent accumulators, blocks of
//! 128 chunks of 16 components.
//!
//! Strided shapes use the structure loads: `ld2` deinterleaves even elements (binary64 and,
//! with `fcvtl` widening, binary32); complex pairs with stride 2 are one plain load each.
//! Partial chunks and short vectors go through a zero-padded copy (NEON has no masked loads).
//!
//! Half-precision data are widened to binary32 with integer operations ([`cvt_h16`]; the
//! `vcvt_f32_f16` intrinsic needs the `float16x4_t` type, stable only after this crate's
//! minimum Rust version) or a 16-bit shift (bfloat16), then to binary64 with `fcvtl`.

use super::super::{padded, spread_add};
use crate::consts::EXPRESS_MAX;
use crate::half::{BF16, F16};
use crate::kernel::batch::Panel;
use crate::kernel::{
    self, accumulate32, accumulate64, short32, short64, Arith, Lanes, Load, MAX_LANES,
    SHORT_BLOCKS, SMALL_MAX,
};
use crate::strided::Spread;
use crate::sumsq::{Part, SumSq};
use core::arch::aarch64::*;

/// An array of vectors filled by a loop (no closure: closures do not inherit
/// `#[target_feature]`, which would keep the intrinsics inside them from being inlined).
macro_rules! unrolled {
    (|$u:ident| $e:expr) => {{
        let mut out = [V::splat(0.0); _];
        for ($u, o) in out.iter_mut().enumerate() {
            *o = $e;
        }
        out
    }};
}

/// Independent accumulators.
const U: usize = 8;
/// Chunks per block (2048 components of a contiguous binary64 vector).
const M: usize = 128;
/// Components per chunk.
const CH: usize = 2 * U;

/// True when this CPU has NEON (always on aarch64 Linux; detected for form's sake).
pub(crate) fn is_available() -> bool {
    std::arch::is_aarch64_feature_detected!("neon")
}

/// Two binary64 lanes.  Private: values exist only inside this module's
/// `#[target_feature(enable = "neon")]` trampolines, so every intrinsic below runs on a CPU
/// that has NEON.
#[derive(Clone, Copy)]
struct V(float64x2_t);

impl Arith for V {
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        // SAFETY: NEON is available.
        V(unsafe { vaddq_f64(self.0, o.0) })
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        // SAFETY: NEON is available.
        V(unsafe { vsubq_f64(self.0, o.0) })
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        // SAFETY: NEON is available.  vfmaq_f64(c, a, b) = c + a * b, one rounding.
        V(unsafe { vfmaq_f64(c.0, self.0, b.0) })
    }
    #[inline(always)]
    fn fms(self, b: Self, c: Self) -> Self {
        // SAFETY: NEON is available.  a * b - c = (-c) + a * b, one rounding.
        V(unsafe { vfmaq_f64(vnegq_f64(c.0), self.0, b.0) })
    }
}

impl Lanes for V {
    const N: usize = 2;
    const HAS_FMA: bool = true;
    #[inline(always)]
    fn splat(v: f64) -> Self {
        // SAFETY: NEON is available (see the type's documentation).
        V(unsafe { vdupq_n_f64(v) })
    }
    #[inline(always)]
    fn to_arr(self, a: &mut [f64; MAX_LANES]) {
        // SAFETY: NEON is available; `a` holds at least 2 writable values.
        unsafe { vst1q_f64(a.as_mut_ptr(), self.0) }
    }
    #[inline(always)]
    fn from_arr(a: &[f64; MAX_LANES]) -> Self {
        // SAFETY: NEON is available; `a` holds at least 2 readable values.
        V(unsafe { vld1q_f64(a.as_ptr()) })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        // SAFETY: NEON is available.
        V(unsafe { vabsq_f64(self.0) })
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        // SAFETY: NEON is available.  fmaxnm returns the number when the other operand is a
        // quiet NaN (a signalling NaN gives NaN, which makes amax non-finite: the block is
        // then treated as special and the rescan finds the NaN, the same result).
        V(unsafe { vmaxnmq_f64(self.0, o.0) })
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        // SAFETY: NEON is available.
        V(unsafe { vmulq_f64(self.0, o.0) })
    }
    #[inline(always)]
    fn reduce_max(self) -> f64 {
        // SAFETY: NEON is available.
        unsafe { vmaxnmvq_f64(self.0) }
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        // SAFETY: NEON is available.
        unsafe { vaddvq_f64(self.0) }
    }
    #[inline(always)]
    fn all_lt(self, o: Self) -> bool {
        // SAFETY: NEON is available.
        unsafe { vminvq_u32(vreinterpretq_u32_u64(vcltq_f64(self.0, o.0))) == u32::MAX }
    }
    #[inline(always)]
    fn any_nan(self) -> bool {
        // SAFETY: NEON is available.
        unsafe { vminvq_u32(vreinterpretq_u32_u64(vceqq_f64(self.0, self.0))) != u32::MAX }
    }
}

/// `U` vectors from 16 consecutive binary64 values.
#[inline(always)]
fn load_f64(c: &[f64; CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: NEON is available; lane group u reads c[2u..2u + 2], inside the array.
    unrolled!(|u| V(unsafe { vld1q_f64(p.add(2 * u)) }))
}

/// `U` vectors from 16 consecutive binary32 values, widened exactly.
#[inline(always)]
fn load_f32(c: &[f32; CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: NEON is available; lane group u reads c[2u..2u + 2], inside the array.
    unrolled!(|u| V(unsafe { vcvt_f64_f32(vld1_f32(p.add(2 * u))) }))
}

/// The even-indexed values of 32 binary64 values (`ld2`).
#[inline(always)]
fn load_even64(c: &[f64; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: NEON is available; reads c[4u..4u + 4], inside the array.
    unrolled!(|u| V(unsafe { vld2q_f64(p.add(4 * u)).0 }))
}

/// The values at indices `4i`, `4i + 1` of 32 binary64 values (complex pairs).
#[inline(always)]
fn load_pairs64(c: &[f64; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: NEON is available; reads c[4u..4u + 2], inside the array.
    unrolled!(|u| V(unsafe { vld1q_f64(p.add(4 * u)) }))
}

/// The even-indexed values of 32 binary32 values, widened (`ld2`).
#[inline(always)]
fn load_even32(c: &[f32; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: NEON is available; reads c[4u..4u + 4], inside the array.
    unrolled!(|u| V(unsafe { vcvt_f64_f32(vld2_f32(p.add(4 * u)).0) }))
}

/// The values at indices `4i`, `4i + 1` of 32 binary32 values, widened.
#[inline(always)]
fn load_pairs32(c: &[f32; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: NEON is available; reads c[4u..4u + 2], inside the array.
    unrolled!(|u| V(unsafe { vcvt_f64_f32(vld1_f32(p.add(4 * u))) }))
}

/// A whole-chunk loader and a partial-chunk loader (through a zero-padded copy).
macro_rules! shape {
    ($main:ident, $tail:ident, $t:ty, $w:expr, $load:path) => {
        struct $main;
        impl Load<V, U> for $main {
            type Item<'a> = [$t; $w];
            #[inline(always)]
            fn load(c: &[$t; $w]) -> [V; U] {
                $load(c)
            }
        }
        struct $tail;
        impl Load<V, U> for $tail {
            type Item<'a> = &'a [$t];
            #[inline(always)]
            fn load(t: &&[$t]) -> [V; U] {
                $load(&padded::<$t, { $w }>(t))
            }
        }
    };
}
shape!(F64s, F64sTail, f64, CH, load_f64);
shape!(F32s, F32sTail, f32, CH, load_f32);
shape!(Even64, Even64Tail, f64, 2 * CH, load_even64);
shape!(Pairs64, Pairs64Tail, f64, 2 * CH, load_pairs64);
shape!(Even32, Even32Tail, f32, 2 * CH, load_even32);
shape!(Pairs32, Pairs32Tail, f32, 2 * CH, load_pairs32);

#[inline(always)]
fn f64s(x: &[f64], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<CH>();
    accumulate64::<V, F64s, F64sTail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn f32s(x: &[f32], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<CH>();
    accumulate32::<V, F32s, F32sTail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn even64(x: &[f64], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<{ 2 * CH }>();
    accumulate64::<V, Even64, Even64Tail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn pairs64(x: &[f64], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<{ 2 * CH }>();
    accumulate64::<V, Pairs64, Pairs64Tail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn even32(x: &[f32], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<{ 2 * CH }>();
    accumulate32::<V, Even32, Even32Tail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn pairs32(x: &[f32], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<{ 2 * CH }>();
    accumulate32::<V, Pairs32, Pairs32Tail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

/// `K` vectors holding `x` zero-padded (`x.len() <= 2 K`).
#[inline(always)]
fn small_vectors<const K: usize>(b: &[f64; SMALL_MAX]) -> [V; K] {
    let p = b.as_ptr();
    // SAFETY: NEON is available; 2K <= SMALL_MAX, so b[2k..2k + 2] is inside the array.
    unrolled!(|k| V(unsafe { vld1q_f64(p.add(2 * k)) }))
}

/// The one-block paths for vectors of at most `SHORT_BLOCKS` blocks (`None` beyond).
#[inline(always)]
fn short64_any(x: &[f64]) -> Option<Part> {
    let (c, t) = x.as_chunks::<CH>();
    if c.len() > SHORT_BLOCKS * M {
        return None;
    }
    short64::<V, F64s, F64sTail, U, true>(c, (!t.is_empty()).then_some(t), x.len())
}

#[inline(always)]
fn short32_any(x: &[f32]) -> Option<Part> {
    let (c, t) = x.as_chunks::<CH>();
    if c.len() > SHORT_BLOCKS * M {
        return None;
    }
    short32::<V, F32s, F32sTail, U>(c, (!t.is_empty()).then_some(t))
}

/// The express paths (`kernel::express64`, `kernel::express32`): up to `EXPRESS_MAX`
/// components, zero-padded, in 4 or 16 vectors.
#[inline(always)]
fn express64(x: &[f64]) -> Option<Part> {
    let b = padded::<f64, EXPRESS_MAX>(x);
    if x.len() <= 8 {
        kernel::express64::<V, 4>(small_vectors::<4>(&b))
    } else if x.len() <= EXPRESS_MAX {
        kernel::express64::<V, 16>(small_vectors::<16>(&b))
    } else {
        None
    }
}

/// See [`express64`].
#[inline(always)]
fn express32(x: &[f32]) -> Option<Part> {
    let mut b = [0.0f64; EXPRESS_MAX];
    for (d, s) in b.iter_mut().zip(x) {
        *d = f64::from(*s);
    }
    if x.len() <= 8 {
        kernel::express32::<V, 4>(small_vectors::<4>(&b))
    } else if x.len() <= EXPRESS_MAX {
        kernel::express32::<V, 16>(small_vectors::<16>(&b))
    } else {
        None
    }
}

#[inline(always)]
fn small64(x: &[f64]) -> Option<Part> {
    if x.len() > SMALL_MAX {
        return short64_any(x);
    }
    let b = padded::<f64, SMALL_MAX>(x);
    if x.len() <= 8 {
        kernel::small64::<V, 4>(small_vectors::<4>(&b))
    } else {
        kernel::small64::<V, 16>(small_vectors::<16>(&b))
    }
}

#[inline(always)]
fn small32(x: &[f32]) -> Option<Part> {
    if x.len() > SMALL_MAX {
        return short32_any(x);
    }
    let mut b = [0.0f64; SMALL_MAX];
    for (d, s) in b.iter_mut().zip(x) {
        *d = f64::from(*s);
    }
    if x.len() <= 8 {
        kernel::small32::<V, 4>(small_vectors::<4>(&b))
    } else {
        kernel::small32::<V, 16>(small_vectors::<16>(&b))
    }
}

/// 4 binary16 values at `p`, widened exactly to binary32 with integer operations:
/// normal values and Inf/NaN move their exponent and fraction up by 13 bits and add
/// `112 << 23` to the exponent (twice for exponent 31, giving 255); subnormals and zeros are
/// `f 2^-24`: `f < 2^10` converts exactly and the product is 0 or a normal binary32
/// `>= 2^-24` (so a flush-to-zero mode cannot change it); the sign is or-ed back in.
///
/// # Safety
///
/// NEON must be available and `p[0..4]` readable.
#[inline(always)]
unsafe fn cvt_h16(p: *const F16) -> float32x4_t {
    // SAFETY: the caller's contract; F16 is a transparent u16.
    unsafe {
        let h = vmovl_u16(vld1_u16(p.cast()));
        let sign = vshlq_n_u32::<16>(vandq_u32(h, vdupq_n_u32(0x8000)));
        let mag = vandq_u32(h, vdupq_n_u32(0x7fff));
        let bias = vdupq_n_u32(112 << 23);
        let special = vcgeq_u32(mag, vdupq_n_u32(0x7c00));
        let norm = vaddq_u32(
            vaddq_u32(vshlq_n_u32::<13>(mag), bias),
            vandq_u32(special, bias),
        );
        let sub = vreinterpretq_u32_f32(vmulq_f32(
            vcvtq_f32_u32(mag),
            vdupq_n_f32(f32::from_bits(103 << 23)),
        ));
        let bits = vbslq_u32(vcltq_u32(mag, vdupq_n_u32(0x0400)), sub, norm);
        vreinterpretq_f32_u32(vorrq_u32(bits, sign))
    }
}

/// 4 bfloat16 values at `p`, widened exactly to binary32 (zero-extension, shift by 16).
///
/// # Safety
///
/// NEON must be available and `p[0..4]` readable.
#[inline(always)]
unsafe fn cvt_bf16(p: *const BF16) -> float32x4_t {
    // SAFETY: the caller's contract; BF16 is a transparent u16.
    unsafe { vreinterpretq_f32_u32(vshlq_n_u32::<16>(vmovl_u16(vld1_u16(p.cast())))) }
}

/// `U` vectors from 16 consecutive binary16 values, widened exactly.
#[inline(always)]
fn load_h16(c: &[F16; CH]) -> [V; U] {
    let p = c.as_ptr();
    let mut out = [V::splat(0.0); U];
    for k in 0..U / 2 {
        // SAFETY: NEON is available; reads c[4k..4k + 4], k < U / 2, inside the array.
        unsafe {
            let v = cvt_h16(p.add(4 * k));
            out[2 * k] = V(vcvt_f64_f32(vget_low_f32(v)));
            out[2 * k + 1] = V(vcvt_high_f64_f32(v));
        }
    }
    out
}

/// `U` vectors from 16 consecutive bfloat16 values, widened exactly.
#[inline(always)]
fn load_bf16(c: &[BF16; CH]) -> [V; U] {
    let p = c.as_ptr();
    let mut out = [V::splat(0.0); U];
    for k in 0..U / 2 {
        // SAFETY: NEON is available; reads c[4k..4k + 4], k < U / 2, inside the array.
        unsafe {
            let v = cvt_bf16(p.add(4 * k));
            out[2 * k] = V(vcvt_f64_f32(vget_low_f32(v)));
            out[2 * k + 1] = V(vcvt_high_f64_f32(v));
        }
    }
    out
}

shape!(H16s, H16sTail, F16, CH, load_h16);
shape!(BF16s, BF16sTail, BF16, CH, load_bf16);

#[inline(always)]
fn h16s(x: &[F16], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<CH>();
    accumulate32::<V, H16s, H16sTail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn bf16s(x: &[BF16], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<CH>();
    accumulate32::<V, BF16s, BF16sTail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

/// Short contiguous half-precision vectors: one zero-padded chunk through `small32`, else
/// the one-pass binary32 path (`None` beyond `SHORT_BLOCKS` blocks).
macro_rules! small_half {
    ($name:ident, $t:ty, $main:ident, $tail:ident, $load:path) => {
        #[inline(always)]
        fn $name(x: &[$t]) -> Option<Part> {
            if x.len() <= CH {
                return kernel::small32::<V, U>($load(&padded::<$t, CH>(x)));
            }
            let (c, t) = x.as_chunks::<CH>();
            if c.len() > SHORT_BLOCKS * M {
                return None;
            }
            short32::<V, $main, $tail, U>(c, (!t.is_empty()).then_some(t))
        }
    };
}
small_half!(small_h16, F16, H16s, H16sTail, load_h16);
small_half!(small_bf16, BF16, BF16s, BF16sTail, load_bf16);

/// Panels side by side per call of the batch kernels (`PANEL * GROUP <= 256` lanes).
const GROUP: usize = 16;

/// Components per panel of the batch kernels (`kernel/batch.rs`: one lane per vector).
const PANEL: usize = CH;

/// A panel of binary64 rows, one accumulator lane per component (`kernel/batch.rs`).
#[inline(always)]
fn batch64(x: &[f64], p: Panel, out: &mut [SumSq], special: &mut [u64]) {
    kernel::batch::batch64::<V, F64s, F64sTail, U, CH, M, GROUP>(x, p, out, special)
}

/// A panel of binary32 rows (`kernel/batch.rs`).
#[inline(always)]
fn batch32(x: &[f32], p: Panel, out: &mut [SumSq], special: &mut [u64]) {
    kernel::batch::batch32::<V, F32s, F32sTail, U, CH, M, GROUP>(x, p, out, special)
}

crate::arch::gather_copies!();

#[inline(always)]
fn spread64(x: Spread<'_, f64>, s: &mut SumSq) -> bool {
    spread_add::<f64, Copies>(&x, s)
}

#[inline(always)]
fn spread32(x: Spread<'_, f32>, s: &mut SumSq) -> bool {
    spread_add::<f32, Copies>(&x, s)
}

/// No one-block path for these views here: the general path sums them (same result).
#[inline(always)]
fn short_spread64(_x: Spread<'_, f64>) -> Option<Part> {
    None
}

/// As `short_spread64`.
#[inline(always)]
fn short_spread32(_x: Spread<'_, f32>) -> Option<Part> {
    None
}

crate::arch::kernel_table!("neon");

/// The one-block paths of the strided shapes (`None` beyond `SHORT_BLOCKS` blocks).  For
/// binary64 the slice length is passed as the component count: an upper bound, which only
/// moves the offset; one chunk per iteration, as the deinterleaving loads need the registers.
macro_rules! short_entry {
    ($name:ident, $t:ty, |$c:ident, $r:ident, $x:ident| $call:expr) => {
        #[inline(always)]
        fn $name($x: &[$t]) -> Option<Part> {
            let ($c, t) = $x.as_chunks::<{ 2 * CH }>();
            if $c.len() > SHORT_BLOCKS * M {
                return None;
            }
            let $r = (!t.is_empty()).then_some(t);
            $call
        }
    };
}
short_entry!(short_even64, f64, |c, r, x| short64::<
    V,
    Even64,
    Even64Tail,
    U,
    false,
>(c, r, x.len()));
short_entry!(short_pairs64, f64, |c, r, x| short64::<
    V,
    Pairs64,
    Pairs64Tail,
    U,
    false,
>(c, r, x.len()));
short_entry!(short_even32, f32, |c, r, x| short32::<
    V,
    Even32,
    Even32Tail,
    U,
>(c, r));
short_entry!(short_pairs32, f32, |c, r, x| short32::<
    V,
    Pairs32,
    Pairs32Tail,
    U,
>(c, r));

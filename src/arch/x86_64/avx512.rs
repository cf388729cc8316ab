//! AVX-512 (F + VL) kernels: 8 binary64 lanes, 8 independent accumulators, blocks of
//! 64 chunks of 64 components.
//!
//! Strided shapes are deinterleaved in registers: `vpermt2pd` for binary64 (even elements
//! or complex pairs of two loads), `vpmovqd` / `vpermq` before the `vcvtps2pd` widening
//! for binary32.  Any other stride: each element loaded on its own and inserted (`strips`
//! below), summed by the same bodies.  Short vectors use masked loads (no access to masked-off lanes).  Contiguous
//! binary32 vectors of 4096 to 2^18 components run the error-free steps natively in 16
//! binary32 lanes (`short32_native`; proof in `kernel.rs`, "Native binary32 lanes").
//! Half-precision data are widened to binary32 while loading (`vcvtph2ps` for binary16, a
//! zero-extension and 16-bit shift for bfloat16) and run the same binary32 bodies, the
//! native binary32 lanes included (contiguous vectors of `NATIVE_HALF_MIN` to 2^18 values).

use crate::arch::strip::{spread_short, spread_strips};
use crate::arch::{padded, spread_add};
use crate::consts::{pow2, EXPRESS_MAX, EXP_MASK, SIGMA32_MAX, SIGMA32_MIN};
use crate::half::{BF16, F16};
use crate::kernel::batch::Panel;
use crate::kernel::{
    self, accumulate32, accumulate64, short32, short64, Arith, Lanes, Load, MAX_LANES,
    SHORT_BLOCKS, SMALL_MAX,
};
use crate::strided::Spread;
use crate::sumsq::{Part, SumSq};
use core::arch::x86_64::*;

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
/// Chunks per block (4096 components of a contiguous binary64 vector).
const M: usize = 64;
/// Components per chunk.
const CH: usize = 8 * U;

/// True when this CPU has AVX-512F and AVX-512VL (cached by std).
pub(crate) fn is_available() -> bool {
    is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512vl")
}

/// Eight binary64 lanes.  Private: values exist only inside this module's
/// `#[target_feature(enable = "avx512f,avx512vl")]` trampolines, so every intrinsic below runs
/// on a CPU that has AVX-512F and VL.
#[derive(Clone, Copy)]
struct V(__m512d);

impl Arith for V {
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        // SAFETY: AVX-512F is available.
        V(unsafe { _mm512_add_pd(self.0, o.0) })
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        // SAFETY: AVX-512F is available.
        V(unsafe { _mm512_sub_pd(self.0, o.0) })
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F is available.
        V(unsafe { _mm512_fmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn fms(self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F is available.
        V(unsafe { _mm512_fmsub_pd(self.0, b.0, c.0) })
    }
}

impl Lanes for V {
    const N: usize = 8;
    const HAS_FMA: bool = true;
    #[inline(always)]
    fn splat(v: f64) -> Self {
        // SAFETY: AVX-512F is available (see the type's documentation).
        V(unsafe { _mm512_set1_pd(v) })
    }
    #[inline(always)]
    fn to_arr(self, a: &mut [f64; MAX_LANES]) {
        // SAFETY: AVX-512F is available; `a` holds 8 writable values.
        unsafe { _mm512_storeu_pd(a.as_mut_ptr(), self.0) }
    }
    #[inline(always)]
    fn prefetch(p: *const u8) {
        // SAFETY: SSE is available; a prefetch never faults and reads nothing
        // architecturally, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>()) }
    }
    #[inline(always)]
    fn from_arr(a: &[f64; MAX_LANES]) -> Self {
        // SAFETY: AVX-512F is available; `a` holds 8 readable values.
        V(unsafe { _mm512_loadu_pd(a.as_ptr()) })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        // SAFETY: AVX-512F is available.
        V(unsafe { _mm512_abs_pd(self.0) })
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        // SAFETY: AVX-512F is available.  vmaxpd returns its second operand when either is
        // NaN: here `self`, so a NaN in `o` is not propagated.
        V(unsafe { _mm512_max_pd(o.0, self.0) })
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        // SAFETY: AVX-512F is available.
        V(unsafe { _mm512_mul_pd(self.0, o.0) })
    }
    #[inline(always)]
    fn reduce_max(self) -> f64 {
        // SAFETY: AVX-512F is available.
        unsafe { _mm512_reduce_max_pd(self.0) }
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        // SAFETY: AVX-512F is available.
        unsafe { _mm512_reduce_add_pd(self.0) }
    }
    #[inline(always)]
    fn all_lt(self, o: Self) -> bool {
        // SAFETY: AVX-512F is available.
        unsafe { _mm512_cmp_pd_mask::<_CMP_LT_OQ>(self.0, o.0) == 0xff }
    }
    #[inline(always)]
    fn any_nan(self) -> bool {
        // SAFETY: AVX-512F is available.
        unsafe { _mm512_cmp_pd_mask::<_CMP_UNORD_Q>(self.0, self.0) != 0 }
    }
    #[inline(always)]
    fn fold_two_sum(p: Self, e: Self) -> (f64, f64) {
        // SAFETY: AVX-512F is available (see the type's documentation); AVX and SSE2 with it.
        unsafe {
            let (s4, t4) = super::two_sum256(
                _mm512_castpd512_pd256(p.0),
                _mm512_extractf64x4_pd::<1>(p.0),
            );
            let e4 = _mm256_add_pd(
                _mm256_add_pd(
                    _mm512_castpd512_pd256(e.0),
                    _mm512_extractf64x4_pd::<1>(e.0),
                ),
                t4,
            );
            super::fold128(s4, e4)
        }
    }
    #[inline(always)]
    fn all_clean(self, lo: f64, hi: f64) -> bool {
        // Magnitude bits `b`; a lane is clean when `b == 0` or `b - lo <= hi - lo` (unsigned:
        // below `lo` wraps around to a huge value).
        let (lo, hi) = (lo.to_bits() as i64, hi.to_bits() as i64);
        // SAFETY: AVX-512F is available (see the type's documentation).
        unsafe {
            let b = _mm512_and_si512(_mm512_castpd_si512(self.0), _mm512_set1_epi64(i64::MAX));
            let in_range = _mm512_cmple_epu64_mask(
                _mm512_sub_epi64(b, _mm512_set1_epi64(lo)),
                _mm512_set1_epi64(hi - lo),
            );
            (in_range | _mm512_testn_epi64_mask(b, b)) == 0xff
        }
    }
}

/// `U` vectors from 64 consecutive binary64 values.
#[inline(always)]
fn load_f64(c: &[f64; CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: AVX-512F is available; lane group u reads c[8u..8u + 8], inside the array.
    unrolled!(|u| V(unsafe { _mm512_loadu_pd(p.add(8 * u)) }))
}

/// `U` vectors from 64 consecutive binary32 values, widened exactly.
#[inline(always)]
fn load_f32(c: &[f32; CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: AVX-512F is available; lane group u reads c[8u..8u + 8], inside the array.
    unrolled!(|u| V(unsafe { _mm512_cvtps_pd(_mm256_loadu_ps(p.add(8 * u))) }))
}

/// The even-indexed values of 128 binary64 values.
#[inline(always)]
fn load_even64(c: &[f64; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    unrolled!(|u| {
        // SAFETY: AVX-512F is available; reads c[16u..16u + 16], inside the array.
        V(unsafe {
            let idx = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
            let a = _mm512_loadu_pd(p.add(16 * u));
            let b = _mm512_loadu_pd(p.add(16 * u + 8));
            _mm512_permutex2var_pd(a, idx, b)
        })
    })
}

/// The values at indices `4i`, `4i + 1` of 128 binary64 values (complex pairs).
#[inline(always)]
fn load_pairs64(c: &[f64; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    unrolled!(|u| {
        // SAFETY: AVX-512F is available; reads c[16u..16u + 16], inside the array.
        V(unsafe {
            let idx = _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13);
            let a = _mm512_loadu_pd(p.add(16 * u));
            let b = _mm512_loadu_pd(p.add(16 * u + 8));
            _mm512_permutex2var_pd(a, idx, b)
        })
    })
}

/// The even-indexed values of 128 binary32 values, widened.
#[inline(always)]
fn load_even32(c: &[f32; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    unrolled!(|u| {
        // SAFETY: AVX-512F is available; reads c[16u..16u + 16], inside the array.  The low
        // half of each 64-bit group is the even-indexed binary32 value (little endian).
        V(unsafe {
            let v = _mm512_loadu_si512(p.add(16 * u).cast());
            _mm512_cvtps_pd(_mm256_castsi256_ps(_mm512_cvtepi64_epi32(v)))
        })
    })
}

/// The values at indices `4i`, `4i + 1` of 128 binary32 values, widened.
#[inline(always)]
fn load_pairs32(c: &[f32; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    unrolled!(|u| {
        // SAFETY: AVX-512F is available; reads c[16u..16u + 16], inside the array.  Each
        // 64-bit group is one complex binary32; groups 0, 2, 4, 6 are the wanted ones.
        V(unsafe {
            let idx = _mm512_setr_epi64(0, 2, 4, 6, 0, 2, 4, 6);
            let v = _mm512_loadu_si512(p.add(16 * u).cast());
            let w = _mm512_permutexvar_epi64(idx, v);
            _mm512_cvtps_pd(_mm256_castsi256_ps(_mm512_castsi512_si256(w)))
        })
    })
}

/// `t[start..start + 8]` with zeros past the end of `t` (masked load).
#[inline(always)]
fn mload_pd(t: &[f64], start: usize) -> __m512d {
    let cnt = t.len().saturating_sub(start).min(8);
    let mask = ((1u32 << cnt) - 1) as __mmask8;
    // SAFETY: AVX-512F is available.  The masked load accesses only the lanes i < cnt, i.e.
    // t[start..start + cnt], inside the slice (no lane at all when cnt == 0: the pointer,
    // formed with wrapping_add, is then not dereferenced); masked-off lanes read as zero
    // and cannot fault.
    unsafe { _mm512_maskz_loadu_pd(mask, t.as_ptr().wrapping_add(start)) }
}

/// `t[start..start + 8]` widened, zeros past the end (masked load).
#[inline(always)]
fn mload_ps8(t: &[f32], start: usize) -> __m512d {
    let cnt = t.len().saturating_sub(start).min(8);
    let mask = ((1u32 << cnt) - 1) as __mmask8;
    // SAFETY: AVX-512F+VL are available; as in `mload_pd`, only t[start..start + cnt] is
    // accessed.
    unsafe { _mm512_cvtps_pd(_mm256_maskz_loadu_ps(mask, t.as_ptr().wrapping_add(start))) }
}

/// `t[start..start + 16]` as raw 32-bit lanes, zeros past the end (masked load).
#[inline(always)]
fn mload_x16(t: &[f32], start: usize) -> __m512i {
    let cnt = t.len().saturating_sub(start).min(16);
    let mask = ((1u32 << cnt) - 1) as __mmask16;
    // SAFETY: AVX-512F is available; as in `mload_pd`, only t[start..start + cnt] is
    // accessed.
    unsafe { _mm512_maskz_loadu_epi32(mask, t.as_ptr().wrapping_add(start).cast()) }
}

#[inline(always)]
fn tail_f64(t: &&[f64]) -> [V; U] {
    unrolled!(|u| V(mload_pd(t, 8 * u)))
}

#[inline(always)]
fn tail_f32(t: &&[f32]) -> [V; U] {
    unrolled!(|u| V(mload_ps8(t, 8 * u)))
}

/// The 8 even-indexed values of `t[start..start + 16]` (zeros past the end of `t`).
#[inline(always)]
fn win_even64(t: &[f64], start: usize) -> V {
    let (a, b) = (mload_pd(t, start), mload_pd(t, start + 8));
    // SAFETY: AVX-512F is available.
    V(unsafe { _mm512_permutex2var_pd(a, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), b) })
}

/// The values at `4i`, `4i + 1` of `t[start..start + 16]` (zeros past the end).
#[inline(always)]
fn win_pairs64(t: &[f64], start: usize) -> V {
    let (a, b) = (mload_pd(t, start), mload_pd(t, start + 8));
    // SAFETY: AVX-512F is available.
    V(unsafe { _mm512_permutex2var_pd(a, _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13), b) })
}

/// The 8 even-indexed values of `t[start..start + 16]`, widened (zeros past the end).
#[inline(always)]
fn win_even32(t: &[f32], start: usize) -> V {
    let v = mload_x16(t, start);
    // SAFETY: AVX-512F is available.
    V(unsafe { _mm512_cvtps_pd(_mm256_castsi256_ps(_mm512_cvtepi64_epi32(v))) })
}

/// The values at `4i`, `4i + 1` of `t[start..start + 16]`, widened (zeros past the end).
#[inline(always)]
fn win_pairs32(t: &[f32], start: usize) -> V {
    let v = mload_x16(t, start);
    // SAFETY: AVX-512F is available.
    V(unsafe {
        let w = _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 4, 6, 0, 2, 4, 6), v);
        _mm512_cvtps_pd(_mm256_castsi256_ps(_mm512_castsi512_si256(w)))
    })
}

#[inline(always)]
fn tail_even64(t: &&[f64]) -> [V; U] {
    unrolled!(|u| win_even64(t, 16 * u))
}

#[inline(always)]
fn tail_pairs64(t: &&[f64]) -> [V; U] {
    unrolled!(|u| win_pairs64(t, 16 * u))
}

#[inline(always)]
fn tail_even32(t: &&[f32]) -> [V; U] {
    unrolled!(|u| win_even32(t, 16 * u))
}

#[inline(always)]
fn tail_pairs32(t: &&[f32]) -> [V; U] {
    unrolled!(|u| win_pairs32(t, 16 * u))
}

/// A whole-chunk loader and a partial-chunk loader for one input shape.
macro_rules! shape {
    ($main:ident, $tail:ident, $t:ty, $w:expr, $load:path, $load_tail:path) => {
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
                $load_tail(t)
            }
        }
    };
}
shape!(F64s, F64sTail, f64, CH, load_f64, tail_f64);

/// Contiguous binary64 chunks of L2-resident one-block vectors (`short64_any` beyond two
/// blocks): [`load_f64`] plus software prefetches `PREFETCH` bytes ahead (one per cache
/// line).  Not used by the blocked path of longer vectors (see `f64s`).
struct F64sLong;
/// Prefetch distance in bytes.
const PREFETCH: usize = 4096;

impl Load<V, U> for F64sLong {
    type Item<'a> = [f64; CH];
    #[inline(always)]
    fn load(c: &[f64; CH]) -> [V; U] {
        let p = c.as_ptr().cast::<i8>();
        for line in 0..CH * 8 / 64 {
            // SAFETY: SSE is available; a prefetch never faults and reads nothing
            // architecturally, and the address is formed with wrapping_add (no pointer
            // arithmetic beyond the allocation).
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(PREFETCH + 64 * line)) };
        }
        load_f64(c)
    }
}
shape!(F32s, F32sTail, f32, CH, load_f32, tail_f32);
shape!(Even64, Even64Tail, f64, 2 * CH, load_even64, tail_even64);
shape!(
    Pairs64,
    Pairs64Tail,
    f64,
    2 * CH,
    load_pairs64,
    tail_pairs64
);
shape!(Even32, Even32Tail, f32, 2 * CH, load_even32, tail_even32);
shape!(
    Pairs32,
    Pairs32Tail,
    f32,
    2 * CH,
    load_pairs32,
    tail_pairs32
);

/// `K` vectors holding `x` zero-padded (`x.len() <= 8 K`), with masked loads.
#[inline(always)]
fn load_small64<const K: usize>(x: &[f64]) -> [V; K] {
    unrolled!(|k| V(mload_pd(x, 8 * k)))
}

/// `K` vectors holding `x` widened and zero-padded (`x.len() <= 8 K`).
#[inline(always)]
fn load_small32<const K: usize>(x: &[f32]) -> [V; K] {
    unrolled!(|k| V(mload_ps8(x, 8 * k)))
}

#[inline(always)]
fn f64s(x: &[f64], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<CH>();
    // No software prefetch here: measured on Zen 5 (peer harness, 2026-12-06), the hardware
    // prefetchers alone read 2^20..2^24 components 1.3-1.5x faster than with it.
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

/// The one-block paths for vectors of at most `SHORT_BLOCKS` blocks (`None` beyond).
#[inline(always)]
fn short64_any(x: &[f64]) -> Option<Part> {
    let (c, t) = x.as_chunks::<CH>();
    if c.len() > SHORT_BLOCKS * M {
        return None;
    }
    // L1-resident: two chunks per iteration; longer (L2 and beyond): one chunk per
    // iteration with software prefetch (measured on Zen 5: each is the faster one there).
    let t = (!t.is_empty()).then_some(t);
    if c.len() <= 2 * M {
        short64::<V, F64s, F64sTail, U, true>(c, t, x.len())
    } else {
        short64::<V, F64sLong, F64sTail, U, false>(c, t, x.len())
    }
}

#[inline(always)]
fn short32_any(x: &[f32]) -> Option<Part> {
    let (c, t) = x.as_chunks::<CH>();
    if c.len() > SHORT_BLOCKS * M {
        return None;
    }
    short32::<V, F32s, F32sTail, U>(c, (!t.is_empty()).then_some(t))
}

/// Binary32 components per chunk of the native binary32 lanes (`U` vectors of 16 lanes).
const CH32: usize = 16 * U;
/// Chunks per sub-block of the native binary32 lanes: `m <= MB32` error-free steps per lane
/// before the lane results are widened and folded in binary64.
const MB32: usize = 64;
/// Shortest contiguous binary32 vector sent to the native binary32 lanes (measured: below
/// it the widening path is faster).
const NATIVE32_MIN: usize = 4096;

/// Shortest contiguous half-precision vector sent to the native binary32 lanes (below it
/// the widening path runs; chosen like `NATIVE32_MIN`).
const NATIVE_HALF_MIN: usize = 2048;

/// Element types that the native binary32 lanes read, 16 values at a time, as binary32
/// (exact widening for the half-precision types).
trait Src32: Copy + Default {
    /// `c[16u..16u + 16]` as 16 binary32 lanes (`u` is taken modulo `U`, so the read stays
    /// inside the chunk).
    fn whole(c: &[Self; CH32], u: usize) -> __m512;
    /// `t[start..start + 16]` as binary32 lanes, zeros past the end of `t`.
    fn part(t: &[Self], start: usize) -> __m512;
}

impl Src32 for f32 {
    #[inline(always)]
    fn whole(c: &[f32; CH32], u: usize) -> __m512 {
        // SAFETY: AVX-512F is available; reads c[16u'..16u' + 16] with u' = u % U < U,
        // inside the array of 16 U values.
        unsafe { _mm512_loadu_ps(c.as_ptr().add(16 * (u % U))) }
    }
    #[inline(always)]
    fn part(t: &[f32], start: usize) -> __m512 {
        mload_ps16(t, start)
    }
}

/// 16 binary16 values at `p` widened exactly to binary32 (`vcvtph2ps`).
///
/// # Safety
///
/// AVX-512F must be available and `p[0..16]` readable.
#[inline(always)]
unsafe fn cvt_h16(p: *const F16) -> __m512 {
    // SAFETY: the caller's contract; F16 is a transparent u16, the load is unaligned.
    unsafe { _mm512_cvtph_ps(_mm256_loadu_si256(p.cast())) }
}

/// 16 bfloat16 values at `p` widened exactly to binary32 (zero-extension, shift by 16).
///
/// # Safety
///
/// AVX-512F must be available and `p[0..16]` readable.
#[inline(always)]
unsafe fn cvt_bf16(p: *const BF16) -> __m512 {
    // SAFETY: the caller's contract; BF16 is a transparent u16, the load is unaligned.
    unsafe {
        _mm512_castsi512_ps(_mm512_slli_epi32::<16>(_mm512_cvtepu16_epi32(
            _mm256_loadu_si256(p.cast()),
        )))
    }
}

impl Src32 for F16 {
    #[inline(always)]
    fn whole(c: &[F16; CH32], u: usize) -> __m512 {
        // SAFETY: AVX-512F is available; reads c[16u'..16u' + 16], u' = u % U, inside.
        unsafe { cvt_h16(c.as_ptr().add(16 * (u % U))) }
    }
    #[inline(always)]
    fn part(t: &[F16], start: usize) -> __m512 {
        let b = padded::<F16, 16>(t.get(start..).unwrap_or(&[]));
        // SAFETY: AVX-512F is available; reads the 16 values of `b`.
        unsafe { cvt_h16(b.as_ptr()) }
    }
}

impl Src32 for BF16 {
    #[inline(always)]
    fn whole(c: &[BF16; CH32], u: usize) -> __m512 {
        // SAFETY: AVX-512F is available; reads c[16u'..16u' + 16], u' = u % U, inside.
        unsafe { cvt_bf16(c.as_ptr().add(16 * (u % U))) }
    }
    #[inline(always)]
    fn part(t: &[BF16], start: usize) -> __m512 {
        let b = padded::<BF16, 16>(t.get(start..).unwrap_or(&[]));
        // SAFETY: AVX-512F is available; reads the 16 values of `b`.
        unsafe { cvt_bf16(b.as_ptr()) }
    }
}

/// Sixteen binary32 lanes, for the error-free step of the native path.  Private: created only
/// inside this module's `#[target_feature]` trampolines (as `V`).
#[derive(Clone, Copy)]
struct V32(__m512);

impl Arith for V32 {
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        // SAFETY: AVX-512F is available (see the type's documentation).
        V32(unsafe { _mm512_add_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        // SAFETY: AVX-512F is available.
        V32(unsafe { _mm512_sub_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F is available.
        V32(unsafe { _mm512_fmadd_ps(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn fms(self, b: Self, c: Self) -> Self {
        // SAFETY: AVX-512F is available.
        V32(unsafe { _mm512_fmsub_ps(self.0, b.0, c.0) })
    }
}

/// [`kernel::lane_step`] in 16 binary32 lanes.
#[inline(always)]
fn step32(x: __m512, t: &mut __m512, l: &mut __m512) {
    let (mut tv, mut lv) = (V32(*t), V32(*l));
    kernel::lane_step(V32(x), &mut tv, &mut lv);
    *t = tv.0;
    *l = lv.0;
}

/// `t[start..start + 16]` as binary32 lanes, zeros past the end (masked load).
#[inline(always)]
fn mload_ps16(t: &[f32], start: usize) -> __m512 {
    // SAFETY: AVX-512F is available.
    unsafe { _mm512_castsi512_ps(mload_x16(t, start)) }
}

/// The two binary64 halves of 16 binary32 lanes (exact widening).
#[inline(always)]
fn widen(v: __m512) -> (__m512d, __m512d) {
    // SAFETY: AVX-512F is available.
    unsafe {
        let lo = _mm512_castps512_ps256(v);
        let hi = _mm256_castpd_ps(_mm512_extractf64x4_pd::<1>(_mm512_castps_pd(v)));
        (_mm512_cvtps_pd(lo), _mm512_cvtps_pd(hi))
    }
}

/// Pairwise sum of `U` binary32 vectors (the order is fixed).
#[inline(always)]
fn pair_sum_ps(v: [__m512; U]) -> __m512 {
    // SAFETY: AVX-512F is available.
    unsafe {
        let a = _mm512_add_ps(v[0], v[1]);
        let b = _mm512_add_ps(v[2], v[3]);
        let c = _mm512_add_ps(v[4], v[5]);
        let d = _mm512_add_ps(v[6], v[7]);
        _mm512_add_ps(_mm512_add_ps(a, b), _mm512_add_ps(c, d))
    }
}

/// The native binary32 path for contiguous binary32 vectors of `NATIVE32_MIN ..=
/// SHORT32_MAX` components (the `small32` body sends them here; half-precision data, widened
/// exactly by [`Src32`], from `NATIVE_HALF_MIN`):
/// the error-free steps run in binary32 lanes (16 per vector, `U` accumulators), in
/// sub-blocks of at most `MB32` steps per lane whose lane results are summed over the
/// accumulators in binary32 (`sum (T_u - sigma)` exact, `sum L_u` with a bound), widened
/// and summed in binary64.  Offset from the first chunk, verified per sub-block; bound and
/// proof in the module documentation of `kernel.rs` ("Native binary32 lanes").  Returns the
/// sum with its bound; `None` (first chunk zero or outside the range of the offset, a
/// sub-block rejected, NaN/Inf, a bound above `2^-28` of the sum): the widening one-block
/// path then runs.
#[inline(always)]
fn short32_native<T: Src32>(x: &[T]) -> Option<Part> {
    let (c, t) = x.as_chunks::<CH32>();
    let steps = c.len() + usize::from(!t.is_empty());
    let m = steps.min(MB32);
    // amax of the first chunk (or of the tail when there is no whole chunk).
    let first: &[T] = match c.first() {
        Some(f) => f,
        None => t,
    };
    // SAFETY: AVX-512F is available; mload_ps16 touches only first[..].
    let a = unsafe {
        let mut v = [_mm512_setzero_ps(); U];
        for (u, vu) in v.iter_mut().enumerate() {
            *vu = _mm512_abs_ps(T::part(first, 16 * u));
        }
        let a01 = _mm512_max_ps(v[0], v[1]);
        let a23 = _mm512_max_ps(v[2], v[3]);
        let a45 = _mm512_max_ps(v[4], v[5]);
        let a67 = _mm512_max_ps(v[6], v[7]);
        _mm512_reduce_max_ps(_mm512_max_ps(
            _mm512_max_ps(a01, a23),
            _mm512_max_ps(a45, a67),
        ))
    };
    if !(a > 0.0 && a.is_finite()) {
        return None;
    }
    let a = f64::from(a);
    // sigma = 2^(floor(log2(U m a^2)) + 1) > U m a^2 (a normal binary64 number).
    let v = (U * m) as f64 * a * a;
    let sigma = f64::from_bits((v.to_bits() & EXP_MASK) + (1u64 << 52));
    if !(SIGMA32_MIN..=SIGMA32_MAX).contains(&sigma) {
        return None;
    }
    // SAFETY: AVX-512F and VL are available; every load reads whole chunks of `c` or, masked,
    // the tail `t` only.
    unsafe {
        let sig = _mm512_set1_ps(sigma as f32);
        let two_sig = _mm512_set1_ps((2.0 * sigma) as f32);
        let zero = _mm512_setzero_pd();
        let (mut d0, mut d1, mut l0, mut l1) = (zero, zero, zero, zero);
        let mut ok: u32 = 0xffff;
        let mut nsub = 0usize;
        let mut blocks = c.chunks(MB32);
        let mut tail_done = t.is_empty();
        loop {
            let blk = blocks.next();
            let with_tail = !tail_done && blk.is_none_or(|b| b.len() < MB32);
            if blk.is_none() && !with_tail {
                break;
            }
            let mut tt = [sig; U];
            let mut ll = [_mm512_setzero_ps(); U];
            if let Some(b) = blk {
                // Two chunks per iteration: the intermediate T of the first step lives in a
                // temporary, which saves a register copy per vector (as in `eft_pairs`).
                let mut pairs = b.chunks_exact(2);
                for pc in pairs.by_ref() {
                    if let [c1, c2] = pc {
                        for u in 0..U {
                            let (mut tu, mut lu) = (tt[u], ll[u]);
                            step32(T::whole(c1, u), &mut tu, &mut lu);
                            step32(T::whole(c2, u), &mut tu, &mut lu);
                            tt[u] = tu;
                            ll[u] = lu;
                        }
                    }
                }
                for ch in pairs.remainder() {
                    for u in 0..U {
                        step32(T::whole(ch, u), &mut tt[u], &mut ll[u]);
                    }
                }
            }
            if with_tail {
                for u in 0..U {
                    step32(T::part(t, 16 * u), &mut tt[u], &mut ll[u]);
                }
                tail_done = true;
            }
            // Per lane: S = sum_u (T_u - sigma), exact when (and only when, see the module
            // documentation) the computed S is below 2 sigma.
            let mut ds = tt;
            for d in ds.iter_mut() {
                *d = _mm512_sub_ps(*d, sig);
            }
            let sd = pair_sum_ps(ds);
            ok &= u32::from(_mm512_cmp_ps_mask::<_CMP_LT_OQ>(sd, two_sig));
            let sl = pair_sum_ps(ll);
            let (a0, a1) = widen(sd);
            let (b0, b1) = widen(sl);
            d0 = _mm512_add_pd(d0, a0);
            d1 = _mm512_add_pd(d1, a1);
            l0 = _mm512_add_pd(l0, b0);
            l1 = _mm512_add_pd(l1, b1);
            nsub += 1;
        }
        if ok != 0xffff {
            return None;
        }
        // Exact: multiples of 2^-23 sigma below 2^30 sigma.
        let hi = _mm512_reduce_add_pd(_mm512_add_pd(d0, d1));
        let lo = _mm512_reduce_add_pd(_mm512_add_pd(l0, l1));
        let err = kernel::native32_bound(16, U, m, nsub, sigma);
        // The offset comes from the first chunk only: when the rest is much smaller the bound
        // is large relative to the sum.  Above 2^-28 of it (where rounding to binary32 would
        // often be undecided, and a state would carry a loose bound) the widening path runs.
        if err > hi * pow2(-28) {
            return None;
        }
        Some(Part { hi, lo, err })
    }
}

/// The express paths (`kernel::express64`, `kernel::express32`): up to `EXPRESS_MAX`
/// components in 1, 2 or 4 zero-padded vectors.  (Longer vectors in more vectors were
/// measured slower than the one-block path on Zen 5: the unrolled tree spills.)
#[inline(always)]
fn express64(x: &[f64]) -> Option<Part> {
    match x.len() {
        0..=8 => kernel::express64::<V, 1>(load_small64::<1>(x)),
        9..=16 => kernel::express64::<V, 2>(load_small64::<2>(x)),
        17..=EXPRESS_MAX => kernel::express64::<V, 4>(load_small64::<4>(x)),
        _ => None,
    }
}

/// See [`express64`].
#[inline(always)]
fn express32(x: &[f32]) -> Option<Part> {
    match x.len() {
        0..=8 => kernel::express32::<V, 1>(load_small32::<1>(x)),
        9..=16 => kernel::express32::<V, 2>(load_small32::<2>(x)),
        17..=EXPRESS_MAX => kernel::express32::<V, 4>(load_small32::<4>(x)),
        _ => None,
    }
}

#[inline(always)]
fn small64(x: &[f64]) -> Option<Part> {
    let n = x.len();
    if n <= 8 {
        kernel::small64::<V, 1>(load_small64::<1>(x))
    } else if n <= 16 {
        kernel::small64::<V, 2>(load_small64::<2>(x))
    } else if n <= SMALL_MAX {
        kernel::small64::<V, 4>(load_small64::<4>(x))
    } else {
        short64_any(x)
    }
}

#[inline(always)]
fn small32(x: &[f32]) -> Option<Part> {
    let n = x.len();
    if n <= 8 {
        kernel::small32::<V, 1>(load_small32::<1>(x))
    } else if n <= 16 {
        kernel::small32::<V, 2>(load_small32::<2>(x))
    } else if n <= SMALL_MAX {
        kernel::small32::<V, 4>(load_small32::<4>(x))
    } else {
        // The native binary32 lanes pay a fixed cost (offset from the first chunk, folds,
        // horizontal sums) that the widening path does not: measured break-even on Zen 5 near
        // NATIVE32_MIN components.
        let native = if n >= NATIVE32_MIN {
            short32_native(x)
        } else {
            None
        };
        match native {
            Some(r) => Some(r),
            None => short32_any(x),
        }
    }
}

/// `U` vectors (64 values) of a binary16 chunk, widened exactly.
#[inline(always)]
fn load_h16(c: &[F16; CH]) -> [V; U] {
    let p = c.as_ptr();
    let mut out = [V::splat(0.0); U];
    for k in 0..U / 2 {
        // SAFETY: AVX-512F is available; reads c[16k..16k + 16], k < U / 2, inside the array.
        let (a, b) = widen(unsafe { cvt_h16(p.add(16 * k)) });
        out[2 * k] = V(a);
        out[2 * k + 1] = V(b);
    }
    out
}

/// `U` vectors (64 values) of a bfloat16 chunk, widened exactly.
#[inline(always)]
fn load_bf16(c: &[BF16; CH]) -> [V; U] {
    let p = c.as_ptr();
    let mut out = [V::splat(0.0); U];
    for k in 0..U / 2 {
        // SAFETY: AVX-512F is available; reads c[16k..16k + 16], k < U / 2, inside the array.
        let (a, b) = widen(unsafe { cvt_bf16(p.add(16 * k)) });
        out[2 * k] = V(a);
        out[2 * k + 1] = V(b);
    }
    out
}

/// A whole-chunk loader and a partial-chunk loader (a zero-padded copy: AVX-512F has no
/// 16-bit masked load) for half-precision data.
macro_rules! half_shape {
    ($main:ident, $tail:ident, $t:ty, $load:path) => {
        struct $main;
        impl Load<V, U> for $main {
            type Item<'a> = [$t; CH];
            #[inline(always)]
            fn load(c: &[$t; CH]) -> [V; U] {
                $load(c)
            }
        }
        struct $tail;
        impl Load<V, U> for $tail {
            type Item<'a> = &'a [$t];
            #[inline(always)]
            fn load(t: &&[$t]) -> [V; U] {
                $load(&padded::<$t, CH>(t))
            }
        }
    };
}
half_shape!(H16s, H16sTail, F16, load_h16);
half_shape!(BF16s, BF16sTail, BF16, load_bf16);

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

/// Short contiguous half-precision vectors: up to 16 values as two zero-padded vectors, up
/// to one chunk zero-padded, from `NATIVE_HALF_MIN` the native binary32 lanes, otherwise
/// (or when those do not decide) the one-pass widening path (`None` beyond `SHORT_BLOCKS`
/// blocks).
macro_rules! small_half {
    ($name:ident, $t:ty, $main:ident, $tail:ident, $load:path) => {
        #[inline(always)]
        fn $name(x: &[$t]) -> Option<Part> {
            let n = x.len();
            if n <= 16 {
                let (a, b) = widen(<$t as Src32>::part(x, 0));
                return kernel::small32::<V, 2>([V(a), V(b)]);
            }
            if n <= CH {
                return kernel::small32::<V, U>($load(&padded::<$t, CH>(x)));
            }
            if n >= NATIVE_HALF_MIN {
                if let Some(r) = short32_native::<$t>(x) {
                    return Some(r);
                }
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
const GROUP: usize = 4;

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

/// Views with a stride of their own ([`Spread`]): each chunk's elements are loaded straight
/// into vectors (scalar loads of binary64 / binary32 values, 128-bit loads of complex
/// binary64 elements, 64-bit loads of complex binary32 elements, combined with inserts; the
/// binary32 vectors are widened as in [`load_f32`]) and summed by the bodies of the
/// contiguous shapes.  Hardware gathers (`vgatherqpd` and friends) were measured on Zen 5 to
/// be about 3x slower than these loads (peer harness, 2026-12-06).  The partial last chunk
/// is copied with checks ([`StripTail::padded`]) and loaded as a contiguous one.
mod strips {
    use super::{load_f32, load_f64, CH, M, U, V};
    use crate::arch::strip::{Strip, StripSum, StripTail};
    use crate::kernel::{accumulate32, accumulate64, short32, short64, Load};
    use crate::sumsq::{Part, SumSq};
    use core::arch::x86_64::*;

    /// Chunks per kernel call.
    pub(super) const MB: usize = M;
    /// Most whole chunks of the one-block path (`m <= MS + 1` steps per accumulator lane,
    /// within the `SHORT_BLOCKS * M + 1` of the bound in `kernel.rs`).
    pub(super) const MS: usize = 2 * M;

    /// Loads for real binary64 chunks (64 elements) and their tails.
    pub(super) struct R64;
    /// Loads for complex binary64 chunks (32 elements) and their tails.
    pub(super) struct C64;
    /// Loads for real binary32 chunks (64 elements) and their tails.
    pub(super) struct R32;
    /// Loads for complex binary32 chunks (32 elements) and their tails.
    pub(super) struct C32;
    /// The partial-chunk loaders.
    pub(super) struct Tail;

    /// The 8-byte value at `p` (any alignment), as the bits of a binary64.
    ///
    /// # Safety
    /// `p .. p + 8 bytes` must be readable.
    #[inline(always)]
    unsafe fn q(p: *const f32) -> f64 {
        // SAFETY: readable (the caller's contract); read_unaligned has no alignment need.
        unsafe { p.cast::<f64>().read_unaligned() }
    }

    impl Load<V, U> for R64 {
        type Item<'a> = Strip<'a, f64, CH, 1>;
        #[inline(always)]
        fn load(c: &Strip<'_, f64, CH, 1>) -> [V; U] {
            let (p, st) = (c.ptr(), c.stride());
            let mut out = [V(zero()); U];
            for (u, o) in out.iter_mut().enumerate() {
                // SAFETY: AVX-512F is available.  Element j = 8u + i < 64 = E of the strip
                // is at p + j st, inside the strip's slice (its invariant); p is a binary64
                // slice pointer, so every such address is aligned for f64.
                *o = V(unsafe {
                    let b = p.add(8 * u * st);
                    _mm512_setr_pd(
                        *b,
                        *b.add(st),
                        *b.add(2 * st),
                        *b.add(3 * st),
                        *b.add(4 * st),
                        *b.add(5 * st),
                        *b.add(6 * st),
                        *b.add(7 * st),
                    )
                });
            }
            out
        }
    }

    impl Load<V, U> for C64 {
        type Item<'a> = Strip<'a, f64, { CH / 2 }, 2>;
        #[inline(always)]
        fn load(c: &Strip<'_, f64, { CH / 2 }, 2>) -> [V; U] {
            let (p, st) = (c.ptr(), c.stride());
            let mut out = [V(zero()); U];
            for (u, o) in out.iter_mut().enumerate() {
                // SAFETY: AVX-512F is available.  Element j = 4u + i < 32 = E is the two
                // values at p + j st, inside the strip's slice (its invariant with P = 2);
                // the 128-bit loads are unaligned loads.
                *o = V(unsafe {
                    let b = p.add(4 * u * st);
                    let lo = _mm256_loadu2_m128d(b.add(st), b);
                    let hi = _mm256_loadu2_m128d(b.add(3 * st), b.add(2 * st));
                    _mm512_insertf64x4::<1>(_mm512_castpd256_pd512(lo), hi)
                });
            }
            out
        }
    }

    impl Load<V, U> for R32 {
        type Item<'a> = Strip<'a, f32, CH, 1>;
        #[inline(always)]
        fn load(c: &Strip<'_, f32, CH, 1>) -> [V; U] {
            let (p, st) = (c.ptr(), c.stride());
            let mut out = [V(zero()); U];
            for (u, o) in out.iter_mut().enumerate() {
                // SAFETY: AVX-512F is available.  Element j = 8u + i < 64 = E is at
                // p + j st, inside the strip's slice, aligned for f32.
                *o = V(unsafe {
                    let b = p.add(8 * u * st);
                    _mm512_cvtps_pd(_mm256_setr_ps(
                        *b,
                        *b.add(st),
                        *b.add(2 * st),
                        *b.add(3 * st),
                        *b.add(4 * st),
                        *b.add(5 * st),
                        *b.add(6 * st),
                        *b.add(7 * st),
                    ))
                });
            }
            out
        }
    }

    impl Load<V, U> for C32 {
        type Item<'a> = Strip<'a, f32, { CH / 2 }, 2>;
        #[inline(always)]
        fn load(c: &Strip<'_, f32, { CH / 2 }, 2>) -> [V; U] {
            let (p, st) = (c.ptr(), c.stride());
            let mut out = [V(zero()); U];
            for (u, o) in out.iter_mut().enumerate() {
                // SAFETY: AVX-512F is available.  Element j = 4u + i < 32 = E is the two
                // binary32 values (8 bytes) at p + j st, inside the strip's slice; `q`
                // reads them unaligned.  Their bits in a binary64 lane are the two binary32
                // values in memory order (little endian), widened as in `load_f32`.
                *o = V(unsafe {
                    let b = p.add(4 * u * st);
                    let w = _mm256_setr_pd(q(b), q(b.add(st)), q(b.add(2 * st)), q(b.add(3 * st)));
                    _mm512_cvtps_pd(_mm256_castpd_ps(w))
                });
            }
            out
        }
    }

    /// A zero vector.
    #[inline(always)]
    fn zero() -> __m512d {
        // SAFETY: AVX-512F is available.
        unsafe { _mm512_setzero_pd() }
    }

    /// A partial-chunk loader: the checked, zero-padded copy loaded as a contiguous chunk.
    macro_rules! tail {
        ($main:ident, $t:ty, $p:literal, $load:path) => {
            impl Load<V, U> for $main {
                type Item<'a> = StripTail<'a, $t, $p>;
                #[inline(always)]
                fn load(t: &StripTail<'_, $t, $p>) -> [V; U] {
                    $load(&t.padded::<CH>())
                }
            }
        };
    }
    tail!(Tail, f64, 1, load_f64);
    /// Complex binary64 partial chunks.
    pub(super) struct Tail2;
    tail!(Tail2, f64, 2, load_f64);
    /// Real binary32 partial chunks.
    pub(super) struct Tail32;
    tail!(Tail32, f32, 1, load_f32);
    /// Complex binary32 partial chunks.
    pub(super) struct Tail32c;
    tail!(Tail32c, f32, 2, load_f32);

    impl StripSum<f64, CH, 1> for R64 {
        #[inline(always)]
        fn sum(
            c: &[Strip<'_, f64, CH, 1>],
            t: Option<StripTail<'_, f64, 1>>,
            s: &mut SumSq,
        ) -> bool {
            accumulate64::<V, R64, Tail, U, M>(c, t, s)
        }
        #[inline(always)]
        fn short(
            c: &[Strip<'_, f64, CH, 1>],
            t: Option<StripTail<'_, f64, 1>>,
            n_c: usize,
        ) -> Option<Part> {
            short64::<V, R64, Tail, U, false>(c, t, n_c)
        }
    }
    impl StripSum<f64, { CH / 2 }, 2> for C64 {
        #[inline(always)]
        fn sum(
            c: &[Strip<'_, f64, { CH / 2 }, 2>],
            t: Option<StripTail<'_, f64, 2>>,
            s: &mut SumSq,
        ) -> bool {
            accumulate64::<V, C64, Tail2, U, M>(c, t, s)
        }
        #[inline(always)]
        fn short(
            c: &[Strip<'_, f64, { CH / 2 }, 2>],
            t: Option<StripTail<'_, f64, 2>>,
            n_c: usize,
        ) -> Option<Part> {
            short64::<V, C64, Tail2, U, false>(c, t, n_c)
        }
    }
    impl StripSum<f32, CH, 1> for R32 {
        #[inline(always)]
        fn sum(
            c: &[Strip<'_, f32, CH, 1>],
            t: Option<StripTail<'_, f32, 1>>,
            s: &mut SumSq,
        ) -> bool {
            accumulate32::<V, R32, Tail32, U, M>(c, t, s)
        }
        #[inline(always)]
        fn short(
            c: &[Strip<'_, f32, CH, 1>],
            t: Option<StripTail<'_, f32, 1>>,
            _n_c: usize,
        ) -> Option<Part> {
            short32::<V, R32, Tail32, U>(c, t)
        }
    }
    impl StripSum<f32, { CH / 2 }, 2> for C32 {
        #[inline(always)]
        fn sum(
            c: &[Strip<'_, f32, { CH / 2 }, 2>],
            t: Option<StripTail<'_, f32, 2>>,
            s: &mut SumSq,
        ) -> bool {
            accumulate32::<V, C32, Tail32c, U, M>(c, t, s)
        }
        #[inline(always)]
        fn short(
            c: &[Strip<'_, f32, { CH / 2 }, 2>],
            t: Option<StripTail<'_, f32, 2>>,
            _n_c: usize,
        ) -> Option<Part> {
            short32::<V, C32, Tail32c, U>(c, t)
        }
    }
}

crate::arch::gather_copies!();

#[inline(always)]
fn spread64(x: Spread<'_, f64>, s: &mut SumSq) -> bool {
    let r = if x.parts() == 1 {
        spread_strips::<f64, strips::R64, CH, 1, { strips::MB }>(&x, s)
    } else {
        spread_strips::<f64, strips::C64, { CH / 2 }, 2, { strips::MB }>(&x, s)
    };
    match r {
        Some(special) => special,
        None => spread_add::<f64, Copies>(&x, s),
    }
}

/// The one-block path of a short `spread64` view.
#[inline(always)]
fn short_spread64(x: Spread<'_, f64>) -> Option<Part> {
    if x.parts() == 1 {
        spread_short::<f64, strips::R64, CH, 1, { strips::MS }>(&x)
    } else {
        spread_short::<f64, strips::C64, { CH / 2 }, 2, { strips::MS }>(&x)
    }
}

/// The one-block path of a short `spread32` view.
#[inline(always)]
fn short_spread32(x: Spread<'_, f32>) -> Option<Part> {
    if x.parts() == 1 {
        spread_short::<f32, strips::R32, CH, 1, { strips::MS }>(&x)
    } else {
        spread_short::<f32, strips::C32, { CH / 2 }, 2, { strips::MS }>(&x)
    }
}

#[inline(always)]
fn spread32(x: Spread<'_, f32>, s: &mut SumSq) -> bool {
    let r = if x.parts() == 1 {
        spread_strips::<f32, strips::R32, CH, 1, { strips::MB }>(&x, s)
    } else {
        spread_strips::<f32, strips::C32, { CH / 2 }, 2, { strips::MB }>(&x, s)
    };
    match r {
        Some(special) => special,
        None => spread_add::<f32, Copies>(&x, s),
    }
}

crate::arch::kernel_table!("avx512f,avx512vl");

/// The one-block paths of the strided shapes (`None` beyond `SHORT_BLOCKS` blocks).  For
/// binary64 the slice length is passed as the component count: an upper bound, which only
/// moves the offset; one chunk per iteration, as the deinterleaving loads need the registers.
macro_rules! short_entry {
    ($name:ident, $t:ty, $small:ident, $win:ident, |$c:ident, $r:ident, $x:ident| $call:expr) => {
        #[inline(always)]
        fn $name($x: &[$t]) -> Option<Part> {
            // Short: at most 8 windows of 16 values (8 components each), as `small64`.
            let len = $x.len();
            if len <= 16 {
                return kernel::$small::<V, 1>(unrolled!(|k| $win($x, 16 * k)));
            } else if len <= 32 {
                return kernel::$small::<V, 2>(unrolled!(|k| $win($x, 16 * k)));
            } else if len <= 64 {
                return kernel::$small::<V, 4>(unrolled!(|k| $win($x, 16 * k)));
            } else if len <= 128 {
                return kernel::$small::<V, 8>(unrolled!(|k| $win($x, 16 * k)));
            }
            let ($c, t) = $x.as_chunks::<{ 2 * CH }>();
            if $c.len() > SHORT_BLOCKS * M {
                return None;
            }
            let $r = (!t.is_empty()).then_some(t);
            $call
        }
    };
}
short_entry!(short_even64, f64, small64, win_even64, |c, r, x| short64::<
    V,
    Even64,
    Even64Tail,
    U,
    false,
>(
    c,
    r,
    x.len()
));
short_entry!(
    short_pairs64,
    f64,
    small64,
    win_pairs64,
    |c, r, x| short64::<V, Pairs64, Pairs64Tail, U, false>(c, r, x.len())
);
short_entry!(short_even32, f32, small32, win_even32, |c, r, x| short32::<
    V,
    Even32,
    Even32Tail,
    U,
>(c, r));
short_entry!(
    short_pairs32,
    f32,
    small32,
    win_pairs32,
    |c, r, x| short32::<V, Pairs32, Pairs32Tail, U>(c, r)
);

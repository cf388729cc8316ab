//! AVX2 + FMA kernels: 4 binary64 lanes, 4 independent accumulators, blocks of 128 chunks
//! of 16 components.
//!
//! Strided shapes are deinterleaved in registers: `vunpcklpd` (even binary64 elements, in
//! the order 0, 4, 2, 6, which does not matter for a sum) and `vperm2f128` (complex pairs);
//! `vpermps` / `vpermpd` before the `vcvtps2pd` widening for binary32.  Any other stride:
//! each element loaded on its own and inserted (`strips` below), summed by the same bodies.  Short vectors use
//! `vmaskmovpd` / `vmaskmovps` (no access to masked-off lanes).  Contiguous binary32 vectors
//! of 1024 to 2^18 components run the error-free steps natively in 8 binary32 lanes
//! (`short32_native`; proof in `kernel.rs`, "Native binary32 lanes").

use crate::arch::strip::{spread_short, spread_strips};
use crate::arch::{padded, spread_add};
use crate::consts::{pow2, EXPRESS_MAX, EXP_MASK, SIGMA32_MAX, SIGMA32_MIN};
use crate::half::{BF16, F16};
use crate::kernel::batch::Panel;
use crate::kernel::{
    self, accumulate32, accumulate64, short32, short64, Arith, Lanes, Load, MAX_LANES, SHORT32_MAX,
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
const U: usize = 4;
/// Chunks per block (2048 components of a contiguous binary64 vector).
const M: usize = 128;
/// Components per chunk.
const CH: usize = 4 * U;

/// True when this CPU has AVX2 and FMA (cached by std).
pub(crate) fn is_available() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// True when this CPU also has F16C (`vcvtph2ps`), which the binary16 entries use; the
/// half-precision entries (binary16 and bfloat16) run only where this holds and otherwise
/// take the portable path.  F16C is a CPUID feature of its own, not implied by AVX2.
pub(crate) fn is_available_half() -> bool {
    is_available() && is_x86_feature_detected!("f16c")
}

/// Four binary64 lanes.  Private: values exist only inside this module's
/// `#[target_feature(enable = "avx2,fma")]` trampolines, so every intrinsic below runs on a
/// CPU that has AVX2 and FMA.
#[derive(Clone, Copy)]
struct V(__m256d);

impl Arith for V {
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        // SAFETY: AVX is available.
        V(unsafe { _mm256_add_pd(self.0, o.0) })
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        // SAFETY: AVX is available.
        V(unsafe { _mm256_sub_pd(self.0, o.0) })
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        // SAFETY: FMA is available.
        V(unsafe { _mm256_fmadd_pd(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn fms(self, b: Self, c: Self) -> Self {
        // SAFETY: FMA is available.
        V(unsafe { _mm256_fmsub_pd(self.0, b.0, c.0) })
    }
}

impl Lanes for V {
    const N: usize = 4;
    const HAS_FMA: bool = true;
    #[inline(always)]
    fn splat(v: f64) -> Self {
        // SAFETY: AVX is available (see the type's documentation).
        V(unsafe { _mm256_set1_pd(v) })
    }
    #[inline(always)]
    fn to_arr(self, a: &mut [f64; MAX_LANES]) {
        // SAFETY: AVX is available; `a` holds at least 4 writable values.
        unsafe { _mm256_storeu_pd(a.as_mut_ptr(), self.0) }
    }
    #[inline(always)]
    fn prefetch(p: *const u8) {
        // SAFETY: SSE is available; a prefetch never faults and reads nothing
        // architecturally, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>()) }
    }
    #[inline(always)]
    fn from_arr(a: &[f64; MAX_LANES]) -> Self {
        // SAFETY: AVX is available; `a` holds at least 4 readable values.
        V(unsafe { _mm256_loadu_pd(a.as_ptr()) })
    }
    #[inline(always)]
    fn abs(self) -> Self {
        // SAFETY: AVX is available.  Clears the sign bits.
        V(unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), self.0) })
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        // SAFETY: AVX is available.  vmaxpd returns its second operand when either is NaN:
        // here `self`, so a NaN in `o` is not propagated.
        V(unsafe { _mm256_max_pd(o.0, self.0) })
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        // SAFETY: AVX is available.
        V(unsafe { _mm256_mul_pd(self.0, o.0) })
    }
    #[inline(always)]
    fn reduce_max(self) -> f64 {
        // SAFETY: AVX is available.
        unsafe {
            let h = _mm_max_pd(
                _mm256_castpd256_pd128(self.0),
                _mm256_extractf128_pd::<1>(self.0),
            );
            _mm_cvtsd_f64(_mm_max_pd(h, _mm_unpackhi_pd(h, h)))
        }
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        // SAFETY: AVX is available.
        unsafe {
            let h = _mm_add_pd(
                _mm256_castpd256_pd128(self.0),
                _mm256_extractf128_pd::<1>(self.0),
            );
            _mm_cvtsd_f64(_mm_add_pd(h, _mm_unpackhi_pd(h, h)))
        }
    }
    #[inline(always)]
    fn all_lt(self, o: Self) -> bool {
        // SAFETY: AVX is available.
        unsafe { _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(self.0, o.0)) == 0xf }
    }
    #[inline(always)]
    fn any_nan(self) -> bool {
        // SAFETY: AVX is available.
        unsafe { _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_UNORD_Q>(self.0, self.0)) != 0 }
    }
    #[inline(always)]
    fn fold_two_sum(p: Self, e: Self) -> (f64, f64) {
        // SAFETY: AVX is available (see the type's documentation).
        unsafe { super::fold128(p.0, e.0) }
    }
    #[inline(always)]
    fn all_clean(self, lo: f64, hi: f64) -> bool {
        // Magnitude bits `b` (below 2^63, so signed 64-bit compares order them): a lane is
        // clean when `b == 0` or `lo - 1 < b < hi + 1`.
        let (lo, hi) = (lo.to_bits() as i64, hi.to_bits() as i64);
        // SAFETY: AVX2 is available (see the type's documentation).
        unsafe {
            let b = _mm256_and_si256(_mm256_castpd_si256(self.0), _mm256_set1_epi64x(i64::MAX));
            let above = _mm256_cmpgt_epi64(b, _mm256_set1_epi64x(lo - 1));
            let below = _mm256_cmpgt_epi64(_mm256_set1_epi64x(hi + 1), b);
            let zero = _mm256_cmpeq_epi64(b, _mm256_setzero_si256());
            let ok = _mm256_or_si256(_mm256_and_si256(above, below), zero);
            _mm256_movemask_pd(_mm256_castsi256_pd(ok)) == 0xf
        }
    }
}

/// `U` vectors from 16 consecutive binary64 values.
#[inline(always)]
fn load_f64(c: &[f64; CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: AVX is available; lane group u reads c[4u..4u + 4], inside the array.
    unrolled!(|u| V(unsafe { _mm256_loadu_pd(p.add(4 * u)) }))
}

/// `U` vectors from 16 consecutive binary32 values, widened exactly.
#[inline(always)]
fn load_f32(c: &[f32; CH]) -> [V; U] {
    let p = c.as_ptr();
    // SAFETY: AVX is available; lane group u reads c[4u..4u + 4], inside the array.
    unrolled!(|u| V(unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p.add(4 * u))) }))
}

/// The even-indexed values of 32 binary64 values.
#[inline(always)]
fn load_even64(c: &[f64; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    unrolled!(|u| {
        // SAFETY: AVX is available; reads c[8u..8u + 8], inside the array.
        V(unsafe {
            let a = _mm256_loadu_pd(p.add(8 * u));
            let b = _mm256_loadu_pd(p.add(8 * u + 4));
            _mm256_unpacklo_pd(a, b)
        })
    })
}

/// The values at indices `4i`, `4i + 1` of 32 binary64 values (complex pairs).
#[inline(always)]
fn load_pairs64(c: &[f64; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    unrolled!(|u| {
        // SAFETY: AVX is available; reads c[8u..8u + 8], inside the array.
        V(unsafe {
            let a = _mm256_loadu_pd(p.add(8 * u));
            let b = _mm256_loadu_pd(p.add(8 * u + 4));
            _mm256_permute2f128_pd::<0x20>(a, b)
        })
    })
}

/// The even-indexed values of 32 binary32 values, widened.
#[inline(always)]
fn load_even32(c: &[f32; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    unrolled!(|u| {
        // SAFETY: AVX2 is available; reads c[8u..8u + 8], inside the array.
        V(unsafe {
            let idx = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
            let v = _mm256_permutevar8x32_ps(_mm256_loadu_ps(p.add(8 * u)), idx);
            _mm256_cvtps_pd(_mm256_castps256_ps128(v))
        })
    })
}

/// The values at indices `4i`, `4i + 1` of 32 binary32 values, widened.
#[inline(always)]
fn load_pairs32(c: &[f32; 2 * CH]) -> [V; U] {
    let p = c.as_ptr();
    unrolled!(|u| {
        // SAFETY: AVX2 is available; reads c[8u..8u + 8], inside the array.  Each 64-bit
        // group is one complex binary32; groups 0 and 2 are the wanted ones.
        V(unsafe {
            let v = _mm256_castps_pd(_mm256_loadu_ps(p.add(8 * u)));
            let w = _mm256_permute4x64_pd::<0b1000>(v);
            _mm256_cvtps_pd(_mm_castpd_ps(_mm256_castpd256_pd128(w)))
        })
    })
}

/// `t[start..start + 4]` with zeros past the end of `t` (`vmaskmovpd`).
#[inline(always)]
fn mload_pd(t: &[f64], start: usize) -> __m256d {
    let cnt = t.len().saturating_sub(start).min(4) as i64;
    // SAFETY: AVX2 is available.  vmaskmovpd accesses only the lanes whose mask sign bit is
    // set, i < cnt: t[start..start + cnt], inside the slice (none when cnt == 0: the pointer,
    // formed with wrapping_add, is then not dereferenced); the others read as zero and
    // cannot fault.
    unsafe {
        let m = _mm256_cmpgt_epi64(_mm256_set1_epi64x(cnt), _mm256_setr_epi64x(0, 1, 2, 3));
        _mm256_maskload_pd(t.as_ptr().wrapping_add(start), m)
    }
}

/// `t[start..start + 4]` widened, zeros past the end (`vmaskmovps`).
#[inline(always)]
fn mload_ps4(t: &[f32], start: usize) -> __m256d {
    let cnt = t.len().saturating_sub(start).min(4) as i32;
    // SAFETY: AVX2 is available; as in `mload_pd`, only t[start..start + cnt] is accessed.
    unsafe {
        let m = _mm_cmpgt_epi32(_mm_set1_epi32(cnt), _mm_setr_epi32(0, 1, 2, 3));
        _mm256_cvtps_pd(_mm_maskload_ps(t.as_ptr().wrapping_add(start), m))
    }
}

/// `t[start..start + 8]`, zeros past the end (`vmaskmovps`).
#[inline(always)]
fn mload_ps8(t: &[f32], start: usize) -> __m256 {
    let cnt = t.len().saturating_sub(start).min(8) as i32;
    // SAFETY: AVX2 is available; as in `mload_pd`, only t[start..start + cnt] is accessed.
    unsafe {
        let m = _mm256_cmpgt_epi32(
            _mm256_set1_epi32(cnt),
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
        );
        _mm256_maskload_ps(t.as_ptr().wrapping_add(start), m)
    }
}

#[inline(always)]
fn tail_f64(t: &&[f64]) -> [V; U] {
    unrolled!(|u| V(mload_pd(t, 4 * u)))
}

#[inline(always)]
fn tail_f32(t: &&[f32]) -> [V; U] {
    unrolled!(|u| V(mload_ps4(t, 4 * u)))
}

#[inline(always)]
fn tail_even64(t: &&[f64]) -> [V; U] {
    unrolled!(|u| {
        let (a, b) = (mload_pd(t, 8 * u), mload_pd(t, 8 * u + 4));
        // SAFETY: AVX is available.
        V(unsafe { _mm256_unpacklo_pd(a, b) })
    })
}

#[inline(always)]
fn tail_pairs64(t: &&[f64]) -> [V; U] {
    unrolled!(|u| {
        let (a, b) = (mload_pd(t, 8 * u), mload_pd(t, 8 * u + 4));
        // SAFETY: AVX is available.
        V(unsafe { _mm256_permute2f128_pd::<0x20>(a, b) })
    })
}

#[inline(always)]
fn tail_even32(t: &&[f32]) -> [V; U] {
    unrolled!(|u| {
        let v = mload_ps8(t, 8 * u);
        // SAFETY: AVX2 is available.
        V(unsafe {
            let idx = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
            _mm256_cvtps_pd(_mm256_castps256_ps128(_mm256_permutevar8x32_ps(v, idx)))
        })
    })
}

#[inline(always)]
fn tail_pairs32(t: &&[f32]) -> [V; U] {
    unrolled!(|u| {
        let v = mload_ps8(t, 8 * u);
        // SAFETY: AVX2 is available.
        V(unsafe {
            let w = _mm256_permute4x64_pd::<0b1000>(_mm256_castps_pd(v));
            _mm256_cvtps_pd(_mm_castpd_ps(_mm256_castpd256_pd128(w)))
        })
    })
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

/// `K` vectors holding `x` zero-padded (`x.len() <= 4 K`), with masked loads.
#[inline(always)]
fn load_small64<const K: usize>(x: &[f64]) -> [V; K] {
    unrolled!(|k| V(mload_pd(x, 4 * k)))
}

/// `K` vectors holding `x` widened and zero-padded (`x.len() <= 4 K`).
#[inline(always)]
fn load_small32<const K: usize>(x: &[f32]) -> [V; K] {
    unrolled!(|k| V(mload_ps4(x, 4 * k)))
}

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

/// Binary32 components per chunk of the native binary32 lanes (`U` vectors of 8 lanes).
const CH32: usize = 8 * U;
/// Chunks per sub-block of the native binary32 lanes: `m <= MB32` error-free steps per lane
/// before the lane results are widened and folded in binary64.
const MB32: usize = 64;
/// Shortest contiguous binary32 vector sent to the native binary32 lanes.  Measured on Zen 5
/// (peer harness, AVX2 forced, 2026-12-06; ratio to the unsafe AVX2 sum of squares, native
/// vs widening): 512 components 4.0 vs 3.3, 1024 3.0 vs 3.1, 2048 2.7 vs 3.3, 4096 2.5 vs
/// 3.5: the break-even is near 1024 (AVX-512 has its own, 4096).
const NATIVE32_MIN: usize = 1024;
/// Components of the start of the vector whose largest magnitude sets the offset of the
/// native binary32 lanes (the same 128 as on AVX-512).
const FIRST32: usize = 128;

/// Eight binary32 lanes, for the error-free step of the native path.  Private: created only
/// inside this module's `#[target_feature(enable = "avx2,fma")]` trampolines (as `V`).
#[derive(Clone, Copy)]
struct V32(__m256);

impl Arith for V32 {
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        // SAFETY: AVX is available (see the type's documentation).
        V32(unsafe { _mm256_add_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        // SAFETY: AVX is available.
        V32(unsafe { _mm256_sub_ps(self.0, o.0) })
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        // SAFETY: FMA is available.
        V32(unsafe { _mm256_fmadd_ps(self.0, b.0, c.0) })
    }
    #[inline(always)]
    fn fms(self, b: Self, c: Self) -> Self {
        // SAFETY: FMA is available.
        V32(unsafe { _mm256_fmsub_ps(self.0, b.0, c.0) })
    }
}

/// [`kernel::lane_step`] in 8 binary32 lanes.
#[inline(always)]
fn step32(x: __m256, t: &mut __m256, l: &mut __m256) {
    let (mut tv, mut lv) = (V32(*t), V32(*l));
    kernel::lane_step(V32(x), &mut tv, &mut lv);
    *t = tv.0;
    *l = lv.0;
}

/// `c[8u..8u + 8]` of a chunk of the native binary32 lanes (`u` taken modulo `U`).
#[inline(always)]
fn whole32(c: &[f32; CH32], u: usize) -> __m256 {
    // SAFETY: AVX is available; reads c[8u'..8u' + 8] with u' = u % U < U, inside the
    // array of 8 U values (unaligned load).
    unsafe { _mm256_loadu_ps(c.as_ptr().add(8 * (u % U))) }
}

/// The two binary64 halves of 8 binary32 lanes (exact widening).
#[inline(always)]
fn widen8(v: __m256) -> (__m256d, __m256d) {
    // SAFETY: AVX is available.
    unsafe {
        (
            _mm256_cvtps_pd(_mm256_castps256_ps128(v)),
            _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(v)),
        )
    }
}

/// Pairwise sum of `U` binary32 vectors (the order is fixed).
#[inline(always)]
fn pair_sum_ps(v: [__m256; U]) -> __m256 {
    // SAFETY: AVX is available.
    unsafe { _mm256_add_ps(_mm256_add_ps(v[0], v[1]), _mm256_add_ps(v[2], v[3])) }
}

/// Largest lane of 8 binary32 lanes (none of them NaN when called).
#[inline(always)]
fn reduce_max_ps(v: __m256) -> f32 {
    // SAFETY: AVX is available.
    unsafe {
        let h = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let h = _mm_max_ps(h, _mm_movehl_ps(h, h));
        _mm_cvtss_f32(_mm_max_ss(h, _mm_shuffle_ps::<0b01>(h, h)))
    }
}

/// The native binary32 path for contiguous binary32 vectors of `NATIVE32_MIN ..=
/// SHORT32_MAX` components (the `small32` body sends them here): the error-free steps run in
/// binary32 lanes (8 per vector, `U` accumulators), in sub-blocks of at most `MB32` steps per
/// lane whose lane results are summed over the accumulators in binary32
/// (`sum (T_u - sigma)` exact, `sum L_u` with a bound), widened and summed in binary64.
/// Offset from the first `FIRST32` components, verified per sub-block; bound and proof in
/// the module documentation of `kernel.rs` ("Native binary32 lanes", `N = 8`).  Returns the
/// sum with its bound; `None` (longer than `SHORT32_MAX`, start zero or outside the range
/// of the offset, a sub-block rejected, NaN/Inf, a bound above `2^-28` of the sum): the
/// widening one-block path then runs.
#[inline(always)]
fn short32_native(x: &[f32]) -> Option<Part> {
    if x.len() > SHORT32_MAX {
        return None;
    }
    let (c, t) = x.as_chunks::<CH32>();
    let steps = c.len() + usize::from(!t.is_empty());
    let m = steps.min(MB32);
    // amax of the first FIRST32 components (a NaN is skipped here: vmaxps returns its
    // second operand, the running maximum, when either is NaN; the NaN then fails the
    // verification).
    let first = x.get(..FIRST32).unwrap_or(x);
    // SAFETY: AVX is available.
    let a = unsafe {
        let sign = _mm256_set1_ps(-0.0);
        let mut acc = _mm256_setzero_ps();
        for k in 0..FIRST32 / 8 {
            acc = _mm256_max_ps(_mm256_andnot_ps(sign, mload_ps8(first, 8 * k)), acc);
        }
        reduce_max_ps(acc)
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
    // SAFETY: AVX2 and FMA are available; every load reads whole chunks of `c` or, masked,
    // the tail `t` only.
    unsafe {
        let sig = _mm256_set1_ps(sigma as f32);
        let two_sig = _mm256_set1_ps((2.0 * sigma) as f32);
        let zero = _mm256_setzero_pd();
        let (mut d0, mut d1, mut l0, mut l1) = (zero, zero, zero, zero);
        let mut ok: i32 = 0xff;
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
            let mut ll = [_mm256_setzero_ps(); U];
            if let Some(b) = blk {
                // Two chunks per iteration (as in `kernel::eft_pairs`).
                let mut pairs = b.chunks_exact(2);
                for pc in pairs.by_ref() {
                    if let [c1, c2] = pc {
                        for u in 0..U {
                            let (mut tu, mut lu) = (tt[u], ll[u]);
                            step32(whole32(c1, u), &mut tu, &mut lu);
                            step32(whole32(c2, u), &mut tu, &mut lu);
                            tt[u] = tu;
                            ll[u] = lu;
                        }
                    }
                }
                for ch in pairs.remainder() {
                    for u in 0..U {
                        step32(whole32(ch, u), &mut tt[u], &mut ll[u]);
                    }
                }
            }
            if with_tail {
                for u in 0..U {
                    step32(mload_ps8(t, 8 * u), &mut tt[u], &mut ll[u]);
                }
                tail_done = true;
            }
            // Per lane: S = sum_u (T_u - sigma), exact when (and only when, see the module
            // documentation of `kernel.rs`) the computed S is below 2 sigma.
            let mut ds = tt;
            for d in ds.iter_mut() {
                *d = _mm256_sub_ps(*d, sig);
            }
            let sd = pair_sum_ps(ds);
            ok &= _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_LT_OQ>(sd, two_sig));
            let sl = pair_sum_ps(ll);
            let (a0, a1) = widen8(sd);
            let (b0, b1) = widen8(sl);
            d0 = _mm256_add_pd(d0, a0);
            d1 = _mm256_add_pd(d1, a1);
            l0 = _mm256_add_pd(l0, b0);
            l1 = _mm256_add_pd(l1, b1);
            nsub += 1;
        }
        if ok != 0xff {
            return None;
        }
        // Exact: multiples of 2^-23 sigma below 2^30 sigma.
        let hi = V(_mm256_add_pd(d0, d1)).reduce_add();
        let lo = V(_mm256_add_pd(l0, l1)).reduce_add();
        let err = kernel::native32_bound(8, U, m, nsub, sigma);
        // Above 2^-28 of the sum (the offset came from the start only and the rest is much
        // smaller) the widening path runs: rounding to binary32 would often be undecided.
        if err > hi * pow2(-28) {
            return None;
        }
        Some(Part { hi, lo, err })
    }
}

/// The express paths (`kernel::express64`, `kernel::express32`): up to `EXPRESS_MAX`
/// components in 1, 2, 4 or 8 zero-padded vectors.
#[inline(always)]
fn express64(x: &[f64]) -> Option<Part> {
    match x.len() {
        0..=4 => kernel::express64::<V, 1>(load_small64::<1>(x)),
        5..=8 => kernel::express64::<V, 2>(load_small64::<2>(x)),
        9..=16 => kernel::express64::<V, 4>(load_small64::<4>(x)),
        17..=EXPRESS_MAX => kernel::express64::<V, 8>(load_small64::<8>(x)),
        _ => None,
    }
}

/// See [`express64`].
#[inline(always)]
fn express32(x: &[f32]) -> Option<Part> {
    match x.len() {
        0..=4 => kernel::express32::<V, 1>(load_small32::<1>(x)),
        5..=8 => kernel::express32::<V, 2>(load_small32::<2>(x)),
        9..=16 => kernel::express32::<V, 4>(load_small32::<4>(x)),
        17..=EXPRESS_MAX => kernel::express32::<V, 8>(load_small32::<8>(x)),
        _ => None,
    }
}

#[inline(always)]
fn small64(x: &[f64]) -> Option<Part> {
    let n = x.len();
    if n <= 8 {
        kernel::small64::<V, 2>(load_small64::<2>(x))
    } else if n <= 16 {
        kernel::small64::<V, 4>(load_small64::<4>(x))
    } else if n <= SMALL_MAX {
        kernel::small64::<V, 8>(load_small64::<8>(x))
    } else {
        short64_any(x)
    }
}

#[inline(always)]
fn small32(x: &[f32]) -> Option<Part> {
    let n = x.len();
    if n <= 8 {
        kernel::small32::<V, 2>(load_small32::<2>(x))
    } else if n <= 16 {
        kernel::small32::<V, 4>(load_small32::<4>(x))
    } else if n <= SMALL_MAX {
        kernel::small32::<V, 8>(load_small32::<8>(x))
    } else {
        // The native binary32 lanes pay a fixed cost (offset, folds, horizontal sums) that
        // the widening path does not: measured break-even on Zen 5 near NATIVE32_MIN.
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

/// `U` vectors from 16 consecutive binary16 values, widened exactly (`vcvtph2ps`, then
/// `vcvtps2pd`).
#[inline(always)]
fn load_h16(c: &[F16; CH]) -> [V; U] {
    let p = c.as_ptr().cast::<__m128i>();
    // SAFETY: AVX and F16C are available (the half entries run only where
    // `is_available_half()` holds); the two 16-byte loads read c[0..8] and c[8..16], inside
    // the array (F16 is a transparent u16; unaligned loads).
    unsafe {
        let a = _mm256_cvtph_ps(_mm_loadu_si128(p));
        let b = _mm256_cvtph_ps(_mm_loadu_si128(p.add(1)));
        [
            V(_mm256_cvtps_pd(_mm256_castps256_ps128(a))),
            V(_mm256_cvtps_pd(_mm256_extractf128_ps::<1>(a))),
            V(_mm256_cvtps_pd(_mm256_castps256_ps128(b))),
            V(_mm256_cvtps_pd(_mm256_extractf128_ps::<1>(b))),
        ]
    }
}

/// `U` vectors from 16 consecutive bfloat16 values, widened exactly (zero-extend to 32 bits,
/// shift left by 16: the binary32 pattern; then `vcvtps2pd`).
#[inline(always)]
fn load_bf16(c: &[BF16; CH]) -> [V; U] {
    let p = c.as_ptr().cast::<__m128i>();
    // SAFETY: AVX2 is available; the two 16-byte loads read c[0..8] and c[8..16], inside the
    // array (BF16 is a transparent u16; unaligned loads).
    unsafe {
        let a = _mm256_castsi256_ps(_mm256_slli_epi32::<16>(_mm256_cvtepu16_epi32(
            _mm_loadu_si128(p),
        )));
        let b = _mm256_castsi256_ps(_mm256_slli_epi32::<16>(_mm256_cvtepu16_epi32(
            _mm_loadu_si128(p.add(1)),
        )));
        [
            V(_mm256_cvtps_pd(_mm256_castps256_ps128(a))),
            V(_mm256_cvtps_pd(_mm256_extractf128_ps::<1>(a))),
            V(_mm256_cvtps_pd(_mm256_castps256_ps128(b))),
            V(_mm256_cvtps_pd(_mm256_extractf128_ps::<1>(b))),
        ]
    }
}

/// A whole-chunk loader and a partial-chunk loader (a zero-padded copy: 16-bit lanes have
/// no masked load in AVX2) for half-precision data.
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

/// Views with a stride of their own ([`Spread`]): each chunk's elements are loaded straight
/// into vectors (scalar loads of binary64 / binary32 values, 128-bit loads of complex
/// binary64 elements, 64-bit loads of complex binary32 elements, combined with inserts; the
/// binary32 vectors are widened as in [`load_f32`]) and summed by the bodies of the
/// contiguous shapes.  Hardware gathers (`vgatherqpd` and friends) were measured on Zen 5 to
/// be about 2x slower than these loads (peer harness, 2026-12-06).  The partial last chunk
/// is copied with checks ([`StripTail::padded`]) and loaded as a contiguous one.
mod strips {
    use super::{load_f64, CH, M, U, V};
    use crate::arch::strip::{Strip, StripSum, StripTail};
    use crate::kernel::{accumulate32, accumulate64, short32, short64, Load};
    use crate::sumsq::{Part, SumSq};
    use core::arch::x86_64::*;

    /// Chunks per kernel call.
    pub(super) const MB: usize = M;
    /// Accumulators of the binary32 strips: 8 (the plain sums need no error terms, so the
    /// 16 registers hold them), twice the chunk of the binary64 strips, half the handles.
    pub(super) const UW: usize = 8;
    /// Components per binary32 strip chunk.
    pub(super) const CHW: usize = 4 * UW;
    /// Most whole chunks of the one-block path (`m <= MS + 1` steps per accumulator lane,
    /// within the `SHORT_BLOCKS * M + 1` of the bound in `kernel.rs`).
    pub(super) const MS: usize = 4 * M;

    /// Loads for real binary64 chunks (16 elements) and their tails.
    pub(super) struct R64;
    /// Loads for complex binary64 chunks (8 elements) and their tails.
    pub(super) struct C64;
    /// Loads for real binary32 chunks (16 elements) and their tails.
    pub(super) struct R32;
    /// Loads for complex binary32 chunks (8 elements) and their tails.
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
                // SAFETY: AVX is available.  Element j = 4u + i < 16 = E of the strip is at
                // p + j st, inside the strip's slice (its invariant); p is a binary64 slice
                // pointer, so every such address is aligned for f64.
                *o = V(unsafe {
                    let b = p.add(4 * u * st);
                    _mm256_setr_pd(*b, *b.add(st), *b.add(2 * st), *b.add(3 * st))
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
                // SAFETY: AVX is available.  Element j = 2u + i < 8 = E is the two values
                // at p + j st, inside the strip's slice (its invariant with P = 2); the
                // 128-bit loads are unaligned loads.
                *o = V(unsafe {
                    let b = p.add(2 * u * st);
                    _mm256_loadu2_m128d(b.add(st), b)
                });
            }
            out
        }
    }

    impl Load<V, UW> for R32 {
        type Item<'a> = Strip<'a, f32, CHW, 1>;
        #[inline(always)]
        fn load(c: &Strip<'_, f32, CHW, 1>) -> [V; UW] {
            let (p, st) = (c.ptr(), c.stride());
            let mut out = [V(zero()); UW];
            for (u, o) in out.iter_mut().enumerate() {
                // SAFETY: AVX is available.  Element j = 4u + i < 32 = E is at p + j st,
                // inside the strip's slice, aligned for f32.
                *o = V(unsafe {
                    let b = p.add(4 * u * st);
                    _mm256_cvtps_pd(_mm_setr_ps(*b, *b.add(st), *b.add(2 * st), *b.add(3 * st)))
                });
            }
            out
        }
    }

    impl Load<V, UW> for C32 {
        type Item<'a> = Strip<'a, f32, { CHW / 2 }, 2>;
        #[inline(always)]
        fn load(c: &Strip<'_, f32, { CHW / 2 }, 2>) -> [V; UW] {
            let (p, st) = (c.ptr(), c.stride());
            let mut out = [V(zero()); UW];
            for (u, o) in out.iter_mut().enumerate() {
                // SAFETY: AVX is available.  Element j = 2u + i < 16 = E is the two binary32
                // values (8 bytes) at p + j st, inside the strip's slice; `q` reads them
                // unaligned.  Their bits in a binary64 lane are the two binary32 values in
                // memory order (little endian), widened as in `load_f32`.
                *o = V(unsafe {
                    let b = p.add(2 * u * st);
                    _mm256_cvtps_pd(_mm_castpd_ps(_mm_setr_pd(q(b), q(b.add(st)))))
                });
            }
            out
        }
    }

    /// A zero vector.
    #[inline(always)]
    fn zero() -> __m256d {
        // SAFETY: AVX is available.
        unsafe { _mm256_setzero_pd() }
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
    /// The binary32 partial-chunk loaders (`UW` vectors).
    macro_rules! tail32 {
        ($main:ident, $p:literal) => {
            impl Load<V, UW> for $main {
                type Item<'a> = StripTail<'a, f32, $p>;
                #[inline(always)]
                fn load(t: &StripTail<'_, f32, $p>) -> [V; UW] {
                    let c = t.padded::<CHW>();
                    let p = c.as_ptr();
                    let mut out = [V(zero()); UW];
                    for (u, o) in out.iter_mut().enumerate() {
                        // SAFETY: AVX is available; reads c[4u..4u + 4], u < UW, inside
                        // the array of CHW = 4 UW values.
                        *o = V(unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p.add(4 * u))) });
                    }
                    out
                }
            }
        };
    }
    /// Real binary32 partial chunks.
    pub(super) struct Tail32;
    tail32!(Tail32, 1);
    /// Complex binary32 partial chunks.
    pub(super) struct Tail32c;
    tail32!(Tail32c, 2);

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
    impl StripSum<f32, CHW, 1> for R32 {
        #[inline(always)]
        fn sum(
            c: &[Strip<'_, f32, CHW, 1>],
            t: Option<StripTail<'_, f32, 1>>,
            s: &mut SumSq,
        ) -> bool {
            accumulate32::<V, R32, Tail32, UW, M>(c, t, s)
        }
        #[inline(always)]
        fn short(
            c: &[Strip<'_, f32, CHW, 1>],
            t: Option<StripTail<'_, f32, 1>>,
            _n_c: usize,
        ) -> Option<Part> {
            short32::<V, R32, Tail32, UW>(c, t)
        }
    }
    impl StripSum<f32, { CHW / 2 }, 2> for C32 {
        #[inline(always)]
        fn sum(
            c: &[Strip<'_, f32, { CHW / 2 }, 2>],
            t: Option<StripTail<'_, f32, 2>>,
            s: &mut SumSq,
        ) -> bool {
            accumulate32::<V, C32, Tail32c, UW, M>(c, t, s)
        }
        #[inline(always)]
        fn short(
            c: &[Strip<'_, f32, { CHW / 2 }, 2>],
            t: Option<StripTail<'_, f32, 2>>,
            _n_c: usize,
        ) -> Option<Part> {
            short32::<V, C32, Tail32c, UW>(c, t)
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
        spread_short::<f32, strips::R32, { strips::CHW }, 1, { strips::MS }>(&x)
    } else {
        spread_short::<f32, strips::C32, { strips::CHW / 2 }, 2, { strips::MS }>(&x)
    }
}

#[inline(always)]
fn spread32(x: Spread<'_, f32>, s: &mut SumSq) -> bool {
    let r = if x.parts() == 1 {
        spread_strips::<f32, strips::R32, { strips::CHW }, 1, { strips::MB }>(&x, s)
    } else {
        spread_strips::<f32, strips::C32, { strips::CHW / 2 }, 2, { strips::MB }>(&x, s)
    };
    match r {
        Some(special) => special,
        None => spread_add::<f32, Copies>(&x, s),
    }
}

crate::arch::kernel_table!("avx2,fma", "avx2,fma,f16c", is_available_half);
/// Accumulators of the batch kernels: 8 (32 lanes per row, four cache lines of binary64),
/// twice the `U` of the single-vector kernels, so that each row step brings more bytes.
const UB: usize = 8;

/// Components per panel of the batch kernels (`kernel/batch.rs`: one lane per vector).
const PANEL: usize = 4 * UB;

/// Panels side by side per call of the batch kernels (`PANEL * GROUP <= 256` lanes).
const GROUP: usize = 8;

/// Batch rows: `UB` vectors from `PANEL` consecutive binary64 values, and the partial rows.
struct BatchF64;
impl Load<V, UB> for BatchF64 {
    type Item<'a> = [f64; PANEL];
    #[inline(always)]
    fn load(c: &[f64; PANEL]) -> [V; UB] {
        let p = c.as_ptr();
        // SAFETY: AVX is available; lane group u reads c[4u..4u + 4], inside the array.
        unrolled!(|u| V(unsafe { _mm256_loadu_pd(p.add(4 * u)) }))
    }
}
struct BatchF64Tail;
impl Load<V, UB> for BatchF64Tail {
    type Item<'a> = &'a [f64];
    #[inline(always)]
    fn load(t: &&[f64]) -> [V; UB] {
        unrolled!(|u| V(mload_pd(t, 4 * u)))
    }
}

/// Batch rows of binary32 values, widened.
struct BatchF32;
impl Load<V, UB> for BatchF32 {
    type Item<'a> = [f32; PANEL];
    #[inline(always)]
    fn load(c: &[f32; PANEL]) -> [V; UB] {
        let p = c.as_ptr();
        // SAFETY: AVX is available; lane group u reads c[4u..4u + 4], inside the array.
        unrolled!(|u| V(unsafe { _mm256_cvtps_pd(_mm_loadu_ps(p.add(4 * u))) }))
    }
}
struct BatchF32Tail;
impl Load<V, UB> for BatchF32Tail {
    type Item<'a> = &'a [f32];
    #[inline(always)]
    fn load(t: &&[f32]) -> [V; UB] {
        unrolled!(|u| V(mload_ps4(t, 4 * u)))
    }
}

/// A panel of binary64 rows, one accumulator lane per component (`kernel/batch.rs`).
#[inline(always)]
fn batch64(x: &[f64], p: Panel, out: &mut [SumSq], special: &mut [u64]) {
    kernel::batch::batch64::<V, BatchF64, BatchF64Tail, UB, PANEL, M, GROUP>(x, p, out, special)
}

/// A panel of binary32 rows (`kernel/batch.rs`).
#[inline(always)]
fn batch32(x: &[f32], p: Panel, out: &mut [SumSq], special: &mut [u64]) {
    kernel::batch::batch32::<V, BatchF32, BatchF32Tail, UB, PANEL, M, GROUP>(x, p, out, special)
}

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

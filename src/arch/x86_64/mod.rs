//! x86_64 kernels: AVX2 + FMA and AVX-512 (F + VL).
pub(crate) mod avx2;
pub(crate) mod avx512;
#[cfg(not(miri))]
pub(crate) mod fenv;

// The lane tree of `Lanes::fold_two_sum` (`kernel::express64`) in registers, shared by the
// AVX2 and AVX-512 vector types.
use core::arch::x86_64::*;

/// TwoSum of 4 lane pairs (`sumsq::two_sum`, lane by lane).
///
/// # Safety
///
/// The CPU must have AVX.
#[inline(always)]
pub(super) unsafe fn two_sum256(a: __m256d, b: __m256d) -> (__m256d, __m256d) {
    // SAFETY: AVX is available (the caller's contract).
    unsafe {
        let s = _mm256_add_pd(a, b);
        let bp = _mm256_sub_pd(s, a);
        let t = _mm256_add_pd(_mm256_sub_pd(a, _mm256_sub_pd(s, bp)), _mm256_sub_pd(b, bp));
        (s, t)
    }
}

/// TwoSum of 2 lane pairs.
///
/// # Safety
///
/// The CPU must have SSE2.
#[inline(always)]
pub(super) unsafe fn two_sum128(a: __m128d, b: __m128d) -> (__m128d, __m128d) {
    // SAFETY: SSE2 is available (the caller's contract).
    unsafe {
        let s = _mm_add_pd(a, b);
        let bp = _mm_sub_pd(s, a);
        let t = _mm_add_pd(_mm_sub_pd(a, _mm_sub_pd(s, bp)), _mm_sub_pd(b, bp));
        (s, t)
    }
}

/// The last two levels of `Lanes::fold_two_sum` from 4 lanes (`p` sums, `e` tails).
///
/// # Safety
///
/// The CPU must have AVX.
#[inline(always)]
pub(super) unsafe fn fold128(p: __m256d, e: __m256d) -> (f64, f64) {
    // SAFETY: AVX is available (the caller's contract).
    unsafe {
        let (s2, t2) = two_sum128(_mm256_castpd256_pd128(p), _mm256_extractf128_pd::<1>(p));
        let e2 = _mm_add_pd(
            _mm_add_pd(_mm256_castpd256_pd128(e), _mm256_extractf128_pd::<1>(e)),
            t2,
        );
        let (s1, t1) = two_sum128(s2, _mm_unpackhi_pd(s2, s2));
        let e1 = _mm_add_pd(_mm_add_pd(e2, _mm_unpackhi_pd(e2, e2)), t1);
        (_mm_cvtsd_f64(s1), _mm_cvtsd_f64(e1))
    }
}

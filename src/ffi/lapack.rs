//! LAPACK names (gfortran convention): `slassq_`, `dlassq_`, `classq_`, `zlassq_` with 32-bit
//! integers, `slassq_64_` ... with 64-bit integers (ILP64, as the `_64_` BLAS names).
//!
//! `SUBROUTINE ?LASSQ(N, X, INCX, SCALE, SUMSQ)`: every argument by pointer, `SCALE` and
//! `SUMSQ` read and overwritten (`float` for `s`/`c`, `double` for `d`/`z`).  Semantics:
//! LAPACK 3.12 (`src/lassq.rs`): `scale_out^2 sumsq_out = sum |x_i|^2 + scale^2 sumsq`,
//! rounded once, continued exactly across calls that pass back the pair they got.
//!
//! Bad input: NULL `scale` or `sumsq`: nothing is read or written.  Otherwise the pair's own
//! rules come first (a NaN pair is returned unchanged, `n <= 0` returns the normalised pair
//! without reading `incx` or `x`); then a NULL `n`, a NULL `incx` or `x` with `*n > 0`, or an
//! unaddressable span gives `(1, NaN)` (LAPACK has no error channel).

use super::{blas_inc, blas_len, raw_view, RawView};
use crate::lassq::LassqData;
use crate::strided::Element;
use crate::sumsq::SumSq;
use core::ffi::c_void;

/// Reads a by-reference integer argument; `None` for NULL.
///
/// # Safety
///
/// `p` is NULL or valid for one read.
unsafe fn arg<I: Copy + Into<i64>>(p: *const I) -> Option<i64> {
    // SAFETY: p is non-null here and valid for one read by the caller's contract;
    // read_unaligned tolerates any alignment.
    (!p.is_null()).then(|| unsafe { p.read_unaligned() }.into())
}

/// The common adapter of all `?lassq` names.
///
/// # Safety
///
/// `n`, `incx` are NULL or valid for one read; `scale`, `sumsq` NULL or valid for one read and
/// one write; when `*n > 0` and `x` is not NULL, the `(*n - 1) |*incx| + 1` elements from `x`
/// are readable (as for `slice::from_raw_parts`, any alignment) and not written concurrently.
unsafe fn lassq<T: Element, I: Copy + Into<i64>>(
    n: *const I,
    x: *const T,
    incx: *const I,
    scale: *mut T::Real,
    sumsq: *mut T::Real,
) where
    T::Real: Into<f64>,
{
    if scale.is_null() || sumsq.is_null() {
        return;
    }
    // SAFETY: both non-null and valid for one read by the contract; any alignment.
    let (s, q) = unsafe { (scale.read_unaligned(), sumsq.read_unaligned()) };
    // SAFETY: n is NULL or valid for one read.
    let len = unsafe { arg(n) }.map(blas_len);
    let (s, q) = match len {
        None => crate::api::lassq_data::<T>(s, q, LassqData::Bad),
        Some(0) => crate::api::lassq_data::<T>(s, q, LassqData::Empty),
        Some(len) => {
            // SAFETY: incx is NULL or valid for one read.
            let inc = unsafe { arg(incx) }.and_then(blas_inc);
            // SAFETY: the contract on x is that of raw_view.
            let view = inc.and_then(|inc| unsafe { raw_view(len, x, inc) }.ok().flatten());
            match view {
                None => crate::api::lassq_data::<T>(s, q, LassqData::Bad),
                Some(v) => {
                    let mut add = |st: &mut SumSq| match &v {
                        RawView::View(v) => st.add_view(v),
                        RawView::Unaligned(u) => st.add_source(u),
                    };
                    crate::api::lassq_data::<T>(s, q, LassqData::Add(&mut add))
                }
            }
        }
    };
    // SAFETY: valid for one write by the contract; any alignment.
    unsafe {
        scale.write_unaligned(s);
        sumsq.write_unaligned(q);
    }
}

/// LAPACK `DLASSQ(N, X, INCX, SCALE, SUMSQ)` with 32-bit integers: on return
/// `scale^2 sumsq` (new) `= x_1^2 + ... + x_n^2 + scale^2 sumsq` (old), `scale` a power of
/// two, `sumsq` in `[1, 4]`; LAPACK 3.12's NaN, Inf, zero and `n <= 0` rules; continued
/// exactly when the pair is the one this thread's last `dlassq_` returned.
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; `scale` and `sumsq` are NULL or
/// point to a readable and writable `double` each; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn dlassq_(
    n: *const i32,
    x: *const f64,
    incx: *const i32,
    scale: *mut f64,
    sumsq: *mut f64,
) {
    // SAFETY: forwarded contract.
    unsafe { lassq(n, x, incx, scale, sumsq) }
}

/// LAPACK `SLASSQ` with 32-bit integers (`scale`, `sumsq`: `float`), as `dlassq_`.
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; `scale` and `sumsq` are NULL or
/// point to a readable and writable `float` each; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn slassq_(
    n: *const i32,
    x: *const f32,
    incx: *const i32,
    scale: *mut f32,
    sumsq: *mut f32,
) {
    // SAFETY: forwarded contract.
    unsafe { lassq(n, x, incx, scale, sumsq) }
}

/// LAPACK `ZLASSQ` with 32-bit integers (`x`: interleaved complex double; `scale`, `sumsq`:
/// `double`), as `dlassq_` with `|x_i|^2 = re^2 + im^2`.
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; `scale` and `sumsq` are NULL or
/// point to a readable and writable `double` each; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` complex elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn zlassq_(
    n: *const i32,
    x: *const c_void,
    incx: *const i32,
    scale: *mut f64,
    sumsq: *mut f64,
) {
    // SAFETY: forwarded contract.
    unsafe { lassq(n, x.cast::<[f64; 2]>(), incx, scale, sumsq) }
}

/// LAPACK `CLASSQ` with 32-bit integers (`x`: interleaved complex float; `scale`, `sumsq`:
/// `float`), as `dlassq_` with `|x_i|^2 = re^2 + im^2`.
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; `scale` and `sumsq` are NULL or
/// point to a readable and writable `float` each; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` complex elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn classq_(
    n: *const i32,
    x: *const c_void,
    incx: *const i32,
    scale: *mut f32,
    sumsq: *mut f32,
) {
    // SAFETY: forwarded contract.
    unsafe { lassq(n, x.cast::<[f32; 2]>(), incx, scale, sumsq) }
}

/// LAPACK `DLASSQ` with 64-bit integers (ILP64), as `dlassq_`.
///
/// # Safety
///
/// As `dlassq_`, with 64-bit integers.
#[no_mangle]
pub unsafe extern "C" fn dlassq_64_(
    n: *const i64,
    x: *const f64,
    incx: *const i64,
    scale: *mut f64,
    sumsq: *mut f64,
) {
    // SAFETY: forwarded contract.
    unsafe { lassq(n, x, incx, scale, sumsq) }
}

/// LAPACK `SLASSQ` with 64-bit integers (ILP64), as `slassq_`.
///
/// # Safety
///
/// As `slassq_`, with 64-bit integers.
#[no_mangle]
pub unsafe extern "C" fn slassq_64_(
    n: *const i64,
    x: *const f32,
    incx: *const i64,
    scale: *mut f32,
    sumsq: *mut f32,
) {
    // SAFETY: forwarded contract.
    unsafe { lassq(n, x, incx, scale, sumsq) }
}

/// LAPACK `ZLASSQ` with 64-bit integers (ILP64), as `zlassq_`.
///
/// # Safety
///
/// As `zlassq_`, with 64-bit integers.
#[no_mangle]
pub unsafe extern "C" fn zlassq_64_(
    n: *const i64,
    x: *const c_void,
    incx: *const i64,
    scale: *mut f64,
    sumsq: *mut f64,
) {
    // SAFETY: forwarded contract.
    unsafe { lassq(n, x.cast::<[f64; 2]>(), incx, scale, sumsq) }
}

/// LAPACK `CLASSQ` with 64-bit integers (ILP64), as `classq_`.
///
/// # Safety
///
/// As `classq_`, with 64-bit integers.
#[no_mangle]
pub unsafe extern "C" fn classq_64_(
    n: *const i64,
    x: *const c_void,
    incx: *const i64,
    scale: *mut f32,
    sumsq: *mut f32,
) {
    // SAFETY: forwarded contract.
    unsafe { lassq(n, x.cast::<[f32; 2]>(), incx, scale, sumsq) }
}

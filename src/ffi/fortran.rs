//! Fortran BLAS names (gfortran convention): every argument by pointer, trailing underscore.
//!
//! `dnrm2_`, `snrm2_`, `dznrm2_`, `scnrm2_` take 32-bit integers (LP64 BLAS); the `_64_`
//! names take 64-bit integers (ILP64 BLAS, the suffix of reference LAPACK's and OpenBLAS's
//! ILP64 builds).  `snrm2_` and `scnrm2_` return `float` (gfortran; not the f2c `double`).
//! Semantics as the native API; bad input (a NULL `n` pointer, a NULL `x` or `incx` pointer
//! with `*n > 0`, or an unaddressable span) gives NaN, since BLAS has no error channel.  With
//! `*n <= 0` the result is 0 and neither `incx` nor `x` is read (as in reference BLAS).

use super::{blas_inc, blas_len, norm_or_nan};
use core::ffi::c_void;

/// Reads a by-reference integer argument; `None` for NULL.
///
/// # Safety
///
/// `p` is NULL or valid for one read.
unsafe fn arg<I: Copy + Into<i64>>(p: *const I) -> Option<i64> {
    // SAFETY: p is NULL (handled by as_ref) or valid for one read by the caller's contract;
    // read_unaligned tolerates any alignment.
    (!p.is_null()).then(|| unsafe { p.read_unaligned() }.into())
}

/// The common adapter of all Fortran names.
///
/// # Safety
///
/// `n` and `incx` are NULL or valid for one read; `x` as for the native API.
unsafe fn fortran<T: crate::strided::Element, I: Copy + Into<i64>>(
    n: *const I,
    x: *const T,
    incx: *const I,
) -> T::Real {
    // SAFETY: `n` is NULL or valid for one read (contract of the exported functions).
    let Some(n) = (unsafe { arg(n) }) else {
        return T::real(f64::NAN);
    };
    let len = blas_len(n);
    // As reference BLAS: `n <= 0` returns before `incx` or `x` is looked at.
    if len == 0 {
        return T::real(0.0);
    }
    // SAFETY: `incx` is NULL or valid for one read (contract of the exported functions).
    let Some(incx) = (unsafe { arg(incx) }) else {
        return T::real(f64::NAN);
    };
    match blas_inc(incx) {
        // SAFETY: the caller's contract on x is that of norm_or_nan.
        Some(inc) => unsafe { norm_or_nan(len, x, inc) },
        None => T::real(f64::NAN),
    }
}

/// Fortran `DNRM2` with 32-bit integers.
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn dnrm2_(n: *const i32, x: *const f64, incx: *const i32) -> f64 {
    // SAFETY: forwarded contract.
    unsafe { fortran(n, x, incx) }
}

/// Fortran `SNRM2 (returns float)` with 32-bit integers.
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn snrm2_(n: *const i32, x: *const f32, incx: *const i32) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { fortran(n, x, incx) }
}

/// Fortran `DZNRM2 (x: interleaved complex double)` with 32-bit integers.
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn dznrm2_(n: *const i32, x: *const c_void, incx: *const i32) -> f64 {
    // SAFETY: forwarded contract.
    unsafe { fortran(n, x.cast::<[f64; 2]>(), incx) }
}

/// Fortran `SCNRM2 (x: interleaved complex float; returns float)` with 32-bit integers.
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn scnrm2_(n: *const i32, x: *const c_void, incx: *const i32) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { fortran(n, x.cast::<[f32; 2]>(), incx) }
}

/// Fortran `DNRM2` with 64-bit integers (ILP64).
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn dnrm2_64_(n: *const i64, x: *const f64, incx: *const i64) -> f64 {
    // SAFETY: forwarded contract.
    unsafe { fortran(n, x, incx) }
}

/// Fortran `SNRM2 (returns float)` with 64-bit integers (ILP64).
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn snrm2_64_(n: *const i64, x: *const f32, incx: *const i64) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { fortran(n, x, incx) }
}

/// Fortran `DZNRM2 (x: interleaved complex double)` with 64-bit integers (ILP64).
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn dznrm2_64_(n: *const i64, x: *const c_void, incx: *const i64) -> f64 {
    // SAFETY: forwarded contract.
    unsafe { fortran(n, x.cast::<[f64; 2]>(), incx) }
}

/// Fortran `SCNRM2 (x: interleaved complex float; returns float)` with 64-bit integers (ILP64).
///
/// # Safety
///
/// `n` and `incx` are NULL or point to readable integers; when `*n > 0` and `x != NULL`, the
/// `(*n-1)*|*incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn scnrm2_64_(n: *const i64, x: *const c_void, incx: *const i64) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { fortran(n, x.cast::<[f32; 2]>(), incx) }
}

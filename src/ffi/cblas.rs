//! CBLAS names: `n` and `incx` by value, complex `x` as `const void *`.
//!
//! `cblas_?nrm2` take 32-bit `int` (the usual LP64 `CBLAS_INT`); `cblas_?nrm2_64` take
//! 64-bit integers (the ILP64 names of OpenBLAS and reference CBLAS).  Semantics as the native
//! API; bad input (NULL `x` with `n > 0`, an unaddressable span) gives NaN.

use super::{blas_inc, blas_len, norm_or_nan};
use core::ffi::c_void;

/// The common adapter of all CBLAS names.
///
/// # Safety
///
/// As for the native API.
unsafe fn cblas<T: crate::strided::Element, I: Into<i64>>(n: I, x: *const T, incx: I) -> T::Real {
    let len = blas_len(n.into());
    if len == 0 {
        return T::real(0.0);
    }
    match blas_inc(incx.into()) {
        // SAFETY: the caller's contract on x is that of norm_or_nan.
        Some(inc) => unsafe { norm_or_nan(len, x, inc) },
        None => T::real(f64::NAN),
    }
}

/// CBLAS `cblas_dnrm2` with 32-bit integers.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn cblas_dnrm2(n: i32, x: *const f64, incx: i32) -> f64 {
    // SAFETY: forwarded contract.
    unsafe { cblas(n, x, incx) }
}

/// CBLAS `cblas_snrm2` with 32-bit integers.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn cblas_snrm2(n: i32, x: *const f32, incx: i32) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { cblas(n, x, incx) }
}

/// CBLAS `cblas_dznrm2 (x: interleaved complex double)` with 32-bit integers.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn cblas_dznrm2(n: i32, x: *const c_void, incx: i32) -> f64 {
    // SAFETY: forwarded contract.
    unsafe { cblas(n, x.cast::<[f64; 2]>(), incx) }
}

/// CBLAS `cblas_scnrm2 (x: interleaved complex float)` with 32-bit integers.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn cblas_scnrm2(n: i32, x: *const c_void, incx: i32) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { cblas(n, x.cast::<[f32; 2]>(), incx) }
}

/// CBLAS `cblas_dnrm2` with 64-bit integers (ILP64).
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn cblas_dnrm2_64(n: i64, x: *const f64, incx: i64) -> f64 {
    // SAFETY: forwarded contract.
    unsafe { cblas(n, x, incx) }
}

/// CBLAS `cblas_snrm2` with 64-bit integers (ILP64).
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn cblas_snrm2_64(n: i64, x: *const f32, incx: i64) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { cblas(n, x, incx) }
}

/// CBLAS `cblas_dznrm2 (x: interleaved complex double)` with 64-bit integers (ILP64).
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn cblas_dznrm2_64(n: i64, x: *const c_void, incx: i64) -> f64 {
    // SAFETY: forwarded contract.
    unsafe { cblas(n, x.cast::<[f64; 2]>(), incx) }
}

/// CBLAS `cblas_scnrm2 (x: interleaved complex float)` with 64-bit integers (ILP64).
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` elements from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn cblas_scnrm2_64(n: i64, x: *const c_void, incx: i64) -> f32 {
    // SAFETY: forwarded contract.
    unsafe { cblas(n, x.cast::<[f32; 2]>(), incx) }
}

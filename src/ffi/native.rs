//! The native C API: `safenorm_*`.
//!
//! Lengths are `size_t`, strides `ptrdiff_t`; complex vectors are interleaved
//! (real, imaginary) pairs and `incx` counts complex elements.

use super::{norm_or_nan, norm_raw, Bad};
use core::ffi::{c_char, c_int};
use libc::ptrdiff_t;

/// Success.
pub const SAFENORM_OK: c_int = 0;
/// `x` was NULL while `n > 0`; nothing was read, `*out` was set to NaN.
pub const SAFENORM_ERR_NULL: c_int = 1;
/// `(n - 1) * |incx| + 1` elements are not addressable (the span overflows the address
/// space); nothing was read, `*out` was set to NaN.
pub const SAFENORM_ERR_STRIDE: c_int = 2;
/// `out` was NULL; nothing was computed.
pub const SAFENORM_ERR_OUT_NULL: c_int = 3;
/// An output overlaps the input (e.g. `norm` inside the span of `x`; batch functions: the
/// bytes from the lowest to the highest output overlap the bytes from the lowest to the
/// highest element read); nothing was read or written.
pub const SAFENORM_ERR_OVERLAP: c_int = 6;
/// The extents overflow the address space (the bytes from the lowest to the highest element
/// read, or written, of a whole batch do not fit `PTRDIFF_MAX`, or wrap around the end of
/// memory); nothing was read or written.
pub const SAFENORM_ERR_SIZE: c_int = 7;

fn status(b: Bad) -> c_int {
    match b {
        Bad::Null => SAFENORM_ERR_NULL,
        Bad::Stride => SAFENORM_ERR_STRIDE,
    }
}

/// Writes the outcome of a checked call.
///
/// # Safety
///
/// `out` is NULL or valid for one write of `R`.
unsafe fn checked<R: Copy>(out: *mut R, r: Result<R, Bad>, nan: R) -> c_int {
    if out.is_null() {
        return SAFENORM_ERR_OUT_NULL;
    }
    let (v, s) = match r {
        Ok(v) => (v, SAFENORM_OK),
        Err(b) => (nan, status(b)),
    };
    // SAFETY: out is non-null and, by the caller's contract, valid for one write.
    unsafe { out.write_unaligned(v) };
    s
}

/// Euclidean norm of a real double vector: `sqrt(sum_i x[i*incx]^2)`, correctly rounded.
///
/// Elements: `incx > 0`: `x[i*incx]`; `incx < 0`: `x[(n-1-i)*|incx|]` (the same elements,
/// reference BLAS order); `incx == 0`: `x[0]` counted `n` times, i.e. `sqrt(n)*|x[0]|`
/// correctly rounded.
///
/// Result: the exact norm rounded to nearest (ties to even), so at most 0.5 ulp from the
/// truth, for every input and stride, and bitwise the same on every CPU.  Under another
/// rounding mode (`fesetround`) the exact norm correctly rounded in that mode (downward and
/// toward zero: `DBL_MAX` instead of `+Inf` above it); flush-to-zero and traps change
/// nothing, and the caller's exception flags and control word are exactly restored (README,
/// "The floating-point environment").  No intermediate
/// overflow or underflow: a true norm above `DBL_MAX` gives `+Inf`, everything else is
/// finite.  Any NaN gives NaN (even beside an Inf); otherwise any `+-Inf` gives `+Inf`.
/// `n == 0` gives 0 without reading `x`.
///
/// Bad input: `x == NULL` with `n > 0`, or a span `(n-1)*|incx|+1` that is not addressable,
/// gives NaN without reading memory (use `safenorm_dnrm2_checked` to tell which).  `x` need not
/// be aligned.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` doubles from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dnrm2(n: usize, x: *const f64, incx: ptrdiff_t) -> f64 {
    // SAFETY: the caller's contract is that of norm_raw.
    unsafe { norm_or_nan(n, x, incx) }
}

/// Euclidean norm of a real float vector, correctly rounded to float (accumulated exactly
/// enough in double that the float result is the correctly rounded one).  Same rules as
/// `safenorm_dnrm2`; a true norm above `FLT_MAX` gives `+Inf`.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` floats from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_snrm2(n: usize, x: *const f32, incx: ptrdiff_t) -> f32 {
    // SAFETY: the caller's contract is that of norm_raw.
    unsafe { norm_or_nan(n, x, incx) }
}

/// Euclidean norm of a complex double vector `sqrt(sum |z_i|^2)`, correctly rounded.
/// `x` holds interleaved (re, im) pairs (C `double _Complex`, C++ `std::complex<double>`:
/// pass `reinterpret_cast<const double *>(p)`); `incx` counts complex elements.  Same rules
/// as `safenorm_dnrm2`; `incx == 0` gives `sqrt(n)*|x[0]|`.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `2*((n-1)*|incx|+1)` doubles from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dznrm2(n: usize, x: *const f64, incx: ptrdiff_t) -> f64 {
    // SAFETY: the caller's contract is that of norm_raw for [f64; 2] elements.
    unsafe { norm_or_nan(n, x.cast::<[f64; 2]>(), incx) }
}

/// Euclidean norm of a complex float vector, correctly rounded to float.  `x` holds
/// interleaved (re, im) float pairs; `incx` counts complex elements.  Same rules as
/// `safenorm_snrm2`.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `2*((n-1)*|incx|+1)` floats from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_scnrm2(n: usize, x: *const f32, incx: ptrdiff_t) -> f32 {
    // SAFETY: the caller's contract is that of norm_raw for [f32; 2] elements.
    unsafe { norm_or_nan(n, x.cast::<[f32; 2]>(), incx) }
}

/// As `safenorm_dnrm2`, reporting bad input: returns `SAFENORM_OK` and stores the norm in
/// `*out`, or returns `SAFENORM_ERR_NULL` / `SAFENORM_ERR_STRIDE` and stores NaN, or returns
/// `SAFENORM_ERR_OUT_NULL` if `out` is NULL.
///
/// # Safety
///
/// As for `safenorm_dnrm2`; `out` is NULL or points to a writable double.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dnrm2_checked(
    n: usize,
    x: *const f64,
    incx: ptrdiff_t,
    out: *mut f64,
) -> c_int {
    // SAFETY: the caller's contracts are those of norm_raw and checked.
    unsafe { checked(out, norm_raw(n, x, incx), f64::NAN) }
}

/// As `safenorm_snrm2`, reporting bad input like `safenorm_dnrm2_checked`.
///
/// # Safety
///
/// As for `safenorm_snrm2`; `out` is NULL or points to a writable float.
#[no_mangle]
pub unsafe extern "C" fn safenorm_snrm2_checked(
    n: usize,
    x: *const f32,
    incx: ptrdiff_t,
    out: *mut f32,
) -> c_int {
    // SAFETY: the caller's contracts are those of norm_raw and checked.
    unsafe { checked(out, norm_raw(n, x, incx), f32::NAN) }
}

/// As `safenorm_dznrm2`, reporting bad input like `safenorm_dnrm2_checked`.
///
/// # Safety
///
/// As for `safenorm_dznrm2`; `out` is NULL or points to a writable double.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dznrm2_checked(
    n: usize,
    x: *const f64,
    incx: ptrdiff_t,
    out: *mut f64,
) -> c_int {
    // SAFETY: the caller's contracts are those of norm_raw and checked.
    unsafe { checked(out, norm_raw(n, x.cast::<[f64; 2]>(), incx), f64::NAN) }
}

/// As `safenorm_scnrm2`, reporting bad input like `safenorm_dnrm2_checked`.
///
/// # Safety
///
/// As for `safenorm_scnrm2`; `out` is NULL or points to a writable float.
#[no_mangle]
pub unsafe extern "C" fn safenorm_scnrm2_checked(
    n: usize,
    x: *const f32,
    incx: ptrdiff_t,
    out: *mut f32,
) -> c_int {
    // SAFETY: the caller's contracts are those of norm_raw and checked.
    unsafe { checked(out, norm_raw(n, x.cast::<[f32; 2]>(), incx), f32::NAN) }
}

/// The library version, e.g. `"0.1.0"` (a static NUL-terminated string).
#[no_mangle]
pub extern "C" fn safenorm_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The name of the kernel this process uses: `"scalar"`, `"avx2"`, `"avx512"` or `"neon"`
/// (a static NUL-terminated string).  The first call chooses it from the CPU, or from the
/// environment variable `SAFENORM_ISA` when that names a path this CPU can run.  Every kernel
/// returns bitwise the same results.
#[no_mangle]
pub extern "C" fn safenorm_active_kernel() -> *const c_char {
    let name: &'static str = match crate::api::active_isa() {
        crate::Isa::Scalar => "scalar\0",
        crate::Isa::Avx2 => "avx2\0",
        crate::Isa::Avx512 => "avx512\0",
        crate::Isa::Neon => "neon\0",
    };
    name.as_ptr().cast()
}

/// A static description of a status code returned by the `_checked` and state functions.
#[no_mangle]
pub extern "C" fn safenorm_strerror(status: c_int) -> *const c_char {
    let s: &'static str = match status {
        SAFENORM_OK => "ok\0",
        SAFENORM_ERR_NULL => "x is NULL while n > 0\0",
        SAFENORM_ERR_STRIDE => {
            "(n-1)*|incx|+1 elements are not addressable, or an invalid stride (e.g. incout == 0 with batch > 1)\0"
        }
        SAFENORM_ERR_OUT_NULL => "out is NULL\0",
        super::state::SAFENORM_ERR_STATE => {
            "the state is NULL, not a valid safenorm state, or out of range\0"
        }
        SAFENORM_ERR_OVERLAP => "an output overlaps the input\0",
        SAFENORM_ERR_SIZE => "the extents overflow the address space\0",
        super::state::SAFENORM_NEED_EXACT => {
            "faithfully rounded: the bound cannot decide; the exact state gives the correctly rounded norm\0"
        }
        _ => "unknown status\0",
    };
    s.as_ptr().cast()
}

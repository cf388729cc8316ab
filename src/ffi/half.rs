//! The half-precision C API: `safenorm_hnrm2` (IEEE binary16), `safenorm_bfnrm2`
//! (bfloat16) and their strided batches.  Data are `uint16_t` bit patterns; results are
//! binary32 (`float`), correctly rounded.  (The state functions `safenorm_sumsq_add_h` /
//! `_bf` are in `state.rs`.)

use super::native::{
    SAFENORM_ERR_NULL, SAFENORM_ERR_OUT_NULL, SAFENORM_ERR_OVERLAP, SAFENORM_ERR_SIZE,
    SAFENORM_ERR_STRIDE, SAFENORM_OK,
};
use super::norm_or_nan;
use crate::half::{BF16, F16};
use crate::strided::Element;
use core::ffi::c_int;
use libc::ptrdiff_t;

/// Euclidean norm of a vector of IEEE 754 binary16 values (`uint16_t` bit patterns, e.g.
/// `_Float16` / `__fp16` storage), as a `float`: the exact norm rounded to nearest (ties to
/// even).  Every binary16 value is a float value, so the result is bitwise
/// `safenorm_snrm2` of the vector widened to float (binary16 itself could not hold most
/// norms: 5000 entries of 65504 have norm 4631832.26).  Same rules as `safenorm_snrm2`:
/// `incx > 0`: `x[i*incx]`; `incx < 0`: `x[(n-1-i)*|incx|]`; `incx == 0`: `x[0]` counted `n`
/// times; any NaN pattern gives NaN (even beside an Inf); otherwise any infinity gives
/// `+Inf`; `n == 0` gives 0 without reading `x`.  Bad input (`x == NULL` with `n > 0`, a span
/// `(n-1)*|incx|+1` that is not addressable) gives NaN without reading memory.  `x` need not
/// be aligned.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` `uint16_t` from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_hnrm2(n: usize, x: *const u16, incx: ptrdiff_t) -> f32 {
    // SAFETY: the caller's contract is that of norm_raw; F16 is a transparent u16.
    unsafe { norm_or_nan(n, x.cast::<F16>(), incx) }
}

/// Euclidean norm of a vector of bfloat16 values (`uint16_t` bit patterns: the upper half of
/// a float), as a `float`, correctly rounded: bitwise `safenorm_snrm2` of the widened
/// vector.  Same rules as `safenorm_hnrm2`.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` `uint16_t` from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_bfnrm2(n: usize, x: *const u16, incx: ptrdiff_t) -> f32 {
    // SAFETY: the caller's contract is that of norm_raw; BF16 is a transparent u16.
    unsafe { norm_or_nan(n, x.cast::<BF16>(), incx) }
}

/// The extent `[lo, hi]` (in elements, relative to the base pointer) of `count` positions
/// `k * step`, `k < count`, each followed by `extra` more elements.
fn extent(count: usize, step: isize, extra: i128) -> (i128, i128) {
    let last = (count as i128 - 1) * step as i128;
    (last.min(0), last.max(0) + extra)
}

/// The byte range `[start, end)` of the extent `[lo, hi]` of elements of `size` bytes at
/// `base`, if it fits `isize` bytes and does not wrap around the address space.
fn byte_range(base: usize, (lo, hi): (i128, i128), size: usize) -> Option<(i128, i128)> {
    let bytes = (hi - lo + 1).checked_mul(size as i128)?;
    if bytes > isize::MAX as i128 {
        return None;
    }
    let start = base as i128 + lo * size as i128;
    let end = start + bytes;
    (start >= 0 && end <= usize::MAX as i128 + 1).then_some((start, end))
}

/// The batch driver of the half-precision norms: checks the arguments (in the order of the
/// documented status codes) and writes `out[b*incout]` = the norm of vector `b`.
///
/// # Safety
///
/// As for `safenorm_hnrm2_batch`, with `T` the element type of `x`.
unsafe fn batch<T: Element<Real = f32>>(
    n: usize,
    x: *const T,
    incx: isize,
    stridex: isize,
    count: usize,
    out: *mut f32,
    incout: isize,
) -> c_int {
    if count == 0 {
        return SAFENORM_OK;
    }
    if out.is_null() {
        return SAFENORM_ERR_OUT_NULL;
    }
    if incout == 0 && count > 1 {
        return SAFENORM_ERR_STRIDE;
    }
    if n > 0 && x.is_null() {
        return SAFENORM_ERR_NULL;
    }
    let size = core::mem::size_of::<f32>();
    let Some(o) = byte_range(out as usize, extent(count, incout, 0), size) else {
        return SAFENORM_ERR_SIZE;
    };
    if n > 0 {
        let per = (n as i128 - 1) * incx.unsigned_abs() as i128;
        let size = core::mem::size_of::<T>();
        let Some(i) = byte_range(x as usize, extent(count, stridex, per), size) else {
            return SAFENORM_ERR_SIZE;
        };
        if o.0 < i.1 && i.0 < o.1 {
            return SAFENORM_ERR_OVERLAP;
        }
    }
    for b in 0..count {
        // b * incout (and, for n > 0, b * stridex) lie inside the extents checked above
        // (which fit isize bytes), so the products do not overflow.
        let v = if n == 0 {
            0.0
        } else {
            let xb = x.wrapping_offset(b as isize * stridex);
            // SAFETY: vector b lies inside the checked input span, readable by the caller's
            // contract.
            unsafe { norm_or_nan(n, xb, incx) }
        };
        // SAFETY: out[b * incout] lies inside the checked output span, writable by the
        // caller's contract and disjoint from the input; unaligned write.
        unsafe { out.offset(b as isize * incout).write_unaligned(v) };
    }
    SAFENORM_OK
}

/// Norms of a strided batch of binary16 vectors: vector `b` (`0 <= b < batch`) starts at
/// `x + b*stridex` (in elements; `stridex` may be negative) and has `n` elements at stride
/// `incx` (the rules of `safenorm_hnrm2`); `out[b*incout]` gets its norm, bitwise
/// `safenorm_hnrm2(n, x + b*stridex, incx)`.  `n == 0`: every output is set to 0 and `x` is
/// not read (it may be NULL).  `batch == 0`: nothing is done, `SAFENORM_OK`.
///
/// Returns `SAFENORM_OK`, or without writing anything: `SAFENORM_ERR_OUT_NULL` (`out` NULL,
/// `batch > 0`), `SAFENORM_ERR_STRIDE` (`incout == 0` with `batch > 1`), `SAFENORM_ERR_NULL`
/// (`x` NULL with `n > 0`), `SAFENORM_ERR_SIZE` (the span of all the input vectors or of the
/// outputs does not fit the address space), `SAFENORM_ERR_OVERLAP` (the outputs' span
/// overlaps the inputs' span), checked in this order.
///
/// # Safety
///
/// When `n > 0`, every element `x[b*stridex + i*|incx|]` (`b < batch`, `i < n`) must be
/// readable (the whole span between the lowest and the highest of them must lie in one
/// object); `out[b*incout]` (`b < batch`) must be writable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_hnrm2_batch(
    n: usize,
    x: *const u16,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    out: *mut f32,
    incout: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract; F16 is a transparent u16.
    unsafe { self::batch(n, x.cast::<F16>(), incx, stridex, batch, out, incout) }
}

/// As `safenorm_hnrm2_batch` for bfloat16 vectors (each norm bitwise `safenorm_bfnrm2`).
///
/// # Safety
///
/// As for `safenorm_hnrm2_batch`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_bfnrm2_batch(
    n: usize,
    x: *const u16,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    out: *mut f32,
    incout: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract; BF16 is a transparent u16.
    unsafe { self::batch(n, x.cast::<BF16>(), incx, stridex, batch, out, incout) }
}

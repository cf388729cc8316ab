//! The C batch and matrix functions: `safenorm_?nrm2_batch` and `safenorm_?nrm2_matrix`.
//!
//! Thin adapters: they check the scalars and the address arithmetic, build slices that
//! start at the lowest address (the layout of [`crate::nrm2_batch`], which is the C pointer
//! layout: vector `b` at `x + b*stridex`, its norm at `out + b*incout`), and call the safe
//! API.  Misaligned pointers take a vector-by-vector path with unaligned reads and writes.

use super::native::{
    SAFENORM_ERR_NULL, SAFENORM_ERR_OUT_NULL, SAFENORM_ERR_OVERLAP, SAFENORM_ERR_SIZE,
    SAFENORM_ERR_STRIDE, SAFENORM_OK,
};
use super::{norm_raw, Unaligned};
use crate::format::Format;
use crate::strided::{ChunkSource, Element};
use core::ffi::c_int;
use core::mem::size_of;
use libc::ptrdiff_t;

/// The byte interval `[lo, hi)` of `count` items of `size` bytes with stride `inc` items,
/// item 0 at address `p` (items at `p + b*inc`); `None` if it does not fit `isize::MAX`
/// bytes or wraps around the end of memory.  `count >= 1`.
fn byte_span(
    p: usize,
    count: usize,
    inc: isize,
    extra: usize,
    size: usize,
) -> Option<(usize, usize)> {
    let items = (count - 1)
        .checked_mul(inc.unsigned_abs())?
        .checked_add(extra)?;
    let bytes = items.checked_mul(size)?;
    if bytes > isize::MAX as usize {
        return None;
    }
    let back = if inc < 0 {
        (count - 1)
            .checked_mul(inc.unsigned_abs())?
            .checked_mul(size)?
    } else {
        0
    };
    let lo = p.checked_sub(back)?;
    let hi = lo.checked_add(bytes)?;
    Some((lo, hi))
}

/// The batch adapter (see `safenorm_dnrm2_batch`).
///
/// # Safety
///
/// As documented on `safenorm_dnrm2_batch` for elements of type `T`.
unsafe fn batch_raw<T: Element>(
    n: usize,
    x: *const T,
    incx: isize,
    stridex: isize,
    batch: usize,
    out: *mut T::Real,
    incout: isize,
) -> c_int {
    if batch == 0 {
        return SAFENORM_OK;
    }
    if out.is_null() {
        return SAFENORM_ERR_OUT_NULL;
    }
    if n > 0 && x.is_null() {
        return SAFENORM_ERR_NULL;
    }
    if incout == 0 && batch > 1 {
        return SAFENORM_ERR_STRIDE;
    }
    let rsize = size_of::<T::Real>();
    let Some((out_lo, out_hi)) = byte_span(out as usize, batch, incout, 1, rsize) else {
        return SAFENORM_ERR_SIZE;
    };
    let out_len = (out_hi - out_lo) / rsize;
    // The input's span (none when n == 0: x is not read).
    let x_span = if n == 0 {
        None
    } else {
        let extra = match (n - 1)
            .checked_mul(incx.unsigned_abs())
            .and_then(|v| v.checked_add(1))
        {
            Some(e) => e,
            None => return SAFENORM_ERR_SIZE,
        };
        match byte_span(x as usize, batch, stridex, extra, size_of::<T>()) {
            Some(s) => Some(s),
            None => return SAFENORM_ERR_SIZE,
        }
    };
    if let Some((x_lo, x_hi)) = x_span {
        if out_lo < x_hi && x_lo < out_hi {
            return SAFENORM_ERR_OVERLAP;
        }
    }
    let x_lo_ptr = x.wrapping_byte_sub(x as usize - x_span.map_or(x as usize, |s| s.0));
    let out_lo_ptr = out.wrapping_byte_sub(out as usize - out_lo);
    if (n == 0 || x.is_aligned()) && out.is_aligned() {
        let xs: &[T] = match x_span {
            // SAFETY: x_lo_ptr is the lowest element the batch reads (x moved back by
            // (batch-1)*|stridex| elements when stridex < 0, checked not to wrap), non-null
            // and aligned (x is, and the offset is a whole number of elements); the span of
            // (x_hi - x_lo) bytes is at most isize::MAX, does not wrap, and is readable by the
            // caller's contract.
            Some((lo, hi)) => unsafe {
                core::slice::from_raw_parts(x_lo_ptr, (hi - lo) / size_of::<T>())
            },
            None => &[],
        };
        // SAFETY: out_lo_ptr is the lowest output (out moved back by (batch-1)*|incout|
        // elements when incout < 0, checked not to wrap), non-null and aligned; the
        // out_len elements are writable by the caller's contract, fit isize::MAX bytes, and
        // do not overlap the input slice (checked above), so no other reference aliases them.
        let os: &mut [T::Real] = unsafe { core::slice::from_raw_parts_mut(out_lo_ptr, out_len) };
        return match crate::nrm2_batch(xs, n, incx, stridex, batch, os, incout) {
            Ok(()) => SAFENORM_OK,
            Err(_) => SAFENORM_ERR_SIZE, // unreachable: the spans were checked above
        };
    }
    // Misaligned input or output: vector by vector, unaligned reads and writes.
    for b in 0..batch {
        let xb = x.wrapping_offset((b as isize).wrapping_mul(stridex));
        // SAFETY: vector b lies inside the checked input span, readable by the caller's
        // contract (norm_raw reads misaligned data with unaligned loads); n == 0 reads
        // nothing.
        let v = match unsafe { norm_raw(n, xb, incx) } {
            Ok(v) => v,
            Err(_) => T::real(f64::NAN), // unreachable: the span was checked above
        };
        let ob = out.wrapping_offset((b as isize).wrapping_mul(incout));
        // SAFETY: ob is output b, inside the checked output span, writable by the caller's
        // contract and disjoint from the input; write_unaligned has no alignment requirement.
        unsafe { ob.write_unaligned(v) };
    }
    SAFENORM_OK
}

/// The columns of a matrix whose base pointer is misaligned, read with unaligned loads.
struct UnalignedColumns<T> {
    a: *const T,
    m: usize,
    k: usize,
    lda: usize,
}

impl<T: Element> ChunkSource for UnalignedColumns<T> {
    fn format(&self) -> Format {
        T::FORMAT
    }

    fn repeated(&self) -> Option<([f64; 2], u64)> {
        None
    }

    fn for_each_chunk(&self, f: &mut dyn FnMut(&[f64])) {
        for j in 0..self.k {
            let col = Unaligned {
                base: self.a.wrapping_add(j * self.lda),
                n: self.m,
                stride: 1,
            };
            col.for_each_chunk(f);
        }
    }
}

/// The matrix adapter (see `safenorm_dnrm2_matrix`).
///
/// # Safety
///
/// As documented on `safenorm_dnrm2_matrix` for elements of type `T`.
unsafe fn matrix_raw<T: Element>(m: usize, k: usize, a: *const T, lda: usize) -> T::Real {
    if lda < m.max(1) {
        return T::real(f64::NAN);
    }
    if m == 0 || k == 0 {
        return T::real(0.0);
    }
    if a.is_null() {
        return T::real(f64::NAN);
    }
    let Some((lo, hi)) = byte_span(a as usize, k, lda as isize, m, size_of::<T>())
        .filter(|_| isize::try_from(lda).is_ok())
    else {
        return T::real(f64::NAN);
    };
    let len = (hi - lo) / size_of::<T>();
    if a.is_aligned() {
        // SAFETY: a is non-null and aligned; the (k-1)*lda + m elements fit isize::MAX bytes
        // without wrapping (checked above) and are readable by the caller's contract.
        let s = unsafe { core::slice::from_raw_parts(a, len) };
        return crate::nrm2_matrix(s, m, k, lda).unwrap_or(T::real(f64::NAN));
    }
    // Every column lies inside the checked span; Unaligned reads element by element.  The
    // conversion to `T::Real` runs inside the environment guard (under FTZ a subnormal
    // binary32 norm converted here would be flushed to zero).
    crate::api::nrm2_source_real::<T>(&UnalignedColumns { a, m, k, lda })
}

/// Norms of a strided batch of real double vectors: `out[b*incout] =
/// safenorm_dnrm2(n, x + b*stridex, incx)` for `0 <= b < batch`, bitwise (every norm is
/// correctly rounded).
///
/// Layouts: column norms of a column-major `m x k` matrix `a` (leading dimension `lda`):
/// `(m, a, 1, lda, k)`; its row norms: `(k, a, lda, 1, m)`; rows of a row-major matrix:
/// `(k, a, 1, lda, m)`.  Both directions are fast: when consecutive vectors are adjacent
/// (`|stridex| == 1`) and `|incx| > 1`, the library loads element `j` of several vectors at
/// once (one SIMD lane per vector).  Strides may be negative (`x + b*stridex` and
/// `out + b*incout` then lie below `x` / `out`); `incx < 0` and `incx == 0` have their BLAS
/// meaning within each vector.
///
/// Returns `SAFENORM_OK`, or (nothing written): `SAFENORM_ERR_OUT_NULL` (`out` NULL with
/// `batch > 0`), `SAFENORM_ERR_NULL` (`x` NULL with `n > 0` and `batch > 0`),
/// `SAFENORM_ERR_STRIDE` (`incout == 0` with `batch > 1`), `SAFENORM_ERR_SIZE` (the bytes
/// from the lowest to the highest element read, or output written, exceed `PTRDIFF_MAX` or
/// wrap around), `SAFENORM_ERR_OVERLAP` (the byte range of the outputs, lowest to highest,
/// intersects that of the elements read: a conservative interval test).  `batch == 0`:
/// nothing is done (`SAFENORM_OK`, pointers may be NULL).  `n == 0`: every output is 0 and
/// `x` is not read (it may be NULL).  Pointers need not be aligned.
///
/// # Safety
///
/// When `batch > 0`: the `(batch-1)*|incout| + 1` doubles from the lowest output to the
/// highest must be writable; when also `n > 0`, the `(batch-1)*|stridex| + (n-1)*|incx| + 1`
/// doubles from the lowest element read to the highest must be readable, and not written
/// concurrently.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dnrm2_batch(
    n: usize,
    x: *const f64,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    out: *mut f64,
    incout: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract is that of batch_raw.
    unsafe { batch_raw(n, x, incx, stridex, batch, out, incout) }
}

/// Norms of a strided batch of real float vectors, as `safenorm_dnrm2_batch` (each equal to
/// `safenorm_snrm2` of the vector).
///
/// # Safety
///
/// As for `safenorm_dnrm2_batch`, in floats.
#[no_mangle]
pub unsafe extern "C" fn safenorm_snrm2_batch(
    n: usize,
    x: *const f32,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    out: *mut f32,
    incout: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract is that of batch_raw.
    unsafe { batch_raw(n, x, incx, stridex, batch, out, incout) }
}

/// Norms of a strided batch of complex double vectors (interleaved re, im), as
/// `safenorm_dnrm2_batch` (each equal to `safenorm_dznrm2` of the vector); `incx` and
/// `stridex` count complex elements, `out` holds doubles.
///
/// # Safety
///
/// As for `safenorm_dnrm2_batch`, in complex doubles (twice as many doubles) for `x`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dznrm2_batch(
    n: usize,
    x: *const f64,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    out: *mut f64,
    incout: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract is that of batch_raw for [f64; 2] elements.
    unsafe { batch_raw(n, x.cast::<[f64; 2]>(), incx, stridex, batch, out, incout) }
}

/// Norms of a strided batch of complex float vectors, as `safenorm_dznrm2_batch` (each
/// equal to `safenorm_scnrm2` of the vector).
///
/// # Safety
///
/// As for `safenorm_dnrm2_batch`, in complex floats for `x` and floats for `out`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_scnrm2_batch(
    n: usize,
    x: *const f32,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    out: *mut f32,
    incout: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract is that of batch_raw for [f32; 2] elements.
    unsafe { batch_raw(n, x.cast::<[f32; 2]>(), incx, stridex, batch, out, incout) }
}

/// Frobenius norm `sqrt(sum |a_ij|^2)` of the column-major `m x k` double matrix with
/// leading dimension `lda` (element `(i, j)` at `a[i + j*lda]`), correctly rounded.
///
/// `m == 0` or `k == 0` gives 0 without reading `a`.  Bad input gives NaN without reading
/// memory: `lda < max(1, m)` (checked first, also for an empty matrix), `a == NULL` with
/// `m*k > 0`, a span `(k-1)*lda + m` that is not addressable.  `a` need not be aligned.
///
/// # Safety
///
/// When `m > 0` and `k > 0`, the `(k-1)*lda + m` doubles from `a` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dnrm2_matrix(
    m: usize,
    k: usize,
    a: *const f64,
    lda: usize,
) -> f64 {
    // SAFETY: the caller's contract is that of matrix_raw.
    unsafe { matrix_raw(m, k, a, lda) }
}

/// Frobenius norm of a float matrix, correctly rounded to float; as `safenorm_dnrm2_matrix`.
///
/// # Safety
///
/// When `m > 0` and `k > 0`, the `(k-1)*lda + m` floats from `a` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_snrm2_matrix(
    m: usize,
    k: usize,
    a: *const f32,
    lda: usize,
) -> f32 {
    // SAFETY: the caller's contract is that of matrix_raw.
    unsafe { matrix_raw(m, k, a, lda) }
}

/// Frobenius norm of a complex double matrix (interleaved re, im); `lda` counts complex
/// elements.  As `safenorm_dnrm2_matrix`.
///
/// # Safety
///
/// When `m > 0` and `k > 0`, the `2*((k-1)*lda + m)` doubles from `a` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dznrm2_matrix(
    m: usize,
    k: usize,
    a: *const f64,
    lda: usize,
) -> f64 {
    // SAFETY: the caller's contract is that of matrix_raw for [f64; 2] elements.
    unsafe { matrix_raw(m, k, a.cast::<[f64; 2]>(), lda) }
}

/// Frobenius norm of a complex float matrix, correctly rounded to float; `lda` counts
/// complex elements.  As `safenorm_dnrm2_matrix`.
///
/// # Safety
///
/// When `m > 0` and `k > 0`, the `2*((k-1)*lda + m)` floats from `a` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_scnrm2_matrix(
    m: usize,
    k: usize,
    a: *const f32,
    lda: usize,
) -> f32 {
    // SAFETY: the caller's contract is that of matrix_raw for [f32; 2] elements.
    unsafe { matrix_raw(m, k, a.cast::<[f32; 2]>(), lda) }
}

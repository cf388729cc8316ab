//! The C API of normalisation: `safenorm_?normalize` and `safenorm_?normalize_batch`,
//! `x <- x / ||x||` in place (the numerics, special values and error bound are those of
//! `crate::normalize`; here only checks, views and status codes).
//!
//! Checks, in this order, before anything is read or written (an error leaves `x` and the
//! outputs unchanged):
//! * `n == 0` (or `batch == 0`): nothing to do; the norms (when given) are set to 0.
//! * `x == NULL`: `SAFENORM_ERR_NULL`.
//! * `incx == 0` with `n > 1`, or (batch) `stridex == 0` with `batch > 1`, or `incnorm == 0`
//!   with `batch > 1`: `SAFENORM_ERR_STRIDE` (writing the same elements again has no
//!   meaning); a vector span `(n-1)*|incx|+1` that is not addressable: `SAFENORM_ERR_STRIDE`.
//! * (batch) the span of all vectors or of all norms not addressable: `SAFENORM_ERR_SIZE`.
//! * an output's bytes intersecting the byte span of the vectors: `SAFENORM_ERR_OVERLAP`.
//!
//! `x` and the outputs need not be aligned (misaligned data are read and written with
//! unaligned accesses).

use super::native::{
    SAFENORM_ERR_NULL, SAFENORM_ERR_OVERLAP, SAFENORM_ERR_SIZE, SAFENORM_ERR_STRIDE, SAFENORM_OK,
};
use crate::format::Format;
use crate::strided::{gather, required_len, ChunkSource, Element, Rewritable, Rewrite, StridedMut};
use core::ffi::c_int;
use core::mem::size_of;
use libc::ptrdiff_t;

/// A strided vector in C memory whose base is not aligned for `T`, read and written with
/// unaligned accesses (built only by [`normalize_raw`], after its checks).
struct UnalignedMut<T> {
    base: *mut T,
    n: usize,
    stride: usize,
}

impl<T: Element> UnalignedMut<T> {
    /// Element `i`'s address, for `i < n`.
    fn at(&self, i: usize) -> *mut T {
        self.base.wrapping_add(i.wrapping_mul(self.stride))
    }
}

impl<T: Element> ChunkSource for UnalignedMut<T> {
    fn format(&self) -> Format {
        T::FORMAT
    }

    fn repeated(&self) -> Option<([f64; 2], u64)> {
        None
    }

    fn for_each_chunk(&self, f: &mut dyn FnMut(&[f64])) {
        let mut i = 0;
        let mut next = || {
            if i >= self.n {
                return None;
            }
            // SAFETY: i < n, so i * stride <= (n - 1) * stride, which `normalize_raw` checked
            // to lie inside the caller's span without overflow; read_unaligned has no
            // alignment requirement.
            let e = unsafe { self.at(i).read_unaligned() };
            i += 1;
            Some(e)
        };
        gather(&mut next, f);
    }
}

impl<T: Rewritable> Rewrite for UnalignedMut<T> {
    fn rewrite<F: FnMut(f64) -> f64>(&mut self, mut f: F) {
        for i in 0..self.n {
            let p = self.at(i);
            // SAFETY: as in `for_each_chunk`; the caller's contract makes the span writable
            // and not accessed concurrently.
            let e = unsafe { p.read_unaligned() };
            let mut v = [0.0; 2];
            for (k, slot) in v.iter_mut().enumerate().take(T::PARTS) {
                *slot = f(e.part(k));
            }
            // SAFETY: as above.
            unsafe { p.write_unaligned(T::from_parts(v)) };
        }
    }
}

/// The byte range `[start, end)` of `count` elements of `size` bytes from the address
/// `base + lowest * size` (`lowest <= 0`), or `None` when it is not addressable (overflows,
/// more than `isize::MAX` bytes, below address 0 or past the end of memory).
fn byte_range(base: usize, lowest: isize, count: usize, size: usize) -> Option<(usize, usize)> {
    let bytes = count
        .checked_mul(size)
        .filter(|&b| b <= isize::MAX as usize)?;
    let below = lowest.unsigned_abs().checked_mul(size)?;
    let start = base.checked_sub(below)?;
    let end = start.checked_add(bytes)?;
    Some((start, end))
}

/// True when the byte ranges intersect.
fn overlap(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Normalises the vector `(n, x, incx)` (`n > 0`, `x` non-null, span checked by the
/// caller), returning the rounded norm.
///
/// # Safety
///
/// The `(n - 1) * |incx| + 1` elements from `x` are addressable (checked by the caller: no
/// overflow, at most `isize::MAX` bytes, no wrap), readable and writable, and not accessed
/// concurrently; `x` need not be aligned.
unsafe fn normalize_raw<T: Rewritable>(n: usize, x: *mut T, incx: isize, span: usize) -> T::Real {
    if x.is_aligned() {
        // SAFETY: x is non-null and aligned, and the span is addressable, readable and
        // writable and not aliased during the call (the caller's contract).
        let data = unsafe { core::slice::from_raw_parts_mut(x, span) };
        match StridedMut::new(data, n, incx) {
            Ok(mut v) => crate::api::normalize_view(&mut v),
            // Not reached: the caller checked n, incx and the span.
            Err(_) => T::real(f64::NAN),
        }
    } else {
        let mut u = UnalignedMut {
            base: x,
            n,
            stride: incx.unsigned_abs(),
        };
        crate::api::normalize_source::<T, _>(&mut u)
    }
}

/// The common body of the single-vector functions.
///
/// # Safety
///
/// As for `safenorm_dnormalize` with element type `T`; `norm` is NULL or valid for one
/// (unaligned) write of `T::Real`.
unsafe fn normalize_one<T: Rewritable>(
    n: usize,
    x: *mut T,
    incx: isize,
    norm: *mut T::Real,
) -> c_int {
    let r = if n == 0 {
        T::real(0.0)
    } else {
        if x.is_null() {
            return SAFENORM_ERR_NULL;
        }
        if n > 1 && incx == 0 {
            return SAFENORM_ERR_STRIDE;
        }
        let Some(span) = required_len(n, incx.unsigned_abs()) else {
            return SAFENORM_ERR_STRIDE;
        };
        let Some(xr) = byte_range(x as usize, 0, span, size_of::<T>()) else {
            return SAFENORM_ERR_STRIDE;
        };
        if !norm.is_null() {
            match byte_range(norm as usize, 0, 1, size_of::<T::Real>()) {
                Some(nr) if !overlap(nr, xr) => {}
                _ => return SAFENORM_ERR_OVERLAP,
            }
        }
        // SAFETY: n > 0, x non-null, the span checked above; the caller's contract.
        unsafe { normalize_raw(n, x, incx, span) }
    };
    if !norm.is_null() {
        // SAFETY: norm is non-null and valid for one write by the caller's contract.
        unsafe { norm.write_unaligned(r) };
    }
    SAFENORM_OK
}

/// The common body of the batch functions (module documentation).
///
/// # Safety
///
/// As for `safenorm_dnormalize_batch` with element type `T`.
unsafe fn normalize_batch<T: Rewritable>(
    n: usize,
    x: *mut T,
    incx: isize,
    stridex: isize,
    batch: usize,
    norms: *mut T::Real,
    incnorm: isize,
) -> c_int {
    if batch == 0 {
        return SAFENORM_OK;
    }
    let last = batch - 1;
    let mut nr = None;
    if !norms.is_null() {
        if batch > 1 && incnorm == 0 {
            return SAFENORM_ERR_STRIDE;
        }
        let reach = last.checked_mul(incnorm.unsigned_abs());
        let lowest = if incnorm < 0 { reach } else { Some(0) };
        let r = match (reach, lowest.and_then(|l| isize::try_from(l).ok())) {
            (Some(reach), Some(low)) => reach
                .checked_add(1)
                .and_then(|count| byte_range(norms as usize, -low, count, size_of::<T::Real>())),
            _ => None,
        };
        let Some(r) = r else {
            return SAFENORM_ERR_SIZE;
        };
        nr = Some(r);
    }
    let write_norm = |b: usize, v: T::Real| {
        if !norms.is_null() {
            let off = (b as isize).wrapping_mul(incnorm);
            // SAFETY: b < batch, so the element lies in the norms' span checked above
            // (addressable, disjoint from x); the caller's contract makes it writable.
            unsafe { norms.wrapping_offset(off).write_unaligned(v) };
        }
    };
    if n == 0 {
        for b in 0..batch {
            write_norm(b, T::real(0.0));
        }
        return SAFENORM_OK;
    }
    if x.is_null() {
        return SAFENORM_ERR_NULL;
    }
    if (n > 1 && incx == 0) || (batch > 1 && stridex == 0) {
        return SAFENORM_ERR_STRIDE;
    }
    let Some(span) = required_len(n, incx.unsigned_abs()) else {
        return SAFENORM_ERR_STRIDE;
    };
    if byte_range(x as usize, 0, span, size_of::<T>()).is_none() {
        return SAFENORM_ERR_STRIDE;
    }
    let reach = last.checked_mul(stridex.unsigned_abs());
    let lowest = if stridex < 0 { reach } else { Some(0) };
    let xr = match (reach, lowest.and_then(|l| isize::try_from(l).ok())) {
        (Some(reach), Some(low)) => reach
            .checked_add(span)
            .and_then(|count| byte_range(x as usize, -low, count, size_of::<T>())),
        _ => None,
    };
    let Some(xr) = xr else {
        return SAFENORM_ERR_SIZE;
    };
    if let Some(nr) = nr {
        if overlap(nr, xr) {
            return SAFENORM_ERR_OVERLAP;
        }
    }
    for b in 0..batch {
        let xb = x.wrapping_offset((b as isize).wrapping_mul(stridex));
        // SAFETY: vector b's span lies inside the batch span checked above (addressable);
        // the caller's contract makes it readable and writable; one vector at a time.
        let r = unsafe { normalize_raw(n, xb, incx, span) };
        write_norm(b, r);
    }
    SAFENORM_OK
}

/// Normalises a real double vector in place: `x[i*incx] <- x[i*incx] / ||x||`, and stores
/// the norm `||x||` correctly rounded in `*norm` (`norm` may be NULL; `+Inf` when the norm
/// exceeds `DBL_MAX`).
///
/// Elements as for `safenorm_dnrm2` (`incx < 0` names the same elements; `incx == 0` is
/// allowed only for `n <= 1`).  Each quotient is the exact `x_i / ||x||` rounded to nearest,
/// except within `2^-26` ulp of a rounding midpoint: at most `0.5 + 2^-26` ulp from the
/// exact quotient, with no overflow or underflow in between (`||x||` may exceed `DBL_MAX`,
/// e.g. two entries `DBL_MAX` give `0x1.6a09e667f3bcdp-1` each, or be subnormal); subnormal
/// quotients are rounded once.
///
/// Special values: all components `+-0` (and `n == 0`): `x` unchanged, `*norm = 0`.  Any
/// NaN: every component becomes NaN, `*norm = NaN`.  Otherwise infinities: `*norm = +Inf`,
/// finite components become `+-0`, a single infinite component `+-1`, two or more infinite
/// components NaN (the limit of `x_i / ||x||` as the infinite components grow, NaN where it
/// depends on how they grow).  These are results, returned with `SAFENORM_OK`.
///
/// Returns `SAFENORM_OK`, or without touching memory: `SAFENORM_ERR_NULL` (`x == NULL`,
/// `n > 0`), `SAFENORM_ERR_STRIDE` (`incx == 0` with `n > 1`, or a span
/// `(n-1)*|incx|+1` that is not addressable), `SAFENORM_ERR_OVERLAP` (`norm` inside the span
/// of `x`).  `x` and `norm` need not be aligned.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` doubles from `x` must be readable and
/// writable and not accessed concurrently; `norm` is NULL or points to a writable double.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dnormalize(
    n: usize,
    x: *mut f64,
    incx: ptrdiff_t,
    norm: *mut f64,
) -> c_int {
    // SAFETY: the caller's contract is that of normalize_one.
    unsafe { normalize_one(n, x, incx, norm) }
}

/// Normalises a real float vector in place, as `safenorm_dnormalize`: the quotients are
/// computed from the float data and a norm carried to about 100 bits and rounded once to
/// float (within `0.5 + 2^-47` ulp of the exact quotient); `*norm` is the correctly rounded
/// norm (`+Inf` above `FLT_MAX`).
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `(n-1)*|incx|+1` floats from `x` must be readable and
/// writable and not accessed concurrently; `norm` is NULL or points to a writable float.
#[no_mangle]
pub unsafe extern "C" fn safenorm_snormalize(
    n: usize,
    x: *mut f32,
    incx: ptrdiff_t,
    norm: *mut f32,
) -> c_int {
    // SAFETY: the caller's contract is that of normalize_one.
    unsafe { normalize_one(n, x, incx, norm) }
}

/// Normalises a complex double vector in place, as `safenorm_dnormalize`: the real and
/// imaginary parts are each divided by the (real) norm `sqrt(sum |z_i|^2)`; `x` holds
/// interleaved (re, im) pairs and `incx` counts complex elements.  For the special-value
/// rules the parts are the components.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `2*((n-1)*|incx|+1)` doubles from `x` must be readable
/// and writable and not accessed concurrently; `norm` is NULL or points to a writable double.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dznormalize(
    n: usize,
    x: *mut f64,
    incx: ptrdiff_t,
    norm: *mut f64,
) -> c_int {
    // SAFETY: the caller's contract is that of normalize_one for [f64; 2] elements.
    unsafe { normalize_one(n, x.cast::<[f64; 2]>(), incx, norm) }
}

/// Normalises a complex float vector in place, as `safenorm_dznormalize` with the accuracy
/// of `safenorm_snormalize`.
///
/// # Safety
///
/// When `n > 0` and `x != NULL`, the `2*((n-1)*|incx|+1)` floats from `x` must be readable
/// and writable and not accessed concurrently; `norm` is NULL or points to a writable float.
#[no_mangle]
pub unsafe extern "C" fn safenorm_scnormalize(
    n: usize,
    x: *mut f32,
    incx: ptrdiff_t,
    norm: *mut f32,
) -> c_int {
    // SAFETY: the caller's contract is that of normalize_one for [f32; 2] elements.
    unsafe { normalize_one(n, x.cast::<[f32; 2]>(), incx, norm) }
}

/// Normalises `batch` real double vectors in place: vector `b` (`0 <= b < batch`) is the
/// vector `(n, x + b*stridex, incx)` of `safenorm_dnormalize` (pointer arithmetic in
/// elements: a negative `stridex` places vectors below `x`), normalised exactly as
/// `safenorm_dnormalize` does (bitwise the same results), and its norm is stored in
/// `norms[b*incnorm]` (C indexing: a negative `incnorm` stores below `norms`) when `norms`
/// is not NULL.
///
/// The vectors are processed one after the other, `b = 0, 1, ...` (the implementation loops
/// over them).  Vectors may interleave (the columns of a row-major `n x batch` matrix:
/// `incx = batch`, `stridex = 1`); a vector that shares elements with an earlier one sees
/// that one's results.
///
/// Returns `SAFENORM_OK`; or, with nothing read or written: `SAFENORM_ERR_NULL` (`x ==
/// NULL` with `n > 0` and `batch > 0`), `SAFENORM_ERR_STRIDE` (`incx == 0` with `n > 1`,
/// `stridex == 0` with `batch > 1` and `n > 0`, `incnorm == 0` with `batch > 1` and
/// `norms != NULL`, or a vector span that is not addressable), `SAFENORM_ERR_SIZE` (the span
/// of all vectors, or of all norms, is not addressable: more than `PTRDIFF_MAX` bytes, or
/// wrapping around memory), `SAFENORM_ERR_OVERLAP` (the norms' span intersects the
/// vectors' span).  `n == 0`: the norms are set to 0 and `x` is not read (it may be NULL);
/// `batch == 0`: nothing is done.
///
/// # Safety
///
/// When `n > 0` and `batch > 0`, every vector's `(n-1)*|incx|+1` doubles from
/// `x + b*stridex` must be readable and writable, and not accessed concurrently; when
/// `norms != NULL`, the doubles `norms[b*incnorm]` must be writable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dnormalize_batch(
    n: usize,
    x: *mut f64,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    norms: *mut f64,
    incnorm: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract is that of normalize_batch.
    unsafe { normalize_batch(n, x, incx, stridex, batch, norms, incnorm) }
}

/// Normalises `batch` real float vectors in place, as `safenorm_dnormalize_batch` with the
/// rules of `safenorm_snormalize`.
///
/// # Safety
///
/// As for `safenorm_dnormalize_batch`, with floats.
#[no_mangle]
pub unsafe extern "C" fn safenorm_snormalize_batch(
    n: usize,
    x: *mut f32,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    norms: *mut f32,
    incnorm: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract is that of normalize_batch.
    unsafe { normalize_batch(n, x, incx, stridex, batch, norms, incnorm) }
}

/// Normalises `batch` complex double vectors in place, as `safenorm_dnormalize_batch` with
/// the rules of `safenorm_dznormalize` (`incx` and `stridex` count complex elements).
///
/// # Safety
///
/// As for `safenorm_dnormalize_batch`, with `2*((n-1)*|incx|+1)` doubles per vector.
#[no_mangle]
pub unsafe extern "C" fn safenorm_dznormalize_batch(
    n: usize,
    x: *mut f64,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    norms: *mut f64,
    incnorm: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract is that of normalize_batch for [f64; 2] elements.
    unsafe {
        normalize_batch(
            n,
            x.cast::<[f64; 2]>(),
            incx,
            stridex,
            batch,
            norms,
            incnorm,
        )
    }
}

/// Normalises `batch` complex float vectors in place, as `safenorm_dznormalize_batch` with
/// the accuracy of `safenorm_snormalize`.
///
/// # Safety
///
/// As for `safenorm_dnormalize_batch`, with `2*((n-1)*|incx|+1)` floats per vector.
#[no_mangle]
pub unsafe extern "C" fn safenorm_scnormalize_batch(
    n: usize,
    x: *mut f32,
    incx: ptrdiff_t,
    stridex: ptrdiff_t,
    batch: usize,
    norms: *mut f32,
    incnorm: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract is that of normalize_batch for [f32; 2] elements.
    unsafe {
        normalize_batch(
            n,
            x.cast::<[f32; 2]>(),
            incx,
            stridex,
            batch,
            norms,
            incnorm,
        )
    }
}

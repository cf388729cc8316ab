//! The C ABI: thin adapters from C arguments to the safe API, and nothing else.
//!
//! Every exported function checks its scalars, builds a view of the caller's memory and
//! calls the safe API (`crate::api`).  The rules (also in the crate docs and the README):
//!
//! * `n <= 0`: returns 0 without reading `x` (`x` may be NULL).
//! * `x == NULL` with `n > 0`: bad input.
//! * `(n - 1) * |incx| + 1` elements not addressable (the span overflows the address space
//!   or `isize::MAX` bytes, or wraps around the end of memory): bad input.
//! * A pointer not aligned for its element type is accepted: the elements are read with
//!   unaligned loads (slower, same result).
//! * Bad input gives NaN from the BLAS names (they have no error channel) and from the plain
//!   native functions, and a non-zero status from the `_checked` functions.

use crate::format::Format;
use crate::strided::{gather, required_len, ChunkSource, Element, Strided};

pub mod batch;
pub mod half;
pub mod native;
pub mod normalize;
pub mod state;

#[cfg(feature = "blas-names")]
pub mod cblas;
#[cfg(feature = "blas-names")]
pub mod fortran;
#[cfg(feature = "lapack-names")]
pub mod lapack;

/// Why a call was refused (the `_checked` and state functions return these as `int`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bad {
    /// `x` is NULL and `n > 0`.
    Null,
    /// The span `(n - 1) * |incx| + 1` is not addressable.
    Stride,
}

/// Reads a strided vector whose base pointer is not aligned for `T` (built only by
/// [`raw_view`], after its checks).
pub(crate) struct Unaligned<T> {
    base: *const T,
    n: usize,
    stride: usize,
}

impl<T: Element> ChunkSource for Unaligned<T> {
    fn format(&self) -> Format {
        T::FORMAT
    }

    fn repeated(&self) -> Option<([f64; 2], u64)> {
        if self.stride != 0 || self.n == 0 {
            return None;
        }
        // SAFETY: `raw_view` built this source only after checking that `base` is non-null
        // and that the whole span (here one element) is addressable; read_unaligned has no
        // alignment requirement.
        let x0 = unsafe { self.base.read_unaligned() };
        let im = if T::PARTS == 2 { x0.part(1) } else { 0.0 };
        Some(([x0.part(0), im], self.n as u64))
    }

    fn for_each_chunk(&self, f: &mut dyn FnMut(&[f64])) {
        if self.stride == 0 {
            return;
        }
        let mut i = 0;
        let mut next = || {
            if i >= self.n {
                return None;
            }
            // SAFETY: i < n, so i * stride <= (n - 1) * stride, which `raw_view` checked to be
            // inside the caller's span without overflow; the pointer arithmetic stays within
            // that allocation, and read_unaligned has no alignment requirement.
            let e = unsafe { self.base.add(i * self.stride).read_unaligned() };
            i += 1;
            Some(e)
        };
        gather(&mut next, f);
    }
}

/// A checked BLAS vector in C memory: a slice view when `x` is aligned for `T`, else a
/// reader of misaligned elements.
pub(crate) enum RawView<'a, T: Element> {
    /// Aligned data: the strided view of the checked span.
    View(Strided<'a, T>),
    /// Misaligned data.
    Unaligned(Unaligned<T>),
}

/// Checks the BLAS vector `(n, x, incx)` and builds a view of it; `Ok(None)` for `n == 0`
/// (nothing is read).
///
/// # Safety
///
/// When `n > 0` and `x` is not NULL, the `(n - 1) * |incx| + 1` elements of type `T` starting
/// at `x` must be readable for the lifetime `'a` (as for `slice::from_raw_parts`, except
/// that `x` need not be aligned), and not written concurrently.
pub(crate) unsafe fn raw_view<'a, T: Element>(
    n: usize,
    x: *const T,
    incx: isize,
) -> Result<Option<RawView<'a, T>>, Bad> {
    if n == 0 {
        return Ok(None);
    }
    if x.is_null() {
        return Err(Bad::Null);
    }
    let stride = incx.unsigned_abs();
    let span = required_len(n, stride).ok_or(Bad::Stride)?;
    let bytes = span
        .checked_mul(core::mem::size_of::<T>())
        .filter(|&b| b <= isize::MAX as usize)
        .ok_or(Bad::Stride)?;
    (x as usize).checked_add(bytes).ok_or(Bad::Stride)?;
    if x.is_aligned() {
        // SAFETY: x is non-null and aligned, the span of `span` elements is addressable
        // (checked above: no overflow, at most isize::MAX bytes, no wrap) and readable for
        // 'a by the caller's contract.
        let data = unsafe { core::slice::from_raw_parts(x, span) };
        let view = Strided::new(data, n, incx).map_err(|_| Bad::Stride)?;
        Ok(Some(RawView::View(view)))
    } else {
        Ok(Some(RawView::Unaligned(Unaligned { base: x, n, stride })))
    }
}

/// The norm of the BLAS vector `(n, x, incx)` in C memory.
///
/// # Safety
///
/// As for [`raw_view`].
pub(crate) unsafe fn norm_raw<T: Element>(
    n: usize,
    x: *const T,
    incx: isize,
) -> Result<T::Real, Bad> {
    // SAFETY: forwarded contract.
    Ok(match unsafe { raw_view(n, x, incx) }? {
        None => T::real(0.0),
        Some(RawView::View(v)) => crate::api::nrm2_view(&v),
        // Converted to T::Real inside the api's environment guard (a binary32 subnormal
        // result would be flushed by the caller's FTZ here).
        Some(RawView::Unaligned(u)) => crate::api::nrm2_source_real::<T>(&u),
    })
}

/// The BLAS-style answer: the norm, or NaN for bad input.
///
/// # Safety
///
/// As for [`norm_raw`].
#[inline]
pub(crate) unsafe fn norm_or_nan<T: Element>(n: usize, x: *const T, incx: isize) -> T::Real {
    // The lane of short vectors with `incx = +-1` or `+-2`, aligned, not NULL: the span is
    // the `(n - 1) |incx| + 1` elements from `x` (a negative increment walks the same memory
    // backwards, and the norm does not depend on the order), so the general checks reduce
    // to these.
    let stride = incx.unsigned_abs();
    if n.wrapping_sub(1) < SHORT_LANE
        && stride.wrapping_sub(1) < 2
        && !x.is_null()
        && x.is_aligned()
        && (x as usize)
            .checked_add(((n - 1) * stride + 1) * core::mem::size_of::<T>())
            .is_some()
    {
        let span = (n - 1) * stride + 1;
        // SAFETY: x is non-null and aligned; the span of `span` elements from x is readable
        // (the caller's contract), at most 2 SHORT_LANE elements, far below isize::MAX
        // bytes, and does not wrap the address space (checked), so the slice is addressable.
        // A span that would wrap gets the general path's answer.
        let data = unsafe { core::slice::from_raw_parts(x, span) };
        if stride == 1 {
            return crate::api::norm(data);
        }
        if let Ok(v) = Strided::new(data, n, incx) {
            return crate::api::nrm2_view(&v);
        }
    }
    // SAFETY: forwarded contract.
    match unsafe { norm_raw(n, x, incx) } {
        Ok(v) => v,
        Err(_) => T::real(f64::NAN),
    }
}

/// Longest vector (in elements) of the short-vector lane of [`norm_or_nan`].
const SHORT_LANE: usize = 1 << 12;

/// Converts a signed BLAS length: `n <= 0` means the empty vector.
#[inline]
pub(crate) fn blas_len(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// Converts a BLAS increment; `None` if it does not fit `isize` (not on 64-bit targets).
#[inline]
pub(crate) fn blas_inc(incx: i64) -> Option<isize> {
    isize::try_from(incx).ok()
}

//! The strided view: the one place where `(data, n, incx)` becomes something safe to walk.
//!
//! A [`Strided`] borrows a slice and checks, once, that every element the BLAS argument
//! convention names lies inside it.  It then hands the kernels the elements as chunks of
//! binary64 values ([`ChunkSource`]): contiguous binary64 data directly, everything else
//! (strides, binary32, complex with a stride) gathered into a small stack buffer.
//!
//! Argument convention (reference BLAS 3.12, `dnrm2.f90`):
//! * `n == 0`: the empty vector (the C adapters map `n <= 0` here);
//! * `incx > 0`: elements `x[i * incx]`, `i = 0..n`;
//! * `incx < 0`: elements `x[(n - 1 - i) * |incx|]`: the same set walked backwards.  A sum of
//!   squares correctly rounded does not depend on the order, so the view walks memory forwards;
//! * `incx == 0`: `x[0]` counted `n` times.
//!
//! For complex types (`[T; 2]`, interleaved real and imaginary parts) `incx` counts complex
//! elements and both parts of each element are summed.
#![forbid(unsafe_code)]

use crate::format::{Format, F32, F64};

/// Why a view could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewError {
    /// `(n - 1) * |incx| + 1` overflows `usize`.
    StrideOverflow,
    /// The slice is shorter than `(n - 1) * |incx| + 1` elements.
    TooShort,
}

impl core::fmt::Display for ViewError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ViewError::StrideOverflow => {
                f.write_str("(n - 1) * |incx| overflows the address space")
            }
            ViewError::TooShort => f.write_str("slice shorter than (n - 1) * |incx| + 1 elements"),
        }
    }
}

impl std::error::Error for ViewError {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f64 {}
    impl Sealed for f32 {}
    impl Sealed for [f64; 2] {}
    impl Sealed for [f32; 2] {}
}

/// The element types of the four BLAS routines: `f64`, `f32`, `[f64; 2]` and `[f32; 2]`
/// (complex numbers as interleaved real and imaginary parts).
pub trait Element: Copy + Send + Sync + sealed::Sealed {
    /// The real type of the norm (`f64` or `f32`).
    type Real: Copy + core::fmt::Debug + PartialEq + Send + Sync;
    /// Converts a result of the driver (a binary64 holding a value of [`Element::FORMAT`],
    /// `+Inf` or NaN) to the real type, exactly.
    #[doc(hidden)]
    fn real(v: f64) -> Self::Real;
    /// Format of the result.
    #[doc(hidden)]
    const FORMAT: Format;
    /// Real components per element (1 or 2).
    #[doc(hidden)]
    const PARTS: usize;
    /// Component `k` (`k < PARTS`) widened to binary64 (exact).
    #[doc(hidden)]
    fn part(self, k: usize) -> f64;
    /// The elements as contiguous binary64 values when that needs no conversion.
    #[doc(hidden)]
    fn as_f64s(s: &[Self]) -> Option<&[f64]>;
    /// The elements as contiguous binary32 values when they are binary32 components.
    #[doc(hidden)]
    fn as_f32s(s: &[Self]) -> Option<&[f32]>;
}

impl Element for f64 {
    type Real = f64;
    #[inline]
    fn real(v: f64) -> f64 {
        v
    }
    const FORMAT: Format = F64;
    const PARTS: usize = 1;
    #[inline(always)]
    fn part(self, _k: usize) -> f64 {
        self
    }
    #[inline]
    fn as_f64s(s: &[Self]) -> Option<&[f64]> {
        Some(s)
    }
    #[inline]
    fn as_f32s(_s: &[Self]) -> Option<&[f32]> {
        None
    }
}

impl Element for f32 {
    type Real = f32;
    #[inline]
    fn real(v: f64) -> f32 {
        v as f32
    }
    const FORMAT: Format = F32;
    const PARTS: usize = 1;
    #[inline(always)]
    fn part(self, _k: usize) -> f64 {
        f64::from(self)
    }
    #[inline]
    fn as_f64s(_s: &[Self]) -> Option<&[f64]> {
        None
    }
    #[inline]
    fn as_f32s(s: &[Self]) -> Option<&[f32]> {
        Some(s)
    }
}

impl Element for [f64; 2] {
    type Real = f64;
    #[inline]
    fn real(v: f64) -> f64 {
        v
    }
    const FORMAT: Format = F64;
    const PARTS: usize = 2;
    #[inline(always)]
    fn part(self, k: usize) -> f64 {
        if k == 0 {
            self[0]
        } else {
            self[1]
        }
    }
    #[inline]
    fn as_f64s(s: &[Self]) -> Option<&[f64]> {
        Some(s.as_flattened())
    }
    #[inline]
    fn as_f32s(_s: &[Self]) -> Option<&[f32]> {
        None
    }
}

impl Element for [f32; 2] {
    type Real = f32;
    #[inline]
    fn real(v: f64) -> f32 {
        v as f32
    }
    const FORMAT: Format = F32;
    const PARTS: usize = 2;
    #[inline(always)]
    fn part(self, k: usize) -> f64 {
        f64::from(if k == 0 { self[0] } else { self[1] })
    }
    #[inline]
    fn as_f64s(_s: &[Self]) -> Option<&[f64]> {
        None
    }
    #[inline]
    fn as_f32s(s: &[Self]) -> Option<&[f32]> {
        Some(s.as_flattened())
    }
}

/// Elements as a stream of binary64 chunks; the norm driver walks it once for the fast
/// path and again only if needed (NaN/Inf classification, or the exact fallback).
pub trait ChunkSource {
    /// Format of the result.
    fn format(&self) -> Format;
    /// `Some((x0_parts, count))` when the vector is one element counted `count` times
    /// (`incx == 0`); the components are returned widened to binary64.
    fn repeated(&self) -> Option<([f64; 2], u64)>;
    /// Calls `f` on consecutive chunks that together hold every real component once.
    fn for_each_chunk(&self, f: &mut dyn FnMut(&[f64]));
}

/// How the kernels read a view: a shape with a SIMD kernel of its own, or `Other` (gathered
/// through [`ChunkSource::for_each_chunk`]).  Each slice is exactly the view's span
/// `(n - 1) * |incx| + 1` elements (flattened to components for complex types), so the
/// kernels read nothing outside what [`Strided::new`] checked.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Shape<'a> {
    /// `incx = +-1`, binary64 components (real or complex): every value.
    F64(&'a [f64]),
    /// `incx = +-1`, binary32 components: every value.
    F32(&'a [f32]),
    /// Real binary64, `incx = +-2`: the values at even indices (`2n - 1` values).
    Even64(&'a [f64]),
    /// Complex binary64, `incx = +-2`: the values at `4i`, `4i + 1` (`4n - 2` values).
    Pairs64(&'a [f64]),
    /// Real binary32, `incx = +-2`: the values at even indices.
    Even32(&'a [f32]),
    /// Complex binary32, `incx = +-2`: the values at `4i`, `4i + 1`.
    Pairs32(&'a [f32]),
    /// Empty, `incx = 0`, or another stride.
    Other,
}

/// Size of the gather buffer in binary64 values (16 KiB on the stack).
const GATHER: usize = 2048;

/// The one strided walker: the elements produced by `next` (until it returns `None`),
/// widened to binary64 components and handed to `f` in chunks of at most [`GATHER`] values.
/// Used by [`Strided`] (elements of a checked slice) and by the C adapters for misaligned
/// data (elements read one by one without alignment).
pub(crate) fn gather<T: Element>(next: &mut dyn FnMut() -> Option<T>, f: &mut dyn FnMut(&[f64])) {
    let mut buf = [0.0f64; GATHER];
    let mut len = 0;
    while let Some(e) = next() {
        for k in 0..T::PARTS {
            if let Some(slot) = buf.get_mut(len) {
                *slot = e.part(k);
                len += 1;
            }
        }
        if len + T::PARTS > GATHER {
            f(buf.get(..len).unwrap_or(&[]));
            len = 0;
        }
    }
    if len > 0 {
        f(buf.get(..len).unwrap_or(&[]));
    }
}

/// A checked strided view of `n` elements of type `T`.
#[derive(Clone, Copy, Debug)]
pub struct Strided<'a, T: Element> {
    /// Exactly the span from the lowest to the highest element the view reads.
    data: &'a [T],
    n: usize,
    /// `|incx|`; 0 means "x[0] repeated n times".
    stride: usize,
}

impl<'a, T: Element> Strided<'a, T> {
    /// The BLAS view `(n, x, incx)` of `data`.
    ///
    /// Needs `data.len() >= (n - 1) * |incx| + 1` when `n > 0` (nothing when `n == 0`).
    pub fn new(data: &'a [T], n: usize, incx: isize) -> Result<Self, ViewError> {
        let stride = incx.unsigned_abs();
        if n == 0 {
            return Ok(Strided {
                data: &[],
                n: 0,
                stride,
            });
        }
        let span = required_len(n, stride).ok_or(ViewError::StrideOverflow)?;
        let data = data.get(..span).ok_or(ViewError::TooShort)?;
        Ok(Strided { data, n, stride })
    }

    /// A contiguous view of the whole slice (`incx == 1`).
    pub fn contiguous(data: &'a [T]) -> Self {
        Strided {
            data,
            n: data.len(),
            stride: 1,
        }
    }

    /// Number of logical elements.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Piece `i` of `k` (`i < k`): the views of consecutive runs of elements, as equal in
    /// length as possible, that together hold every element of this view once, in order;
    /// `None` for an empty piece (`n < k`) or `i >= k`.
    pub(crate) fn piece(&self, i: usize, k: usize) -> Option<Strided<'a, T>> {
        if i >= k {
            return None;
        }
        let (base, extra) = (self.n / k, self.n % k);
        let len = base + usize::from(i < extra);
        if len == 0 {
            return None;
        }
        // start + len <= n, so both ends lie inside the span checked by `new`.
        let start = i * base + i.min(extra);
        let from = start * self.stride;
        let to = from + (len - 1) * self.stride + 1;
        let data = self.data.get(from..to)?;
        Some(Strided {
            data,
            n: len,
            stride: self.stride,
        })
    }

    /// True when the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The shape the kernels read (see [`Shape`]).  Negative strides are the same set of
    /// elements as positive ones, walked forwards.
    #[inline]
    pub(crate) fn shape(&self) -> Shape<'a> {
        if self.n == 0 {
            return Shape::Other;
        }
        match (self.stride, T::PARTS) {
            (1, _) => match (T::as_f64s(self.data), T::as_f32s(self.data)) {
                (Some(x), _) => Shape::F64(x),
                (None, Some(x)) => Shape::F32(x),
                _ => Shape::Other,
            },
            (2, p) => match (T::as_f64s(self.data), T::as_f32s(self.data), p) {
                (Some(x), _, 1) => Shape::Even64(x),
                (Some(x), _, _) => Shape::Pairs64(x),
                (None, Some(x), 1) => Shape::Even32(x),
                (None, Some(x), _) => Shape::Pairs32(x),
                _ => Shape::Other,
            },
            _ => Shape::Other,
        }
    }
}

/// `(n - 1) * stride + 1` for `n > 0`, or `None` on overflow.
pub fn required_len(n: usize, stride: usize) -> Option<usize> {
    (n - 1).checked_mul(stride)?.checked_add(1)
}

impl<T: Element> ChunkSource for Strided<'_, T> {
    fn format(&self) -> Format {
        T::FORMAT
    }

    fn repeated(&self) -> Option<([f64; 2], u64)> {
        if self.stride != 0 || self.n == 0 {
            return None;
        }
        let x0 = *self.data.first()?;
        let im = if T::PARTS == 2 { x0.part(1) } else { 0.0 };
        Some(([x0.part(0), im], self.n as u64))
    }

    fn for_each_chunk(&self, f: &mut dyn FnMut(&[f64])) {
        if self.n == 0 || self.stride == 0 {
            return;
        }
        if self.stride == 1 {
            if let Some(flat) = T::as_f64s(self.data) {
                // Large chunks: the kernel blocks them itself.
                for c in flat.chunks(1 << 16) {
                    f(c);
                }
                return;
            }
        }
        let mut elems = self.data.iter().step_by(self.stride).copied();
        gather(&mut || elems.next(), f);
    }
}

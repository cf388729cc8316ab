//! The strided view: the one place where `(data, n, incx)` becomes something safe to walk.
//!
//! A [`Strided`] borrows a slice and checks, once, that every element the BLAS argument
//! convention names lies inside it.  It then hands the kernels a *shape* (`Shape`): the
//! exact span of the view as a slice, which the SIMD kernels read directly (`incx = +-1`,
//! `+-2`; any other stride as a `Spread`, whose elements the kernels load one by one), or,
//! for the paths that need binary64 values (the exact state, the NaN/Inf scan, half
//! precision with a stride), the elements as chunks of binary64 values ([`ChunkSource`]):
//! contiguous binary64 data directly, everything else gathered into a small stack buffer.
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
use crate::half::{BF16, F16};

/// Why a view could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewError {
    /// `(n - 1) * |incx| + 1` overflows `usize`.
    StrideOverflow,
    /// The slice is shorter than `(n - 1) * |incx| + 1` elements.
    TooShort,
    /// `incx == 0` with `n > 1` for a view that is written ([`StridedMut`]): writing one
    /// element `n` times has no meaning.
    ZeroStride,
}

impl core::fmt::Display for ViewError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ViewError::StrideOverflow => {
                f.write_str("(n - 1) * |incx| overflows the address space")
            }
            ViewError::TooShort => f.write_str("slice shorter than (n - 1) * |incx| + 1 elements"),
            ViewError::ZeroStride => f.write_str("incx == 0 with n > 1 for a written view"),
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
    impl Sealed for super::F16 {}
    impl Sealed for super::BF16 {}
}

/// The element types of the four BLAS routines: `f64`, `f32`, `[f64; 2]` and `[f32; 2]`
/// (complex numbers as interleaved real and imaginary parts), and the half-precision
/// [`F16`] (IEEE binary16) and [`BF16`] (bfloat16), whose norm is a binary32.
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
    /// The elements as contiguous binary16 values when they are binary16.
    #[doc(hidden)]
    #[inline]
    fn as_f16s(_s: &[Self]) -> Option<&[F16]> {
        None
    }
    /// The elements as contiguous bfloat16 values when they are bfloat16.
    #[doc(hidden)]
    #[inline]
    fn as_bf16s(_s: &[Self]) -> Option<&[BF16]> {
        None
    }
}

/// Binary16 data: every value is a binary32 value (see `half.rs`), the norm is a binary32.
impl Element for F16 {
    type Real = f32;
    #[inline]
    fn real(v: f64) -> f32 {
        v as f32
    }
    const FORMAT: Format = F32;
    const PARTS: usize = 1;
    #[inline(always)]
    fn part(self, _k: usize) -> f64 {
        f64::from(self.to_f32())
    }
    #[inline]
    fn as_f64s(_s: &[Self]) -> Option<&[f64]> {
        None
    }
    #[inline]
    fn as_f32s(_s: &[Self]) -> Option<&[f32]> {
        None
    }
    #[inline]
    fn as_f16s(s: &[Self]) -> Option<&[F16]> {
        Some(s)
    }
}

/// Bfloat16 data: every value is a binary32 value, the norm is a binary32.
impl Element for BF16 {
    type Real = f32;
    #[inline]
    fn real(v: f64) -> f32 {
        v as f32
    }
    const FORMAT: Format = F32;
    const PARTS: usize = 1;
    #[inline(always)]
    fn part(self, _k: usize) -> f64 {
        f64::from(self.to_f32())
    }
    #[inline]
    fn as_f64s(_s: &[Self]) -> Option<&[f64]> {
        None
    }
    #[inline]
    fn as_f32s(_s: &[Self]) -> Option<&[f32]> {
        None
    }
    #[inline]
    fn as_bf16s(s: &[Self]) -> Option<&[BF16]> {
        Some(s)
    }
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

impl Rewritable for f64 {
    #[inline(always)]
    fn from_parts(p: [f64; 2]) -> f64 {
        p[0]
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

impl Rewritable for f32 {
    #[inline(always)]
    fn from_parts(p: [f64; 2]) -> f32 {
        p[0] as f32
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

impl Rewritable for [f64; 2] {
    #[inline(always)]
    fn from_parts(p: [f64; 2]) -> [f64; 2] {
        p
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

impl Rewritable for [f32; 2] {
    #[inline(always)]
    fn from_parts(p: [f64; 2]) -> [f32; 2] {
        [p[0] as f32, p[1] as f32]
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
/// kernels read nothing outside what [`Strided::new`] checked (`Spread` keeps that span and
/// the element layout, see its invariant).
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
    /// `incx = +-1`, binary16: every value (widened to binary32 by the kernels).
    H16(&'a [F16]),
    /// `incx = +-1`, bfloat16: every value.
    BF16(&'a [BF16]),
    /// Binary64 components (real or complex), `|incx| >= 3`: gathered by the kernels.
    Spread64(Spread<'a, f64>),
    /// Binary32 components (real or complex), `|incx| >= 3`: gathered by the kernels.
    Spread32(Spread<'a, f32>),
    /// Empty, `incx = 0`, or half precision with a stride other than `+-1`.
    Other,
}

/// The components of a view with a stride of its own (`|incx| >= 3`), flattened: element
/// `i < n` is the `parts` values at `i * stride ..`.
///
/// Invariant (established by [`Strided::shape`], the only constructor; fields private):
/// `n >= 1`, `parts` is 1 or 2, `stride >= parts`, and `data.len() == (n - 1) * stride +
/// parts` exactly, so every element lies in `data` and nothing else does.  The kernels that
/// gather from it (`arch/`) still re-check this with [`Spread::checked`] before any
/// unchecked access, so their soundness does not rest on another module's invariant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spread<'a, T> {
    data: &'a [T],
    n: usize,
    stride: usize,
    parts: usize,
}

impl<'a, T: Copy + Default> Spread<'a, T> {
    /// Private: only [`Strided::shape`] builds one, from a checked view.
    #[inline(always)]
    fn new(data: &'a [T], n: usize, stride: usize, parts: usize) -> Self {
        Spread {
            data,
            n,
            stride,
            parts,
        }
    }

    /// The span holding the elements, exactly.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    #[inline(always)]
    pub(crate) fn data(&self) -> &'a [T] {
        self.data
    }

    /// Number of elements.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.n
    }

    /// Components between the starts of consecutive elements.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    #[inline(always)]
    pub(crate) fn stride(&self) -> usize {
        self.stride
    }

    /// Components per element (1 real, 2 complex).
    #[inline(always)]
    pub(crate) fn parts(&self) -> usize {
        self.parts
    }

    /// True when the invariant of the type holds (computed without overflow).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    #[inline(always)]
    pub(crate) fn checked(&self) -> bool {
        self.n >= 1
            && (self.parts == 1 || self.parts == 2)
            && self.stride >= self.parts
            && (self.n - 1)
                .checked_mul(self.stride)
                .and_then(|v| v.checked_add(self.parts))
                == Some(self.data.len())
    }

    /// Copies the components of elements `first .. first + count` (`count` at most
    /// `out.len() / parts`, clamped to the elements there are) to the front of `out`, in
    /// order; returns how many components were written.  The portable gather (checked
    /// accesses only): the portable and NEON paths, and the SIMD paths' fallback for a view
    /// that fails its invariant (not expected).
    #[inline(always)]
    pub(crate) fn copy_to(&self, first: usize, count: usize, out: &mut [T]) -> usize {
        let count = count
            .min(self.n.saturating_sub(first))
            .min(out.len() / self.parts.max(1));
        let mut w = 0;
        let mut at = first.saturating_mul(self.stride);
        for _ in 0..count {
            for k in 0..self.parts {
                if let (Some(d), Some(&v)) = (out.get_mut(w), self.data.get(at + k)) {
                    *d = v;
                }
                w += 1;
            }
            at = at.saturating_add(self.stride);
        }
        w
    }
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
                _ => match (T::as_f16s(self.data), T::as_bf16s(self.data)) {
                    (Some(x), _) => Shape::H16(x),
                    (None, Some(x)) => Shape::BF16(x),
                    _ => Shape::Other,
                },
            },
            (2, p) => match (T::as_f64s(self.data), T::as_f32s(self.data), p) {
                (Some(x), _, 1) => Shape::Even64(x),
                (Some(x), _, _) => Shape::Pairs64(x),
                (None, Some(x), 1) => Shape::Even32(x),
                (None, Some(x), _) => Shape::Pairs32(x),
                _ => Shape::Other,
            },
            // `stride >= 3` here (0 is `repeated`); the flattened span is `((n - 1) * stride
            // + 1) * PARTS` components, which is `(n - 1) * (stride * PARTS) + PARTS`.
            // (`n == 1` allows any stride: saturated, it is never multiplied by more than 0.)
            (s, p) if s >= 3 => {
                let s = s.saturating_mul(p);
                match (T::as_f64s(self.data), T::as_f32s(self.data)) {
                    (Some(x), _) => Shape::Spread64(Spread::new(x, self.n, s, p)),
                    (None, Some(x)) => Shape::Spread32(Spread::new(x, self.n, s, p)),
                    _ => Shape::Other,
                }
            }
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

/// An element type whose values can be written back from binary64 components: the types
/// that normalisation rewrites in place (binary64, binary32 and their complex pairs; not the
/// half-precision types, which are read-only here).
pub trait Rewritable: Element {
    /// The element whose components are `p[..PARTS]`, narrowed to the component type (exact
    /// for values of [`Element::FORMAT`]).
    #[doc(hidden)]
    fn from_parts(p: [f64; 2]) -> Self;
}

/// Elements that can be rewritten in place, one real component at a time (normalisation):
/// [`StridedMut`], and the C adapters' misaligned data.
pub trait Rewrite: ChunkSource {
    /// Replaces every real component `v` (widened to binary64) by `f(v)`, narrowed back to
    /// the component type (exact when `f` returns values of [`ChunkSource::format`]).
    fn rewrite<F: FnMut(f64) -> f64>(&mut self, f: F);
}

/// A checked strided view that is written: `n` elements of type `T` at stride `|incx|` in a
/// mutable slice (the argument convention of [`Strided`]; `incx == 0` only for `n <= 1`).
#[derive(Debug)]
pub struct StridedMut<'a, T: Element> {
    /// Exactly the span from the lowest to the highest element of the view.
    data: &'a mut [T],
    n: usize,
    /// `|incx|`, at least 1.
    stride: usize,
}

impl<'a, T: Element> StridedMut<'a, T> {
    /// The BLAS view `(n, x, incx)` of `data` for writing.
    ///
    /// Needs `data.len() >= (n - 1) * |incx| + 1` when `n > 0`, and `incx != 0` when `n > 1`
    /// ([`ViewError::ZeroStride`]).
    pub fn new(data: &'a mut [T], n: usize, incx: isize) -> Result<Self, ViewError> {
        if n > 1 && incx == 0 {
            return Err(ViewError::ZeroStride);
        }
        let stride = incx.unsigned_abs().max(1);
        if n == 0 {
            return Ok(StridedMut {
                data: &mut [],
                n: 0,
                stride,
            });
        }
        let span = required_len(n, stride).ok_or(ViewError::StrideOverflow)?;
        let data = data.get_mut(..span).ok_or(ViewError::TooShort)?;
        Ok(StridedMut { data, n, stride })
    }

    /// A contiguous view of the whole slice.
    pub fn contiguous(data: &'a mut [T]) -> Self {
        let n = data.len();
        StridedMut { data, n, stride: 1 }
    }

    /// Number of logical elements.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the view has no elements.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The same elements, read-only.
    pub fn as_view(&self) -> Strided<'_, T> {
        Strided {
            data: self.data,
            n: self.n,
            stride: self.stride,
        }
    }
}

impl<T: Element> ChunkSource for StridedMut<'_, T> {
    fn format(&self) -> Format {
        T::FORMAT
    }

    fn repeated(&self) -> Option<([f64; 2], u64)> {
        None
    }

    fn for_each_chunk(&self, f: &mut dyn FnMut(&[f64])) {
        self.as_view().for_each_chunk(f)
    }
}

impl<T: Rewritable> Rewrite for StridedMut<'_, T> {
    #[inline]
    fn rewrite<F: FnMut(f64) -> f64>(&mut self, mut f: F) {
        if self.n == 0 {
            return;
        }
        // An index walk (not `step_by`, whose zero-step check is a panic path).
        let step = self.stride.max(1);
        let mut i = 0usize;
        while let Some(e) = self.data.get_mut(i) {
            let mut p = [0.0; 2];
            for (k, slot) in p.iter_mut().enumerate().take(T::PARTS) {
                *slot = f(e.part(k));
            }
            *e = T::from_parts(p);
            i = i.saturating_add(step);
        }
    }
}

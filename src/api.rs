//! The safe Rust API: what the C adapters, the tests and the benchmarks call.
#![forbid(unsafe_code)]

use crate::dispatch::{self, Isa, Kernels};
use crate::exact::{ExactSum, Format};
use crate::kernel::{Accumulator, Outcome, SHORT32_MAX, SHORT_MAX};
use crate::strided::{ChunkSource, Element, Shape, Strided, ViewError};

/// The Euclidean norm of a contiguous slice: `sqrt(sum |x_i|^2)`, correctly rounded.
///
/// `T` is `f64`, `f32`, `[f64; 2]` or `[f32; 2]` (complex, interleaved).  NaN anywhere gives
/// NaN; otherwise an infinity gives `+Inf`; a true norm above the largest finite value gives
/// `+Inf`; every other input gives the exact norm rounded to nearest-even.
pub fn norm<T: Element>(x: &[T]) -> T::Real {
    nrm2_view(&Strided::contiguous(x))
}

/// The BLAS `?nrm2(n, x, incx)` of a slice, see [`Strided::new`] for the argument rules.
pub fn nrm2<T: Element>(x: &[T], n: usize, incx: isize) -> Result<T::Real, ViewError> {
    Ok(nrm2_view(&Strided::new(x, n, incx)?))
}

/// The norm of a checked strided view, with the dispatched kernel.
#[inline]
pub fn nrm2_view<T: Element>(v: &Strided<'_, T>) -> T::Real {
    T::real(norm_view(v, dispatch::active_kernels()))
}

/// The norm of a view computed by one given ISA path (for tests and benchmarks), or `None`
/// when this CPU cannot run it.  The result is bitwise the same for every path.
pub fn nrm2_with_isa<T: Element>(v: &Strided<'_, T>, isa: Isa) -> Option<T::Real> {
    Some(T::real(norm_view(v, isa.kernels()?)))
}

/// The norm of any chunk source, rounded to its format and returned as a binary64 (for
/// binary32 sources the value is exactly representable in binary32, or `+Inf`, or NaN).
pub fn nrm2_source(src: &dyn ChunkSource) -> f64 {
    norm_source(src, dispatch::active_kernels())
}

/// The same, without the fast path: the exact sum of squares and its correctly rounded
/// square root.  Slow; meant for tests and for checking the fast path.
pub fn nrm2_exact_source(src: &dyn ChunkSource) -> f64 {
    if let Some(v) = specials(src) {
        return v;
    }
    exact(src, src.format())
}

/// The path in use by this process.
pub fn active_isa() -> Isa {
    dispatch::active()
}

/// The norm of a view: short contiguous vectors first (inlined into the callers, so that
/// the common short call is cheap), everything else out of line.
#[inline(always)]
fn norm_view<T: Element>(v: &Strided<'_, T>, k: &Kernels) -> f64 {
    match v.shape() {
        Shape::F64(x) if x.len() <= SHORT_MAX => {
            if let Some(r) = (k.small64)(x) {
                return r;
            }
        }
        Shape::F32(x) if x.len() <= SHORT32_MAX => {
            if let Some(r) = (k.small32)(x) {
                return r;
            }
        }
        Shape::Even64(x) if x.len() <= 2 * SHORT_MAX => {
            if let Some(r) = (k.short_even64)(x) {
                return r;
            }
        }
        Shape::Pairs64(x) if x.len() <= 2 * SHORT_MAX => {
            if let Some(r) = (k.short_pairs64)(x) {
                return r;
            }
        }
        Shape::Even32(x) if x.len() <= 2 * SHORT_MAX => {
            if let Some(r) = (k.short_even32)(x) {
                return r;
            }
        }
        Shape::Pairs32(x) if x.len() <= 2 * SHORT_MAX => {
            if let Some(r) = (k.short_pairs32)(x) {
                return r;
            }
        }
        _ => {}
    }
    norm_view_general(v, k)
}

/// The general path: the block kernels of the view's shape, then the conclusion.
#[inline(never)]
fn norm_view_general<T: Element>(v: &Strided<'_, T>, k: &Kernels) -> f64 {
    let mut acc = Accumulator::new();
    match v.shape() {
        Shape::F64(x) => (k.f64s)(x, &mut acc),
        Shape::F32(x) => (k.f32s)(x, &mut acc),
        Shape::Even64(x) => (k.even64)(x, &mut acc),
        Shape::Pairs64(x) => (k.pairs64)(x, &mut acc),
        Shape::Even32(x) => (k.even32)(x, &mut acc),
        Shape::Pairs32(x) => (k.pairs32)(x, &mut acc),
        Shape::Other => return norm_source(v, k),
    }
    conclude(&acc, v)
}

/// Any source: repeated element, or chunks gathered as binary64 values.
fn norm_source(src: &dyn ChunkSource, k: &Kernels) -> f64 {
    let fmt = src.format();
    if let Some((parts, count)) = src.repeated() {
        return repeated(parts, count, fmt);
    }
    let mut acc = Accumulator::new();
    src.for_each_chunk(&mut |c| (k.f64s)(c, &mut acc));
    conclude(&acc, src)
}

/// The result of the fast path, or the rescans it asks for.
fn conclude(acc: &Accumulator, src: &dyn ChunkSource) -> f64 {
    let fmt = src.format();
    match acc.finish(fmt) {
        Outcome::Value(v) => v,
        Outcome::Special => specials(src).unwrap_or_else(|| exact(src, fmt)),
        Outcome::Ambiguous => exact(src, fmt),
    }
}

/// NaN if any component is NaN, else `+Inf` if any is infinite, else `None`.
fn specials(src: &dyn ChunkSource) -> Option<f64> {
    if let Some((parts, _)) = src.repeated() {
        return classify(parts.iter().copied());
    }
    let (mut nan, mut inf) = (false, false);
    src.for_each_chunk(&mut |c| {
        for v in c {
            nan |= v.is_nan();
            inf |= v.is_infinite();
        }
    });
    classify_flags(nan, inf)
}

fn classify(it: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut nan, mut inf) = (false, false);
    for v in it {
        nan |= v.is_nan();
        inf |= v.is_infinite();
    }
    classify_flags(nan, inf)
}

fn classify_flags(nan: bool, inf: bool) -> Option<f64> {
    if nan {
        Some(f64::NAN)
    } else if inf {
        Some(f64::INFINITY)
    } else {
        None
    }
}

fn exact(src: &dyn ChunkSource, fmt: Format) -> f64 {
    if let Some((parts, count)) = src.repeated() {
        return repeated(parts, count, fmt);
    }
    let mut ex = ExactSum::new();
    src.for_each_chunk(&mut |c| {
        for &v in c {
            ex.add_square(v);
        }
    });
    ex.sqrt_rounded(fmt)
}

/// `incx == 0`: `sqrt(count * |x0|^2)`, computed exactly then rounded.
fn repeated(parts: [f64; 2], count: u64, fmt: Format) -> f64 {
    if let Some(v) = classify(parts.iter().copied()) {
        return v;
    }
    let mut ex = ExactSum::new();
    for p in parts {
        ex.add_square_times(p, count);
    }
    ex.sqrt_rounded(fmt)
}

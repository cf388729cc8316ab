//! The safe Rust API: what the C adapters, the tests and the benchmarks call.
//!
//! Every path adds the data to a sum-of-squares state ([`SumSq`], `sumsq.rs`) through the
//! kernels of the dispatched ISA and rounds it once (`finish.rs`); when the state's bound
//! cannot decide the rounding (near-ties), the single-vector functions recompute exactly
//! ([`ExactSumSq`]).  Long vectors are split over threads (`threads.rs`), each adding its
//! piece to a state of its own, merged in a fixed order: the result does not depend on the
//! thread count, because it is the correctly rounded norm.
#![forbid(unsafe_code)]

use crate::arch::Kernels;
use crate::dispatch::{self, Isa};
use crate::fenv::{self, Dir};
use crate::finish::{finish, round_part, Finish};
use crate::format::{Format, F32, F64};
use crate::kernel::{SHORT32_MAX, SHORT_MAX};
use crate::strided::{ChunkSource, Element, Shape, Strided, ViewError};
use crate::sumsq::{ExactSumSq, SumSq};
use crate::threads;

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
///
/// Correctly rounded in the caller's rounding mode, unaffected by flush-to-zero, and raising
/// no floating-point exception flag (README, "The floating-point environment").
#[inline]
pub fn nrm2_view<T: Element>(v: &Strided<'_, T>) -> T::Real {
    fenv::with_env(|dir| T::real(norm_view(v, dispatch::active_kernels(), dir)))
}

/// The norm of a view computed by one given ISA path (for tests and benchmarks), or `None`
/// when this CPU cannot run it.  The result is bitwise the same for every path.
pub fn nrm2_with_isa<T: Element>(v: &Strided<'_, T>, isa: Isa) -> Option<T::Real> {
    let k = isa.kernels()?;
    Some(fenv::with_env(|dir| T::real(norm_view(v, k, dir))))
}

/// The norm of any chunk source, rounded to its format and returned as a binary64 (for
/// binary32 sources the value is exactly representable in binary32, or `+Inf`, or NaN).
pub fn nrm2_source(src: &dyn ChunkSource) -> f64 {
    let k = dispatch::active_kernels();
    fenv::with_env(|dir| {
        let mut st = SumSq::new();
        add_source(&mut st, src, k);
        conclude(&st, src, dir)
    })
}

/// [`nrm2_source`] converted to the real type of `T` inside the environment guard (the C
/// adapters' misaligned data: no conversion may run in the caller's environment).
#[doc(hidden)]
pub fn nrm2_source_real<T: Element>(src: &dyn ChunkSource) -> T::Real {
    let k = dispatch::active_kernels();
    fenv::with_env(|dir| {
        let mut st = SumSq::new();
        add_source(&mut st, src, k);
        T::real(conclude(&st, src, dir))
    })
}

/// The same, without the fast path: the exact sum of squares and its correctly rounded
/// square root.  Slow; meant for tests and for checking the fast path.
pub fn nrm2_exact_source(src: &dyn ChunkSource) -> f64 {
    fenv::with_env(|dir| exact(src, src.format(), dir))
}

/// The path in use by this process.
pub fn active_isa() -> Isa {
    dispatch::active()
}

/// A fast state's result: correctly rounded, or (when its error bound straddles a rounding
/// boundary, which near-ties do) a faithful rounding, and the exact state over the same data
/// gives the correctly rounded value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rounded<T> {
    /// The correctly rounded norm.
    Correct(T),
    /// The bound cannot decide: the rounding of an approximation within it, a faithful
    /// rounding (one of the two neighbours of the exact norm) for binary64 data and for
    /// binary32 data finished in binary32; binary32 data finished in binary64 are accumulated
    /// only to within `2^-28` (relative).
    NeedExact(T),
}

impl<T: Copy> Rounded<T> {
    /// The value, correctly or faithfully rounded.
    pub fn value(&self) -> T {
        match *self {
            Rounded::Correct(v) | Rounded::NeedExact(v) => v,
        }
    }

    /// True when the value is the correctly rounded norm.
    pub fn is_correct(&self) -> bool {
        matches!(self, Rounded::Correct(_))
    }
}

fn rounded(f: Finish) -> Rounded<f64> {
    match f {
        Finish::Value(v) => Rounded::Correct(v),
        Finish::NeedExact(v) => Rounded::NeedExact(v),
    }
}

impl SumSq {
    /// Adds the squares of a contiguous slice (any element type; states may mix them).
    pub fn add<T: Element>(&mut self, x: &[T]) {
        self.add_view(&Strided::contiguous(x));
    }

    /// Adds the squares of the elements of a strided view (`incx == 0` adds `n` copies of
    /// `x[0]`).  Long views are split over threads (`threads.rs`).
    pub fn add_view<T: Element>(&mut self, v: &Strided<'_, T>) {
        let k = dispatch::active_kernels();
        fenv::with_env(|_| add_view(self, v, k));
    }

    /// As [`SumSq::add_view`] with one given ISA path (for tests); `false` (nothing added)
    /// when this CPU cannot run it.
    pub fn add_view_with_isa<T: Element>(&mut self, v: &Strided<'_, T>, isa: Isa) -> bool {
        match isa.kernels() {
            Some(k) => {
                fenv::with_env(|_| add_view(self, v, k));
                true
            }
            None => false,
        }
    }

    /// Adds the squares of any chunk source (the C adapters' misaligned data).
    #[doc(hidden)]
    pub fn add_source(&mut self, src: &dyn ChunkSource) {
        let k = dispatch::active_kernels();
        fenv::with_env(|_| add_source(self, src, k));
    }

    /// The norm rounded to binary64 in the caller's rounding mode (NaN if a NaN was added;
    /// else `+Inf` if an infinity was; a norm above the largest finite value gives `+Inf`,
    /// or that largest value when rounding downward or toward zero).
    pub fn result_f64(&self) -> Rounded<f64> {
        fenv::with_env(|dir| rounded(finish(self, F64, dir)))
    }

    /// The norm rounded to binary32 in the caller's rounding mode.
    pub fn result_f32(&self) -> Rounded<f32> {
        fenv::with_env(|dir| match rounded(finish(self, F32, dir)) {
            Rounded::Correct(v) => Rounded::Correct(v as f32),
            Rounded::NeedExact(v) => Rounded::NeedExact(v as f32),
        })
    }
}

impl ExactSumSq {
    /// Adds the squares of a contiguous slice.
    pub fn add<T: Element>(&mut self, x: &[T]) {
        self.add_source(&Strided::contiguous(x));
    }

    /// Adds the squares of the elements of a strided view.
    pub fn add_view<T: Element>(&mut self, v: &Strided<'_, T>) {
        self.add_source(v);
    }

    /// Adds the squares of any chunk source.
    #[doc(hidden)]
    pub fn add_source(&mut self, src: &dyn ChunkSource) {
        fenv::with_env(|_| self.add_source_in_env(src));
    }

    /// [`ExactSumSq::add_source`] inside a caller's guard.
    fn add_source_in_env(&mut self, src: &dyn ChunkSource) {
        if let Some((parts, count)) = src.repeated() {
            for p in parts {
                self.add_value_times(p, count);
            }
            return;
        }
        src.for_each_chunk(&mut |c| {
            for &v in c {
                self.add_value_times(v, 1);
            }
        });
    }

    /// The norm correctly rounded to binary64 in the caller's rounding mode.
    pub fn result_f64(&self) -> f64 {
        fenv::with_env(|dir| self.rounded(F64, dir))
    }

    /// The norm correctly rounded to binary32 in the caller's rounding mode.
    pub fn result_f32(&self) -> f32 {
        fenv::with_env(|dir| self.rounded(F32, dir) as f32)
    }

    fn rounded(&self, fmt: Format, dir: Dir) -> f64 {
        if self.nan {
            f64::NAN
        } else if self.inf {
            f64::INFINITY
        } else {
            self.sum.sqrt_rounded(fmt, dir)
        }
    }
}

/// The norm of a view: short paths first (inlined into the callers, so that the common
/// short call is cheap), everything else out of line.  The short paths round to nearest
/// inside the ISA's functions; other rounding directions take [`norm_view_directed`].
#[inline(always)]
fn norm_view<T: Element>(v: &Strided<'_, T>, k: &Kernels, dir: Dir) -> f64 {
    if dir != Dir::Nearest {
        return norm_view_directed(v, k, dir);
    }
    let r = match v.shape() {
        Shape::F64(x) if x.len() <= SHORT_MAX => (k.small64)(x),
        Shape::F32(x) if x.len() <= SHORT32_MAX => (k.small32)(x),
        Shape::Even64(x) if x.len() <= 2 * SHORT_MAX => (k.short_even64)(x),
        Shape::Pairs64(x) if x.len() <= 2 * SHORT_MAX => (k.short_pairs64)(x),
        Shape::Even32(x) if x.len() <= 2 * SHORT_MAX => (k.short_even32)(x),
        Shape::Pairs32(x) if x.len() <= 2 * SHORT_MAX => (k.short_pairs32)(x),
        _ => None,
    };
    match r {
        Some(r) => r,
        None => norm_view_general(v, k, Dir::Nearest),
    }
}

/// The norm of a view rounded upward or downward: the one-block sum of a short path (if it
/// decides) rounded by `finish.rs` in that direction, else the general path.
#[inline(never)]
fn norm_view_directed<T: Element>(v: &Strided<'_, T>, k: &Kernels, dir: Dir) -> f64 {
    if let Some(p) = short_part(v, k) {
        return match round_part::<false>(p, T::FORMAT, dir) {
            Finish::Value(r) => r,
            Finish::NeedExact(_) => exact(v, T::FORMAT, dir),
        };
    }
    norm_view_general(v, k, dir)
}

/// The one-block sum of a short view, if its short path decides.
fn short_part<T: Element>(v: &Strided<'_, T>, k: &Kernels) -> Option<crate::sumsq::Part> {
    match v.shape() {
        Shape::F64(x) if x.len() <= SHORT_MAX => (k.small64_part)(x),
        Shape::F32(x) if x.len() <= SHORT32_MAX => (k.small32_part)(x),
        Shape::Even64(x) if x.len() <= 2 * SHORT_MAX => (k.short_even64_part)(x),
        Shape::Pairs64(x) if x.len() <= 2 * SHORT_MAX => (k.short_pairs64_part)(x),
        Shape::Even32(x) if x.len() <= 2 * SHORT_MAX => (k.short_even32_part)(x),
        Shape::Pairs32(x) if x.len() <= 2 * SHORT_MAX => (k.short_pairs32_part)(x),
        _ => None,
    }
}

/// The general path: the view's data into a state through the block kernels (split over
/// threads when long), rounded once, recomputed exactly when the bound cannot decide.
#[inline(never)]
fn norm_view_general<T: Element>(v: &Strided<'_, T>, k: &Kernels, dir: Dir) -> f64 {
    if v.repeated().is_some() {
        return exact(v, T::FORMAT, dir);
    }
    let mut st = SumSq::new();
    add_blocks(&mut st, v, k);
    conclude(&st, v, dir)
}

/// The rounded state, or the exact recomputation it asks for.
fn conclude(st: &SumSq, src: &dyn ChunkSource, dir: Dir) -> f64 {
    let fmt = src.format();
    match finish(st, fmt, dir) {
        Finish::Value(v) => v,
        Finish::NeedExact(_) => exact(src, fmt, dir),
    }
}

/// Adds a view to a state: the short path when it decides, else the block kernels.
fn add_view<T: Element>(st: &mut SumSq, v: &Strided<'_, T>, k: &Kernels) {
    if let Some(p) = short_part(v, k) {
        st.add_part(p);
        return;
    }
    add_blocks(st, v, k);
}

/// Adds a view through the block kernels, split over threads when it is long.
fn add_blocks<T: Element>(st: &mut SumSq, v: &Strided<'_, T>, k: &Kernels) {
    let pieces = threads::split(v);
    if pieces > 1 {
        threads::add_parallel(st, v, pieces, &|s: &mut SumSq, p: &Strided<'_, T>| {
            add_blocks_serial(s, p, k)
        });
        return;
    }
    add_blocks_serial(st, v, k);
}

/// Adds a view through the block kernels of its shape, in this thread.
fn add_blocks_serial<T: Element>(st: &mut SumSq, v: &Strided<'_, T>, k: &Kernels) {
    let special = match v.shape() {
        Shape::F64(x) => (k.f64s)(x, st),
        Shape::F32(x) => (k.f32s)(x, st),
        Shape::Even64(x) => (k.even64)(x, st),
        Shape::Pairs64(x) => (k.pairs64)(x, st),
        Shape::Even32(x) => (k.even32)(x, st),
        Shape::Pairs32(x) => (k.pairs32)(x, st),
        Shape::Other => return add_source(st, v, k),
    };
    if special {
        mark_specials(st, v);
    }
}

/// Adds any source: a repeated element exactly, chunks through the binary64 kernel.
fn add_source(st: &mut SumSq, src: &dyn ChunkSource, k: &Kernels) {
    if src.repeated().is_some() {
        // `n x0^2`, computed exactly, then added as a double-double with a tiny bound.
        let mut ex = ExactSumSq::new();
        ex.add_source_in_env(src);
        st.mark(ex.nan, ex.inf);
        ex.sum.add_to_state(st);
        return;
    }
    let mut special = false;
    src.for_each_chunk(&mut |c| special |= (k.f64s)(c, st));
    if special {
        mark_specials(st, src);
    }
}

/// Records in the state whether the source holds a NaN and/or an infinity (called only when
/// a kernel met one, so the common path never scans twice).
#[cold]
fn mark_specials(st: &mut SumSq, src: &dyn ChunkSource) {
    let (mut nan, mut inf) = (false, false);
    src.for_each_chunk(&mut |c| {
        for v in c {
            nan |= v.is_nan();
            inf |= v.is_infinite();
        }
    });
    st.mark(nan, inf);
}

/// The exact norm of a source, rounded in the direction `dir`.
fn exact(src: &dyn ChunkSource, fmt: Format, dir: Dir) -> f64 {
    let mut ex = ExactSumSq::new();
    ex.add_source_in_env(src);
    ex.rounded(fmt, dir)
}

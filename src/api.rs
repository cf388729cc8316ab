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
use crate::consts::EXPRESS_MAX;
use crate::dispatch::{self, Isa};
use crate::fenv::{self, Dir};
use crate::finish::{
    finish, round_part, split_norm, split_sqrt, Divisor, Finish, SplitNorm, SPLIT_REL_MAX,
};
use crate::format::{Format, F32, F64};
use crate::kernel::{SHORT32_MAX, SHORT_MAX};
use crate::lassq::{lassq_typed, LassqData};
use crate::strided::{
    required_len, ChunkSource, Element, Rewritable, Rewrite, Shape, Strided, StridedMut, ViewError,
};
use crate::sumsq::{ExactSumSq, SumSq};
use crate::threads;

/// The Euclidean norm of a contiguous slice: `sqrt(sum |x_i|^2)`, correctly rounded.
///
/// `T` is `f64`, `f32`, `[f64; 2]` or `[f32; 2]` (complex, interleaved), or the
/// half-precision [`crate::F16`] / [`crate::BF16`] (norm in binary32).  NaN anywhere gives
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
    let k = dispatch::active_kernels();
    fenv::with_env_express(
        || express(v, k).map(T::real),
        |dir| T::real(norm_view(v, k, dir)),
    )
}

/// The express path of one ISA for a contiguous slice, under the same environment guard
/// as the dispatched entry (tests): `None` when this CPU cannot run the ISA, `Some(None)`
/// when the express path does not apply or does not decide, else the norm.
#[doc(hidden)]
pub fn nrm2_express_with_isa<T: Element>(x: &[T], isa: Isa) -> Option<Option<T::Real>> {
    let k = isa.kernels()?;
    let v = Strided::contiguous(x);
    Some(fenv::with_env_express(
        || express(&v, k).map(|r| Some(T::real(r))),
        |_| None,
    ))
}

/// The express path of a short contiguous view (`fenv.rs`, "The express path"): the
/// correctly rounded norm (to nearest) when every component is in the clean range and the
/// fast rounding test decides, raising no flag but inexact; `None` otherwise.
#[inline(always)]
fn express<T: Element>(v: &Strided<'_, T>, k: &Kernels) -> Option<f64> {
    match v.shape() {
        Shape::F64(x) if x.len() <= EXPRESS_MAX => (k.express64)(x),
        Shape::F32(x) if x.len() <= EXPRESS_MAX => (k.express32)(x),
        _ => None,
    }
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

/// LAPACK's `?lassq` (3.12 semantics, `src/lassq.rs`): returns `(scale_out, sumsq_out)`
/// with `scale_out^2 sumsq_out = sum |x_i|^2 + scale^2 sumsq`, `scale_out` a power of two
/// and `sumsq_out` in `[1, 4]` rounded once (NaN, infinities, zeros and the clamps at the
/// ends of the range as documented there).  When `(scale, sumsq)` is bit-identical to the
/// pair this thread's last call for the same element type returned, the sum continues from
/// the exact-enough state behind it, so chains of calls (one per matrix column, as in
/// `?lange('F')`) are rounded once, not once per call.
///
/// ```
/// use safenorm::{lassq, Strided};
/// let big = 2f64.powi(1000);
/// let (scale, sumsq) = lassq(&Strided::contiguous(&[3.0 * big, 4.0 * big]), 0.0, 1.0);
/// assert_eq!(scale * sumsq.sqrt(), 5.0 * big); // the plain sum of squares overflows
/// ```
pub fn lassq<T: Element>(x: &Strided<'_, T>, scale: T::Real, sumsq: T::Real) -> (T::Real, T::Real)
where
    T::Real: Into<f64>,
{
    if x.is_empty() {
        return lassq_typed::<T>(scale, sumsq, LassqData::Empty);
    }
    let k = dispatch::active_kernels();
    let mut add = |s: &mut SumSq| add_view(s, x, k);
    lassq_typed::<T>(scale, sumsq, LassqData::Add(&mut add))
}

/// [`lassq`] with the data given as an adder (the C adapters: misaligned data, bad input).
#[doc(hidden)]
pub fn lassq_data<T: Element>(
    scale: T::Real,
    sumsq: T::Real,
    data: LassqData<'_>,
) -> (T::Real, T::Real)
where
    T::Real: Into<f64>,
{
    lassq_typed::<T>(scale, sumsq, data)
}

/// Forgets the pairs this thread's [`lassq`] calls returned (the next call starts from the
/// pair's value).
pub fn lassq_forget() {
    crate::lassq::forget();
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
pub(crate) fn norm_view<T: Element>(v: &Strided<'_, T>, k: &Kernels, dir: Dir) -> f64 {
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
        Shape::H16(x) if x.len() <= SHORT32_MAX => (k.small_h16)(x),
        Shape::BF16(x) if x.len() <= SHORT32_MAX => (k.small_bf16)(x),
        Shape::Spread64(x) if x.len() <= SHORT_MAX => (k.short_spread64)(x),
        Shape::Spread32(x) if x.len() <= SHORT_MAX => (k.short_spread32)(x),
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
        Shape::H16(x) if x.len() <= SHORT32_MAX => (k.small_h16_part)(x),
        Shape::BF16(x) if x.len() <= SHORT32_MAX => (k.small_bf16_part)(x),
        Shape::Spread64(x) if x.len() <= SHORT_MAX => (k.short_spread64_part)(x),
        Shape::Spread32(x) if x.len() <= SHORT_MAX => (k.short_spread32_part)(x),
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
pub(crate) fn conclude(st: &SumSq, src: &dyn ChunkSource, dir: Dir) -> f64 {
    let fmt = src.format();
    match finish(st, fmt, dir) {
        Finish::Value(v) => v,
        Finish::NeedExact(_) => exact(src, fmt, dir),
    }
}

/// Adds a view to a state: the short path when it decides, else the block kernels.
pub(crate) fn add_view<T: Element>(st: &mut SumSq, v: &Strided<'_, T>, k: &Kernels) {
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
        Shape::H16(x) => (k.h16s)(x, st),
        Shape::BF16(x) => (k.bf16s)(x, st),
        Shape::Spread64(x) => (k.spread64)(x, st),
        Shape::Spread32(x) => (k.spread32)(x, st),
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
pub(crate) fn mark_specials(st: &mut SumSq, src: &dyn ChunkSource) {
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
pub(crate) fn exact(src: &dyn ChunkSource, fmt: Format, dir: Dir) -> f64 {
    let mut ex = ExactSumSq::new();
    ex.add_source_in_env(src);
    ex.rounded(fmt, dir)
}

/// Normalises a contiguous slice in place, `x <- x / ||x||`, and returns the norm
/// `||x||` correctly rounded (`+Inf` when it exceeds the largest finite value).
///
/// Every component becomes the exact quotient `x_i / ||x||` rounded to nearest, except
/// within `2^-26` ulp of a rounding midpoint (binary64; `2^-47` for binary32): at most
/// `0.5 + 2^-26` ulp from the exact quotient, for every input, with no overflow or underflow
/// in between (the norm may exceed the largest finite value or be subnormal; quotients that
/// are subnormal are rounded once).  The algorithm and its proof: `finish.rs`, `Divisor`.
///
/// Special inputs (the same rules for complex data, whose real and imaginary parts are the
/// components):
/// * all components `+-0` (also the empty vector): unchanged, the norm is 0;
/// * any NaN: every component becomes NaN, the norm is NaN;
/// * otherwise, infinities: the norm is `+Inf`, and each component becomes the limit of
///   `x_i / ||x||` as the infinite components grow without bound: finite components become
///   `+-0` (sign kept); a single infinite component becomes `+-1`; two or more infinite
///   components become NaN (their limit depends on how they grow; numpy and PyTorch give
///   NaN there too).
///
/// `T` is `f64`, `f32`, `[f64; 2]` or `[f32; 2]`; binary32 quotients are computed from the
/// binary32 data and a norm carried to about 100 bits, and rounded once to binary32.
///
/// ```
/// let mut x = [f64::MAX, f64::MAX];
/// let norm = safenorm::normalize(&mut x);
/// assert_eq!(norm, f64::INFINITY);                        // the norm overflows...
/// assert_eq!(x, [std::f64::consts::FRAC_1_SQRT_2; 2]);    // ...the quotients do not
/// ```
pub fn normalize<T: Rewritable>(x: &mut [T]) -> T::Real {
    normalize_view(&mut StridedMut::contiguous(x))
}

/// [`normalize`] of the BLAS vector `(n, x, incx)` of a slice (see [`StridedMut::new`]:
/// `incx == 0` is refused for `n > 1`).
pub fn normalize_strided<T: Rewritable>(
    x: &mut [T],
    n: usize,
    incx: isize,
) -> Result<T::Real, ViewError> {
    Ok(normalize_view(&mut StridedMut::new(x, n, incx)?))
}

/// [`normalize`] of a checked strided view.
pub fn normalize_view<T: Rewritable>(v: &mut StridedMut<'_, T>) -> T::Real {
    // In the library's environment (`fenv.rs`): the norm is rounded in the caller's
    // direction, the quotients to nearest (the `Divisor` bound).
    fenv::with_env(|dir| normalize_view_in_env(v, dir))
}

fn normalize_view_in_env<T: Rewritable>(v: &mut StridedMut<'_, T>, dir: Dir) -> T::Real {
    let mut st = SumSq::new();
    let k = dispatch::active_kernels();
    if T::FORMAT == F32 {
        // The binary32 kernels bound their sums only to about 2^-32 (enough to round a
        // binary32 norm, not to divide by it); the binary64 block kernel over the widened
        // components keeps the bound near 2^-100, so the exact state is rarely needed.
        add_source(&mut st, &v.as_view(), k);
    } else {
        add_view(&mut st, &v.as_view(), k);
    }
    T::real(normalize_state(&st, v, dir))
}

/// [`normalize`] of any rewritable source of elements `T` (the C adapters' misaligned
/// data); returns the norm.
#[doc(hidden)]
pub fn normalize_source<T: Element, R: Rewrite>(src: &mut R) -> T::Real {
    let k = dispatch::active_kernels();
    fenv::with_env(|dir| {
        let mut st = SumSq::new();
        add_source(&mut st, &*src, k);
        T::real(normalize_state(&st, src, dir))
    })
}

/// Normalises `batch` vectors of a slice: vector `b` is the BLAS vector `(n, x[b *
/// stridex..], incx)`; its norm goes to `norms[b]` when `norms` is given.  The vectors are
/// normalised one after the other, `b = 0, 1, ...` (vectors may interleave, e.g. the columns
/// of a row-major matrix with `incx` = the row length and `stridex = 1`; a vector sharing
/// elements with an earlier one sees that one's results).  Everything is checked before
/// anything is written: an error leaves `x` and `norms` unchanged.
///
/// Errors: a span that does not fit ([`ViewError::TooShort`], also `norms` shorter than
/// `batch`, or [`ViewError::StrideOverflow`]); `incx == 0` with `n > 1`, or `stridex == 0`
/// with `batch > 1` and `n > 0` ([`ViewError::ZeroStride`]: writing the same elements
/// again has no meaning).
pub fn normalize_batch<T: Rewritable>(
    x: &mut [T],
    n: usize,
    incx: isize,
    stridex: usize,
    batch: usize,
    mut norms: Option<&mut [T::Real]>,
) -> Result<(), ViewError> {
    if let Some(o) = norms.as_deref() {
        if o.len() < batch {
            return Err(ViewError::TooShort);
        }
    }
    if batch == 0 {
        return Ok(());
    }
    if n == 0 {
        for o in norms.iter_mut().flat_map(|o| o.iter_mut()).take(batch) {
            *o = T::real(0.0);
        }
        return Ok(());
    }
    if (n > 1 && incx == 0) || (batch > 1 && stridex == 0) {
        return Err(ViewError::ZeroStride);
    }
    let span = required_len(n, incx.unsigned_abs()).ok_or(ViewError::StrideOverflow)?;
    let end = (batch - 1)
        .checked_mul(stridex)
        .and_then(|o| o.checked_add(span))
        .ok_or(ViewError::StrideOverflow)?;
    if end > x.len() {
        return Err(ViewError::TooShort);
    }
    for b in 0..batch {
        let data = x.get_mut(b * stridex..).ok_or(ViewError::TooShort)?;
        let r = normalize_view(&mut StridedMut::new(data, n, incx)?);
        if let Some(slot) = norms.as_deref_mut().and_then(|o| o.get_mut(b)) {
            *slot = r;
        }
    }
    Ok(())
}

/// Normalises `v` given the fast state of its data (documentation of [`normalize`]);
/// returns the rounded norm (a value of the source's format, `+Inf` or NaN).
fn normalize_state<R: Rewrite>(st: &SumSq, v: &mut R, dir: Dir) -> f64 {
    let fmt = v.format();
    if st.saw_nan() {
        v.rewrite(|_| f64::NAN);
        return f64::NAN;
    }
    if st.saw_inf() {
        let mut k = 0u64;
        v.for_each_chunk(&mut |c| k += c.iter().filter(|x| x.is_infinite()).count() as u64);
        if k > 0 {
            v.rewrite(|x| {
                if !x.is_infinite() {
                    0.0f64.copysign(x)
                } else if k == 1 {
                    1.0f64.copysign(x)
                } else {
                    f64::NAN
                }
            });
            return f64::INFINITY;
        }
        // A state flagged infinite without an infinity (a sum of squares past 2^2200): the
        // exact state below rounds the norm.
    }
    if st.classes.iter().all(|c| c.is_zero()) {
        // Only +-0 components: unchanged.
        return 0.0;
    }
    let fast = match (finish(st, fmt, dir), split_norm(st)) {
        (Finish::Value(r), Some(sp)) if sp.rel <= SPLIT_REL_MAX => Some((r, sp)),
        _ => None,
    };
    let (r, sp) = match fast {
        Some(f) => f,
        None => match exact_split(v, fmt, dir) {
            Some(f) => f,
            // Not reached: the sum is not zero.
            None => return 0.0,
        },
    };
    let div = Divisor::new(&sp, fmt);
    v.rewrite(|x| div.divide(x));
    r
}

/// The correctly rounded norm and its split from the exact state; `None` for a zero sum.
#[cold]
fn exact_split(src: &dyn ChunkSource, fmt: Format, dir: Dir) -> Option<(f64, SplitNorm)> {
    let mut ex = ExactSumSq::new();
    ex.add_source_in_env(src);
    let (hi, lo, err, w) = ex.sum.leading_dd()?;
    Some((ex.rounded(fmt, dir), split_sqrt(hi, lo, err, w)?))
}

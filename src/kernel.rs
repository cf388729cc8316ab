//! The fast sum-of-squares kernel: one generic body over a small vector trait, and the
//! accumulator that turns its block results into a correctly rounded norm (or asks for the
//! exact path when its error bound cannot decide the rounding).
//!
//! # Algorithm
//!
//! Input arrives in chunks of binary64 values (binary32 data are widened exactly).  A chunk
//! is cut into *blocks* of at most `LANES * UNROLL * STEPS_PER_BLOCK` elements; each lane of
//! each accumulator sees at most `m = STEPS_PER_BLOCK` elements of a block.
//!
//! 1. `amax = max |x|` over the block picks a *scale class* (see `consts.rs`): the block is
//!    multiplied by the exact power of two `2^600`, `1` or `2^-600` so that the scaled
//!    `amax` lies in `[2^-474, 2^424]`.  (This is the idea of Blue's three accumulators,
//!    J. L. Blue, ACM TOMS 4(1), 1978, doi:10.1145/355769.355771, and of Anderson's
//!    corrected constants in reference BLAS 3.10, doi:10.1145/3061665, applied per block.)
//! 2. `sigma` is a power of two with `2 m amax^2 < sigma <= 8 m amax^2`.  Every lane starts
//!    its sum at `T = sigma` and, for each element, does
//!    `T' = fma(x, x, T)`, `q = T' - T`, `r = fma(x, x, -q)`, `L += r`.
//!    Because the lane's exact sum stays below `sigma / 4`, every `T` lies in
//!    `[sigma, 2 sigma]`, where binary64 numbers are evenly spaced by `2^-52 sigma`; hence
//!    `q` is computed exactly (it is a difference of two such numbers, smaller than sigma),
//!    the `q`s telescope to `T_end - sigma` exactly, and `r` is the rounding error
//!    `x^2 - q` of that step, itself rounded once (relative error `<= u = 2^-53`).
//!    This is the error-free transformation idea of Ogita, Rump and Oishi ("Accurate sum
//!    and dot product", SIAM J. Sci. Comput. 26(6), 2005, doi:10.1137/030601818), arranged
//!    so that the fixed offset `sigma` makes the high part exact at 2 flops per element.
//! 3. At the end of the block, `T_end - sigma` (exact) and `L` are added into the class's
//!    double-double sum with TwoSum (Knuth, TAOCP vol. 2, 4.2.2).
//!
//! # Error bound
//!
//! Per lane and block, `|e_j| <= 2^-52 sigma` for the step errors; rounding `r` costs
//! `<= u |e_j| <= 2^-105 sigma` (plus `2^-1075` if `r` is subnormal); the running sum `L`
//! has `|L| <= j 2^-52 sigma` and each addition costs `<= u |L|`.  Summed over `m` steps:
//! `(m + m(m+1)/2) 2^-105 sigma <= (m^2 + m) 2^-105 sigma`.  The double-double folds cost
//! `u |lo|` each, tracked at run time.  The accumulated bound `err` is thus rigorous; with
//! `m = 64` it is below `2^-83` of the sum of squares for any data, far below the `2^-53`
//! needed to round, so the exact fallback is taken only for (near-)ties.
//!
//! # NaN and Inf
//!
//! A block whose `amax` is infinite, or whose sums come out NaN (a NaN input propagates
//! through `fma`), marks the accumulator *special*; the caller then rescans the input:
//! any NaN gives NaN, otherwise the result is `+Inf` (reference BLAS 3.12 semantics).
//! A block of zeros is skipped after a scan for NaN (NaN does not raise `amax`).

use crate::consts::{
    pow2, BIG_LIMIT, BIG_SCALE, CLASS_STEP, ERR_STEP, MIN_SUBNORMAL, SMALL_LIMIT, SMALL_SCALE,
    STEPS_PER_BLOCK, U,
};
use crate::exact::{exponent, grid_exp, grid_exp_below, ldexp, round_to_grid, Format};

/// A short vector of binary64 lanes: the operations the kernel body needs.
///
/// Implemented by `f64` itself (one lane, the portable path) and by the per-ISA types in
/// `arch/`.  Every method is `#[inline(always)]` in the implementations so that the generic
/// body is compiled once per ISA with that ISA's target features.
pub(crate) trait Lanes: Copy {
    /// Number of lanes.
    const N: usize;
    /// All lanes equal to `v`.
    fn splat(v: f64) -> Self;
    /// Loads `N` values from `src[..N]`; `src.len() >= N` is checked by the caller.
    fn load(src: &[f64]) -> Self;
    /// `|self|` lane-wise.
    fn abs(self) -> Self;
    /// Lane-wise maximum; where `o` is NaN the result is `self` (NaN is not propagated).
    fn max(self, o: Self) -> Self;
    /// `self * o`.
    fn mul(self, o: Self) -> Self;
    /// `self + o`.
    fn add(self, o: Self) -> Self;
    /// `self - o`.
    fn sub(self, o: Self) -> Self;
    /// `self * b + c` with one rounding.
    fn fma(self, b: Self, c: Self) -> Self;
    /// `self * b - c` with one rounding.
    fn fms(self, b: Self, c: Self) -> Self;
    /// Maximum over the lanes.
    fn reduce_max(self) -> f64;
    /// Stores the lanes into `out[..N]`.
    fn store(self, out: &mut [f64]);
}

impl Lanes for f64 {
    const N: usize = 1;
    #[inline(always)]
    fn splat(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn load(src: &[f64]) -> Self {
        src.first().copied().unwrap_or(0.0)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        if o > self {
            o
        } else {
            self
        }
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self * o
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self + o
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        self - o
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        self.mul_add(b, c)
    }
    #[inline(always)]
    fn fms(self, b: Self, c: Self) -> Self {
        self.mul_add(b, -c)
    }
    #[inline(always)]
    fn reduce_max(self) -> f64 {
        self
    }
    #[inline(always)]
    fn store(self, out: &mut [f64]) {
        if let Some(o) = out.first_mut() {
            *o = self;
        }
    }
}

/// Independent accumulators per lane (instruction-level parallelism).
pub(crate) const UNROLL: usize = 4;

/// A double-double sum `hi + lo` of one scale class, with the running error bound.
#[derive(Clone, Copy, Debug, Default)]
struct ClassSum {
    hi: f64,
    lo: f64,
    /// Bound on `|exact - (hi + lo)|` from the blocks, in the class's units.
    err: f64,
    /// Sum of `|lo|` after each fold: the folds' rounding errors are `<= u * fold_abs`.
    fold_abs: f64,
}

impl ClassSum {
    #[inline]
    fn add(&mut self, a: f64) {
        // TwoSum (Knuth): s + e == hi + a exactly.
        let s = self.hi + a;
        let bp = s - self.hi;
        let e = (self.hi - (s - bp)) + (a - bp);
        self.hi = s;
        self.lo += e;
        self.fold_abs += self.lo.abs();
    }

    fn is_zero(&self) -> bool {
        self.hi == 0.0 && self.lo == 0.0
    }

    /// Total error bound in the class's units.
    fn bound(&self) -> f64 {
        self.err + self.fold_abs * U
    }
}

/// What the accumulator concludes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Outcome {
    /// The correctly rounded norm (a value of the target format, or `+Inf` on overflow).
    Value(f64),
    /// A NaN or an infinity was seen: rescan the input for NaN.
    Special,
    /// The error bound straddles a rounding boundary: recompute exactly.
    Ambiguous,
}

/// Running state of the fast path: one double-double per scale class.
#[derive(Clone, Debug, Default)]
pub struct Accumulator {
    /// Index 0: small class (units `2^-1200`), 1: medium (units 1), 2: big (units `2^1200`).
    classes: [ClassSum; 3],
    special: bool,
}

/// The three classes: scale factor applied to the data.
const CLASS_SCALE: [f64; 3] = [SMALL_SCALE, 1.0, BIG_SCALE];

impl Accumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks that a NaN or Inf was seen.
    #[inline]
    pub(crate) fn mark_special(&mut self) {
        self.special = true;
    }

    /// Adds one block's lane results: `t[i] - sigma` is exact, `l[i]` the error sums.
    #[inline]
    fn fold(&mut self, class: usize, sigma: f64, t: &[f64], l: &[f64], steps: usize) {
        let Some(c) = self.classes.get_mut(class) else {
            return;
        };
        let mut bad = false;
        for (&ti, &li) in t.iter().zip(l) {
            bad |= ti.is_nan() || li.is_nan();
            c.add(ti - sigma);
            c.add(li);
        }
        if bad {
            self.special = true;
            return;
        }
        let m = steps as f64;
        let lanes = t.len() as f64;
        // Per-lane bound (m^2 + m) 2^-105 sigma, plus 2^-1075 per possibly subnormal r.
        c.err += lanes * ((m * m + m) * ERR_STEP * sigma + m * MIN_SUBNORMAL);
    }

    /// Concludes: the norm rounded to `fmt`, or what the caller must do instead.
    pub(crate) fn finish(&self, fmt: Format) -> Outcome {
        if self.special {
            return Outcome::Special;
        }
        let Some(top) = self.classes.iter().rposition(|c| !c.is_zero()) else {
            return Outcome::Value(0.0);
        };
        let t = self.classes[top];
        let mut hi = t.hi;
        let mut lo = t.lo;
        let mut err = t.bound();
        // Bring the next class down into the top class's units (x 2^-1200, in two exact
        // steps unless they underflow: at most 2^-1074 lost per part, counted in err).
        if top >= 1 {
            let n = self.classes[top - 1];
            if !n.is_zero() {
                let s = |v: f64| v * CLASS_STEP * CLASS_STEP;
                let (nh, nl, ne) = (s(n.hi), s(n.lo), s(n.bound()));
                let sum = hi + nh;
                let bp = sum - hi;
                let e = (hi - (sum - bp)) + (nh - bp);
                hi = sum;
                let lo_new = lo + (e + nl);
                err += ne + 4.0 * MIN_SUBNORMAL + 2.0 * U * (lo_new.abs() + nl.abs() + e.abs());
                lo = lo_new;
            }
        }
        // Two classes below the top: at most n * 2^664 * 2^-2400 < 2^-1074 in top units.
        if top == 2 && !self.classes[0].is_zero() {
            err += MIN_SUBNORMAL;
        }
        // Renormalise (FastTwoSum: hi >= |lo| since all parts are sums of non-negatives up
        // to tiny error terms).
        let s = hi + lo;
        lo -= s - hi;
        hi = s;
        if hi.is_nan() || hi <= 0.0 {
            // Only error terms survived (cannot happen for a non-zero sum of squares beyond
            // the bound): let the exact path decide.
            return Outcome::Ambiguous;
        }
        // sqrt of the double-double: y = sqrt(hi), one Newton correction.
        let y = hi.sqrt();
        let resid = (-y).mul_add(y, hi); // exact: hi - y^2
        let delta = (resid + lo) / (2.0 * y);
        // Error of z = y + delta: propagated sum error err/(2y) (x 1.01 for the second
        // order), rounding of delta (3u relative), Newton truncation <= 2^-105 y.
        let ez = err / (2.0 * y) * 1.01 + delta.abs() * pow2(-50) + y * pow2(-100);
        // Result units: the class scale undone as a factor k on the root.
        let (k, fmt_units) = match top {
            0 => (-600, shift_format(fmt, 600)),
            2 => (600, shift_format(fmt, -600)),
            _ => (0, fmt),
        };
        match round_dd(y, delta, ez, fmt_units) {
            Some(r) => Outcome::Value(ldexp(r, k)),
            None => Outcome::Ambiguous,
        }
    }
}

/// The format seen in units scaled by `2^s`: subnormal grid and overflow move by `s`.
fn shift_format(fmt: Format, s: i32) -> Format {
    Format {
        precision: fmt.precision,
        min_exp: fmt.min_exp + s,
        max_exp: fmt.max_exp + s,
    }
}

/// Rounds `zh + zl` (known to within `ez`) to nearest-even on the grid of `fmt`, or `None`
/// when the interval `[z - ez, z + ez]` contains a rounding boundary.
pub(crate) fn round_dd(zh: f64, zl: f64, ez: f64, fmt: Format) -> Option<f64> {
    let mut y = round_to_grid(zh, fmt);
    for _ in 0..3 {
        if y.is_nan() || y <= 0.0 {
            return None;
        }
        let gu = ldexp(1.0, grid_exp(y, fmt));
        let gd = ldexp(1.0, grid_exp_below(y, fmt));
        // zh - y is exact (both are close multiples of ulp(zh)); the addition of zl costs
        // at most u |d|, covered by the slack.
        let d = (zh - y) + zl;
        let slack = ez + d.abs() * pow2(-52);
        if d + slack < 0.5 * gu && d - slack > -0.5 * gd {
            return Some(y);
        }
        if d - slack > 0.5 * gu {
            y += gu;
        } else if d + slack < -0.5 * gd {
            y -= gd;
        } else {
            return None;
        }
    }
    None
}

/// Accumulates the squares of `x` into `acc`: the one generic kernel body.
///
/// Callers instantiate it per ISA inside a function compiled with that ISA's features.
#[inline(always)]
pub(crate) fn accumulate<V: Lanes>(x: &[f64], acc: &mut Accumulator) {
    let step = V::N * UNROLL;
    let block = step * STEPS_PER_BLOCK;
    for blk in x.chunks(block) {
        block_body::<V>(blk, acc, step);
    }
}

#[inline(always)]
fn block_body<V: Lanes>(blk: &[f64], acc: &mut Accumulator, step: usize) {
    // Pass 1: amax (L1-resident).
    let mut mx = [V::splat(0.0); UNROLL];
    let mut body = blk.chunks_exact(step);
    for c in body.by_ref() {
        for (u, m) in mx.iter_mut().enumerate() {
            *m = m.max(V::load(c.get(u * V::N..).unwrap_or(&[])).abs());
        }
    }
    let tail = body.remainder();
    let mut amax = 0.0f64;
    for m in mx {
        amax = amax.max(m.reduce_max());
    }
    for &v in tail {
        amax = amax.max(v.abs());
    }
    if amax == 0.0 {
        // All zeros, or NaNs hidden from max: look for NaN.
        if blk.iter().any(|v| v.is_nan()) {
            acc.mark_special();
        }
        return;
    }
    if !amax.is_finite() {
        acc.mark_special();
        return;
    }
    let (class, scale) = if amax < SMALL_LIMIT {
        (0, CLASS_SCALE[0])
    } else if amax > BIG_LIMIT {
        (2, CLASS_SCALE[2])
    } else {
        (1, CLASS_SCALE[1])
    };
    let amax_s = amax * scale;
    let steps = blk.len().div_ceil(step);
    let v = 2.0 * steps as f64 * amax_s * amax_s;
    let sigma = pow2(exponent(v) + 2);

    // Pass 2: the error-free accumulation.
    let sig = V::splat(sigma);
    let mut t = [sig; UNROLL];
    let mut l = [V::splat(0.0); UNROLL];
    let sc = V::splat(scale);
    let mut body = blk.chunks_exact(step);
    if class == 1 {
        for c in body.by_ref() {
            for u in 0..UNROLL {
                let xv = V::load(c.get(u * V::N..).unwrap_or(&[]));
                lane_step(xv, &mut t[u], &mut l[u]);
            }
        }
    } else {
        for c in body.by_ref() {
            for u in 0..UNROLL {
                let xv = V::load(c.get(u * V::N..).unwrap_or(&[])).mul(sc);
                lane_step(xv, &mut t[u], &mut l[u]);
            }
        }
    }
    // Tail: fewer than `step` elements, one lane of scalar work each.
    let mut tt = [0.0f64; 64];
    let mut ll = [0.0f64; 64];
    let lanes = V::N * UNROLL;
    for u in 0..UNROLL {
        t[u].store(tt.get_mut(u * V::N..).unwrap_or(&mut []));
        l[u].store(ll.get_mut(u * V::N..).unwrap_or(&mut []));
    }
    for (i, &v) in body.remainder().iter().enumerate() {
        let xs = v * scale;
        if let (Some(ti), Some(li)) = (tt.get_mut(i), ll.get_mut(i)) {
            lane_step(xs, ti, li);
        }
    }
    acc.fold(
        class,
        sigma,
        tt.get(..lanes).unwrap_or(&[]),
        ll.get(..lanes).unwrap_or(&[]),
        steps,
    );
}

/// One element of one lane: `T' = fma(x,x,T)`, `q = T' - T` (exact), `L += fma(x,x,-q)`.
#[inline(always)]
fn lane_step<V: Lanes>(x: V, t: &mut V, l: &mut V) {
    let t2 = x.fma(x, *t);
    let q = t2.sub(*t);
    let r = x.fms(x, q);
    *l = l.add(r);
    *t = t2;
}

/// The portable kernel: the generic body with one-lane "vectors".
pub(crate) fn accumulate_scalar(x: &[f64], acc: &mut Accumulator) {
    accumulate::<f64>(x, acc);
}

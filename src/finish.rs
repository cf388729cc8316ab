//! The one place that rounds: a sum-of-squares state (`sumsq.rs`) or a one-block result of
//! the kernels becomes the correctly rounded norm in binary64 or binary32, or the verdict
//! that its error bound cannot decide the rounding.
//!
//! # Rounding a state ([`finish`])
//!
//! NaN seen: NaN.  Otherwise an infinity seen: `+Inf` (reference BLAS 3.12).  Otherwise the
//! top non-zero class, with the next class below brought into its units (`x 2^-1200`, in two
//! exact steps unless they underflow: at most `2^-1074` lost per part, counted as
//! `TINY = 2^-1020`, a normal number; the top class's sum is at least `2^-948` in its units,
//! so this costs nothing in the rounding test), and the class two below counted as `TINY`
//! (at most `2^64 * 2^864 * 2^-2400 < 2^-1074` in top units); then the rounding below.
//!
//! # Rounding a sum known within a bound
//!
//! Binary32 results of the short paths ([`round32`]): `s = RN(hi + lo)`, `y = RN(sqrt(s))`,
//! `r = RN32(y)`.  The exact sum `S` is within `E = err + u s` of `s`, so
//! `|sqrt(S) - y| <= E (1 + u) / y + u y =: ez`; `r` is returned when `[y - ez, y + ez]`
//! holds no binary32 rounding boundary, tested without a division as
//! `(ulp/2 - (y - r)) y > E (1 + u) + u y^2` (and likewise below `r`) with margins for the
//! test's own roundings.  No Newton step is needed, because `y` already carries 53 bits.
//! Otherwise (and for `s` outside `[2^-200, 2^200]`) the general rounding below runs.
//! Binary64 results of the short paths ([`round64`]): `s + t = hi + lo` exactly (FastTwoSum),
//! `y = RN(sqrt(s))`, `rho = RN((s - y^2) + t)` (the remainder `s - y^2` is exact with an
//! FMA, or Dekker's product).  `RN(sqrt(S)) = y` iff `-y ulp_b + ulp_b^2/4 < S - y^2 <
//! y ulp + ulp^2/4` (`ulp_b` the spacing below `y`); with `|S - y^2 - rho| <= err +
//! u (1 + u) |rho|` this is tested without a division, with margins `2^-50` for the test's own
//! roundings.  Undecided (or `s` outside `[2^-900, 2^900]`, or `hi < |lo|`): the general
//! rounding below.
//!
//! [`finish`] (and the short paths when their test is undecided) take `y = sqrt(hi)`, one Newton correction
//! `delta = (hi - y^2 + lo) / 2y` (`hi - y^2` exact with an FMA) and the error `ez` of
//! `y + delta`; [`round_fast`] rounds `y + delta` to the target format and accepts when the
//! interval `[z - ez, z + ez]` contains no rounding midpoint, else [`round_dd`] tries the
//! general grid (subnormal and overflowing results), else the state cannot decide: [`Finish::NeedExact`] with a faithful value, and the caller
//! recomputes exactly (the exact state of `sumsq.rs`).
//!
//! # Rounding direction
//!
//! Every rounding here takes the caller's rounding direction ([`Dir`], read by `fenv.rs`).
//! To nearest, the tests above run unchanged.  Upward and downward (toward zero is downward
//! for a norm), the short tests are skipped and [`round_dd`] runs with the grid points as
//! boundaries instead of the midpoints: the result is decided when the interval of possible
//! exact roots lies strictly between two adjacent grid points, which proves that the exact
//! root is not representable (its rounding is then the lower or the upper point); an exact
//! root (a perfect square) or an interval touching a grid point goes to the exact path,
//! whose comparison of the exact sum with the squared grid point decides (`exact.rs`).
//! Binary32 results are rounded directly on the binary32 grid.  Above the largest finite
//! value: `+Inf` upward, the largest finite value downward.
//!
#![forbid(unsafe_code)]

use crate::consts::{
    pow2, CLASS_SHIFT_EXP, CLASS_STEP, EXP_MASK, MANT_MASK, ROUND32_RANGE_EXP, SHORT_RANGE_EXP,
    U as UNIT,
};
use crate::format::{grid_exp, grid_exp_below, ldexp, round_to_grid, Dir, Format, F32, F64};
use crate::sumsq::{two_sum, Part, SumSq};

/// What rounding a state gives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Finish {
    /// The correctly rounded norm (a value of the target format, `+Inf` on overflow, NaN).
    Value(f64),
    /// The bound straddles a rounding boundary: the rounding of an approximation within the
    /// bound (a faithful rounding, one of the two neighbours of the exact norm, whenever the
    /// bound is below `2^-55` of the sum: always for binary64 data, whose bounds stay below
    /// `2^-57`); the exact state decides.
    NeedExact(f64),
}

/// A normal number above `4 * 2^-1074`, for bounds on underflow.
const TINY: f64 = pow2(-1020);

/// Rounds a state to `fmt` (module documentation).
pub(crate) fn finish(s: &SumSq, fmt: Format, dir: Dir) -> Finish {
    if s.nan {
        return Finish::Value(f64::NAN);
    }
    if s.inf {
        return Finish::Value(f64::INFINITY);
    }
    let cls = s.classes;
    let Some(top) = cls.iter().rposition(|c| !c.is_zero()) else {
        return Finish::Value(0.0);
    };
    let t = cls[top];
    if top == 1 && cls[0].is_zero() {
        // One class in units of 1: the fast roundings of the one-block paths.
        return round_part::<false>(
            Part {
                hi: t.hi,
                lo: t.lo,
                err: t.err,
            },
            fmt,
            dir,
        );
    }
    let mut hi = t.hi;
    let mut lo = t.lo;
    let mut err = t.err;
    if let Some(n) = top.checked_sub(1).and_then(|k| cls.get(k)) {
        if !n.is_zero() {
            let sc = |v: f64| v * CLASS_STEP * CLASS_STEP;
            let (nh, nl, ne) = (sc(n.hi), sc(n.lo), sc(n.err));
            let (sum, e) = two_sum(hi, nh);
            hi = sum;
            let lo_new = lo + (e + nl);
            err += ne + TINY + 2.0 * UNIT * (lo_new.abs() + nl.abs() + e.abs());
            lo = lo_new;
        }
    }
    if top == 2 && !cls[0].is_zero() {
        err += TINY;
    }
    let k = (top as i32 - 1) * CLASS_SHIFT_EXP;
    let units = fmt.shifted(-k);
    match round_sum::<false>(hi, lo, err, units, dir) {
        Some(r) => Finish::Value(ldexp(r, k)),
        None => Finish::NeedExact(ldexp(faithful(hi, lo, units), k)),
    }
}

/// Rounds a one-block result (medium class units) to `fmt` in the direction `dir`.
/// `FMA`: the caller runs with hardware FMA (the kernels call this inside their
/// `#[target_feature]` functions, always with `Dir::Nearest`).  The short tests
/// [`round64`] / [`round32`] decide rounding to nearest; directed roundings go to the
/// general rounding [`round_sum`].
#[inline(always)]
pub(crate) fn round_part<const FMA: bool>(p: Part, fmt: Format, dir: Dir) -> Finish {
    if p.hi == 0.0 && p.lo == 0.0 {
        return Finish::Value(0.0);
    }
    let r = if dir != Dir::Nearest {
        round_sum::<FMA>(p.hi, p.lo, p.err, fmt, dir)
    } else if fmt == F32 {
        round32(p.hi, p.lo, p.err)
    } else {
        round64::<FMA>(p.hi, p.lo, p.err)
    };
    match r {
        Some(v) => Finish::Value(v),
        None => need_exact(p.hi, p.lo, fmt),
    }
}

#[cold]
#[inline(never)]
fn need_exact(hi: f64, lo: f64, fmt: Format) -> Finish {
    Finish::NeedExact(faithful(hi, lo, fmt))
}

/// `sqrt(hi + lo)` rounded to nearest on the grid of `fmt` (`+Inf` past its largest finite
/// value).  When the exact sum is within `2^-55` (relative) of `hi + lo`, the root within
/// `2^-56`, so this is within `0.5 + 2^-3` ulp of the exact norm: a faithful rounding.
/// Binary64 data give bounds below `2^-57`; binary32 data (accumulated for binary32
/// results) below `2^-28`.
fn faithful(hi: f64, lo: f64, fmt: Format) -> f64 {
    let s = hi + lo;
    if s.is_nan() || s <= 0.0 {
        return 0.0;
    }
    let y = round_to_grid(s.sqrt(), fmt);
    if y >= ldexp(1.0, fmt.max_exp) {
        f64::INFINITY
    } else {
        y
    }
}

/// `hi - y^2` for `y = RN(sqrt(hi))`, which is exactly representable (the remainder of a
/// correctly rounded square root): one FMA, or without hardware FMA Dekker's exact product
/// (T. J. Dekker, Numer. Math. 18, 1971, doi:10.1007/BF01397083) with Veltkamp's split,
/// valid for `2^-900 <= hi <= 2^900`: then `2^-450 <= y <= 2^450`, `yh`, `yl` are multiples of
/// `ulp(y) >= 2^-502` with at most 26 bits, so every product is exact and nothing overflows.
/// Outside that range (rare) `f64::mul_add`, exact everywhere but possibly a slow software FMA.
#[inline(always)]
fn sqrt_remainder<const FMA: bool>(hi: f64, y: f64) -> f64 {
    if FMA || !(pow2(-SHORT_RANGE_EXP)..=pow2(SHORT_RANGE_EXP)).contains(&hi) {
        (-y).mul_add(y, hi)
    } else {
        let c = 134_217_729.0 * y; // 2^27 + 1
        let yh = c - (c - y);
        let yl = y - yh;
        let p = y * y;
        let e = ((yh * yh - p) + 2.0 * yh * yl) + yl * yl; // p + e == y^2 exactly
        (hi - p) - e // hi - p is exact (Sterbenz); the result is representable
    }
}

/// `sqrt(hi + lo)` rounded to `fmt` in the direction `dir`, where the sum is known to within
/// `err`; `None` when the bound does not decide the rounding.  `FMA`: the caller runs with
/// hardware FMA.
#[inline(always)]
fn round_sum<const FMA: bool>(hi: f64, lo: f64, err: f64, fmt: Format, dir: Dir) -> Option<f64> {
    // Renormalise (FastTwoSum: hi >= |lo| since all parts are sums of non-negatives up to
    // tiny error terms).
    let s = hi + lo;
    let lo = lo - (s - hi);
    let hi = s;
    if hi.is_nan() || hi <= 0.0 {
        // Only error terms survived (cannot happen for a non-zero sum of squares beyond the
        // bound): let the exact path decide.
        return None;
    }
    // sqrt of the double-double: y = sqrt(hi), one Newton correction.
    let y = hi.sqrt();
    let resid = sqrt_remainder::<FMA>(hi, y); // exact: hi - y^2
    let inv = 0.5 / y;
    let delta = (resid + lo) * inv;
    // Error of z = y + delta: propagated sum error err/(2y) (x 1.01 for the second order and
    // the rounding of inv), rounding of delta (4u relative: the sum, inv, the product),
    // Newton truncation <= 2^-105 y.
    let ez = err * inv * 1.01 + delta.abs() * pow2(-50) + y * pow2(-100);
    if dir != Dir::Nearest {
        return round_dd(y, delta, ez, fmt, dir);
    }
    match round_fast(y, delta, ez, fmt) {
        Some(r) => Some(r),
        None => round_dd(y, delta, ez, fmt, Dir::Nearest),
    }
}

/// Fast rounding of `z = y + delta` (known to within `ez`, `|delta| <= ulp(y)`) when the
/// result is a normal number of `fmt`: `r = RN_fmt(y + delta)`, accepted when the distance
/// `e = z - r` stays, with its error, strictly inside `r`'s rounding interval (half a gap on
/// each side; a quarter of a gap below a power of two).  `None` means "not decided here".
#[inline(always)]
fn round_fast(y: f64, delta: f64, ez: f64, fmt: Format) -> Option<f64> {
    let z = y + delta;
    let r = if fmt == F32 {
        f64::from(z as f32)
    } else if fmt.precision == 53 {
        z
    } else {
        return None;
    };
    // Normal range of fmt: 2^(min_exp + p - 1) <= r < 2^max_exp (limits outside the binary64
    // range mean "no limit" there: r is itself a normal binary64 number).
    let min_normal = fmt.min_exp + fmt.precision - 1;
    let lo_lim = if min_normal >= -1022 {
        pow2(min_normal.min(1023))
    } else {
        0.0
    };
    let hi_lim = if fmt.max_exp <= 1023 {
        pow2(fmt.max_exp.max(-1022))
    } else {
        f64::INFINITY
    };
    if !(r >= lo_lim && r >= f64::MIN_POSITIVE && r < hi_lim) {
        return None;
    }
    // ulp(r) = 2^(exponent(r) - p + 1); r is a normal binary64 number here.
    let ulp_scale = if fmt.precision == 24 {
        pow2(-23)
    } else {
        pow2(-52)
    };
    let ulp = f64::from_bits(r.to_bits() & EXP_MASK) * ulp_scale;
    let pow2_r = r.to_bits() & MANT_MASK == 0;
    let below = if pow2_r { 0.25 * ulp } else { 0.5 * ulp };
    // y - r is exact (same binade up to a factor 2, both on ulp(y)'s grid); adding delta
    // costs <= u |e| (covered by the 2^-52 slack).
    let e = (y - r) + delta;
    let slack = ez + e.abs() * pow2(-52);
    if e + slack < 0.5 * ulp && e - slack > -below {
        Some(r)
    } else {
        None
    }
}

/// Rounds `zh + zl` (known to within `ez`) on the grid of `fmt` in the direction `dir`, or
/// `None` when the interval `[z - ez, z + ez]` contains a rounding boundary.
///
/// The rounding boundaries around a grid point `y` (spacing `gu` above it, `gd` below):
///
/// * to nearest: the midpoints `y + gu/2` and `y - gd/2`; when `[z - ez, z + ez]` lies
///   strictly between them every value in it rounds to `y` (a tie is never decided here:
///   it sits on a boundary);
/// * downward and upward: the grid points themselves; when `[z - ez, z + ez]` lies
///   strictly inside `(y, y + gu)`, the exact root is not a grid point and rounds down to
///   `y`, up to `y + gu`.  An exact root on the grid (a perfect square) is never decided
///   here: the exact path (`exact.rs`) returns it, in every direction.
///
/// The test is the same for the three directions, with the boundaries `(below, above)`
/// relative to `y`: `(-gd/2, gu/2)` or `(0, gu)`.  A result at or above `2^max_exp` of
/// `fmt` (in the format's units: the caller may have shifted it) is `+Inf` to nearest and
/// upward, and the largest finite value downward (IEEE 754, 7.4).
#[cold]
#[inline(never)]
fn round_dd(zh: f64, zl: f64, ez: f64, fmt: Format, dir: Dir) -> Option<f64> {
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
        let (below, above) = match dir {
            Dir::Nearest => (-0.5 * gd, 0.5 * gu),
            Dir::Down | Dir::Up => (0.0, gu),
        };
        if d + slack < above && d - slack > below {
            return Some(match dir {
                Dir::Nearest | Dir::Down => overflow(y, fmt, dir),
                Dir::Up => overflow(y + gu, fmt, dir),
            });
        }
        if d - slack > above {
            y += gu;
        } else if d + slack < below {
            y -= gd;
        } else {
            return None;
        }
    }
    None
}

/// A rounded result `r` (a grid point of `fmt`, in its units): `r` itself when finite in
/// `fmt`; at or above `2^max_exp`, the largest finite value downward and `+Inf` upward and
/// to nearest (so that the value returned is exactly representable in `fmt`: a binary32
/// result is never left for a later conversion to overflow).
fn overflow(r: f64, fmt: Format, dir: Dir) -> f64 {
    if r < ldexp(1.0, fmt.max_exp) {
        r
    } else if dir == Dir::Down {
        max_finite(fmt)
    } else {
        f64::INFINITY
    }
}

/// The largest finite value of `fmt`, `(2^p - 1) 2^(max_exp - p)` (in its units; exact in
/// binary64 whenever it is finite there).
pub(crate) fn max_finite(fmt: Format) -> f64 {
    ldexp(
        ((1u64 << fmt.precision) - 1) as f64,
        fmt.max_exp - fmt.precision,
    )
}

/// `sqrt(hi + lo)` rounded to binary64, where the sum is known to within `err`; `None`
/// when the bound does not decide the rounding.  No division: `s = RN(hi + lo)` with its
/// exact error `t`, `y = RN(sqrt(s))`, and the residual `rho = RN((s - y^2) + t)` decides
/// whether `sqrt(S)` lies strictly between the midpoints around `y` (module documentation,
/// "Rounding").  Otherwise (and outside `2^-900 <= s <= 2^900`, or when `hi < |lo|`) the
/// general rounding.  `FMA`: the caller runs with hardware FMA.
#[inline(always)]
fn round64<const FMA: bool>(hi: f64, lo: f64, err: f64) -> Option<f64> {
    let s = hi + lo;
    if !((pow2(-SHORT_RANGE_EXP)..=pow2(SHORT_RANGE_EXP)).contains(&s) && hi >= lo.abs()) {
        return round_sum::<FMA>(hi, lo, err, F64, Dir::Nearest);
    }
    // FastTwoSum (hi >= |lo|): s + t == hi + lo exactly.
    let t = lo - (s - hi);
    let y = s.sqrt();
    // s - y^2 is exact (remainder of a correctly rounded square root); adding t rounds.
    let rho = sqrt_remainder::<FMA>(s, y) + t;
    // y in [2^-450, 2^450]: ulp(y) and the products below are exact normal numbers.
    let ulp = f64::from_bits(y.to_bits() & EXP_MASK) * pow2(-52);
    let ulp_below = if y.to_bits() & MANT_MASK == 0 {
        0.5 * ulp
    } else {
        ulp
    };
    // |S - y^2 - rho| <= err + u (1 + u) |rho| <= ez.  RN(sqrt S) == y iff
    // -y ulp_b + ulp_b^2/4 < S - y^2 < y ulp + ulp^2/4; the factors (1 - 2^-50) cover the
    // roundings of the two sides of each comparison (and ulp_b^2/4 <= 2^-54 y ulp_b).
    let ez = err * (1.0 + pow2(-50)) + rho.abs() * pow2(-52);
    let keep = 1.0 - pow2(-50);
    if rho + ez < y * ulp * keep && rho - ez > -(y * ulp_below * keep) {
        Some(y)
    } else {
        round_sum::<FMA>(hi, lo, err, F64, Dir::Nearest)
    }
}

/// `sqrt(hi + lo)` rounded to binary32, where the sum is known to within `err`; `None`
/// when the bound does not decide the rounding.  No Newton step and no division: a binary32
/// result needs only `y = RN(sqrt(s))`, `s = RN(hi + lo)`, and a test that the interval of
/// possible exact roots around `y` contains no binary32 rounding boundary (module
/// documentation, "Rounding").  Outside `2^-200 <= s <= 2^200` (or for NaN) it defers to the
/// general rounding.
#[inline(always)]
fn round32(hi: f64, lo: f64, err: f64) -> Option<f64> {
    let s = hi + lo;
    if !(pow2(-ROUND32_RANGE_EXP)..=pow2(ROUND32_RANGE_EXP)).contains(&s) {
        return round_sum::<false>(hi, lo, err, F32, Dir::Nearest);
    }
    let y = s.sqrt();
    // r: a normal binary32 number (y in [2^-100, 2^100]); y - r is exact (Sterbenz).
    let r = f64::from(y as f32);
    let ulp = f64::from_bits(r.to_bits() & EXP_MASK) * pow2(-23);
    let below = if r.to_bits() & MANT_MASK == 0 {
        0.25 * ulp
    } else {
        0.5 * ulp
    };
    let e = y - r;
    // |S - s| <= err + u s = E; |sqrt(S) - sqrt(s)| <= E / sqrt(s) <= E (1 + u) / y and
    // |sqrt(s) - y| <= u y: the root lies within ez = E (1 + u) / y + u y of y.  Accept when
    // e + ez < ulp/2 and e - ez > -below, multiplied by y > 0 (no division): the factors
    // 1.01, 2^-52 (for u) and (1 - 2^-50) cover the roundings of this test.
    let big_e = err * (1.0 + pow2(-50)) + s * pow2(-52);
    let rhs = big_e * 1.01 + y * y * pow2(-52);
    let keep = 1.0 - pow2(-50);
    if (0.5 * ulp - e) * y * keep > rhs && (e + below) * y * keep > rhs {
        Some(r)
    } else {
        round_sum::<false>(hi, lo, err, F32, Dir::Nearest)
    }
}

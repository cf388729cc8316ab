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
//! `r = RN32(y)`.  The exact root lies within `2^k + 2` units `ulp(y)` of `y`, with `k` from
//! the exponents of the bound and of `s`; `r` is returned when the 29 low significand bits
//! of `y` are farther than that from `2^28` (no binary32 midpoint between `y` and the exact
//! root): a test on the bits, proof at `round32_fast`.  No Newton step is needed, because
//! `y` already carries 53 bits.  Otherwise (and for `s` outside `[2^-200, 2^200]`) the
//! general rounding below runs.
//! Binary64 results of the short paths ([`round64`]): `s + t = hi + lo` exactly (FastTwoSum),
//! `y = RN(sqrt(s))`, `rho = RN((s - y^2) + t)` (the remainder `s - y^2` is exact with an
//! FMA, or Dekker's product).  `RN(sqrt(S))` is `y - ulp`, `y` or `y + ulp`; for a `y` that
//! is not a power of two it is `y` iff `-y ulp + ulp^2/4 < S - y^2 < y ulp + ulp^2/4`, and
//! the neighbour on the side `S - y^2` leaves that interval.  With `|S - y^2 - rho| <= err +
//! u |rho|` this is tested without a division against two thresholds with margins `2^-49`
//! and `2^-48` for the test's own roundings (proof at `round64_fast`).  Undecided (near a
//! midpoint, `y` a power of two, `s` outside `[2^-900, 2^900]`, or `hi < |lo|`): the general
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
use crate::format::{
    exponent, grid_exp, grid_exp_below, ldexp, round_to_grid, Dir, Format, F32, F64,
};
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
    let (hi, lo, err, k) = top_sum(s, top);
    let units = fmt.shifted(-k);
    match round_sum::<false>(hi, lo, err, units, dir) {
        Some(r) => Finish::Value(ldexp(r, k)),
        None => Finish::NeedExact(ldexp(faithful(hi, lo, units), k)),
    }
}

/// The state's sum as `(hi + lo) 4^k` known to within `err 4^k` (`2^k`: the units of its
/// root, `2^600 (top - 1)`): the top non-zero class
/// `top` with the class below brought into its units and the class two below counted as
/// `TINY` (module documentation).
fn top_sum(s: &SumSq, top: usize) -> (f64, f64, f64, i32) {
    let cls = s.classes;
    let Some(t) = cls.get(top) else {
        return (0.0, 0.0, 0.0, 0);
    };
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
    (hi, lo, err, (top as i32 - 1) * CLASS_SHIFT_EXP)
}

/// The state as a LAPACK `?lassq` pair `(scale, sumsq)` of `fmt` with
/// `scale^2 sumsq ~ S` (`src/lassq.rs` documents the contract):
///
/// * NaN seen: `(1, NaN)`; else an infinity seen: `(1, +Inf)`; an empty (zero) sum: `(1, 0)`.
/// * Otherwise `scale = 2^h` with `h = floor(e / 2)` clamped to the exponents of `fmt`'s
///   positive powers of two (`[min_exp, max_exp - 1]`: `[-1074, 1023]`, `[-149, 127]`),
///   where `2^e <= RN(hi + lo) 4^k < 2^(e+1)`; so `sumsq` lies in `[1, 4]` (4 only by
///   rounding up) unless the clamp acts: above when `S >= 2^(2 max_exp - 2)` (the norm
///   overflows `fmt`; `sumsq` is then larger, `+Inf` past `fmt`'s range), below when
///   `S < 2^(2 min_exp)` (`sumsq < 1`).
/// * `sumsq = (hi + lo) 4^(k - h)` rounded once to nearest-even on `fmt`'s grid: the
///   double-double is scaled by a power of two (exact but for parts of `lo` below `2^-1074`,
///   at most `2^-948` relative), then rounded; binary32 through round-to-odd in binary64
///   (53 >= 24 + 2 bits, so the second rounding is the correct one, Boldo and Melquiond,
///   IEEE TC 57(4), 2008, doi:10.1109/TC.2007.70819).
///
/// `sumsq` is the rounding of the state's approximation, which lies within the state's bound
/// of the exact sum (below `2^-57` relative for binary64 data, `2^-28` for binary32 data):
/// within `0.5 + 2^-4` ulp of the exact `S / scale^2` for binary64, `0.5 + 2^-4` ulp for
/// binary32 pairs as well (`2^-28` relative is `2^-4` of a binary32 ulp).
pub(crate) fn pair(s: &SumSq, fmt: Format) -> (f64, f64) {
    if s.nan {
        return (1.0, f64::NAN);
    }
    if s.inf {
        return (1.0, f64::INFINITY);
    }
    let Some(top) = s.classes.iter().rposition(|c| !c.is_zero()) else {
        return (1.0, 0.0);
    };
    let (hi, lo, _err, k) = top_sum(s, top);
    let (hi, lo) = two_sum(hi, lo);
    if hi.is_nan() || hi <= 0.0 {
        // Only error terms survived: not a sum of squares of real data.
        return (1.0, 0.0);
    }
    // The sum is (hi + lo) 4^k (k: the exponent of the root's units).
    let h = (exponent(hi) + 2 * k)
        .div_euclid(2)
        .max(fmt.min_exp)
        .min(fmt.max_exp - 1); // not clamp: its assertion would be a panic path
    let d = 2 * (k - h);
    let (sh, sl) = two_sum(ldexp(hi, d), ldexp(lo, d));
    let sumsq = if fmt.precision == 53 {
        sh
    } else {
        // Round to odd: a non-zero remainder makes an even last bit odd (towards it).
        // (sh > 0 is finite here: its bits move by one within the positive finite numbers.)
        let odd = if sl != 0.0 && sh > 0.0 && sh.is_finite() && sh.to_bits() & 1 == 0 {
            if sl > 0.0 {
                f64::from_bits(sh.to_bits().wrapping_add(1))
            } else {
                f64::from_bits(sh.to_bits().wrapping_sub(1))
            }
        } else {
            sh
        };
        let r = round_to_grid(odd, fmt);
        if r >= ldexp(1.0, fmt.max_exp) {
            f64::INFINITY
        } else {
            r
        }
    };
    (ldexp(1.0, h), sumsq)
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

/// The express paths' rounding (`kernel::express64`, `kernel::express32`): the fast test
/// of [`round64`] or [`round32`] alone, to nearest, `None` when it does not decide (the
/// caller then takes the general path, which decides every case).
#[inline(always)]
pub(crate) fn round_express<const FMA: bool>(p: Part, fmt: Format) -> Option<f64> {
    if p.hi == 0.0 && p.lo == 0.0 {
        return Some(0.0);
    }
    if fmt == F32 {
        round32_fast(p.hi, p.lo, p.err)
    } else {
        round64_fast::<FMA>(p.hi, p.lo, p.err)
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
/// whether the correctly rounded root is `y` or one of its neighbours ([`round64_fast`]).
/// Otherwise (near a midpoint, `y` a power of two, outside `2^-900 <= s <= 2^900`, or when
/// `hi < |lo|`) the general rounding.  `FMA`: the caller runs with hardware FMA.
#[inline(always)]
fn round64<const FMA: bool>(hi: f64, lo: f64, err: f64) -> Option<f64> {
    round64_fast::<FMA>(hi, lo, err).or_else(|| round_sum::<FMA>(hi, lo, err, F64, Dir::Nearest))
}

/// The test of [`round64`] alone: `sqrt(hi + lo)` rounded to nearest binary64 when the sum
/// lies in `[2^-900, 2^900]` and the bound decides, else `None`.  For sums in
/// `[2^-600, 2^607]` every operation here is on normal numbers far from overflow (the root
/// `y >= 2^-300`, `y ulp(y) >= 2^-652`, the remainder a multiple of `ulp(y)^2 >= 2^-704`),
/// which the express path relies on (`kernel::express64`).
#[inline(always)]
fn round64_fast<const FMA: bool>(hi: f64, lo: f64, err: f64) -> Option<f64> {
    let s = hi + lo;
    if !((pow2(-SHORT_RANGE_EXP)..=pow2(SHORT_RANGE_EXP)).contains(&s) && hi >= lo.abs()) {
        return None;
    }
    // FastTwoSum (hi >= |lo|): s + t == hi + lo exactly.
    let t = lo - (s - hi);
    let y = s.sqrt();
    // s - y^2 is exact (remainder of a correctly rounded square root); adding t rounds.
    let rho = sqrt_remainder::<FMA>(s, y) + t;
    // y in [2^-450, 2^450]: `m = 2^exponent(y)`, `ulp(y) = 2^-52 m`, and `A = y ulp(y)` is
    // exact.  Only a y that is not a power of two is used (the gap below y is then ulp(y)
    // too; the rare power-of-two roots take the general rounding).  Since s is within
    // u s + err of S and y within ulp/2 of sqrt(s), |sqrt(S) - y| < ulp, so RN(sqrt S) is
    // y - ulp, y or y + ulp, and |S - y^2| < 2A (1 + 2^-50).  RN(sqrt S) == y iff
    // -A + ulp^2/4 < S - y^2 < A + ulp^2/4, == y + ulp iff S - y^2 > A + ulp^2/4, and
    // == y - ulp iff S - y^2 < -A + ulp^2/4 (ulp^2/4 <= 2^-54 A).  The computed rho is
    // within err + u |rho| <= err + 2^-51.9 A of S - y^2.  With E = RN(err (1 + 2^-50))
    // >= err, thr = RN(RN(y m c) - E) <= A (1 - 2^-50) - err for c = 2^-52 (1 - 2^-49), and
    // thr2 = RN(RN(y m c2) + E) >= A (1 + 2^-49) + err for c2 = 2^-52 (1 + 2^-48) (each
    // side's three roundings cost less than its slack): |rho| < thr gives y; rho > thr2
    // gives y + ulp; rho < -thr2 gives y - ulp; anything between is a (near-)tie: `None`.
    // The test's inputs wait for at most one multiplication and one addition after y.
    let m = f64::from_bits(y.to_bits() & EXP_MASK);
    let e = err * (1.0 + pow2(-50));
    let ym = y * m;
    let thr = ym * (pow2(-52) * (1.0 - pow2(-49))) - e;
    let thr2 = ym * (pow2(-52) * (1.0 + pow2(-48))) + e;
    let a = rho.abs();
    let step: i64 = if a < thr {
        0
    } else if a > thr2 {
        if rho > 0.0 {
            1
        } else {
            -1
        }
    } else {
        return None;
    };
    // y is positive, normal, not a power of two and far below the largest finite value:
    // its neighbours are one unit of the bit pattern away.
    (y.to_bits() & MANT_MASK != 0).then(|| f64::from_bits(y.to_bits().wrapping_add_signed(step)))
}

/// `sqrt(hi + lo)` rounded to binary32, where the sum is known to within `err`; `None`
/// when the bound does not decide the rounding.  No Newton step and no division: a binary32
/// result needs only `y = RN(sqrt(s))`, `s = RN(hi + lo)`, and a test that the interval of
/// possible exact roots around `y` contains no binary32 rounding boundary (module
/// documentation, "Rounding").  Outside `2^-200 <= s <= 2^200` (or for NaN) it defers to the
/// general rounding.
#[inline(always)]
fn round32(hi: f64, lo: f64, err: f64) -> Option<f64> {
    round32_fast(hi, lo, err).or_else(|| round_sum::<false>(hi, lo, err, F32, Dir::Nearest))
}

/// The test of [`round32`] alone (`None` outside `[2^-200, 2^200]` or when the bound does
/// not decide), done on the bits of the binary64 root so that it follows the square root by
/// a few integer instructions.  Every floating-point operation is on normal numbers far from
/// overflow (`y` in `[2^-100, 2^100]`), which the express path relies on
/// (`kernel::express32`).
///
/// Proof.  With `s = RN(hi + lo)` the exact sum `S` is within `E = err + u s` of `s`, and
/// `E / s <= 2^-40` wherever this decides (below).  `z = sqrt(S)` is within
/// `E / (2 sqrt(s)) (1 + 2^-39)` of `sqrt(s)`, and `y = RN(sqrt(s))` within `U / 2` of
/// `sqrt(s)`, where `U = ulp(y) = 2^(e - 52)` for `y` in `[2^e, 2^(e+1))`.  Since
/// `2 sqrt(s) U >= 2^(2e - 51) (1 - 2^-53)` and `2^(2e) < 4 s (1 + 2^-52)`, the distance
/// `|z - y|` is below `D = (err / s) 2^53.01 + 1.51` units `U`.  With `b(v)` the biased
/// exponent, `err / s < 2^(b(err) - b(s) + 1)`, so `D < 2^k + 2` for
/// `k = b(err) - b(s) + 55` (a zero or subnormal `err` only lowers `k`).  The binary32
/// midpoints of `y`'s binade are the points whose 29 low significand bits are `2^28`: with
/// `m` those bits of `y`, the nearest midpoint in the binade is `|m - 2^28|` units away, and
/// those of the neighbouring binades at least `2^27` units.  So when `k <= 26` and
/// `|m - 2^28| >= 2^k + 2`, no midpoint lies between `y` and `z` (nor on `z`):
/// `RN_32(z) = RN_32(y)`, which is returned.  (For `k <= 26` also `E / s <= 2^-40`.)
#[inline(always)]
fn round32_fast(hi: f64, lo: f64, err: f64) -> Option<f64> {
    let s = hi + lo;
    if !(pow2(-ROUND32_RANGE_EXP)..=pow2(ROUND32_RANGE_EXP)).contains(&s) {
        return None;
    }
    let y = s.sqrt();
    let k = (err.to_bits() >> 52) as i64 - (s.to_bits() >> 52) as i64 + 55;
    if k > 26 {
        return None;
    }
    // |m - 2^28| > margin, i.e. >= 2^k + 2 (>= 2 when k < 0).
    let margin = if k < 0 { 1 } else { (1i64 << k) + 1 };
    let m = (y.to_bits() & ((1 << 29) - 1)) as i64;
    ((m - (1 << 28)).abs() > margin).then(|| f64::from(y as f32))
}

// ---------------------------------------------------------------------------------------
// The norm as a divisor: normalisation `x / ||x||`.
// ---------------------------------------------------------------------------------------

/// The largest relative bound [`SplitNorm::rel`] that normalisation accepts from the fast
/// state; a looser state is replaced by the exact one (whose split is within `2^-101`).
/// With `rel <= 2^-80` every quotient is within `(1/2 + 2^-26)` ulp (binary64) of the exact
/// one ([`Divisor`]).
pub(crate) const SPLIT_REL_MAX: f64 = pow2(-80);

/// A positive norm as an unevaluated double-double with a binary exponent: the exact norm
/// is `(hi + lo) 2^exp (1 + eta)` with `|eta| <= rel`, where `hi = RN(hi + lo)` lies in
/// `[1, 2]` (so `|lo| <= 2^-53 hi`).  Unlike the rounded norm it never overflows or
/// underflows, and it carries about 100 bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SplitNorm {
    pub(crate) hi: f64,
    pub(crate) lo: f64,
    pub(crate) exp: i32,
    pub(crate) rel: f64,
}

/// The norm of a fast state as a [`SplitNorm`] (the sum of its top classes as in
/// [`finish`], then [`split_sqrt`]); `None` for a state with a NaN or an infinity, for the
/// zero state, and for a sum the split cannot bound (the caller uses the exact state).
pub(crate) fn split_norm(s: &SumSq) -> Option<SplitNorm> {
    if s.nan || s.inf {
        return None;
    }
    let top = s.classes.iter().rposition(|c| !c.is_zero())?;
    let (hi, lo, err, k) = top_sum(s, top);
    split_sqrt(hi, lo, err, 2 * k)
}

/// `sqrt(S)` as a [`SplitNorm`], where the sum of squares `S` lies within
/// `err 2^exp2` of `(hi + lo) 2^exp2` (`hi >= |lo|`, `hi > 0`, all finite); `None` otherwise.
///
/// Algorithm: renormalise `s + t = hi + lo` exactly (FastTwoSum, T. J. Dekker 1971,
/// doi:10.1007/BF01397083), scale by an exact power of two `2^-j` chosen so that `s' =
/// s 2^-j` lies in `[1, 4)` and `exp2 + j` is even; `y = RN(sqrt(s'))` in `[1, 2)`; one
/// Newton step `y_l = RN(RN(rho + t') RN(1/2y))` on the exact remainder `rho = s' - y^2`
/// (exactly representable, the remainder of a correctly rounded square root; one FMA);
/// `(hi, lo) = TwoSum(y, y_l)`; `exp = (exp2 + j) / 2`.
///
/// Error: the relative error of the sum is at most `e' = err 2^-j + 2^-1000` (the added
/// term covers the parts `t`, `err` that scaling down may flush below `2^-1074`), and
/// `|sqrt(1 + z) - 1| <= |z| (1 + |z|) / 2`, so the root of the exact sum is within
/// `0.51 e'` of `sqrt(s' + t')` (relative).  `|sqrt(a) - y| <= 2^-53 y`, so `|y_l| <= 2^-52 y`
/// and the Newton truncation `(sqrt(a) - y)^2 / 2y` is below `2^-107 y`; the three roundings
/// of `y_l` cost at most `3.01 u |y_l| < 2^-103.4 y`.  Hence `rel = 0.52 e' + 2^-102` (the
/// factors absorb the products of the small terms and the roundings of `rel` itself).
pub(crate) fn split_sqrt(hi: f64, lo: f64, err: f64, exp2: i32) -> Option<SplitNorm> {
    if !(hi > 0.0 && hi.is_finite() && lo.is_finite() && err.is_finite() && hi >= lo.abs()) {
        return None;
    }
    let s = hi + lo;
    let t = lo - (s - hi);
    if !(s > 0.0 && s.is_finite()) {
        return None;
    }
    let mut j = exponent(s);
    if (exp2 + j) % 2 != 0 {
        j -= 1;
    }
    let sh = ldexp(s, -j);
    let tl = ldexp(t, -j);
    let er = ldexp(err, -j) + pow2(-1000);
    let y = sh.sqrt();
    let rho = (-y).mul_add(y, sh); // exact
    let yl = (rho + tl) * (0.5 / y);
    let (h, l) = two_sum(y, yl);
    let rel = er * 0.52 + pow2(-102);
    if rel.is_nan() || rel >= 0.25 {
        return None;
    }
    Some(SplitNorm {
        hi: h,
        lo: l,
        exp: (exp2 + j) / 2,
        rel,
    })
}

/// Division by a norm: `x / N` rounded to nearest-even in `fmt` (binary64 or binary32), for
/// the norm `N` (a [`SplitNorm`]) of a vector holding the finite `x` (so `|x| <= N (1 +
/// rel)`), with the per-norm constants computed once.
///
/// # Algorithm
///
/// `|x| = m 2^k` with `m` in `[1, 2)` (exact, also for subnormal `x`), `d = k - exp`, so
/// `|x| / N = T 2^d / (1 + eta)` with `T = m / (hi + lo)`.  In binary64, without any
/// overflow or underflow (`m`, `hi` near 1):
///
/// * `q = RN(m / hi)` in `[1/2, 2]`;
/// * `r = m - q hi`, exact: the remainder of a rounded quotient is representable
///   (Markstein, IBM J. Res. Dev. 34, 1990, doi:10.1147/rd.341.0111; Boldo and Daumas,
///   ARITH 2003, doi:10.1109/ARITH.2003.1207671), and `q hi = p + e` exactly by Dekker's
///   product with Veltkamp's split (doi:10.1007/BF01397083; `hi` split once per norm; no
///   product over- or underflows near 1), `m - p` exact (Sterbenz), so `r = (m - p) - e`
///   (exact, being representable);
/// * `c = RN(RN(r - RN(q lo)) RN(1/hi))`: since `T - q = (r - q lo) / (hi + lo)` exactly,
///   `c` approximates `T - q`;
/// * the result is `T~ 2^d` with `T~ = q + c`, rounded **once** to `fmt`: for a binary64
///   result above `2^-1021`, `RN(q + c) 2^d` (the scaling is exact); for a normal binary32
///   result away from a midpoint, [`round32_quotient`]; otherwise (binary64 results near or
///   in the subnormal range, binary32 near-midpoints and subnormals) [`round_scaled`], which
///   rounds the exact double-double `q + c` directly onto the target grid (subnormal
///   quotients, which vectors with a large component produce, are rounded once, not twice).
///
/// # Error bound
///
/// Let `Q = |x| / N` exactly and `ulp(Q)` the spacing of `fmt` at `Q`.
/// `|r| <= hi ulp(q) / 2` and `|q lo| <= 2^-53 q hi < hi ulp(q)`, so `|T - q| < 1.5 ulp(q)`;
/// multiplying by `RN(1/hi)` instead of dividing by `hi + lo` (relative `2u`) and the three
/// other roundings cost `|c - (T - q)| <= 1.5 ulp(q) 5.01 u + q u^2 1.01 < 2^-50 ulp(q)`.
/// In units of the result, `ulp(q) 2^d <= 2 ulp(Q)` (a binary64 spacing, at most twice the
/// spacing at `Q` when `q` and `Q 2^-d` lie in adjacent binades; binary32 and subnormal
/// grids are coarser).  The error of the norm moves the quotient by
/// `Q rel (1 + 2 rel) <= 2^p rel 1.01 ulp(Q)` (`Q < 2^p ulp(Q)`, `p` the precision of
/// `fmt`).  Rounding to nearest adds at most half a spacing, and the comparisons of
/// [`round_scaled`] may misjudge a tie by `2^-52` of a spacing.  In all:
///
/// `|result - Q| <= (1/2 + 1.01 2^p rel + 2^-48) ulp(Q)`,
///
/// i.e. at most `0.5 + 2^-26` ulp for binary64 with the fast state's `rel <= 2^-80`
/// ([`SPLIT_REL_MAX`]), `0.5 + 2^-47` ulp with the exact state's `rel < 2^-101`, and
/// `0.5 + 2^-47` ulp for binary32: the correctly rounded quotient except when the exact one
/// lies within that distance of a rounding midpoint.
///
/// NaN and infinities are the caller's (normalisation decides them from the whole vector);
/// [`Divisor::divide`] returns them, and zeros, unchanged.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Divisor {
    hi: f64,
    lo: f64,
    exp: i32,
    /// `RN(1 / hi)`.
    inv: f64,
    /// Veltkamp's split of `hi`: `hh + hl = hi`, 26 and 27 bits.
    hh: f64,
    hl: f64,
    fmt: Format,
}

/// Veltkamp's splitting constant `2^27 + 1`.
const SPLIT: f64 = 134_217_729.0;

impl Divisor {
    /// The constants of division by `n` into `fmt`.
    pub(crate) fn new(n: &SplitNorm, fmt: Format) -> Divisor {
        let c = SPLIT * n.hi;
        let hh = c - (c - n.hi);
        Divisor {
            hi: n.hi,
            lo: n.lo,
            exp: n.exp,
            inv: 1.0 / n.hi,
            hh,
            hl: n.hi - hh,
            fmt,
        }
    }

    /// `x / N` rounded once to the format (type documentation).
    #[inline]
    pub(crate) fn divide(&self, x: f64) -> f64 {
        if x == 0.0 || !x.is_finite() {
            return x;
        }
        let a = x.abs();
        let (m, k) = if a >= f64::MIN_POSITIVE {
            let b = a.to_bits();
            (
                f64::from_bits((b & MANT_MASK) | ONE_BITS),
                (b >> 52) as i32 - 1023,
            )
        } else {
            let k = exponent(a);
            (ldexp(a, -k), k)
        };
        let d = k - self.exp;
        let q = m / self.hi;
        // Dekker's exact product q hi = p + e.
        let cq = SPLIT * q;
        let qh = cq - (cq - q);
        let ql = q - qh;
        let p = q * self.hi;
        let e = ((qh * self.hh - p) + qh * self.hl + ql * self.hh) + ql * self.hl;
        let r = (m - p) - e; // exact: m - q hi
        let c = (r - q * self.lo) * self.inv;
        let fmt = self.fmt;
        let v = if fmt.precision == 53 && d >= -1020 {
            // q + c is at least 1/4 - tiny, so the result is at least 2^-1022: normal, and
            // the scaling by 2^d (d <= 1) is exact.
            (q + c) * pow2(d)
        } else if fmt == F32 && d >= -900 {
            round32_quotient(q, c, d).unwrap_or_else(|| round_scaled(q, c, d, fmt))
        } else {
            round_scaled(q, c, d, fmt)
        };
        v.copysign(x)
    }
}

/// Bits of `1.0`.
const ONE_BITS: u64 = 0x3FF0_0000_0000_0000;

/// The common binary32 case of [`round_scaled`]: `y = RN32((q + c) 2^d)` for a normal
/// binary32 result away from a rounding midpoint, else `None`.  `s + t = q + c` (TwoSum);
/// `z = s 2^d` is exact (a normal binary64 number, `-900 <= d <= 1`) and `y = RN32(z)`; the
/// distance `e = (s - y 2^-d) + t` (`s - y 2^-d` exact: Sterbenz) carries one rounding, so
/// `y` is accepted only when `|e|` is strictly below half a spacing on both sides (a
/// quarter below a power of two) with a relative margin of `2^-50`.
#[inline(always)]
fn round32_quotient(q: f64, c: f64, d: i32) -> Option<f64> {
    let (s, t) = two_sum(q, c);
    let y = f64::from((s * pow2(d)) as f32);
    if y < pow2(-126) {
        return None;
    }
    let e = (s - y * pow2(-d)) + t;
    // Half the binary32 spacing at y, in the units of q.
    let half = f64::from_bits(y.to_bits() & EXP_MASK) * pow2(-24 - d);
    let below = if y.to_bits() & MANT_MASK == 0 {
        0.5 * half
    } else {
        half
    };
    let keep = 1.0 - pow2(-50);
    if e < half * keep && e > -below * keep {
        Some(y)
    } else {
        None
    }
}

/// `(q + c) 2^d` rounded to nearest-even on the grid of `fmt`, for `q` in `[1/4, 2]`,
/// `|c| <= 2^-50 q` and a result at most about 1 (so never above the format's range).
///
/// `s + t = q + c` exactly (TwoSum).  A candidate `y` is `RN_fmt(RN(s 2^d))` (at most one
/// step from the answer: two roundings); then, in the units of `q` (where nothing
/// underflows), the distance `e = (s - y 2^-d) + t` of the exact value from `y` is compared
/// with half the spacings above and below `y`, and `y` moves by one spacing until `e` lies
/// between them (ties to the even neighbour).  `s - y 2^-d` is exact: `y 2^-d` is a
/// multiple of `ulp(s)` within a few spacings of `s` (Sterbenz's lemma, or `y = 0`); adding
/// `t` rounds once, which can only turn a distance just beyond a half spacing into exactly a
/// half spacing (a tie misjudged by at most `2^-53` of a spacing).
#[inline(never)]
fn round_scaled(q: f64, c: f64, d: i32, fmt: Format) -> f64 {
    let (s, t) = two_sum(q, c);
    let mut y = round_to_grid(ldexp(s, d), fmt);
    for _ in 0..4 {
        let g_up = grid_exp(y, fmt);
        let g_dn = grid_exp_below(y, fmt);
        let e = (s - ldexp(y, -d)) + t;
        let half_up = ldexp(0.5, g_up - d);
        let half_dn = ldexp(0.5, g_dn - d);
        let odd = (ldexp(y, -g_up) as u64) & 1 == 1;
        if e > half_up || (e == half_up && odd) {
            y += ldexp(1.0, g_up);
        } else if y > 0.0 && (e < -half_dn || (e == -half_dn && odd)) {
            y -= ldexp(1.0, g_dn);
        } else {
            return y;
        }
    }
    y
}

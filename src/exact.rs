//! Exact sum of squares and correctly rounded square root of it: the accumulator of the
//! exact state (`ExactSumSq`, `sumsq.rs`).
//!
//! The fast state carries an approximation with a rigorous error bound; when that bound does
//! not decide the rounding (for example an exact tie), the norm is recomputed here without
//! any rounding error at all.
//!
//! # Representation
//!
//! A finite binary64 `x` is `M * 2^e` with an integer `0 <= M < 2^53` and `e >= -1074`, so
//! `x^2 = M^2 * 2^(2e)` is an integer multiple of `2^-2148`.  The sum of squares is held as a
//! non-negative fixed-point integer `I` with `S = I * 2^-OFFSET`, `OFFSET = 2150` (two more
//! bits than needed, so that the square of every rounding midpoint `(k + 1/2) * 2^-1074` is
//! also an integer in these units).  The largest sum is below `2^64 * 2^2048 = 2^2112`, so
//! `2112 + 2150 = 4262` bits suffice for one vector: 67 limbs of 64 bits; a 68th takes the
//! carries of merged states.  A sum past all 68 limbs (`2^2202`, more than `2^64` squares of
//! the largest values) is reported by [`ExactSum::add_square_times`] and [`ExactSum::merge`],
//! and recorded as an infinity by the exact state: its norm overflows every format.
//! Binary32 inputs are widened to binary64 exactly and use the same accumulator.
//!
//! # Rounding
//!
//! [`ExactSum::sqrt_rounded`] finds a candidate `y` from the leading 128 bits, then compares
//! `S` with the exact squares of the rounding midpoints `y +- g/2` (integers in the same units)
//! and moves `y` until `S` lies between them; ties go to the even neighbour (IEEE 754
//! roundTiesToEven).  Results above the largest finite value round to `+Inf` exactly as
//! IEEE 754 prescribes.  Directed roundings (the caller's rounding mode, `fenv.rs`) start
//! from that nearest value `y` and compare `S` with `y^2` exactly: an exact root is `y`
//! in every direction; otherwise the root lies strictly between `y` and one neighbour, and
//! the direction picks `y` or that neighbour (downward: the largest finite value instead of
//! `+Inf` above it).

#![forbid(unsafe_code)]

use crate::format::{grid_exp, grid_exp_below, ldexp, round_to_grid, Dir, Format};

/// Number of 64-bit limbs of the accumulator (see the module documentation).
pub(crate) const LIMBS: usize = 68;
/// Weight of the least significant bit: `2^-OFFSET`.
const OFFSET: i32 = 2150;

/// Exact sum of squares of finite binary64 numbers, see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExactSum {
    limbs: [u64; LIMBS],
}

/// `x = M * 2^e` with `M < 2^53`, for finite `x` (the sign is dropped).
fn decompose(x: f64) -> (u64, i32) {
    let bits = x.to_bits() & !(1u64 << 63);
    let biased = (bits >> 52) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    }
}

impl ExactSum {
    /// The empty sum.
    pub(crate) fn new() -> Self {
        ExactSum { limbs: [0; LIMBS] }
    }

    /// The limbs, least significant first.
    pub(crate) fn limbs(&self) -> &[u64; LIMBS] {
        &self.limbs
    }

    /// The sum whose limbs are `limbs`.
    pub(crate) fn from_limbs(limbs: [u64; LIMBS]) -> Self {
        ExactSum { limbs }
    }

    /// Adds `other` limb by limb with carries: exact, and independent of the order of merges.
    /// Returns `true` when a carry left the top limb (the sum passed `2^(64 LIMBS - OFFSET)
    /// = 2^2202`, which needs more than `2^64` squares of finite binary64 numbers in all; its
    /// norm overflows every format, and the caller records it so).
    pub(crate) fn merge(&mut self, other: &ExactSum) -> bool {
        let mut carry = false;
        for (a, &b) in self.limbs.iter_mut().zip(other.limbs.iter()) {
            let (s1, c1) = a.overflowing_add(b);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *a = s2;
            carry = c1 || c2;
        }
        carry
    }

    /// Adds `words * 2^shift` (in accumulator units), `words` little-endian.  Returns `true`
    /// when bits or a carry fell past the top limb (see [`ExactSum::merge`]).
    fn add_words(&mut self, words: &[u64; 4], shift: u32) -> bool {
        let limb = (shift / 64) as usize;
        let bit = shift % 64;
        // Spread the 256-bit value over five limbs at the shifted position.
        let mut spread = [0u64; 5];
        for (i, &w) in words.iter().enumerate() {
            if bit == 0 {
                spread[i] |= w;
            } else {
                spread[i] |= w << bit;
                spread[i + 1] |= w >> (64 - bit);
            }
        }
        let mut carry = 0u64;
        let mut idx = limb;
        let mut lost = false;
        for &s in spread.iter() {
            match self.limbs.get_mut(idx) {
                Some(l) => {
                    let (a, c1) = l.overflowing_add(s);
                    let (b, c2) = a.overflowing_add(carry);
                    *l = b;
                    carry = u64::from(c1) + u64::from(c2);
                }
                None => {
                    lost |= s != 0 || carry != 0;
                    carry = 0;
                }
            }
            idx += 1;
        }
        while carry != 0 {
            match self.limbs.get_mut(idx) {
                Some(l) => {
                    let (a, c) = l.overflowing_add(carry);
                    *l = a;
                    carry = u64::from(c);
                }
                // Past the top limb: only for sums of more than 2^64 squares (module
                // documentation); the caller records the overflow.
                None => {
                    lost = true;
                    break;
                }
            }
            idx += 1;
        }
        lost
    }

    /// Adds `count * x^2` exactly; `x` must be finite (non-finite values are ignored).
    /// Returns `true` when the sum passed the accumulator's range (see [`ExactSum::merge`]).
    pub(crate) fn add_square_times(&mut self, x: f64, count: u64) -> bool {
        if !x.is_finite() || count == 0 {
            return false;
        }
        let (m, e) = decompose(x);
        if m == 0 {
            return false;
        }
        let sq = u128::from(m) * u128::from(m); // < 2^106
        let lo = (sq as u64) as u128 * u128::from(count);
        let hi = (sq >> 64) * u128::from(count);
        // words = lo + hi * 2^64, at most 170 bits.
        let w0 = lo as u64;
        let mid = (lo >> 64) + (hi as u64) as u128;
        let w1 = mid as u64;
        let w2 = ((mid >> 64) + (hi >> 64)) as u64;
        // shift = 2e + OFFSET >= -2148 + 2150 = 2.
        let shift = (2 * e + OFFSET) as u32;
        self.add_words(&[w0, w1, w2, 0], shift)
    }

    /// Adds `S` to a fast state (`sumsq.rs`) as a double-double with a bound: the leading
    /// 128 bits `t` of `S = t 2^w + r` (`0 <= r < 2^w`) split into three exactly
    /// representable pieces of 53, 53 and 22 bits, the first two summed exactly (TwoSum), the
    /// third added with one rounding (at most `u 2^(w + 128)`, far below `2^(w + 77)`), and
    /// the bound `2^(w + 1)`, scaled into the units of the class that holds `S` (exact: the
    /// class units keep every piece above `2^-1000`, see `consts.rs`).  Used for `incx == 0`,
    /// where `S = n x0^2` is computed exactly.
    pub(crate) fn add_to_state(&self, st: &mut crate::sumsq::SumSq) {
        let Some((t, w)) = self.leading() else {
            return;
        };
        let top = w + 128 - t.leading_zeros() as i32; // S < 2^top
                                                      // The class whose units keep the sum in [2^-900, 2^1000] (any class would do where
                                                      // the ranges overlap; the result is correctly rounded either way).
        let k = if top > 1000 {
            2
        } else if top < -crate::consts::SHORT_RANGE_EXP {
            0
        } else {
            1
        };
        let sh = w - (k as i32 - 1) * 2 * crate::consts::CLASS_SHIFT_EXP;
        let p1 = ldexp((t >> 75) as f64, 75 + sh);
        let p2 = ldexp(((t >> 22) & ((1u128 << 53) - 1)) as f64, 22 + sh);
        let p3 = ldexp((t & ((1u128 << 22) - 1)) as f64, sh);
        let (hi, lo) = crate::sumsq::two_sum(p1, p2);
        let lo2 = lo + p3;
        let err = ldexp(2.0, sh) + lo2.abs() * crate::consts::pow2(-52);
        st.add_class(k, hi, lo2, err);
    }

    /// `S` as `(hi, lo, err, w)`: `S` lies within `err 2^w` of `(hi + lo) 2^w`, with
    /// `err = 2^-104 hi` (for normalisation, `finish::split_sqrt`); `None` for `S = 0`.
    ///
    /// The leading 128 bits `t` of `S` (top bit set; up to three limbs, shifted) give
    /// `S = t 2^w' + r` with `0 <= r < 2^w'` (`2^-127` relative); `t` splits into pieces of 53,
    /// 53 and 22 bits, the first two exact as a double-double (TwoSum), the third added with
    /// one rounding (at most `u |lo| <= 2^-106 hi`).  Both errors are far below the returned
    /// `err`.  Values are scaled so that `hi` is near `2^0..2^128` (no range issues).
    pub(crate) fn leading_dd(&self) -> Option<(f64, f64, f64, i32)> {
        let top = self.limbs.iter().rposition(|&l| l != 0)?;
        let limb = |i: Option<usize>| i.and_then(|i| self.limbs.get(i)).copied().unwrap_or(0);
        let a = limb(Some(top));
        let b = limb(top.checked_sub(1));
        let c = limb(top.checked_sub(2));
        let z = a.leading_zeros();
        // The 192 bits a:b:c shifted left by z (top bit set), keep the top 128.
        let wide = (u128::from(a) << 64) | u128::from(b);
        let t = if z == 0 {
            wide
        } else {
            (wide << z) | u128::from(c >> (64 - z))
        };
        // t's lowest bit has the weight of b's lowest bit shifted by z: 2^(64 (top - 1) - z - OFFSET).
        let w = 64 * (top as i32 - 1) - z as i32 - OFFSET;
        let p1 = (t >> 75) as f64 * crate::consts::pow2(75);
        let p2 = ((t >> 22) & ((1u128 << 53) - 1)) as f64 * crate::consts::pow2(22);
        let p3 = (t & ((1u128 << 22) - 1)) as f64;
        let (hi, lo) = crate::sumsq::two_sum(p1, p2);
        let lo = lo + p3;
        Some((hi, lo, hi * crate::consts::pow2(-104), w))
    }

    /// Compares `S` with `(mant * 2^exp)^2`, where `mant < 2^60` and `2*exp + OFFSET >= 0`.
    fn cmp_square(&self, mant: u64, exp: i32) -> core::cmp::Ordering {
        let mut other = ExactSum::new();
        let sq = u128::from(mant) * u128::from(mant);
        let shift = 2 * exp + OFFSET;
        debug_assert!(shift >= 0);
        // Fits: mant^2 < 2^120 at a shift of at most 2 * 1024 + OFFSET.
        let _ = other.add_words(&[sq as u64, (sq >> 64) as u64, 0, 0], shift.max(0) as u32);
        self.limbs.iter().rev().cmp(other.limbs.iter().rev())
    }

    /// Leading bits of `S` as `(t, w)` with `S ~= t * 2^w` and `t < 2^128`.
    fn leading(&self) -> Option<(u128, i32)> {
        let top = self.limbs.iter().rposition(|&l| l != 0)?;
        let low = top.saturating_sub(1);
        let hi = u128::from(self.limbs[top]);
        let t = if top == 0 {
            hi
        } else {
            (hi << 64) | u128::from(self.limbs[low])
        };
        Some((t, 64 * low as i32 - OFFSET))
    }

    /// `sqrt(S)` correctly rounded in `fmt` in the direction `dir`, returned as a binary64
    /// (exactly representable in `fmt`, or `+Inf` when the rounded value overflows `fmt`).
    ///
    /// Directed rounding (module documentation, "Rounding"): the nearest value `y` first;
    /// then `S` is compared with `y^2` exactly: equal, `sqrt(S) = y` in every direction;
    /// below, downward gives the grid point below `y`; above, upward gives the one above
    /// (`y` is the nearest grid point, so the root lies within one gap of it).  Above the
    /// largest finite value: downward the largest finite value, upward `+Inf`.
    pub(crate) fn sqrt_rounded(&self, fmt: Format, dir: Dir) -> f64 {
        let y = self.sqrt_nearest(fmt);
        if dir == Dir::Nearest {
            return y;
        }
        if y == 0.0 {
            // A root below half the smallest subnormal of fmt (binary64 data finished in
            // binary32), or S = 0.
            return if dir == Dir::Up && self.leading().is_some() {
                ldexp(1.0, fmt.min_exp)
            } else {
                0.0
            };
        }
        let max_finite = crate::finish::max_finite(fmt);
        if y > max_finite {
            // S >= T^2 > max_finite^2 (the nearest rounding overflowed).
            return if dir == Dir::Up {
                f64::INFINITY
            } else {
                max_finite
            };
        }
        let g_exp = grid_exp(y, fmt);
        let k = (y / ldexp(1.0, g_exp)) as u64; // y = k * 2^g_exp, k < 2^p
        match (self.cmp_square(k, g_exp), dir) {
            (core::cmp::Ordering::Less, Dir::Down) => y - ldexp(1.0, grid_exp_below(y, fmt)),
            (core::cmp::Ordering::Greater, Dir::Up) => {
                let r = y + ldexp(1.0, g_exp);
                if r > max_finite {
                    f64::INFINITY
                } else {
                    r
                }
            }
            _ => y,
        }
    }

    /// `sqrt(S)` correctly rounded to nearest-even in `fmt` (see [`ExactSum::sqrt_rounded`]).
    fn sqrt_nearest(&self, fmt: Format) -> f64 {
        let Some((t, w)) = self.leading() else {
            return 0.0;
        };
        // Overflow threshold: the midpoint between the largest finite value and 2^max_exp,
        // T = (2^(p+1) - 1) * 2^(max_exp - p - 1).  The largest finite significand is odd,
        // so a tie at T rounds to 2^max_exp, i.e. overflows: S >= T^2 gives +Inf.
        let p = fmt.precision;
        let t_mant = (1u64 << (p + 1)) - 1;
        if self.cmp_square(t_mant, fmt.max_exp - p - 1) != core::cmp::Ordering::Less {
            return f64::INFINITY;
        }
        // Candidate: sqrt of the leading bits, made even-exponent first.
        let (tf, we) = if w % 2 != 0 {
            (t as f64 * 2.0, w - 1)
        } else {
            (t as f64, w)
        };
        // Largest finite value of fmt: (2^p - 1) * 2^(max_exp - p), exact in binary64.
        let max_finite = ldexp(((1u64 << p) - 1) as f64, fmt.max_exp - p);
        let mut y = ldexp(tf.sqrt(), we / 2);
        if y.is_nan() || y > max_finite {
            y = max_finite;
        }
        y = round_to_grid(y, fmt).max(ldexp(1.0, fmt.min_exp));
        // At most a few steps are ever needed; the bound keeps the loop total.
        for _ in 0..64 {
            let g_exp = grid_exp(y, fmt);
            let k = (y / ldexp(1.0, g_exp)) as u64; // y = k * 2^g_exp, k < 2^p
                                                    // Upper midpoint (2k+1) * 2^(g_exp-1).
            let up = self.cmp_square(2 * k + 1, g_exp - 1);
            let step_up = up == core::cmp::Ordering::Greater
                || (up == core::cmp::Ordering::Equal && k % 2 == 1);
            if step_up {
                y += ldexp(1.0, g_exp);
                continue;
            }
            // Lower midpoint: y - g_down/2, where g_down is the grid just below y.
            let gd_exp = grid_exp_below(y, fmt);
            let kd = (y / ldexp(1.0, gd_exp)) as u64;
            if kd == 0 {
                return y;
            }
            let down = self.cmp_square(2 * kd - 1, gd_exp - 1);
            let step_down = down == core::cmp::Ordering::Less
                || (down == core::cmp::Ordering::Equal && kd % 2 == 1);
            if step_down {
                y -= ldexp(1.0, gd_exp);
                continue;
            }
            return y;
        }
        y
    }
}

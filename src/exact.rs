//! Exact sum of squares and correctly rounded square root of it: the fallback path.
//!
//! The fast kernel (`kernel.rs`) returns an approximation with a rigorous error bound; when
//! that bound does not decide the rounding (for example an exact tie), the norm is
//! recomputed here without any rounding error at all.
//!
//! # Representation
//!
//! A finite binary64 `x` is `M * 2^e` with an integer `0 <= M < 2^53` and `e >= -1074`, so
//! `x^2 = M^2 * 2^(2e)` is an integer multiple of `2^-2148`.  The sum of squares is held as a
//! non-negative fixed-point integer `I` with `S = I * 2^-OFFSET`, `OFFSET = 2150` (two more
//! bits than needed, so that the square of every rounding midpoint `(k + 1/2) * 2^-1074` is
//! also an integer in these units).  The largest sum is below `2^64 * 2^2048 = 2^2112`, so
//! `2112 + 2150 = 4262` bits suffice: 67 limbs of 64 bits; one more limb is kept as headroom.
//! Binary32 inputs are widened to binary64 exactly and use the same accumulator.
//!
//! # Rounding
//!
//! [`ExactSum::sqrt_rounded`] finds a candidate `y` from the leading 128 bits, then compares
//! `S` with the exact squares of the rounding midpoints `y +- g/2` (integers in the same units)
//! and moves `y` until `S` lies between them; ties go to the even neighbour (IEEE 754
//! roundTiesToEven).  Results above the largest finite value round to `+Inf` exactly as
//! IEEE 754 prescribes.

const LIMBS: usize = 68;
/// Weight of the least significant bit: `2^-OFFSET`.
const OFFSET: i32 = 2150;

/// The target format of a rounding: precision and range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    /// Significand bits, including the implicit one (53 or 24).
    pub precision: i32,
    /// Exponent of the smallest subnormal (-1074 or -149): the coarsest rounding grid.
    pub min_exp: i32,
    /// Exponent such that `2^max_exp` is the first power of two above the largest finite value
    /// (1024 or 128).
    pub max_exp: i32,
}

/// binary64.
pub const F64: Format = Format {
    precision: 53,
    min_exp: -1074,
    max_exp: 1024,
};
/// binary32.
pub const F32: Format = Format {
    precision: 24,
    min_exp: -149,
    max_exp: 128,
};

/// Exact sum of squares of finite binary64 numbers, see the module documentation.
#[derive(Clone)]
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

    /// Adds `words * 2^shift` (in accumulator units), `words` little-endian.
    fn add_words(&mut self, words: &[u64; 4], shift: u32) {
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
        for &s in spread.iter() {
            if let Some(l) = self.limbs.get_mut(idx) {
                let (a, c1) = l.overflowing_add(s);
                let (b, c2) = a.overflowing_add(carry);
                *l = b;
                carry = u64::from(c1) + u64::from(c2);
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
                // Unreachable for sums of fewer than 2^64 squares of finite numbers (see the
                // module documentation); saturating here keeps the function total.
                None => break,
            }
            idx += 1;
        }
    }

    /// Adds `count * x^2` exactly; `x` must be finite (non-finite values are ignored).
    pub(crate) fn add_square_times(&mut self, x: f64, count: u64) {
        if !x.is_finite() || count == 0 {
            return;
        }
        let (m, e) = decompose(x);
        if m == 0 {
            return;
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
        self.add_words(&[w0, w1, w2, 0], shift);
    }

    /// Adds `x^2` exactly; `x` must be finite (non-finite values are ignored).
    pub(crate) fn add_square(&mut self, x: f64) {
        self.add_square_times(x, 1);
    }

    /// Compares `S` with `(mant * 2^exp)^2`, where `mant < 2^60` and `2*exp + OFFSET >= 0`.
    fn cmp_square(&self, mant: u64, exp: i32) -> core::cmp::Ordering {
        let mut other = ExactSum::new();
        let sq = u128::from(mant) * u128::from(mant);
        let shift = 2 * exp + OFFSET;
        debug_assert!(shift >= 0);
        other.add_words(&[sq as u64, (sq >> 64) as u64, 0, 0], shift.max(0) as u32);
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

    /// `sqrt(S)` correctly rounded to nearest-even in `fmt`, returned as a binary64 (exactly
    /// representable in `fmt`, or `+Inf` when the rounded value overflows `fmt`).
    pub(crate) fn sqrt_rounded(&self, fmt: Format) -> f64 {
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

/// `x * 2^k` for any `k`, exact unless the result under- or overflows (a candidate only needs
/// to be close).
pub(crate) fn ldexp(mut x: f64, mut k: i32) -> f64 {
    while k > 1000 {
        x *= crate::consts::pow2(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= crate::consts::pow2(-1000);
        k += 1000;
    }
    x * crate::consts::pow2(k)
}

/// `floor(log2(y))` for positive finite `y` (subnormals included).
pub(crate) fn exponent(y: f64) -> i32 {
    let bits = y.to_bits() & !(1u64 << 63);
    let biased = (bits >> 52) as i32;
    if biased == 0 {
        // Subnormal: 2^-1074 * frac.
        63 - bits.leading_zeros() as i32 - 1074
    } else {
        biased - 1023
    }
}

/// Exponent of the rounding grid of `fmt` at the positive value `y`.
pub(crate) fn grid_exp(y: f64, fmt: Format) -> i32 {
    (exponent(y) - fmt.precision + 1).max(fmt.min_exp)
}

/// Exponent of the rounding grid of `fmt` just below the positive value `y` (one less than
/// [`grid_exp`] when `y` is a power of two above the subnormal range).
pub(crate) fn grid_exp_below(y: f64, fmt: Format) -> i32 {
    let g = grid_exp(y, fmt);
    let is_pow2 = y.to_bits() & ((1u64 << 52) - 1) == 0 && exponent(y) > -1023;
    if is_pow2 && g > fmt.min_exp {
        g - 1
    } else {
        g
    }
}

/// `y` rounded to nearest-even on the grid of `fmt` (positive finite `y`).
pub(crate) fn round_to_grid(y: f64, fmt: Format) -> f64 {
    if y <= 0.0 || !y.is_finite() {
        return y;
    }
    let g = grid_exp(y, fmt);
    // Division and multiplication by a power of two are exact here: y / 2^g is below 2^53
    // and the product is a multiple of 2^g of at most p bits.
    ldexp(ldexp(y, -g).round_ties_even(), g)
}

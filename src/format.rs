//! Floating-point formats as rounding targets, and the exact binary64 helpers every rounding
//! step uses (exponent, scaling by powers of two, rounding to a format's grid).
#![forbid(unsafe_code)]

use crate::consts::{pow2, EXP_MASK, MANT_MASK, SIGN_MASK};

/// The rounding direction of a result (IEEE 754 rounding-direction attributes, as they
/// apply to a norm, which is never negative: roundTowardZero is roundTowardNegative).
/// Read from the caller's floating-point environment by `fenv.rs`; every rounding step of
/// `finish.rs` and `exact.rs` takes it as a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// roundTiesToEven (the default environment).
    Nearest,
    /// roundTowardNegative, and roundTowardZero (the same for non-negative results).
    Down,
    /// roundTowardPositive.
    Up,
}

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

impl Format {
    /// The format seen in units scaled by `2^s`: the subnormal grid and the overflow
    /// threshold move by `s`.
    pub(crate) fn shifted(self, s: i32) -> Format {
        Format {
            precision: self.precision,
            min_exp: self.min_exp + s,
            max_exp: self.max_exp + s,
        }
    }
}

/// `x * 2^k` for any `k`, exact unless the result under- or overflows.
pub(crate) fn ldexp(mut x: f64, mut k: i32) -> f64 {
    while k > 1000 {
        x *= pow2(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= pow2(-1000);
        k += 1000;
    }
    x * pow2(k)
}

/// `floor(log2(y))` for positive finite `y` (subnormals included).
pub(crate) fn exponent(y: f64) -> i32 {
    let bits = y.to_bits() & !SIGN_MASK;
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
    let is_pow2 = y.to_bits() & MANT_MASK == 0 && y.to_bits() & EXP_MASK != 0;
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

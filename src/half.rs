//! Half-precision element types: IEEE 754 binary16 ([`F16`]) and bfloat16 ([`BF16`]), held
//! as their 16-bit patterns.
//!
//! Every binary16 and every bfloat16 value is exactly a binary32 value (binary16: 11-bit
//! significand, exponents `-24 ..= 15`; bfloat16: the upper half of a binary32), so their
//! norm is the binary32 norm of the widened vector: the result is a binary32, correctly
//! rounded (binary16 cannot hold most norms of binary16 data: 5000 entries of 65504 have norm
//! about `4.6e6`).  The kernels widen on load (F16C / AVX-512 `vcvtph2ps`, a 16-bit shift for
//! bfloat16, the portable [`f16_to_f32`] elsewhere) and then run the binary32 bodies, so
//! `safenorm_hnrm2` is bitwise `safenorm_snrm2` of the widened vector.
//!
//! NaN and infinity follow the binary32 rules: any NaN pattern (exponent all ones, non-zero
//! fraction, any sign or payload) gives the usual quiet NaN result; otherwise an infinity
//! gives `+Inf`.
#![forbid(unsafe_code)]

/// An IEEE 754 binary16 value, as its bit pattern (sign, 5-bit exponent, 10-bit fraction).
///
/// `#[repr(transparent)]` over `u16`, so a C `const uint16_t *` is a pointer to `F16`.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct F16(pub u16);

/// A bfloat16 value, as its bit pattern (the upper 16 bits of a binary32: sign, 8-bit
/// exponent, 7-bit fraction).
///
/// `#[repr(transparent)]` over `u16`, so a C `const uint16_t *` is a pointer to `BF16`.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BF16(pub u16);

impl F16 {
    /// The value as a binary32 (exact).
    #[inline(always)]
    pub const fn to_f32(self) -> f32 {
        f16_to_f32(self.0)
    }
}

impl BF16 {
    /// The value as a binary32 (exact).
    #[inline(always)]
    pub const fn to_f32(self) -> f32 {
        bf16_to_f32(self.0)
    }
}

/// Widens a binary16 bit pattern to binary32, exactly (portable bit manipulation; `f16` is
/// not a stable Rust type).
///
/// * Normal (`1 <= e <= 30`): value `(1 + f/2^10) 2^(e-15)`; the binary32 exponent field is
///   `e - 15 + 127 = e + 112`, the fraction moves up by `23 - 10 = 13` bits.
/// * Subnormal (`e == 0`, `f != 0`): value `f 2^-24`.  With `s` the shift that brings the
///   leading bit of `f` to bit 10 (`s = lzcnt32(f) - 21`, `1 <= s <= 10`), the value is
///   `(f << s) 2^(-24-s) = (1 + frac/2^10) 2^(-14-s)`: binary32 exponent field `113 - s`
///   (the smallest, `f = 1`, is `2^-24`, field 103: a normal binary32).
/// * Zero keeps its sign; `e == 31` gives an infinity (`f == 0`) or a NaN with the same sign
///   and the fraction as the top of the payload (so a NaN stays a NaN).
///
/// Does not depend on the floating-point environment (integer operations only).
#[inline(always)]
pub const fn f16_to_f32(h: u16) -> f32 {
    let h = h as u32;
    let sign = (h & 0x8000) << 16;
    let e = (h >> 10) & 0x1f;
    let f = h & 0x3ff;
    let bits = if e == 0x1f {
        sign | 0x7f80_0000 | (f << 13)
    } else if e != 0 {
        sign | ((e + 112) << 23) | (f << 13)
    } else if f == 0 {
        sign
    } else {
        let s = f.leading_zeros() - 21;
        sign | ((113 - s) << 23) | (((f << s) & 0x3ff) << 13)
    };
    f32::from_bits(bits)
}

/// Widens a bfloat16 bit pattern to binary32, exactly: the pattern is the upper half of the
/// binary32 one (every class, including NaN, is preserved).
#[inline(always)]
pub const fn bf16_to_f32(b: u16) -> f32 {
    f32::from_bits((b as u32) << 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of a binary16 pattern from its definition (IEEE 754-2019, 3.4), in binary64.
    fn reference(h: u16) -> f64 {
        let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
        let e = i32::from((h >> 10) & 0x1f);
        let f = f64::from(h & 0x3ff);
        match e {
            0 => sign * f * 2f64.powi(-24),
            31 if f == 0.0 => sign * f64::INFINITY,
            31 => f64::NAN,
            _ => sign * (1024.0 + f) * 2f64.powi(e - 25),
        }
    }

    #[test]
    fn every_binary16_pattern_widens_exactly() {
        for h in 0..=u16::MAX {
            let got = f16_to_f32(h);
            let want = reference(h);
            if want.is_nan() {
                assert!(got.is_nan(), "{h:#06x}");
                assert_eq!(got.is_sign_negative(), h & 0x8000 != 0, "{h:#06x}");
            } else {
                assert_eq!(f64::from(got).to_bits(), want.to_bits(), "{h:#06x}");
            }
        }
    }

    #[test]
    fn every_bfloat16_pattern_widens_exactly() {
        for b in 0..=u16::MAX {
            let got = bf16_to_f32(b);
            assert_eq!(got.to_bits() >> 16, u32::from(b));
            assert_eq!(got.to_bits() & 0xffff, 0);
        }
    }
}

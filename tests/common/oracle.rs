//! The exact oracle, written independently of the library: big integers from `num-bigint`,
//! integer square root, explicit IEEE rounding.  One file serves the Rust tests
//! (`tests/common/mod.rs`) and the fuzz targets (`fuzz/src/lib.rs`, by `#[path]`).
#![allow(dead_code)]
use num_bigint::BigUint;
#[allow(unused_imports)]
use num_integer::Roots;
use num_traits::{One, ToPrimitive, Zero};

/// Precision, smallest grid exponent and overflow exponent of a format.
#[derive(Clone, Copy, Debug)]
pub struct Fmt {
    pub p: i64,
    pub min_exp: i64,
    pub max_exp: i64,
}
/// binary64.
pub const D: Fmt = Fmt {
    p: 53,
    min_exp: -1074,
    max_exp: 1024,
};
/// binary32.
pub const S: Fmt = Fmt {
    p: 24,
    min_exp: -149,
    max_exp: 128,
};
/// `sqrt(sum v_i^2)` rounded to nearest-even in `fmt`, from the exact integer sum.
/// NaN if any NaN, else +Inf if any infinity.
pub fn oracle(values: &[f64], fmt: Fmt) -> f64 {
    if values.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    if values.iter().any(|v| v.is_infinite()) {
        return f64::INFINITY;
    }
    round_sqrt(&exact_sum(values), fmt)
}

/// The exact sum of squares of finite values, in units of 2^-2148: x = m * 2^e with
/// e >= -1074, so x^2 = m^2 * 2^(2e + 2148) units.
pub fn exact_sum(values: &[f64]) -> BigUint {
    // Squares with the same exponent are first summed exactly in a u128 per exponent (each
    // m^2 < 2^106, so 2^22 of them fit; flushed every 2^20), then the buckets are combined in
    // big integers: the same exact value as shifting and adding every square, much faster.
    let mut buckets: std::collections::BTreeMap<i64, u128> = std::collections::BTreeMap::new();
    let mut s = BigUint::zero();
    let mut count = 0usize;
    for &v in values {
        if v == 0.0 {
            continue;
        }
        let bits = v.abs().to_bits();
        let (m, e) = if bits >> 52 == 0 {
            (bits, -1074i64)
        } else {
            (
                (bits & ((1 << 52) - 1)) | (1 << 52),
                (bits >> 52) as i64 - 1075,
            )
        };
        *buckets.entry(e).or_insert(0) += u128::from(m) * u128::from(m);
        count += 1;
        if count == 1 << 20 {
            flush(&mut buckets, &mut s);
            count = 0;
        }
    }
    flush(&mut buckets, &mut s);
    s
}

fn flush(buckets: &mut std::collections::BTreeMap<i64, u128>, s: &mut BigUint) {
    for (e, sq) in std::mem::take(buckets) {
        *s += BigUint::from(sq) << ((2 * e + 2148) as usize);
    }
}

/// An IEEE 754 rounding-direction attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// roundTiesToEven.
    Nearest,
    /// roundTowardNegative.
    Down,
    /// roundTowardPositive.
    Up,
    /// roundTowardZero.
    Zero,
}

/// Every mode, in the order of `safenorm::__fenv::compose` (0 nearest, 1 down, 2 up, 3 zero).
pub const MODES: [Mode; 4] = [Mode::Nearest, Mode::Down, Mode::Up, Mode::Zero];

/// sqrt(s * 2^-2148) rounded to nearest-even in fmt.
pub fn round_sqrt(s: &BigUint, fmt: Fmt) -> f64 {
    round_sqrt_mode(s, fmt, Mode::Nearest)
}

/// sqrt(s * 2^-2148) rounded in fmt in the direction `mode` (the root is non-negative, so
/// toward zero is downward).  Overflow as IEEE 754 7.4: above the largest finite value,
/// +Inf to nearest and upward, the largest finite value downward and toward zero.
pub fn round_sqrt_mode(s: &BigUint, fmt: Fmt, mode: Mode) -> f64 {
    if s.is_zero() {
        return 0.0;
    }
    let b = s.bits() as i64;
    // floor(log2(sqrt(s))) = floor((b-1)/2); the root is sqrt(s) * 2^-1074.
    let e = (b - 1).div_euclid(2) - 1074;
    let g = (e - fmt.p + 1).max(fmt.min_exp);
    // K = floor(sqrt(s * 2^-2148) / 2^(g-1)) = floor(sqrt(s / 4^(g - 1 + 1074))).
    let sh = 2 * (g - 1 + 1074);
    let (scaled, exact_div) = if sh >= 0 {
        let q = s >> (sh as usize);
        let ex = (&q << (sh as usize)) == *s;
        (q, ex)
    } else {
        (s << ((-sh) as usize), true)
    };
    let k = scaled.sqrt();
    let sticky = !(exact_div && &k * &k == scaled);
    let half = (&k & BigUint::one()) == BigUint::one();
    // root = (q + f) 2^g with q = floor(root / 2^g), 0 <= f < 1; f >= 1/2 iff `half`,
    // f == 0 iff neither `half` nor `sticky`.
    let mut q: BigUint = &k >> 1usize;
    let odd = (&q & BigUint::one()) == BigUint::one();
    let up = match mode {
        Mode::Nearest => half && (sticky || odd),
        Mode::Down | Mode::Zero => false,
        Mode::Up => half || sticky,
    };
    if up {
        q += 1u32;
    }
    let qf = q.to_f64().expect("fits");
    // q <= 2^p: exact in f64.  Value q * 2^g.
    let top = (q.bits() as i64) + g; // value < 2^top
    if top > fmt.max_exp {
        return match mode {
            Mode::Nearest | Mode::Up => f64::INFINITY,
            // (2^p - 1) 2^(max_exp - p)
            Mode::Down | Mode::Zero => ldexp(((1u64 << fmt.p) - 1) as f64, fmt.max_exp - fmt.p),
        };
    }
    ldexp(qf, g)
}

/// `x * 2^k`, exact unless the result under- or overflows.  Built from bit patterns: `powi` is
/// not guaranteed exact (Miri, for one, adds rounding errors to it).
pub fn ldexp(mut x: f64, mut k: i64) -> f64 {
    let p2 = |e: i64| f64::from_bits(((e + 1023) as u64) << 52); // -1022 <= e <= 1023
    while k > 600 {
        x *= p2(600);
        k -= 600;
    }
    while k < -600 {
        x *= p2(-600);
        k += 600;
    }
    x * p2(k)
}

/// `m^2 = sum x_i^2` for an odd 54-bit integer `m` (the midpoint between two adjacent
/// 53-bit integers): `(m-1)^2 + (2m - 1)`, the remainder split greedily into squares.
pub fn tie_decomposition(m: u64) -> Vec<f64> {
    let mut xs = vec![(m - 1) as f64];
    let mut r: u128 = 2 * m as u128 - 1;
    while r > 0 {
        let a = (r as f64).sqrt().floor() as u128;
        let a = if (a + 1) * (a + 1) <= r {
            a + 1
        } else if a * a > r {
            a - 1
        } else {
            a
        };
        xs.push(a as f64);
        r -= a * a;
    }
    xs
}

/// `oracle` rounded in the direction `mode`.
pub fn oracle_mode(values: &[f64], fmt: Fmt, mode: Mode) -> f64 {
    if values.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    if values.iter().any(|v| v.is_infinite()) {
        return f64::INFINITY;
    }
    round_sqrt_mode(&exact_sum(values), fmt, mode)
}

/// `sqrt(count * sum parts^2)` rounded in fmt (the incx == 0 case).
pub fn oracle_repeated(parts: &[f64], count: u64, fmt: Fmt) -> f64 {
    if parts.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    if parts.iter().any(|v| v.is_infinite()) {
        return f64::INFINITY;
    }
    round_sqrt(&(exact_sum(parts) * BigUint::from(count)), fmt)
}

/// The error of `got` as an approximation of the exact quotient `x / sqrt(sum)` (`sum` from
/// [`exact_sum`], a positive sum of squares in units of 2^-2148), in units of the spacing of
/// `fmt` at the exact quotient (its ulp).  The root is carried to 600 fractional bits and the
/// quotient to 2^-1300, so the measure is exact to far below 2^-100 ulp.  `x` finite, `got`
/// finite with the sign of `x` (checked: a wrong sign gives +Inf).
pub fn quotient_ulps(x: f64, got: f64, sum: &BigUint, fmt: Fmt) -> f64 {
    use num_bigint::BigInt;
    assert!(!sum.is_zero());
    if x == 0.0 {
        return if got == 0.0 && got.is_sign_negative() == x.is_sign_negative() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if !got.is_finite() || (got != 0.0 && got.is_sign_negative() != x.is_sign_negative()) {
        return f64::INFINITY;
    }
    let dec = |v: f64| {
        let bits = v.abs().to_bits();
        if bits >> 52 == 0 {
            (bits, -1074i64)
        } else {
            (
                (bits & ((1 << 52) - 1)) | (1 << 52),
                (bits >> 52) as i64 - 1075,
            )
        }
    };
    const K: i64 = 600;
    const T: i64 = 1300;
    // R = floor(sqrt(sum) 2^K); Q 2^T = mx 2^(ex + 1074 + K + T) / R.
    let r = (sum << (2 * K as usize)).sqrt();
    let (mx, ex) = dec(x);
    let qi = (BigUint::from(mx) << ((ex + 1074 + K + T) as usize)) / &r;
    let log2q = qi.bits() as i64 - 1 - T;
    let g = (log2q - fmt.p + 1).max(fmt.min_exp);
    let (mg, eg) = dec(got);
    let gi = BigUint::from(mg) << ((eg + T) as usize);
    let diff = BigInt::from(gi) - BigInt::from(qi);
    // g + T >= 226: keep 200 bits below the ulp, so the conversion cannot overflow.
    let sh = g + T - 200;
    let d = (diff >> (sh as usize)).to_f64().unwrap_or(f64::INFINITY);
    ldexp(d, -200).abs()
}

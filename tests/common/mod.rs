//! Shared test support: an exact oracle written independently of the library (big
//! integers from `num-bigint`, integer square root, explicit IEEE rounding), a deterministic
//! random generator and the families of hard inputs.
#![allow(dead_code)]

mod oracle;
mod pieces;
pub use oracle::*;
#[allow(unused_imports)]
pub use pieces::*;

/// Deterministic xorshift64* generator.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut s = self.0;
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        self.0 = s;
        s.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-300);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
    /// Random sign.
    pub fn sign(&mut self) -> f64 {
        if self.next() & 1 == 0 {
            1.0
        } else {
            -1.0
        }
    }
    /// Any finite double with a uniformly random biased exponent (subnormals included).
    pub fn log_uniform(&mut self) -> f64 {
        let bits = self.next() & !(1u64 << 63);
        let exp = self.below(2047);
        f64::from_bits((bits & ((1u64 << 52) - 1)) | (exp << 52)) * self.sign()
    }
    /// Random double with exponent in [lo, hi).
    pub fn with_exp(&mut self, lo: i32, hi: i32) -> f64 {
        let e = lo + self.below((hi - lo) as u64) as i32;
        let m = 1.0 + self.unit();
        ldexp(m, e as i64) * self.sign()
    }
}

/// Named families of hard finite binary32 inputs.
pub fn families_f32(rng: &mut Rng) -> Vec<(&'static str, Vec<f32>)> {
    let mut out: Vec<(&'static str, Vec<f32>)> = Vec::new();
    let f32_log_uniform = |rng: &mut Rng| {
        let bits = (rng.next() >> 32) as u32 & 0x7FFF_FFFF;
        let exp = rng.below(255) as u32;
        f32::from_bits((bits & 0x7F_FFFF) | (exp << 23)) * rng.sign() as f32
    };
    for &n in &[1usize, 2, 3, 7, 16, 33, 100, 1000, 4099, 100_000] {
        out.push(("normal", (0..n).map(|_| rng.normal() as f32).collect()));
        out.push((
            "log-uniform",
            (0..n).map(|_| f32_log_uniform(rng)).collect(),
        ));
        out.push((
            "near-overflow",
            (0..n).map(|_| rng.with_exp(110, 128) as f32).collect(),
        ));
        out.push((
            "subnormal",
            (0..n)
                .map(|_| f32::from_bits(rng.below(1 << 23) as u32) * rng.sign() as f32)
                .collect(),
        ));
        let v = f32_log_uniform(rng);
        out.push(("equal", vec![v; n]));
        out.push(("equal-unit", vec![(1.0 + rng.unit()) as f32; n]));
    }
    for _ in 0..60 {
        let m = (1u64 << 24) | (rng.next() >> 40) | 1;
        let base = tie_decomposition(m);
        let scale = rng.below(250) as i64 - 150;
        let xs: Vec<f32> = base.iter().map(|&x| ldexp(x, scale) as f32).collect();
        if xs
            .iter()
            .zip(&base)
            .all(|(&a, &b)| f64::from(a) == ldexp(b, scale))
        {
            out.push(("tie", xs.clone()));
            let mut up = xs.clone();
            up.push(ldexp(1.0, scale - 30) as f32);
            out.push(("tie+", up));
        }
    }
    out.push(("max", vec![f32::MAX]));
    out.push(("max2", vec![f32::MAX, f32::MAX]));
    out.push(("minsub", vec![f32::from_bits(1)]));
    out.push(("minsub4", vec![f32::from_bits(1); 4]));
    out.push(("pythagoras", vec![3e30, 4e30]));
    out
}

/// Named families of hard finite inputs (f64 components).
pub fn families(rng: &mut Rng) -> Vec<(&'static str, Vec<f64>)> {
    let mut out: Vec<(&'static str, Vec<f64>)> = Vec::new();
    for &n in &[1usize, 2, 3, 5, 8, 17, 64, 100, 257, 1000, 4099] {
        out.push(("normal", (0..n).map(|_| rng.normal()).collect()));
        out.push(("log-uniform", (0..n).map(|_| rng.log_uniform()).collect()));
        out.push((
            "near-overflow",
            (0..n).map(|_| rng.with_exp(1000, 1024)).collect(),
        ));
        out.push((
            "subnormal",
            (0..n)
                .map(|_| f64::from_bits(rng.below(1 << 52)) * rng.sign())
                .collect(),
        ));
        out.push((
            "near-underflow",
            (0..n).map(|_| rng.with_exp(-1074, -1000)).collect(),
        ));
        out.push((
            "mixed",
            (0..n)
                .map(|i| match i % 4 {
                    0 => rng.with_exp(900, 1020),
                    1 => rng.normal(),
                    2 => rng.with_exp(-1040, -1000),
                    _ => f64::from_bits(rng.below(1 << 52)),
                })
                .collect(),
        ));
        out.push((
            "thresholds",
            (0..n)
                .map(|i| {
                    if i % 2 == 0 {
                        rng.with_exp(-520, -500)
                    } else {
                        rng.with_exp(480, 500)
                    }
                })
                .collect(),
        ));
        out.push((
            "straddle",
            (0..n)
                .map(|_| {
                    let e = [-512, -511, -300, -301, 299, 300, 486, 487][rng.below(8) as usize];
                    rng.with_exp(e, e + 1)
                })
                .collect(),
        ));
        let v = rng.log_uniform();
        out.push(("equal", vec![v; n]));
        out.push(("equal-unit", vec![1.0 + rng.unit(); n]));
    }
    // Exact ties and near ties at many scales.
    for _ in 0..60 {
        let m = (1u64 << 53) | rng.next() >> 11 | 1;
        let base = tie_decomposition(m);
        let scale = rng.below(1800) as i64 - 1000;
        let xs: Vec<f64> = base.iter().map(|&x| ldexp(x, scale)).collect();
        out.push(("tie", xs.clone()));
        let mut up = xs.clone();
        up.push(ldexp(1.0, scale - 60));
        out.push(("tie+", up));
        let mut down = xs.clone();
        if let Some(last) = down.iter_mut().rev().find(|v| **v > 0.0) {
            *last = f64::from_bits(last.to_bits() - 1);
        }
        out.push(("tie-", down));
    }
    // Fixed cases.
    out.push(("max", vec![f64::MAX]));
    out.push(("max2", vec![f64::MAX, f64::MAX]));
    out.push(("max+1", vec![f64::MAX, 1.0]));
    out.push(("max+big", vec![f64::MAX, 1e154]));
    out.push(("minsub", vec![f64::from_bits(1)]));
    out.push(("minsub3", vec![f64::from_bits(1); 3]));
    out.push(("minsub4", vec![f64::from_bits(1); 4]));
    out.push(("minnormal", vec![f64::MIN_POSITIVE; 7]));
    out.push(("pythagoras", vec![3e300, 4e300]));
    out.push(("pythagoras-small", vec![3e-310, 4e-310]));
    out.push(("zeros", vec![0.0, -0.0, 0.0]));
    out
}

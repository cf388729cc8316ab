//! Normalisation `x <- x / ||x||` (`safenorm::normalize*`) against the exact oracle: every
//! component's error in ulps of the exact quotient `x_i / ||x||` (big-integer arithmetic,
//! `tests/common/oracle.rs`, `quotient_ulps`), the returned norm bitwise against the
//! correctly rounded oracle norm, per element type, stride and ISA path; the special inputs
//! (zeros, NaN, infinities) against the documented rules; the batch form.
//!
//! Budget (the proven bound of `finish.rs`, `divide`): binary64 within `0.5 + 2^-26` ulp,
//! binary32 within `0.5 + 2^-47` ulp.  The maximum measured per routine is printed
//! (`cargo test --release --test normalize -- --nocapture`).
mod common;
use common::*;
use num_bigint::BigUint;
use safenorm::{normalize, normalize_batch, normalize_strided, ViewError};
use std::sync::Mutex;

const BUDGET64: f64 = 0.5 + 1.0 / (1u64 << 26) as f64;
const BUDGET32: f64 = 0.5 + 1.0 / (1u64 << 47) as f64;

/// Largest error seen per routine (printed by `report`).
static MAX: Mutex<[f64; 4]> = Mutex::new([0.0; 4]);

fn record(slot: usize, e: f64) {
    let mut m = MAX.lock().unwrap();
    if e > m[slot] {
        m[slot] = e;
    }
}

/// Checks normalised components `got` (binary64 values of the routine's format) of the
/// original components `x`: the norm bitwise, each quotient within the budget.
fn check(name: &str, slot: usize, x: &[f64], got: &[f64], norm: f64, fmt: Fmt) -> f64 {
    let budget = if fmt.p == 53 { BUDGET64 } else { BUDGET32 };
    let want = oracle(x, fmt);
    assert!(
        norm.to_bits() == want.to_bits() || (norm.is_nan() && want.is_nan()),
        "{name}: norm {norm:e}, want {want:e}"
    );
    let sum = exact_sum(x);
    if sum == BigUint::default() {
        assert_eq!(
            x.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            got.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "{name}: zero vector changed"
        );
        return 0.0;
    }
    let mut worst = 0.0f64;
    // Long vectors: the first 2000 components and every 37th (the oracle's divisions are slow).
    for (i, (&xi, &gi)) in x.iter().zip(got).enumerate() {
        if i >= 2000 && i % 37 != 0 {
            continue;
        }
        let e = quotient_ulps(xi, gi, &sum, fmt);
        assert!(
            e <= budget,
            "{name}[{i}] of {}: x = {xi:e}, got {gi:e} ({}), error {e} ulp",
            x.len(),
            gi.a()
        );
        worst = worst.max(e);
    }
    record(slot, worst);
    worst
}

trait HexFloat {
    fn a(&self) -> String;
}

/// Rust has no `{:a}`: print the bits.
impl HexFloat for f64 {
    fn a(&self) -> String {
        format!("{:#018x}", self.to_bits())
    }
}

fn norm_d(x: &[f64]) -> (Vec<f64>, f64) {
    let mut y = x.to_vec();
    let r = normalize(&mut y);
    (y, r)
}

fn norm_s(x: &[f32]) -> (Vec<f64>, f64) {
    let mut y = x.to_vec();
    let r = normalize(&mut y);
    (y.iter().map(|&v| f64::from(v)).collect(), f64::from(r))
}

fn norm_z(x: &[f64]) -> (Vec<f64>, f64) {
    let mut y: Vec<[f64; 2]> = x.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
    let r = normalize(&mut y);
    (y.concat(), r)
}

fn norm_c(x: &[f32]) -> (Vec<f64>, f64) {
    let mut y: Vec<[f32; 2]> = x.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
    let r = normalize(&mut y);
    (
        y.concat().iter().map(|&v| f64::from(v)).collect(),
        f64::from(r),
    )
}

#[test]
fn families_all_routines() {
    let mut rng = Rng(0x5EED_0010);
    for (name, x) in families(&mut rng) {
        let (y, r) = norm_d(&x);
        check(&format!("d {name}"), 0, &x, &y, r, D);
        let xe = if x.len() % 2 == 1 {
            [&x[..], &[0.0]].concat()
        } else {
            x.clone()
        };
        let (y, r) = norm_z(&xe);
        check(&format!("z {name}"), 2, &xe, &y, r, D);
    }
    let mut rng = Rng(0x5EED_0011);
    for (name, x) in families_f32(&mut rng) {
        let xd: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        let (y, r) = norm_s(&x);
        check(&format!("s {name}"), 1, &xd, &y, r, S);
        let (xe, xde) = if x.len() % 2 == 1 {
            ([&x[..], &[0.0]].concat(), [&xd[..], &[0.0]].concat())
        } else {
            (x.clone(), xd.clone())
        };
        let (y, r) = norm_c(&xe);
        check(&format!("c {name}"), 3, &xde, &y, r, S);
    }
}

#[test]
fn extreme_values() {
    // Two largest finite values: the norm overflows, each quotient is RN(1/sqrt(2)).
    let (y, r) = norm_d(&[f64::MAX, -f64::MAX]);
    assert_eq!(r, f64::INFINITY);
    // 0x1.6a09e667f3bcdp-1
    let h = f64::from_bits(0x3FE6_A09E_667F_3BCD);
    assert_eq!(y, [h, -h]);
    let (y, r) = norm_s(&[f32::MAX, f32::MAX]);
    assert_eq!(r, f64::INFINITY);
    assert_eq!(y, [f64::from(std::f32::consts::FRAC_1_SQRT_2); 2]);
    // Four smallest subnormals: norm 2^-1073, quotients exactly 1/2.
    let tiny = f64::from_bits(1);
    let (y, r) = norm_d(&[tiny, -tiny, tiny, tiny]);
    assert_eq!(r, f64::from_bits(2));
    assert_eq!(y, [0.5, -0.5, 0.5, 0.5]);
    // One smallest subnormal: +-1 exactly.
    let (y, _) = norm_d(&[-tiny]);
    assert_eq!(y, [-1.0]);
    // Mixed scales: 1e300 beside 1e-300 (quotient 1e-600 underflows to 0, signed).
    let x = [1e300, 1e-300, -1e-300, 2e300];
    let (y, r) = norm_d(&x);
    check("mixed", 0, &x, &y, r, D);
    assert_eq!(y[1].to_bits(), 0.0f64.to_bits());
    assert_eq!(y[2].to_bits(), (-0.0f64).to_bits());
    // Subnormal quotients: a unit component beside subnormal ones.
    let x = [1.0, tiny, 3.0 * tiny, f64::MIN_POSITIVE, 1e-310];
    let (y, r) = norm_d(&x);
    check("subnormal quotients", 0, &x, &y, r, D);
    assert_eq!(&y[1..3], &[tiny, 3.0 * tiny]);
    // Exact cases: Pythagorean triples at every scale.
    for e in [-1074i64, -1000, -537, 0, 486, 900, 968] {
        let x = [ldexp(3.0, e), ldexp(-4.0, e)];
        let (y, r) = norm_d(&x);
        assert_eq!(r, ldexp(5.0, e));
        assert_eq!(y, [0.6, -0.8], "scale 2^{e}");
    }
}

/// Subnormal quotients near rounding midpoints of the subnormal grid, rounded once.  With
/// `N = sqrt(2) 2^e` (two components `2^e`) and `tiny = RN(sqrt(2) (k + 1/2) 2^(e - 1074))`
/// (`k` of 30 to 34 bits), the exact quotient is `(k + 1/2 + delta) 2^-1074` with `delta` of
/// the order of `2^-53 k`: rounding it first to 53 bits often lands exactly on the midpoint
/// (then ties to even: an error of `0.5 + |delta|` ulp, above the budget); rounding once
/// stays within the budget.
#[test]
fn subnormal_quotients_round_once() {
    let mut rng = Rng(0x0DD_0010);
    let e = 100i64;
    let mut worst = 0.0f64;
    for _ in 0..400 {
        let k = (1u64 << (30 + rng.below(5))) + rng.below(1 << 30);
        let tiny = ldexp(std::f64::consts::SQRT_2 * (k as f64 + 0.5), e - 1074) * rng.sign();
        let x = [ldexp(1.0, e), tiny, -ldexp(1.0, e)];
        let (y, r) = norm_d(&x);
        worst = worst.max(check("round once", 0, &x, &y, r, D));
    }
    println!("round once: max error {worst} ulp");
}

/// Binary32 quotients `2^-61` (relative) below a midpoint of the binary32 subnormal grid:
/// `N = 2^30 sqrt(1 + 2^-60)` (components `2^30`, 1) and `x = (2k + 1) 2^-120` (`k` odd,
/// below `2^23`), so `x / N = (k + 1/2) 2^-149 (1 - 2^-61 + ...)`.  Rounding to binary64
/// first gives the midpoint itself and ties to even (up, an error of `0.5 + 2^-39` ulp);
/// the answer rounded once is `k 2^-149`.
#[test]
fn binary32_quotients_round_once() {
    let mut rng = Rng(0x0DD_0032);
    for _ in 0..200 {
        let k = ((1u64 << 21) + rng.below(3 << 21)) | 1;
        let x = ((2 * k + 1) as f32) * f32::from_bits(0x0380_0000) * rng.sign() as f32; // 2^-120
        let v = [1.0f32, x, 1073741824.0]; // 2^30
        let (y, r) = norm_s(&v);
        let vd: Vec<f64> = v.iter().map(|&t| f64::from(t)).collect();
        check("round once 32", 1, &vd, &y, r, S);
        assert_eq!(y[1].abs(), ldexp(k as f64, -149), "k = {k}");
    }
}

/// Random vectors with a strong component and components spread over 2000 binades.
#[test]
fn random_wide() {
    let mut rng = Rng(0xABCD_0010);
    for round in 0..300 {
        let n = 1 + rng.below(40) as usize;
        let top = rng.below(2000) as i32 - 1000;
        let x: Vec<f64> = (0..n)
            .map(|_| rng.with_exp((top - 1100).max(-1074), top + 1))
            .collect();
        let (y, r) = norm_d(&x);
        check(&format!("wide {round}"), 0, &x, &y, r, D);
        let xs: Vec<f32> = x.iter().map(|&v| ldexp(v, -(top as i64)) as f32).collect();
        let xd: Vec<f64> = xs.iter().map(|&v| f64::from(v)).collect();
        let (y, r) = norm_s(&xs);
        check(&format!("wide32 {round}"), 1, &xd, &y, r, S);
    }
}

#[test]
fn strides_and_isas() {
    let mut rng = Rng(0x57_0010);
    for &n in &[1usize, 2, 5, 31, 100, 1000] {
        for &inc in &[1isize, -1, 2, -2, 3, -5] {
            let s = inc.unsigned_abs();
            let len = (n - 1) * s + 1;
            let data: Vec<f64> = (0..len).map(|_| rng.log_uniform()).collect();
            let picked: Vec<f64> = data.iter().step_by(s).copied().collect();
            let mut y = data.clone();
            let r = normalize_strided(&mut y, n, inc).unwrap();
            let got: Vec<f64> = y.iter().step_by(s).copied().collect();
            check(&format!("d n={n} inc={inc}"), 0, &picked, &got, r, D);
            // Stride gaps untouched.
            for (i, (a, b)) in data.iter().zip(&y).enumerate() {
                if i % s != 0 {
                    assert_eq!(a.to_bits(), b.to_bits(), "gap {i} written");
                }
            }
            // The same vector contiguous gives bitwise the same quotients (the order of
            // the walk does not matter).
            let (yc, rc) = norm_d(&picked);
            assert_eq!(rc.to_bits(), r.to_bits());
            assert_eq!(
                yc.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                got.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
            // Complex binary32 with the same stride.
            let cdata: Vec<[f32; 2]> = (0..len)
                .map(|_| [rng.normal() as f32, rng.with_exp(-140, 100) as f32])
                .collect();
            let picked: Vec<f64> = cdata
                .iter()
                .step_by(s)
                .flat_map(|c| [f64::from(c[0]), f64::from(c[1])])
                .collect();
            let mut y = cdata.clone();
            let r = normalize_strided(&mut y, n, inc).unwrap();
            let got: Vec<f64> = y
                .iter()
                .step_by(s)
                .flat_map(|c| [f64::from(c[0]), f64::from(c[1])])
                .collect();
            check(
                &format!("c n={n} inc={inc}"),
                3,
                &picked,
                &got,
                f64::from(r),
                S,
            );
        }
    }
    // incx == 0: one element is fine, more are refused and nothing is written.
    let mut x = [3.0f64, 4.0];
    assert_eq!(normalize_strided(&mut x, 1, 0), Ok(3.0));
    assert_eq!(x, [1.0, 4.0]);
    let mut x = [3.0f64, 4.0];
    assert_eq!(normalize_strided(&mut x, 2, 0), Err(ViewError::ZeroStride));
    assert_eq!(normalize_strided(&mut x, 3, 1), Err(ViewError::TooShort));
    assert_eq!(
        normalize_strided(&mut x, 4, isize::MAX),
        Err(ViewError::StrideOverflow)
    );
    assert_eq!(x, [3.0, 4.0]);
}

/// Every ISA path (forced through the environment in child processes would be slow; the
/// state is the only ISA-dependent part and it is bitwise the same on every path, which
/// tests/isa.rs checks): long vectors here go through the threaded block kernels.
#[test]
fn long_vectors() {
    let mut rng = Rng(0x1_0010);
    for &n in &[10_000usize, 300_000] {
        let x: Vec<f64> = (0..n).map(|_| rng.normal() * 1e-200).collect();
        let (y, r) = norm_d(&x);
        check(&format!("long d {n}"), 0, &x, &y, r, D);
        let xs: Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
        let xd: Vec<f64> = xs.iter().map(|&v| f64::from(v)).collect();
        let (y, r) = norm_s(&xs);
        check(&format!("long s {n}"), 1, &xd, &y, r, S);
    }
}

#[test]
fn specials() {
    let inf = f64::INFINITY;
    let nan = f64::NAN;
    // Zeros: unchanged (signs kept), norm 0.
    let mut x = [0.0f64, -0.0, 0.0];
    assert_eq!(normalize(&mut x), 0.0);
    assert_eq!(
        x.map(|v| v.to_bits()),
        [0.0f64, -0.0, 0.0].map(|v| v.to_bits())
    );
    let mut e: [f64; 0] = [];
    assert_eq!(normalize(&mut e), 0.0);
    // NaN anywhere (also beside an infinity): every component NaN, norm NaN.
    for x in [[1.0, nan, 2.0], [inf, nan, 0.0], [nan, nan, -inf]] {
        let (y, r) = norm_d(&x);
        assert!(r.is_nan());
        assert!(y.iter().all(|v| v.is_nan()), "{x:?} -> {y:?}");
    }
    // One infinity: +-1 there, +-0 elsewhere, norm +Inf.
    let (y, r) = norm_d(&[2.0, -inf, -3.0, f64::MAX]);
    assert_eq!(r, inf);
    assert_eq!(
        y.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        [0.0f64, -1.0, -0.0, 0.0].map(|v| v.to_bits())
    );
    // Two infinities: NaN there (the limit depends on the rates), +-0 elsewhere.
    let (y, r) = norm_d(&[inf, -1.0, -inf]);
    assert_eq!(r, inf);
    assert!(y[0].is_nan() && y[2].is_nan());
    assert_eq!(y[1].to_bits(), (-0.0f64).to_bits());
    // Complex: the parts are the components.
    let mut z = [[1.0f64, f64::NEG_INFINITY], [2.0, 0.0]];
    assert_eq!(normalize(&mut z), inf);
    assert_eq!(z, [[0.0, -1.0], [0.0, 0.0]]);
    let mut c = [[f32::INFINITY, f32::INFINITY]];
    assert_eq!(normalize(&mut c), f32::INFINITY);
    assert!(c[0][0].is_nan() && c[0][1].is_nan());
    let mut c = [[3.0f32, f32::NAN]];
    assert!(normalize(&mut c).is_nan());
    assert!(c[0][0].is_nan() && c[0][1].is_nan());
}

#[test]
fn batch() {
    let mut rng = Rng(0xBA7C_0010);
    // Columns of a row-major 7 x 5 matrix: n = 7, incx = 5, stridex = 1, batch = 5.
    let a: Vec<f64> = (0..35).map(|_| rng.log_uniform()).collect();
    let mut y = a.clone();
    let mut norms = [0.0f64; 5];
    normalize_batch(&mut y, 7, 5, 1, 5, Some(&mut norms)).unwrap();
    for (b, &nb) in norms.iter().enumerate() {
        let col: Vec<f64> = a.iter().skip(b).step_by(5).copied().collect();
        let got: Vec<f64> = y.iter().skip(b).step_by(5).copied().collect();
        let (yc, rc) = norm_d(&col);
        assert_eq!(rc.to_bits(), nb.to_bits());
        assert_eq!(yc, got);
        check("batch col", 0, &col, &got, nb, D);
    }
    // Rows with a gap, negative incx, no norms.
    let mut y = a.clone();
    normalize_batch(&mut y, 3, -2, 7, 5, None).unwrap();
    for b in 0..5 {
        let v: Vec<f64> = a[b * 7..].iter().step_by(2).take(3).copied().collect();
        let got: Vec<f64> = y[b * 7..].iter().step_by(2).take(3).copied().collect();
        let (yc, _) = norm_d(&v);
        assert_eq!(yc, got);
        assert_eq!(y[b * 7 + 1].to_bits(), a[b * 7 + 1].to_bits());
    }
    // n == 0: norms 0, nothing read; errors leave everything unchanged.
    let mut norms = [7.0f32; 3];
    let mut e: [f32; 0] = [];
    normalize_batch(&mut e, 0, 1, 4, 3, Some(&mut norms)).unwrap();
    assert_eq!(norms, [0.0; 3]);
    let mut y = a.clone();
    let mut norms = [9.0; 5];
    assert_eq!(
        normalize_batch(&mut y, 7, 5, 1, 6, Some(&mut norms)),
        Err(ViewError::TooShort)
    );
    assert_eq!(
        normalize_batch(&mut y, 7, 5, 0, 2, Some(&mut norms)),
        Err(ViewError::ZeroStride)
    );
    assert_eq!(
        normalize_batch(&mut y, 2, 0, 1, 2, Some(&mut norms)),
        Err(ViewError::ZeroStride)
    );
    assert_eq!(
        normalize_batch(&mut y, 7, 5, usize::MAX, 2, Some(&mut norms)),
        Err(ViewError::StrideOverflow)
    );
    assert_eq!(
        normalize_batch(&mut y, 1, 1, 1, 6, Some(&mut norms)),
        Err(ViewError::TooShort)
    );
    assert_eq!(y, a);
    assert_eq!(norms, [9.0; 5]);
}

/// Runs last by name order within one thread only if asked; prints the maxima measured by
/// the other tests of this process (run with `--test-threads=1 --nocapture` for the table).
#[test]
fn zz_report() {
    let m = MAX.lock().unwrap();
    println!(
        "max error (ulp) seen so far: dnormalize {} snormalize {} dznormalize {} scnormalize {}",
        m[0], m[1], m[2], m[3]
    );
}

//! LAPACK `?lassq` (`safenorm::lassq`) against an exact big-integer oracle: LAPACK 3.12's
//! special cases one by one, random and extreme pairs and data, chains of many calls as
//! `?lange('F')` makes them (per-step invariant and the final `scale sqrt(sumsq)` within one
//! ulp of the exact norm), stale continuations, strides.
mod common;

use common::*;
use num_bigint::BigUint;
use num_traits::Zero;
use safenorm::{lassq, lassq_forget, Strided};

/// Units of the exact values here: `2^-UNITS` (the smallest `scale^2 sumsq` of binary64
/// values is `2^-3222`).
const UNITS: i64 = 3300;

/// `|x| = m 2^e` with integer `m`, for finite `x`.
fn decompose(x: f64) -> (u64, i64) {
    let bits = x.abs().to_bits();
    if bits >> 52 == 0 {
        (bits, -1074)
    } else {
        (
            (bits & ((1 << 52) - 1)) | (1 << 52),
            (bits >> 52) as i64 - 1075,
        )
    }
}

/// `m 2^e` in units `2^-UNITS` (`e + UNITS >= 0`).
fn big(m: u128, e: i64) -> BigUint {
    BigUint::from(m) << ((e + UNITS) as usize)
}

/// The exact `scale^2 sumsq` of finite values (0 when `sumsq <= 0`).
fn pair_value(scale: f64, sumsq: f64) -> BigUint {
    if sumsq <= 0.0 || scale == 0.0 {
        return BigUint::zero();
    }
    let (ms, es) = decompose(scale);
    let (mq, eq) = decompose(sumsq);
    BigUint::from(ms) * BigUint::from(ms) * big(u128::from(mq), 2 * es + eq)
}

/// The exact sum of squares of finite values.
fn data_value(xs: &[f64]) -> BigUint {
    exact_sum(xs) << ((UNITS - 2148) as usize)
}

/// Checks `|scale^2 sumsq - s| <= tol ulp(sumsq) scale^2` (tol in sixteenths), and the shape
/// of the pair: `scale` a power of two, `sumsq` in `[1, 4]` when `s` is in the unclamped range.
fn check_pair(scale: f64, sumsq: f64, s: &BigUint, fmt: Fmt, tol16: u32, what: &str) {
    assert!(scale > 0.0 && scale.is_finite(), "{what}: scale {scale:e}");
    assert_eq!(
        decompose(scale).0.count_ones(),
        1,
        "{what}: scale {scale:e} not 2^k"
    );
    if s.is_zero() {
        assert_eq!((scale, sumsq), (1.0, 0.0), "{what}: zero sum");
        return;
    }
    let (mq, eq) = decompose(sumsq);
    let (ms, es) = decompose(scale);
    let es = es + 63 - i64::from(ms.leading_zeros()); // scale = 2^es
    let got = big(u128::from(mq), 2 * es + eq);
    let diff = if &got > s { &got - s } else { s - &got };
    // ulp(sumsq) in fmt: 2^(exponent(sumsq) - p + 1), at least 2^min_exp.
    let exp_q = eq + 63 - i64::from(mq.leading_zeros());
    let ulp_e = (exp_q - fmt.p + 1).max(fmt.min_exp);
    let bound = BigUint::from(tol16) * big(1, ulp_e + 2 * es);
    assert!(
        diff * 16u32 <= bound,
        "{what}: scale {scale:e} sumsq {sumsq:e} off by more than {tol16}/16 ulp"
    );
    let bits = s.bits() as i64 - 1 - UNITS; // floor(log2 s)
    if bits >= 2 * fmt.min_exp && bits < 2 * (fmt.max_exp - 1) {
        assert!(
            (1.0..=4.0).contains(&sumsq),
            "{what}: sumsq {sumsq:e} not in [1, 4]"
        );
    }
}

/// `|norm - sqrt(s)| <= ulp(norm)` exactly (`norm` finite; 0 means s is tiny).
fn within_one_ulp(norm: f64, s: &BigUint, fmt: Fmt) -> bool {
    if norm == 0.0 {
        // The norm rounds to 0 only below half the smallest subnormal.
        return s * 4u32 <= big(1, 2 * fmt.min_exp);
    }
    let (m, e) = decompose(norm);
    let exp = e + 63 - i64::from(m.leading_zeros());
    let g = (exp - fmt.p + 1).max(fmt.min_exp); // ulp exponent, >= e for values of fmt
    let k = u128::from(m) >> (g - e); // norm = k 2^g
    let lo = big((k - 1) * (k - 1), 2 * g);
    let hi = big((k + 1) * (k + 1), 2 * g);
    &lo <= s && s <= &hi
}

fn same(a: (f64, f64), b: (f64, f64)) -> bool {
    let eq = |x: f64, y: f64| (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits();
    eq(a.0, b.0) && eq(a.1, b.1)
}

fn d(x: &[f64], scale: f64, sumsq: f64) -> (f64, f64) {
    lassq_forget();
    lassq(&Strided::contiguous(x), scale, sumsq)
}

#[test]
fn lapack_312_special_cases() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let x = [3.0, 4.0];
    // 1. A NaN pair comes back unchanged, whatever the data.
    for p in [(nan, 1.0), (1.0, nan), (nan, nan), (0.0, nan), (nan, 0.0)] {
        let r = d(&x, p.0, p.1);
        assert!(same(r, p), "NaN pair {p:?} -> {r:?}");
        let r = d(&[nan], p.0, p.1);
        assert!(same(r, p), "NaN pair {p:?} with NaN data -> {r:?}");
        let r = d(&[], p.0, p.1);
        assert!(same(r, p), "NaN pair {p:?}, n=0 -> {r:?}");
    }
    // 2-4. n = 0: the normalised pair.
    let empty: [f64; 0] = [];
    for (p, want) in [
        ((5.0, 0.0), (1.0, 0.0)),
        ((inf, 0.0), (1.0, 0.0)),
        ((5.0, -0.0), (1.0, -0.0)),
        ((0.0, 7.0), (1.0, 0.0)),
        ((-0.0, inf), (1.0, 0.0)),
        ((0.0, 1.0), (1.0, 0.0)),
        ((3.0, 7.0), (3.0, 7.0)),
        ((-3.0, 7.0), (-3.0, 7.0)),
        ((3.0, -7.0), (3.0, -7.0)),
        ((inf, inf), (inf, inf)),
    ] {
        let r = d(&empty, p.0, p.1);
        assert!(same(r, want), "n=0 {p:?} -> {r:?}, want {want:?}");
    }
    // 5. The pair's contribution: 0 * Inf and Inf * 0 count as 0, a negative sumsq is dropped,
    // a negative scale counts as its absolute value.
    for (p, want) in [
        ((0.0, inf), 25.0),
        ((inf, 0.0), 25.0),
        ((0.0, 1.0), 25.0),
        ((1.0, 0.0), 25.0),
        ((2.0, -3.0), 25.0),
        ((2.0, -inf), 25.0),
        ((-2.0, 3.0), 37.0),
        ((2.0, 3.0), 37.0),
        ((0.5, 44.0), 36.0),
    ] {
        let (s, q) = d(&x, p.0, p.1);
        assert_eq!(s * s * q, want, "{p:?} + (3, 4) -> ({s}, {q})");
    }
    // 6. NaN data: (1, NaN), also beside infinities and with any finite pair; Inf: (1, Inf).
    for xs in [&[nan][..], &[1.0, nan], &[inf, nan], &[nan, -inf, 1e300]] {
        for p in [(0.0, 1.0), (1e300, 1e300), (inf, 2.0), (2.0, inf)] {
            let r = d(xs, p.0, p.1);
            assert!(same(r, (1.0, nan)), "{xs:?} {p:?} -> {r:?}");
        }
    }
    for xs in [&[inf][..], &[1.0, -inf], &[0.0, inf, 1e-300]] {
        let r = d(xs, 0.0, 1.0);
        assert!(same(r, (1.0, inf)), "{xs:?} -> {r:?}");
    }
    for p in [(inf, 2.0), (2.0, inf), (-inf, 1e-300), (inf, inf)] {
        let r = d(&x, p.0, p.1);
        assert!(same(r, (1.0, inf)), "pair {p:?} -> {r:?}");
    }
    // A sum of squares past 2^2200: +Inf; a finite one below: finite.
    let r = d(&[1.0], f64::MAX, f64::MAX);
    assert!(same(r, (1.0, inf)), "MAX^3 -> {r:?}");
    let r = d(&[1.0], ldexp(1.0, 1000), ldexp(1.0, 150));
    assert_eq!(r, (ldexp(1.0, 1023), ldexp(1.0, 104)));
    // Zero data and an empty pair: (1, 0).
    assert_eq!(d(&[0.0, -0.0], 0.0, 1.0), (1.0, 0.0));
    // incx conventions: backwards and zero.
    let buf = [1.0, 99.0, 2.0, 99.0, 2.0];
    lassq_forget();
    let (s, q) = lassq(&Strided::new(&buf, 3, -2).unwrap(), 0.0, 1.0);
    assert_eq!(s * s * q, 9.0);
    lassq_forget();
    let (s, q) = lassq(&Strided::new(&buf, 4, 0).unwrap(), 0.0, 1.0);
    assert_eq!(s * s * q, 4.0);
    // binary32 sumsq rounded once from the state: (1 + 2^-23)^2 (1 - 2^-24) = 1 + 3 2^-24 -
    // 2^-70 lies just below the midpoint between 1 + 2^-23 and 1 + 2^-22 (rounding through
    // binary64 first would give a tie, and 1 + 2^-22).
    lassq_forget();
    let r = lassq(
        &Strided::contiguous(&[0.0f32]),
        1.0 + f32::EPSILON,
        1.0 - f32::EPSILON / 2.0,
    );
    assert_eq!(r, (1.0, 1.0 + f32::EPSILON));
    // Single precision and complex: the same rules.
    lassq_forget();
    let r = lassq(&Strided::contiguous(&[3.0f32, f32::NAN]), 0.0, 1.0);
    assert!(r.0 == 1.0 && r.1.is_nan());
    let r = lassq(&Strided::contiguous(&[[3.0f32, 4.0]]), f32::NAN, 1.0);
    assert!(r.0.is_nan() && r.1 == 1.0);
    let (s, q) = lassq(&Strided::contiguous(&[[3.0f64, 4.0]]), 12.0, 1.0);
    assert_eq!(s * s * q, 169.0);
    let (s, q) = lassq(&Strided::contiguous(&[[3.0f32, 4.0]]), 12.0, 1.0);
    assert_eq!(s * s * q, 169.0);
}

/// Random and extreme pairs and data, binary64: one call, from the pair's value.
#[test]
fn one_call_against_oracle() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let fams = families(&mut rng);
    let pairs = |rng: &mut Rng| -> Vec<(f64, f64)> {
        vec![
            (0.0, 1.0),
            (1.0, 0.0),
            (rng.log_uniform().abs(), rng.log_uniform().abs()),
            (f64::MAX, f64::MAX / 8.0),
            (f64::MAX, 1.0),
            (f64::from_bits(1), f64::from_bits(1)),
            (f64::from_bits(1), f64::MAX),
            (f64::MAX, f64::from_bits(3)),
            (ldexp(1.0, -538), ldexp(3.0, 1000)),
            (
                rng.with_exp(-1074, -1000).abs(),
                rng.with_exp(-1074, 1024).abs(),
            ),
            (rng.with_exp(500, 1024).abs(), rng.with_exp(-600, 600).abs()),
        ]
    };
    let mut checked = 0;
    for (name, xs) in fams.iter().step_by(3) {
        for (scale, sumsq) in pairs(&mut rng) {
            let s = pair_value(scale, sumsq) + data_value(xs);
            let (so, qo) = d(xs, scale, sumsq);
            let what = format!("{name} n={} pair ({scale:e}, {sumsq:e})", xs.len());
            if s.bits() as i64 - UNITS >= 2200 {
                assert!(
                    same((so, qo), (1.0, f64::INFINITY)),
                    "{what}: {so:e} {qo:e}"
                );
                continue;
            }
            if s.bits() as i64 - UNITS < -2269 {
                continue; // below the state's range (documented)
            }
            check_pair(so, qo, &s, D, 9, &what);
            let norm = so * qo.sqrt();
            if norm.is_finite() {
                assert!(within_one_ulp(norm, &s, D), "{what}: norm {norm:e}");
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
}

/// One lange-style chain: `cols` columns through `f`, pair checked at every step against the
/// exact running sum, the final `scale sqrt(sumsq)` within one ulp.  Returns the final norm
/// and the exact sum.
fn chain_d(cols: &[Vec<f64>], forget_each: bool) -> (f64, BigUint) {
    lassq_forget();
    let (mut scale, mut sumsq) = (0.0f64, 1.0f64);
    let mut exact = BigUint::zero();
    for (j, c) in cols.iter().enumerate() {
        if forget_each {
            lassq_forget();
        }
        let incoming = pair_value(scale, sumsq);
        (scale, sumsq) = lassq(&Strided::contiguous(c), scale, sumsq);
        exact += data_value(c);
        // Against the exact running sum (continued) or the face value (forgotten).
        let target = if forget_each {
            incoming + data_value(c)
        } else {
            exact.clone()
        };
        check_pair(scale, sumsq, &target, D, 9, &format!("column {j}"));
    }
    (scale * sumsq.sqrt(), exact)
}

#[test]
fn chains_of_columns_binary64() {
    let mut rng = Rng(0x51ed_270b_27a1_d3f1);
    type Gen = Box<dyn Fn(&mut Rng) -> f64>;
    let shapes: Vec<(&str, Gen)> = vec![
        ("normal", Box::new(|r: &mut Rng| r.normal())),
        (
            "near-overflow",
            Box::new(|r: &mut Rng| r.with_exp(1000, 1018)),
        ),
        (
            "subnormal",
            Box::new(|r: &mut Rng| f64::from_bits(r.below(1 << 52))),
        ),
        ("log-uniform", Box::new(|r: &mut Rng| r.log_uniform())),
        (
            "mixed",
            Box::new(|r: &mut Rng| match r.below(3) {
                0 => r.with_exp(990, 1010),
                1 => r.normal(),
                _ => r.with_exp(-1074, -1022),
            }),
        ),
        ("unit", Box::new(|r: &mut Rng| 1.0 + r.unit())),
    ];
    for (name, gen) in &shapes {
        let cols: Vec<Vec<f64>> = (0..300)
            .map(|j| (0..1 + (j * 7) % 40).map(|_| gen(&mut rng)).collect())
            .collect();
        let (norm, exact) = chain_d(&cols, false);
        let want = round_sqrt(&(exact.clone() >> ((UNITS - 2148) as usize)), D);
        if want.is_infinite() {
            assert!(norm.is_infinite(), "{name}: {norm:e}, exact overflows");
            continue;
        }
        assert!(norm.is_finite(), "{name}: {norm:e}");
        assert!(
            within_one_ulp(norm, &exact, D),
            "{name}: chain norm {norm:e}, exact {want:e}"
        );
        // Forgotten between calls: still a valid pair at every step (not asserted: the final
        // one-ulp bound, which needs the continuation).
        let _ = chain_d(&cols, true);
    }
}

/// The continuation is what keeps chains within one ulp: a chain whose pair would drift when
/// rounded per column (each column's sum just above a rounding boundary of the running sum).
#[test]
fn continuation_beats_rounding_per_call() {
    // Running sum 1 + k 2^-54 (a quarter ulp per column at sums in [1, 2)): rounded per call,
    // every column is lost; continued, 4000 of them move the norm by about 111 ulps.
    let col = [ldexp(1.0, -27)];
    let mut cols = vec![vec![1.0]];
    cols.extend((0..4000).map(|_| col.to_vec()));
    let (norm, exact) = chain_d(&cols, false);
    assert!(within_one_ulp(norm, &exact, D), "continued: {norm:e}");
    let (norm_f, _) = chain_d(&cols, true);
    assert!(
        !within_one_ulp(norm_f, &exact, D),
        "rounded per call ({norm_f:e}) should have drifted: the test cannot tell"
    );
}

/// A stale continuation: a pair equal to this thread's last result, from another caller, is
/// answered within the rounding of that pair (`src/lassq.rs`).
#[test]
fn stale_continuation_is_still_correct() {
    let mut rng = Rng(77);
    for _ in 0..200 {
        let a: Vec<f64> = (0..1 + rng.below(20)).map(|_| rng.log_uniform()).collect();
        let y: Vec<f64> = (0..rng.below(20)).map(|_| rng.log_uniform()).collect();
        lassq_forget();
        let (s, q) = lassq(&Strided::contiguous(&a), 0.0, 1.0);
        // "Another caller" passes the same bits, meaning the pair's value.
        let face = pair_value(s, q) + data_value(&y);
        let (s2, q2) = lassq(&Strided::contiguous(&y), s, q);
        if face.bits() as i64 - UNITS < -2269 {
            continue;
        }
        check_pair(s2, q2, &face, D, 18, "stale");
    }
}

#[test]
fn chains_binary32_and_complex() {
    let mut rng = Rng(0xabcdef);
    // binary32: 300 columns of random floats over many binades, and of ones.
    let exps = [(-149, -120), (-30, 30), (100, 127)];
    for (lo, hi) in exps {
        lassq_forget();
        let (mut scale, mut sumsq) = (0.0f32, 1.0f32);
        let mut all: Vec<f64> = Vec::new();
        for j in 0..300 {
            let c: Vec<f32> = (0..1 + j % 50)
                .map(|_| rng.with_exp(lo, hi) as f32)
                .collect();
            (scale, sumsq) = lassq(&Strided::contiguous(&c), scale, sumsq);
            all.extend(c.iter().map(|&v| f64::from(v)));
            let s = data_value(&all);
            check_pair(f64::from(scale), f64::from(sumsq), &s, S, 9, "f32 column");
        }
        let norm = scale * sumsq.sqrt();
        let s = data_value(&all);
        if norm.is_finite() {
            assert!(
                within_one_ulp(f64::from(norm), &s, S),
                "f32 [{lo},{hi}): {norm:e}"
            );
        }
    }
    lassq_forget();
    let ones = vec![1.0f32; 4000];
    let (mut scale, mut sumsq) = (0.0f32, 1.0f32);
    for _ in 0..4000 {
        (scale, sumsq) = lassq(&Strided::contiguous(&ones), scale, sumsq);
    }
    assert_eq!(scale * sumsq.sqrt(), 4000.0);
    // complex binary64 and binary32 chains with strides.
    lassq_forget();
    let (mut scale, mut sumsq) = (0.0f64, 1.0f64);
    let mut all = Vec::new();
    for _ in 0..300 {
        let c: Vec<[f64; 2]> = (0..9)
            .map(|_| [rng.with_exp(900, 1020), rng.with_exp(-1074, 0)])
            .collect();
        (scale, sumsq) = lassq(&Strided::new(&c, 3, -3).unwrap(), scale, sumsq);
        for k in [0, 3, 6] {
            all.extend(c[k]);
        }
        check_pair(scale, sumsq, &data_value(&all), D, 9, "z column");
    }
    assert!(within_one_ulp(scale * sumsq.sqrt(), &data_value(&all), D));
    lassq_forget();
    let (mut scale, mut sumsq) = (0.0f32, 1.0f32);
    let mut all = Vec::new();
    for _ in 0..300 {
        let c: Vec<[f32; 2]> = (0..5)
            .map(|_| [rng.normal() as f32, rng.with_exp(-149, -100) as f32])
            .collect();
        (scale, sumsq) = lassq(&Strided::new(&c, 3, 2).unwrap(), scale, sumsq);
        for k in [0, 2, 4] {
            all.extend(c[k].iter().map(|&v| f64::from(v)));
        }
        check_pair(
            f64::from(scale),
            f64::from(sumsq),
            &data_value(&all),
            S,
            9,
            "c column",
        );
    }
    let n = scale * sumsq.sqrt();
    assert!(within_one_ulp(f64::from(n), &data_value(&all), S));
}

/// Memory per routine: a dlassq call between two slassq calls of a chain does not break it,
/// and a chain in one thread does not see another thread's results.
#[test]
fn memory_per_routine_and_thread() {
    lassq_forget();
    let col = [ldexp(1.0, -27)];
    let mut p = lassq(&Strided::contiguous(&[1.0f64]), 0.0, 1.0);
    let mut exact = data_value(&[1.0]);
    for _ in 0..2000 {
        let _ = lassq(&Strided::contiguous(&[1.0f32, 2.0]), 0.0f32, 1.0f32);
        let _ = lassq(&Strided::contiguous(&[[1.0f64, 2.0]]), 0.0, 1.0);
        p = lassq(&Strided::contiguous(&col), p.0, p.1);
        exact += data_value(&col);
    }
    check_pair(p.0, p.1, &exact, D, 9, "interleaved routines");
    let other = std::thread::spawn(move || {
        // Same bits in a fresh thread: taken at face value.
        let r = lassq(&Strided::contiguous(&col), p.0, p.1);
        (r, pair_value(p.0, p.1) + data_value(&col))
    })
    .join()
    .unwrap();
    check_pair(other.0 .0, other.0 .1, &other.1, D, 9, "other thread");
}

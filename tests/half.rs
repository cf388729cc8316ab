//! Half precision (binary16 `F16`, bfloat16 `BF16`): every ISA path this CPU can run,
//! directly, bitwise against the independent oracle of `tests/common` (on the values
//! widened by this file's own conversion, written from the format definitions) and bitwise
//! against the binary32 norm of the widened vector (the documented equality with
//! `safenorm_snrm2`).  Every binary16 and bfloat16 bit pattern once as a single element and
//! in random mixes; extreme vectors (5000 x 65504, subnormals only, mixed), near-ties,
//! strides {-3, -2, -1, 0, 1, 2, 3, 17} with a NaN in every gap, start offsets, lengths
//! across the short, native and blocked paths; the fast and exact states.
mod common;

use common::*;
use safenorm::{nrm2_with_isa, Element, ExactSumSq, Isa, Strided, SumSq, BF16, F16};

const STRIDES: [isize; 8] = [-3, -2, -1, 0, 1, 2, 3, 17];

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// Binary16 value from the definition (IEEE 754-2019 3.4): `(-1)^s 2^-24 f` for exponent
/// field 0, `(-1)^s 2^(e-25) (1024 + f)` otherwise; 31 is Inf/NaN.
fn h_value(h: u16) -> f64 {
    let s = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let e = i32::from((h >> 10) & 0x1f);
    let f = f64::from(h & 0x3ff);
    match e {
        0 => s * f * 2f64.powi(-24),
        31 if f == 0.0 => s * f64::INFINITY,
        31 => f64::NAN,
        _ => s * (1024.0 + f) * 2f64.powi(e - 25),
    }
}

/// Bfloat16 value: the upper half of a binary32 pattern.
fn bf_value(b: u16) -> f64 {
    f64::from(f32::from_bits(u32::from(b) << 16))
}

/// The half-precision types under test, with their value function and a NaN for the gaps.
trait Half: Element<Real = f32> + Copy {
    const NAME: &'static str;
    const NAN: u16;
    fn new(b: u16) -> Self;
    fn value(b: u16) -> f64;
}
impl Half for F16 {
    const NAME: &'static str = "f16";
    const NAN: u16 = 0x7e00;
    fn new(b: u16) -> Self {
        F16(b)
    }
    fn value(b: u16) -> f64 {
        h_value(b)
    }
}
impl Half for BF16 {
    const NAME: &'static str = "bf16";
    const NAN: u16 = 0x7fc0;
    fn new(b: u16) -> Self {
        BF16(b)
    }
    fn value(b: u16) -> f64 {
        bf_value(b)
    }
}

/// `elems` laid out with stride `inc` (`rogue` in the gaps), `off` elements after a 64-byte
/// boundary; returns the buffer and the start index.
fn layout<T: Copy>(elems: &[T], inc: isize, rogue: T, off: usize) -> (Vec<T>, usize) {
    let n = elems.len();
    let s = inc.unsigned_abs();
    let span = if n == 0 { 0 } else { (n - 1) * s + 1 };
    let mut buf = vec![rogue; span + off + 64];
    let start = buf.as_ptr().align_offset(64) + off;
    if inc == 0 {
        if let Some(&e) = elems.first() {
            buf[start] = e;
        }
    } else {
        for (i, &e) in elems.iter().enumerate() {
            let pos = if inc < 0 { (n - 1 - i) * s } else { i * s };
            buf[start + pos] = e;
        }
    }
    (buf, start)
}

/// The oracle of the logical vector (`inc == 0`: `bits[0]` counted `n` times).
fn want<H: Half>(bits: &[u16], inc: isize) -> f64 {
    let vals: Vec<f64> = bits.iter().map(|&b| H::value(b)).collect();
    if inc == 0 && !vals.is_empty() {
        oracle_repeated(&vals[..1], vals.len() as u64, S)
    } else {
        oracle(&vals, S)
    }
}

/// Checks one logical vector on every ISA, the given strides and start offsets: bitwise the
/// oracle and the binary32 norm of the widened vector; also through the fast state (when it
/// decides) and the exact state.
fn check<H: Half>(bits: &[u16], strides: &[isize], offsets: &[usize], what: &str) {
    let n = bits.len();
    let elems: Vec<H> = bits.iter().map(|&b| H::new(b)).collect();
    let wide: Vec<f32> = bits.iter().map(|&b| H::value(b) as f32).collect();
    for &inc in strides {
        let w = want::<H>(bits, inc);
        let (wbuf, ws) = layout(&wide, inc, f32::NAN, 0);
        let wv = Strided::new(&wbuf[ws..], n, inc).expect("view fits");
        let s32 = f64::from(nrm2_with_isa(&wv, Isa::Scalar).expect("scalar"));
        assert!(
            same(s32, w),
            "{what} {} n={n} inc={inc}: snrm2 of the widened vector {s32:e}, oracle {w:e}",
            H::NAME
        );
        for isa in isas() {
            for &off in offsets {
                let (buf, start) = layout(&elems, inc, H::new(H::NAN), off);
                let v = Strided::new(&buf[start..], n, inc).expect("view fits");
                let got = f64::from(nrm2_with_isa(&v, isa).expect("available"));
                assert!(
                    same(got, w),
                    "{what} {} n={n} inc={inc} off={off} isa={isa:?}: got {got:e} ({:#x}), \
                     oracle {w:e} ({:#x})",
                    H::NAME,
                    got.to_bits(),
                    w.to_bits()
                );
                if off == 0 {
                    let mut st = SumSq::new();
                    assert!(st.add_view_with_isa(&v, isa));
                    let r = st.result_f32();
                    if r.is_correct() {
                        let g = f64::from(r.value());
                        assert!(same(g, w), "{what} state isa={isa:?} n={n} inc={inc}");
                    }
                }
            }
        }
        let (buf, start) = layout(&elems, inc, H::new(H::NAN), 0);
        let v = Strided::new(&buf[start..], n, inc).expect("view fits");
        let mut ex = ExactSumSq::new();
        ex.add_view(&v);
        let g = f64::from(ex.result_f32());
        assert!(same(g, w), "{what} exact state n={n} inc={inc}");
    }
}

fn check_all<H: Half>(bits: &[u16], what: &str) {
    check::<H>(bits, &STRIDES, &[0, 1, 3], what);
}

fn check_contig<H: Half>(bits: &[u16], what: &str) {
    check::<H>(bits, &[1, -1], &[0, 1], what);
}

/// Every bit pattern as a single element, on every ISA: `|x|` widened (NaN for NaN).
fn singles<H: Half>() {
    for b in 0..=u16::MAX {
        let w = H::value(b).abs();
        let x = [H::new(b)];
        for isa in isas() {
            let got = f64::from(nrm2_with_isa(&Strided::contiguous(&x), isa).expect("avail"));
            assert!(same(got, w), "{} {b:#06x} isa={isa:?}: {got:e}", H::NAME);
        }
    }
}

#[test]
fn every_binary16_pattern_alone() {
    singles::<F16>();
}

#[test]
fn every_bfloat16_pattern_alone() {
    singles::<BF16>();
}

/// The widening of the library (`f16_to_f32`, `bf16_to_f32`) against the definitions.
#[test]
fn widening_matches_the_definition() {
    for b in 0..=u16::MAX {
        let (h, w) = (f64::from(safenorm::f16_to_f32(b)), h_value(b));
        assert!(same(h, w), "{b:#06x}");
        assert!(same(f64::from(safenorm::bf16_to_f32(b)), bf_value(b)));
    }
}

/// A permutation of `pats`, cut into vectors of random lengths (short, medium and across the
/// native and blocked thresholds), each checked contiguously.
fn mixes<H: Half>(pats: Vec<u16>, rng: &mut Rng, what: &str) {
    let mut p = pats;
    for i in (1..p.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        p.swap(i, j);
    }
    let lens = [
        1usize, 2, 7, 16, 31, 33, 64, 65, 100, 257, 1000, 2047, 2048, 4096, 5000,
    ];
    let mut at = 0;
    let mut k = 0;
    while at < p.len() {
        let len = lens[k % lens.len()].min(p.len() - at);
        check_contig::<H>(&p[at..at + len], what);
        at += len;
        k += 1;
    }
}

fn is_finite<H: Half>(b: u16) -> bool {
    H::value(b).is_finite()
}

#[test]
fn every_finite_binary16_pattern_in_random_mixes() {
    let mut rng = Rng(0x1234_5678);
    let pats: Vec<u16> = (0..=u16::MAX).filter(|&b| is_finite::<F16>(b)).collect();
    mixes::<F16>(pats, &mut rng, "mix");
    // The whole set at once (blocked path: longer than the short paths' chunks).
    let all: Vec<u16> = (0..=u16::MAX).filter(|&b| is_finite::<F16>(b)).collect();
    check_contig::<F16>(&all, "all finite");
}

#[test]
fn every_finite_bfloat16_pattern_in_random_mixes() {
    let mut rng = Rng(0x8765_4321);
    // Without the huge ones (they overflow every mix to +Inf), then with them.
    let pats: Vec<u16> = (0..=u16::MAX)
        .filter(|&b| is_finite::<BF16>(b) && bf_value(b).abs() < 1e18)
        .collect();
    mixes::<BF16>(pats, &mut rng, "mix");
    let all: Vec<u16> = (0..=u16::MAX).filter(|&b| is_finite::<BF16>(b)).collect();
    mixes::<BF16>(all, &mut rng, "mix with huge");
}

/// NaN and Inf patterns (every one of them) at the first, a middle and the last position of
/// vectors of several lengths.
fn specials<H: Half>() {
    let mut rng = Rng(42);
    let specials: Vec<u16> = (0..=u16::MAX)
        .filter(|&b| !H::value(b).is_finite())
        .collect();
    for (k, &sp) in specials.iter().enumerate() {
        let n = [1usize, 5, 40, 300, 4100][k % 5];
        let mut v: Vec<u16> = (0..n)
            .map(|_| 0x3c00 ^ (rng.next() as u16 & 0x83ff))
            .collect();
        let pos = [0, n / 2, n - 1][k % 3];
        v[pos] = sp;
        if k % 64 == 0 {
            check_all::<H>(&v, "special");
        } else {
            check::<H>(&v, &[1], &[0], "special");
        }
    }
    // NaN beside Inf.
    let inf = (0..=u16::MAX)
        .find(|&b| H::value(b) == f64::INFINITY)
        .unwrap();
    let mut v = vec![inf; 300];
    v[150] = H::NAN;
    check_all::<H>(&v, "nan beside inf");
}

#[test]
fn binary16_nan_and_inf() {
    specials::<F16>();
}

#[test]
fn bfloat16_nan_and_inf() {
    specials::<BF16>();
}

/// Random binary16 data of every length 0..300 with every stride and start offsets.
#[test]
fn binary16_lengths_strides_offsets() {
    let mut rng = Rng(7);
    for n in 0..300usize {
        let v: Vec<u16> = (0..n)
            .map(|_| match n % 3 {
                0 => rng.next() as u16 & 0x7bff, // any finite magnitude...
                1 => 0x3800 | (rng.next() as u16 & 0x87ff), // around 1
                _ => rng.next() as u16 & 0x83ff, // subnormals
            })
            .collect();
        let offs: Vec<usize> = if n % 7 == 0 {
            (0..32).collect()
        } else {
            vec![0, 1]
        };
        check::<F16>(&v, &STRIDES, &offs, "lengths");
    }
}

#[test]
fn bfloat16_lengths_strides_offsets() {
    let mut rng = Rng(8);
    for n in 0..300usize {
        let v: Vec<u16> = (0..n)
            .map(|_| match n % 3 {
                0 => rng.next() as u16 & 0x7f7f,            // any finite
                1 => 0x3f00 | (rng.next() as u16 & 0x80ff), // around 1
                _ => 0x0080 | (rng.next() as u16 & 0x807f), // near the bottom
            })
            .collect();
        let offs: Vec<usize> = if n % 7 == 0 {
            (0..32).collect()
        } else {
            vec![0, 1]
        };
        check::<BF16>(&v, &STRIDES, &offs, "lengths");
    }
}

/// Extreme binary16 vectors: 5000 x 65504 (the sum of squares overflows binary16 and the
/// naive binary32 square sum is fine only because of the widening), the subnormals, the
/// largest beside the smallest, long vectors through the native and blocked paths.
#[test]
fn binary16_extremes() {
    let big = vec![0x7bffu16; 5000];
    check_all::<F16>(&big, "5000 x 65504");
    // sqrt(5000) * 65504 = 4631832.259...: binary32 spacing 0.5 there, so 4631832.5.
    let got = nrm2_with_isa(&Strided::contiguous(&[F16(0x7bff); 5000]), Isa::Scalar).unwrap();
    assert_eq!(got, 4_631_832.5);
    let mut rng = Rng(99);
    let subs: Vec<u16> = (0..5000).map(|_| rng.next() as u16 & 0x83ff).collect();
    check_all::<F16>(&subs, "subnormals");
    check_all::<F16>(&[0x0001; 3000], "smallest subnormal");
    let mixed: Vec<u16> = (0..5000)
        .map(|i| match i % 4 {
            0 => 0x7bff,
            1 => 0x0001,
            2 => rng.next() as u16 & 0x83ff,
            _ => rng.next() as u16 & 0xfbff,
        })
        .collect();
    check_all::<F16>(&mixed, "mixed");
    for n in [2047usize, 2048, 4095, 4096, 4097, 70_000, 262_144, 300_000] {
        let v: Vec<u16> = (0..n)
            .map(|i| match (i / 1000) % 3 {
                0 => rng.next() as u16 & 0xfbff,
                1 => 0x3000 | (rng.next() as u16 & 0x8fff),
                _ => rng.next() as u16 & 0x83ff,
            })
            .collect();
        check::<F16>(&v, &[1, -1, 2, 0], &[0, 1], "long");
    }
}

#[test]
fn bfloat16_extremes() {
    let mut rng = Rng(98);
    check_all::<BF16>(&[0x7f7f; 5000], "5000 x max"); // +Inf
    check_all::<BF16>(&[0x5f00; 5000], "5000 x 2^63");
    check_all::<BF16>(&[0x0001; 3000], "smallest subnormal");
    let subs: Vec<u16> = (0..5000).map(|_| rng.next() as u16 & 0x807f).collect();
    check_all::<BF16>(&subs, "subnormals");
    for n in [4095usize, 4096, 70_000, 300_000] {
        let v: Vec<u16> = (0..n)
            .map(|_| 0x3000 | (rng.next() as u16 & 0x8fff))
            .collect();
        check::<BF16>(&v, &[1, -1, 2], &[0, 1], "long");
    }
}

/// Pairs of integers `a, b` (exact in the format) whose norm is within `2^-40` (relative) of
/// a binary32 rounding boundary, scaled by powers of two and padded with zeros and tiny
/// values: the rounding test cannot decide from a loose bound, the exact path must.
fn near_ties<H: Half>(max: u32, enc: fn(f64) -> Option<u16>) {
    let mut found = 0;
    'outer: for a in 1..max {
        for b in a..max {
            let s = f64::from(a * a + b * b);
            let r = s.sqrt();
            let f = r as f32;
            let up = f32::from_bits(f.to_bits() + 1);
            let dn = f32::from_bits(f.to_bits() - 1);
            let d = [f64::from(f) + f64::from(up), f64::from(f) + f64::from(dn)]
                .map(|m| (r - m / 2.0).abs());
            if d[0].min(d[1]) < r * 2f64.powi(-40) {
                for scale in [1.0, 2f64.powi(-12), 2f64.powi(4)] {
                    if let (Some(x), Some(y)) =
                        (enc(f64::from(a) * scale), enc(f64::from(b) * scale))
                    {
                        check_all::<H>(&[x, y], "near tie");
                        let mut v = vec![0u16; 40];
                        v[3] = x;
                        v[37] = y;
                        check_contig::<H>(&v, "near tie padded");
                        let mut w = vec![0u16; 5000];
                        w[100] = x;
                        w[4321] = y;
                        check_contig::<H>(&w, "near tie long");
                    }
                }
                found += 1;
                if found == 30 {
                    break 'outer;
                }
            }
        }
    }
    assert!(found > 0, "{}: no near tie found", H::NAME);
}

/// Encodes a value that is exactly representable in binary16 (normal range only).
fn enc_h(v: f64) -> Option<u16> {
    (0..0x7c00u16).find(|&b| h_value(b) == v)
}

fn enc_bf(v: f64) -> Option<u16> {
    let f = v as f32;
    (f64::from(f) == v && f.to_bits() & 0xffff == 0).then_some((f.to_bits() >> 16) as u16)
}

#[test]
fn binary16_near_ties() {
    near_ties::<F16>(2048, enc_h);
}

#[test]
fn bfloat16_near_ties() {
    near_ties::<BF16>(256, enc_bf);
}

/// One state for many tensors (gradient clipping): binary16, bfloat16 and binary32 pieces in
/// one fast state and one exact state give the norm of all the values together.
#[test]
fn one_state_over_many_tensors() {
    let mut rng = Rng(5);
    let mut all = Vec::new();
    let mut st = SumSq::new();
    let mut ex = ExactSumSq::new();
    for t in 0..12 {
        let n = [3usize, 100, 4096, 10_000][t % 4];
        if t % 3 == 0 {
            let v: Vec<F16> = (0..n).map(|_| F16(rng.next() as u16 & 0xfbff)).collect();
            all.extend(v.iter().map(|h| h_value(h.0)));
            st.add(&v);
            ex.add(&v);
        } else if t % 3 == 1 {
            let v: Vec<BF16> = (0..n)
                .map(|_| BF16(0x3000 | (rng.next() as u16 & 0x8fff)))
                .collect();
            all.extend(v.iter().map(|h| bf_value(h.0)));
            st.add(&v);
            ex.add(&v);
        } else {
            let v: Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
            all.extend(v.iter().map(|&x| f64::from(x)));
            st.add(&v);
            ex.add(&v);
        }
    }
    let w = oracle(&all, S);
    assert!(same(f64::from(ex.result_f32()), w));
    let r = st.result_f32();
    assert!(r.is_correct());
    assert!(same(f64::from(r.value()), w));
}

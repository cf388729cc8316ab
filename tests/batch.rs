//! Batches and matrices (`nrm2_batch`, `nrm2_matrix`) on every ISA path this CPU can run,
//! against the exact oracle of `tests/common` vector by vector: both directions (row norms
//! of a column-major matrix go across the batch, column norms vector by vector), negative
//! strides (`incx`, `stridex`, `incout`), `incx == 0`, empty `n` / `batch`, extreme data
//! (near overflow, subnormals, every scale class mixed in one panel), NaN / Inf per vector,
//! near-tie vectors that force the exact fallback, and the argument errors.  Positions of
//! the buffer that no vector reads hold NaN, so a read outside the batch shows.
mod common;

use common::*;
use safenorm::{nrm2_batch_with_isa, nrm2_matrix_with_isa, BatchError, Element, Isa};

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// An element type under test: built from its real components.
trait Ty: Element
where
    Self::Real: Into<f64> + Copy,
{
    const F32: bool;
    fn make(p: &[f64]) -> Self;
    fn zero_real() -> Self::Real;
}
impl Ty for f64 {
    const F32: bool = false;
    fn make(p: &[f64]) -> Self {
        p[0]
    }
    fn zero_real() -> f64 {
        -1.0
    }
}
impl Ty for f32 {
    const F32: bool = true;
    fn make(p: &[f64]) -> Self {
        p[0] as f32
    }
    fn zero_real() -> f32 {
        -1.0
    }
}
impl Ty for [f64; 2] {
    const F32: bool = false;
    fn make(p: &[f64]) -> Self {
        [p[0], p[1]]
    }
    fn zero_real() -> f64 {
        -1.0
    }
}
impl Ty for [f32; 2] {
    const F32: bool = true;
    fn make(p: &[f64]) -> Self {
        [p[0] as f32, p[1] as f32]
    }
    fn zero_real() -> f32 {
        -1.0
    }
}

/// A value of family `fam` representable in the type (binary32 ranges for `f32`).
fn value(fam: usize, rng: &mut Rng, f32s: bool) -> f64 {
    let (big, tiny_lo, tiny_hi, sub_bits) = if f32s {
        (100, -149, -126, 23)
    } else {
        (1000, -1074, -1000, 52)
    };
    let v = match fam % 8 {
        0 => rng.normal(),
        1 => rng.with_exp(big, if f32s { 128 } else { 1024 }),
        2 => rng.with_exp(tiny_lo, tiny_hi),
        3 => {
            let b = rng.below(1 << sub_bits);
            if f32s {
                f64::from(f32::from_bits(b as u32)) * rng.sign()
            } else {
                f64::from_bits(b) * rng.sign()
            }
        }
        4 => match rng.below(4) {
            0 => rng.with_exp(big, big + 20),
            1 => rng.normal(),
            2 => rng.with_exp(tiny_lo + 20, tiny_hi),
            _ => 0.0,
        },
        5 => 0.0,
        6 => {
            let e = if f32s { 40 } else { 300 };
            rng.with_exp(-e, e)
        }
        _ => rng.normal() * 1e-3,
    };
    if f32s {
        f64::from(v as f32)
    } else {
        v
    }
}

/// Element positions of vector `b` (caller's numbering) in the slice layout of
/// `nrm2_batch` (module documentation of `batch.rs`).
fn positions(b: usize, n: usize, incx: isize, stridex: isize, batch: usize) -> Vec<usize> {
    let sx = stridex.unsigned_abs();
    let start = if stridex >= 0 {
        b * sx
    } else {
        (batch - 1 - b) * sx
    };
    let si = incx.unsigned_abs();
    (0..n)
        .map(|i| if incx == 0 { start } else { start + i * si })
        .collect()
}

struct Case {
    n: usize,
    incx: isize,
    stridex: isize,
    batch: usize,
    incout: isize,
}

/// Runs one batch layout on every ISA and checks every output against the oracle.
fn check<T: Ty>(c: &Case, rng: &mut Rng, specials: bool, ties: bool)
where
    T::Real: Into<f64> + Copy,
{
    let fmt = if T::F32 { S } else { D };
    let span = if c.n == 0 || c.batch == 0 {
        0
    } else {
        (c.batch - 1) * c.stridex.unsigned_abs() + (c.n - 1) * c.incx.unsigned_abs() + 1
    };
    let nan = T::make(&[f64::NAN, f64::NAN]);
    let mut buf = vec![nan; span + 3];
    // Fill what each vector reads with its own family (later vectors overwrite shared
    // elements; the oracle reads the final buffer).
    for b in 0..c.batch {
        let fam = (b * 7 + rng.below(3) as usize) % 8;
        let pos = positions(b, c.n, c.incx, c.stridex, c.batch);
        for &p in &pos {
            let parts = [value(fam, rng, T::F32), value(fam, rng, T::F32)];
            buf[p] = T::make(&parts);
        }
        if specials && c.n > 0 && b % 5 == 1 {
            let p = pos[rng.below(c.n as u64) as usize];
            let v = if b % 10 == 1 { f64::NAN } else { f64::INFINITY };
            buf[p] = T::make(&[v, 0.5]);
        }
        if ties && b % 3 == 2 && !T::F32 && T::PARTS == 1 {
            // A norm exactly halfway between two doubles: only the exact state decides.
            let m = (1u64 << 53) + 2 * rng.below(1 << 40) + 1;
            let xs = tie_decomposition(m);
            if xs.len() <= c.n && c.incx != 0 {
                for (k, &p) in pos.iter().enumerate() {
                    buf[p] = T::make(&[*xs.get(k).unwrap_or(&0.0), 0.0]);
                }
            }
        }
    }
    let want: Vec<f64> = (0..c.batch)
        .map(|b| {
            let pos = positions(b, c.n, c.incx, c.stridex, c.batch);
            let comps = |p: usize| -> Vec<f64> { (0..T::PARTS).map(|k| buf[p].part(k)).collect() };
            if c.n == 0 {
                0.0
            } else if c.incx == 0 {
                oracle_repeated(&comps(pos[0]), c.n as u64, fmt)
            } else {
                let vals: Vec<f64> = pos.iter().flat_map(|&p| comps(p)).collect();
                oracle(&vals, fmt)
            }
        })
        .collect();
    let so = c.incout.unsigned_abs();
    let out_len = if c.batch == 0 {
        0
    } else {
        (c.batch - 1) * so + 1
    };
    for isa in isas() {
        let mut out = vec![T::zero_real(); out_len + 2];
        nrm2_batch_with_isa(
            &buf, c.n, c.incx, c.stridex, c.batch, &mut out, c.incout, isa,
        )
        .expect("available")
        .expect("valid batch");
        let mut written = vec![false; out.len()];
        for (b, &w) in want.iter().enumerate() {
            let o = if c.incout >= 0 {
                b * so
            } else {
                (c.batch - 1 - b) * so
            };
            written[o] = true;
            let got: f64 = out[o].into();
            assert!(
                same(got, w),
                "{} n={} incx={} stridex={} batch={} incout={} isa={isa:?} vector {b}: \
                 got {got:e} ({:#x}), want {w:e} ({:#x})",
                std::any::type_name::<T>(),
                c.n,
                c.incx,
                c.stridex,
                c.batch,
                c.incout,
                got.to_bits(),
                w.to_bits()
            );
        }
        for (o, &wr) in written.iter().enumerate() {
            if !wr {
                assert_eq!(
                    out[o].into(),
                    -1.0,
                    "output {o} outside the batch was written"
                );
            }
        }
    }
}

fn layouts() -> Vec<Case> {
    let mut v = Vec::new();
    let case = |n, incx, stridex, batch, incout| Case {
        n,
        incx,
        stridex,
        batch,
        incout,
    };
    // Row norms of column-major m x k matrices (across the batch), and column norms.
    for &(m, k) in &[
        (1usize, 1usize),
        (2, 3),
        (3, 17),
        (5, 1),
        (16, 9),
        (31, 130),
        (64, 65),
        (67, 7),
        (70, 200),
        (130, 3),
    ] {
        let lda = m + 3;
        v.push(case(k, lda as isize, 1, m, 1));
        v.push(case(k, -(lda as isize), 1, m, 1));
        v.push(case(k, lda as isize, -1, m, -2));
        v.push(case(k, -(lda as isize), -1, m, 3));
        v.push(case(m, 1, lda as isize, k, 1));
        v.push(case(m, -1, -(lda as isize), k, -1));
    }
    // Other strides, incx == 0, empty.
    v.push(case(9, 2, 1, 40, 1)); // overlapping vectors, across
    v.push(case(9, 3, 2, 40, 1));
    v.push(case(40, 1, 1, 9, 1)); // overlapping contiguous vectors
    v.push(case(7, 0, 1, 70, 1));
    v.push(case(7, 0, 3, 5, -1));
    v.push(case(0, 3, 1, 5, 2));
    v.push(case(5, 3, 1, 0, 1));
    v.push(case(1, 5, 1, 66, 1));
    v.push(case(300, 70, 1, 70, 1)); // longer rows: several blocks per panel
    v.push(case(5, 601, 1, 600, 1)); // several groups of panels per kernel call
    v.push(case(3, -601, -1, 600, -1));
    v
}

fn run_all<T: Ty>(seed: u64)
where
    T::Real: Into<f64> + Copy,
{
    let mut rng = Rng(seed);
    for c in layouts() {
        check::<T>(&c, &mut rng, false, false);
        check::<T>(&c, &mut rng, true, false);
        check::<T>(&c, &mut rng, false, true);
    }
}

#[test]
fn batch_f64() {
    run_all::<f64>(0x5eed_0001);
}

#[test]
fn batch_f32() {
    run_all::<f32>(0x5eed_0002);
}

#[test]
fn batch_c64() {
    run_all::<[f64; 2]>(0x5eed_0003);
}

#[test]
fn batch_c32() {
    run_all::<[f32; 2]>(0x5eed_0004);
}

/// A panel whose lanes change scale class from block to block (rejections, checked
/// blocks, class flushes) and lanes that are zero in some blocks.
#[test]
fn batch_class_changes() {
    let mut rng = Rng(0x5eed_0005);
    let (m, k) = (80usize, 700usize);
    let lda = m;
    let mut a = vec![0.0f64; m * k];
    for j in 0..k {
        for i in 0..m {
            let fam = (i + j / 64 * 3) % 8;
            a[i + j * lda] = value(fam, &mut rng, false);
        }
    }
    let want: Vec<f64> = (0..m)
        .map(|i| oracle(&(0..k).map(|j| a[i + j * lda]).collect::<Vec<_>>(), D))
        .collect();
    for isa in isas() {
        let mut out = vec![0.0f64; m];
        nrm2_batch_with_isa(&a, k, lda as isize, 1, m, &mut out, 1, isa)
            .unwrap()
            .unwrap();
        for i in 0..m {
            assert!(
                same(out[i], want[i]),
                "isa={isa:?} row {i}: {:e} vs {:e}",
                out[i],
                want[i]
            );
        }
    }
}

#[test]
fn batch_errors() {
    let x = [1.0f64; 10];
    let mut out = [7.0f64; 4];
    let e = |r: Option<Result<(), BatchError>>| r.unwrap().err();
    let isa = Isa::Scalar;
    // incout == 0 with batch > 1.
    assert_eq!(
        e(nrm2_batch_with_isa(&x, 2, 1, 2, 2, &mut out, 0, isa)),
        Some(BatchError::Stride)
    );
    // incout == 0 with batch == 1 is fine.
    assert_eq!(
        e(nrm2_batch_with_isa(&x, 2, 1, 2, 1, &mut out, 0, isa)),
        None
    );
    out = [7.0; 4];
    // Span overflow.
    assert_eq!(
        e(nrm2_batch_with_isa(
            &x,
            3,
            isize::MAX,
            1,
            2,
            &mut out,
            1,
            isa
        )),
        Some(BatchError::Size)
    );
    assert_eq!(
        e(nrm2_batch_with_isa(
            &x,
            2,
            1,
            isize::MIN,
            usize::MAX,
            &mut out,
            1,
            isa
        )),
        Some(BatchError::Size)
    );
    // Too short input / output.
    assert_eq!(
        e(nrm2_batch_with_isa(&x, 3, 5, 1, 2, &mut out, 1, isa)),
        Some(BatchError::TooShort)
    );
    assert_eq!(
        e(nrm2_batch_with_isa(&x, 1, 1, 1, 3, &mut out, 2, isa)),
        Some(BatchError::OutTooShort)
    );
    assert_eq!(out, [7.0; 4], "nothing written on error");
    // Matrices.
    let m = |r: Option<Result<f64, BatchError>>| r.unwrap();
    assert_eq!(
        m(nrm2_matrix_with_isa(&x, 3, 2, 2, isa)),
        Err(BatchError::Stride)
    );
    assert_eq!(
        m(nrm2_matrix_with_isa(&x, 0, 2, 0, isa)),
        Err(BatchError::Stride)
    );
    assert_eq!(m(nrm2_matrix_with_isa(&x, 0, 2, 1, isa)), Ok(0.0));
    assert_eq!(m(nrm2_matrix_with_isa(&x, 3, 0, 3, isa)), Ok(0.0));
    assert_eq!(
        m(nrm2_matrix_with_isa(&x, 3, 4, 3, isa)),
        Err(BatchError::TooShort)
    );
    assert_eq!(
        m(nrm2_matrix_with_isa(&x, 2, usize::MAX, usize::MAX, isa)),
        Err(BatchError::Size)
    );
}

/// Matrices of every type and shape against the oracle over the `m x k` elements only
/// (the rows between `m` and `lda` hold NaN).
fn matrix_case<T: Ty>(m: usize, k: usize, lda: usize, rng: &mut Rng, special: bool, tie: bool)
where
    T::Real: Into<f64> + Copy,
{
    let fmt = if T::F32 { S } else { D };
    let nan = T::make(&[f64::NAN, f64::NAN]);
    let mut a = vec![nan; lda * k + 1];
    let mut vals = Vec::new();
    for j in 0..k {
        let fam = rng.below(8) as usize;
        for i in 0..m {
            a[i + j * lda] = T::make(&[value(fam, rng, T::F32), value(fam, rng, T::F32)]);
        }
    }
    if special && m * k > 0 {
        let p = rng.below((m * k) as u64) as usize;
        a[p % m + p / m * lda] = T::make(&[f64::INFINITY, 0.0]);
    }
    if tie && !T::F32 && T::PARTS == 1 {
        let xs = tie_decomposition((1u64 << 53) + 2 * rng.below(1 << 40) + 1);
        if xs.len() <= m * k {
            for p in 0..m * k {
                a[p % m + p / m * lda] = T::make(&[*xs.get(p).unwrap_or(&0.0), 0.0]);
            }
        }
    }
    for j in 0..k {
        for i in 0..m {
            for q in 0..T::PARTS {
                vals.push(a[i + j * lda].part(q));
            }
        }
    }
    let want = if m * k == 0 { 0.0 } else { oracle(&vals, fmt) };
    for isa in isas() {
        let got: f64 = nrm2_matrix_with_isa(&a, m, k, lda, isa)
            .unwrap()
            .unwrap()
            .into();
        assert!(
            same(got, want),
            "{} m={m} k={k} lda={lda} isa={isa:?}: got {got:e} ({:#x}), want {want:e} ({:#x})",
            std::any::type_name::<T>(),
            got.to_bits(),
            want.to_bits()
        );
    }
}

fn matrices<T: Ty>(seed: u64)
where
    T::Real: Into<f64> + Copy,
{
    let mut rng = Rng(seed);
    for &(m, k, extra) in &[
        (0usize, 3usize, 1usize),
        (3, 0, 0),
        (1, 1, 0),
        (3, 4, 0),
        (3, 4, 2),
        (17, 5, 1),
        (100, 30, 0),
        (100, 30, 7),
        (1, 50, 3),
    ] {
        for (s, t) in [(false, false), (true, false), (false, true)] {
            matrix_case::<T>(m, k, m.max(1) + extra, &mut rng, s, t);
        }
    }
}

#[test]
fn matrix_all_types() {
    matrices::<f64>(11);
    matrices::<f32>(12);
    matrices::<[f64; 2]>(13);
    matrices::<[f32; 2]>(14);
}

/// Batches long enough to be split over threads (at least `PAR_MIN` components), with
/// positive and negative output strides, in both directions: every output equals the
/// single-vector norm (itself checked against the oracle by `tests/isa.rs`), for several
/// thread counts.
#[test]
fn batch_threads() {
    let mut rng = Rng(0x5eed_0006);
    let (m, k) = (2003usize, 1100usize);
    assert!(m * k >= safenorm::PAR_MIN);
    let a: Vec<f64> = (0..m * k)
        .map(|i| value(i % 1000 / 200, &mut rng, false))
        .collect();
    for threads in [1, 2, 3, 7] {
        safenorm::set_num_threads(threads);
        for &(n, incx, stridex, batch) in &[(k, m as isize, 1isize, m), (m, 1, m as isize, k)] {
            for incout in [1isize, -1, 3] {
                let so = incout.unsigned_abs();
                let mut out = vec![-1.0f64; (batch - 1) * so + 1];
                safenorm::nrm2_batch(&a, n, incx, stridex, batch, &mut out, incout).unwrap();
                for b in 0..batch {
                    let start = b * stridex as usize;
                    let want = safenorm::nrm2(&a[start..], n, incx).unwrap();
                    let o = if incout >= 0 {
                        b * so
                    } else {
                        (batch - 1 - b) * so
                    };
                    assert!(
                        same(out[o], want),
                        "threads={threads} n={n} incx={incx} incout={incout} vector {b}: {:e} vs {want:e}",
                        out[o]
                    );
                }
            }
        }
    }
    safenorm::set_num_threads(0);
}

//! Every routine, every ISA path and the exact path against the independent oracle, on the
//! hard families, with every stride in {-3, -2, -1, 0, 1, 2, 3} and a NaN in every stride gap.
mod common;

use common::*;
use safenorm::{nrm2_exact_source, nrm2_with_isa, Isa, Strided};

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// Lays `elems` out with stride `inc` (in elements), NaN in the gaps; returns the buffer.
fn layout<T: Copy>(elems: &[T], inc: isize, rogue: T) -> Vec<T> {
    let s = inc.unsigned_abs().max(1);
    let n = elems.len();
    let mut buf = vec![rogue; (n.max(1) - 1) * s + 1];
    for (i, &e) in elems.iter().enumerate() {
        // incx < 0: element i of the logical vector sits at (n-1-i)*|incx|.
        let pos = if inc < 0 { (n - 1 - i) * s } else { i * s };
        buf[pos] = e;
    }
    buf
}

fn check_all<T: safenorm::Element>(buf: &[T], n: usize, inc: isize, want: f64, what: &str)
where
    T::Real: Into<f64>,
{
    let v = Strided::new(buf, n, inc).expect("view fits");
    for &isa in Isa::ALL.iter().filter(|i| i.is_available()) {
        let got: f64 = nrm2_with_isa(&v, isa).expect("available").into();
        assert!(
            same(got, want),
            "{what} n={n} inc={inc} isa={isa:?}: got {got:e} ({:#x}), want {want:e} ({:#x})",
            got.to_bits(),
            want.to_bits()
        );
    }
    let got: f64 = safenorm::nrm2_view(&v).into();
    assert!(
        same(got, want),
        "{what} n={n} inc={inc} dispatched: got {got:e}, want {want:e}"
    );
    let ex = nrm2_exact_source(&v);
    assert!(
        same(ex, want),
        "{what} n={n} inc={inc} exact path: got {ex:e}, want {want:e}"
    );
}

const INCS: [isize; 6] = [1, -1, 2, -2, 3, -3];

#[test]
fn dnrm2_families_all_strides() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for (name, xs) in families(&mut rng) {
        let want = oracle(&xs, D);
        for inc in INCS {
            let buf = layout(&xs, inc, f64::NAN);
            check_all(&buf, xs.len(), inc, want, name);
        }
    }
}

#[test]
fn dznrm2_families_all_strides() {
    let mut rng = Rng(0x2234_5678_9abc_def1);
    for (name, mut xs) in families(&mut rng) {
        if xs.len() % 2 == 1 {
            xs.push(0.5);
        }
        let want = oracle(&xs, D);
        let cx: Vec<[f64; 2]> = xs.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        for inc in INCS {
            let buf = layout(&cx, inc, [f64::NAN, f64::NAN]);
            check_all(&buf, cx.len(), inc, want, name);
        }
    }
}

#[test]
fn snrm2_and_scnrm2_families_all_strides() {
    let mut rng = Rng(0x3234_5678_9abc_def1);
    for (name, xs) in families_f32(&mut rng) {
        let wide: Vec<f64> = xs.iter().map(|&v| f64::from(v)).collect();
        let want = oracle(&wide, S);
        for inc in INCS {
            let buf = layout(&xs, inc, f32::NAN);
            check_all(&buf, xs.len(), inc, want, name);
        }
        let mut xs = xs;
        if xs.len() % 2 == 1 {
            xs.push(0.25);
        }
        let wide: Vec<f64> = xs.iter().map(|&v| f64::from(v)).collect();
        let want = oracle(&wide, S);
        let cx: Vec<[f32; 2]> = xs.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        for inc in INCS {
            let buf = layout(&cx, inc, [f32::NAN, f32::NAN]);
            check_all(&buf, cx.len(), inc, want, name);
        }
    }
}

#[test]
fn incx_zero_counts_x0_n_times() {
    let mut rng = Rng(0x4234_5678_9abc_def1);
    let mut vals = vec![
        1.0,
        3.0,
        f64::MAX,
        f64::from_bits(1),
        f64::MIN_POSITIVE,
        0.0,
        -2.5,
    ];
    vals.extend((0..40).map(|_| rng.log_uniform()));
    for &x0 in &vals {
        for &n in &[1usize, 2, 3, 4, 9, 1000, 1 << 20, (1 << 40) + 3] {
            let want = oracle_repeated(&[x0], n as u64, D);
            let buf = [x0, f64::NAN];
            check_all(&buf, n, 0, want, "incx0");
            let c = [[x0, 0.75 * x0], [f64::NAN, f64::NAN]];
            let want = oracle_repeated(&[x0, 0.75 * x0], n as u64, D);
            check_all(&c, n, 0, want, "incx0-complex");
            let xf = x0 as f32;
            let want = oracle_repeated(&[f64::from(xf)], n as u64, S);
            check_all(&[xf], n, 0, want, "incx0-f32");
        }
    }
}

#[test]
fn long_equal_runs_are_correctly_rounded() {
    // The family where reference BLAS loses 6e5 ulp and OpenBLAS 50: 1e7 equal values.
    let mut rng = Rng(0x5234_5678_9abc_def1);
    for _ in 0..3 {
        let v = 1.0 + rng.unit();
        let xs = vec![v; 10_000_000];
        let want = oracle_repeated(&[v], xs.len() as u64, D);
        check_all(&xs, xs.len(), 1, want, "1e7 equal");
        let xf = vec![v as f32; 10_000_000];
        let want = oracle_repeated(&[f64::from(v as f32)], xf.len() as u64, S);
        check_all(&xf, xf.len(), 1, want, "1e7 equal f32");
    }
}

#[test]
fn special_values_follow_reference_blas_3_12() {
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let cases: Vec<(Vec<f64>, f64)> = vec![
        (vec![nan], nan),
        (vec![inf], inf),
        (vec![-inf], inf),
        (vec![inf, nan], nan),
        (vec![nan, inf], nan),
        (vec![-inf, 1.0, nan], nan),
        (vec![1.0, 2.0, inf], inf),
        (vec![0.0, nan, 0.0], nan),
        (vec![0.0; 300].into_iter().chain([nan]).collect(), nan),
        (vec![0.0; 300].into_iter().chain([-inf]).collect(), inf),
        (vec![f64::MAX, f64::MAX, inf], inf),
        (vec![f64::from_bits(1), nan], nan),
        (vec![-0.0], 0.0),
        (vec![f64::from_bits(0x7ff0_0000_0000_0001)], nan), // signalling NaN
        (vec![f64::from_bits(0xfff8_0000_dead_beef)], nan), // negative NaN with payload
    ];
    for (xs, want) in cases {
        for inc in INCS {
            let buf = layout(&xs, inc, 7.0);
            check_all(&buf, xs.len(), inc, want, "special");
        }
    }
    // n == 0 gives 0 whatever the slice holds.
    assert_eq!(safenorm::nrm2(&[nan], 0, 1), Ok(0.0));
    assert_eq!(safenorm::nrm2::<f64>(&[], 0, -5), Ok(0.0));
    // -0.0 gives +0.0.
    assert_eq!(safenorm::norm(&[-0.0f64]).to_bits(), 0.0f64.to_bits());
}

#[test]
fn view_rejects_short_slices_and_overflowing_spans() {
    use safenorm::ViewError;
    assert_eq!(
        Strided::new(&[1.0f64, 2.0], 3, 1).err(),
        Some(ViewError::TooShort)
    );
    assert_eq!(
        Strided::new(&[1.0f64, 2.0, 3.0], 2, 3).err(),
        Some(ViewError::TooShort)
    );
    assert_eq!(
        Strided::new(&[1.0f64], usize::MAX, 2).err(),
        Some(ViewError::StrideOverflow)
    );
    assert_eq!(
        Strided::new(&[1.0f64], 2, isize::MIN).err(),
        Some(ViewError::TooShort)
    );
    assert!(Strided::new(&[1.0f64], 5, 0).is_ok());
}

#[test]
fn random_lengths_and_offsets() {
    // Every length 0..300 (all tail shapes of every kernel), random data, several strides.
    let mut rng = Rng(0x6234_5678_9abc_def1);
    for n in 0..300usize {
        let xs: Vec<f64> = (0..n)
            .map(|_| rng.normal() * ldexp(1.0, rng.below(40) as i64 - 20))
            .collect();
        let want = oracle(&xs, D);
        for inc in [1isize, -2, 3] {
            let buf = layout(&xs, inc, f64::NAN);
            check_all(&buf, n, inc, want, "lengths");
            // Unaligned start inside a larger buffer: every offset 0..8 elements.
            for off in [1usize, 7] {
                let mut big = vec![f64::NAN; off];
                big.extend_from_slice(&buf);
                check_all(&big[off..], n, inc, want, "offset");
            }
        }
    }
}

#[test]
fn tie_families_are_present_and_exact_ties() {
    // The tie families must really be ties: the oracle's result differs between the tie and
    // the tie nudged up, for most cases (otherwise the tests above would not test ties).
    let mut rng = Rng(0x3234_5678_9abc_def1);
    let f = families_f32(&mut rng);
    let ties = f.iter().filter(|(n, _)| *n == "tie").count();
    assert!(ties >= 20, "only {ties} f32 tie cases");
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let f = families(&mut rng);
    let ties: Vec<_> = f.iter().filter(|(n, _)| *n == "tie").collect();
    let ups: Vec<_> = f.iter().filter(|(n, _)| *n == "tie+").collect();
    let differ = ties
        .iter()
        .zip(&ups)
        .filter(|(t, u)| oracle(&t.1, D) != oracle(&u.1, D))
        .count();
    assert!(
        differ >= ties.len() / 3,
        "{differ} of {} ties move when nudged",
        ties.len()
    );
}

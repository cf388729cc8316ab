//! The caller's floating-point environment (README, "The floating-point environment"): the
//! hard families through every ISA path, the dispatched entry, the exact path and both
//! states, run under flush-to-zero, denormals-are-zero, both, and each of the four rounding
//! modes, always with the invalid, divide-by-zero and overflow traps enabled (a `SIGFPE`
//! kills the test binary: a failure), against the exact oracle of `tests/common` rounded in
//! that mode.  After every call the environment (control bits and exception flags) must be
//! exactly the one set before it: the library raises no flag and restores its control word.
mod common;

use common::*;
use safenorm::__fenv as fe;
use safenorm::{nrm2_exact_source, nrm2_view, nrm2_with_isa, ExactSumSq, Rounded, Strided, SumSq};

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// One environment: a name, the raw word, the rounding mode.
struct Env {
    name: String,
    raw: u64,
    mode: Mode,
}

/// Every combination of {no flushing, FTZ, DAZ, FTZ+DAZ} and the four rounding modes, all
/// with traps enabled; plus the default environment with flags already raised (they must
/// survive the call).
fn envs() -> Vec<Env> {
    let mut out = Vec::new();
    for (mi, &mode) in MODES.iter().enumerate() {
        for (ftz, daz) in [(false, false), (true, false), (false, true), (true, true)] {
            out.push(Env {
                name: format!("{mode:?} ftz={ftz} daz={daz} traps"),
                raw: fe::compose(ftz, daz, mi as u32, true),
                mode,
            });
        }
    }
    out.push(Env {
        name: "default, every flag raised".into(),
        raw: fe::compose(false, false, 0, false) | ALL_FLAGS,
        mode: Mode::Nearest,
    });
    out
}

/// Every exception flag of the raw word (x86_64 MXCSR bits 0-5; aarch64 FPSR bits 0-4, 7).
#[cfg(target_arch = "x86_64")]
const ALL_FLAGS: u64 = 0x3f;
#[cfg(target_arch = "aarch64")]
const ALL_FLAGS: u64 = 0x9f;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const ALL_FLAGS: u64 = 0;

/// Runs `f` (a library call and nothing else: no arithmetic of the test may run in the
/// caller's environment) with the raw environment `w`; checks that the environment after
/// the call is exactly `w`; restores the test's own environment.
fn run<R>(w: u64, what: &dyn Fn() -> String, f: impl FnOnce() -> R) -> R {
    let saved = fe::raw();
    // SAFETY: only the library call runs in this environment; the test's own is restored
    // right after it.
    unsafe { fe::set_raw(w) };
    // What the register holds (a CPU may ignore bits it does not implement, e.g. trap
    // enables on most aarch64 cores).
    let set = fe::raw();
    let r = f();
    let after = fe::raw();
    // SAFETY: restores the word read above.
    unsafe { fe::set_raw(saved) };
    assert_eq!(
        after,
        set,
        "{}: environment changed by the call: {set:#x} -> {after:#x}",
        what()
    );
    r
}

fn check(got: f64, want: f64, what: &dyn Fn() -> String) {
    assert!(
        same(got, want),
        "{}: got {got:e} ({:#x}), want {want:e} ({:#x})",
        what(),
        got.to_bits(),
        want.to_bits()
    );
}

/// The result of a fast state in an environment: `Correct` must be the oracle, `NeedExact`
/// sends the test to the exact state over the same data.
fn state_d(st: &SumSq, ex: &ExactSumSq, e: &Env, want: f64, what: &dyn Fn() -> String) {
    match run(e.raw, what, || st.result_f64()) {
        Rounded::Correct(v) => check(v, want, what),
        Rounded::NeedExact(_) => check(run(e.raw, what, || ex.result_f64()), want, what),
    }
    check(run(e.raw, what, || ex.result_f64()), want, what);
}

fn state_s(st: &SumSq, ex: &ExactSumSq, e: &Env, want: f64, what: &dyn Fn() -> String) {
    match run(e.raw, what, || st.result_f32()) {
        Rounded::Correct(v) => check(f64::from(v), want, what),
        Rounded::NeedExact(_) => check(f64::from(run(e.raw, what, || ex.result_f32())), want, what),
    }
    check(f64::from(run(e.raw, what, || ex.result_f32())), want, what);
}

/// Lays `xs` out with stride `inc` (`inc != 0`), NaN in the gaps.
fn strided<T: Copy>(xs: &[T], inc: isize, rogue: T) -> Vec<T> {
    layout(xs, inc, rogue)
}

#[test]
fn oracle_directed_rounding() {
    // sqrt(2) = 0x1.6a09e667f3bcc908...p0: down ...bcc, up and nearest ...bcd.
    let two = [1.0, 1.0];
    assert_eq!(
        oracle_mode(&two, D, Mode::Down).to_bits(),
        0x3ff6_a09e_667f_3bcc
    );
    assert_eq!(
        oracle_mode(&two, D, Mode::Zero).to_bits(),
        0x3ff6_a09e_667f_3bcc
    );
    assert_eq!(
        oracle_mode(&two, D, Mode::Up).to_bits(),
        0x3ff6_a09e_667f_3bcd
    );
    assert_eq!(
        oracle_mode(&two, D, Mode::Nearest).to_bits(),
        0x3ff6_a09e_667f_3bcd
    );
    // Exact: 5 in every mode.
    for m in MODES {
        assert_eq!(oracle_mode(&[3.0, 4.0], D, m), 5.0);
    }
    // Overflow.
    let mx = [f64::MAX, f64::MAX];
    assert_eq!(oracle_mode(&mx, D, Mode::Down), f64::MAX);
    assert_eq!(oracle_mode(&mx, D, Mode::Zero), f64::MAX);
    assert_eq!(oracle_mode(&mx, D, Mode::Up), f64::INFINITY);
    assert_eq!(oracle_mode(&mx, D, Mode::Nearest), f64::INFINITY);
    assert_eq!(oracle_mode(&[f64::MAX], D, Mode::Up), f64::MAX);
    // Smallest subnormals: sqrt(2) 2^-1074.
    let t = [f64::from_bits(1), f64::from_bits(1)];
    assert_eq!(oracle_mode(&t, D, Mode::Down).to_bits(), 1);
    assert_eq!(oracle_mode(&t, D, Mode::Up).to_bits(), 2);
    assert_eq!(oracle_mode(&t, D, Mode::Nearest).to_bits(), 1);
}

/// The case of the issue: 25 copies of a normal value near 2^-1013, an exact tie
/// (`5 x` needs 54 bits) resolved to even; under FTZ the exact fallback used to compute
/// with subnormal intermediates and return the odd neighbour.
#[test]
fn issue_case_under_ftz() {
    let x = f64::from_bits(0x00a1_e0fa_ca74_effa);
    let xs = [x; 25];
    let want = f64::from_bits(0x00c6_5939_7d12_2bf8); // 0x1.659397d122bf8p-1011
    assert_eq!(oracle(&xs, D), want);
    for e in envs().iter().filter(|e| e.mode == Mode::Nearest) {
        let what = || format!("issue case, {}", e.name);
        let v = Strided::new(&xs, 25, 1).unwrap();
        check(run(e.raw, &what, || nrm2_view(&v)), want, &what);
        let v0 = Strided::new(&xs[..1], 25, 0).unwrap();
        check(run(e.raw, &what, || nrm2_view(&v0)), want, &what);
        for isa in isas() {
            check(
                run(e.raw, &what, || nrm2_with_isa(&v, isa).unwrap()),
                want,
                &what,
            );
        }
    }
}

#[test]
fn dnrm2_families_every_env_isa() {
    let mut rng = Rng(0x6e76_0001_dead_beef);
    let fams = families(&mut rng);
    let envs = envs();
    for (name, xs) in &fams {
        let sum = exact_sum(xs);
        let sum0 = exact_sum(&xs[..1]) * num_bigint::BigUint::from(xs.len() as u64);
        let n = xs.len();
        let buf_m2 = strided(xs, -2, f64::NAN);
        let buf_m5 = strided(xs, -5, f64::NAN);
        let views = [
            (1isize, Strided::new(xs, n, 1).unwrap()),
            (-2, Strided::new(&buf_m2, n, -2).unwrap()),
            (-5, Strided::new(&buf_m5, n, -5).unwrap()),
        ];
        let v0 = Strided::new(&xs[..1], n, 0).unwrap();
        for e in &envs {
            let want = round_sqrt_mode(&sum, D, e.mode);
            let want0 = round_sqrt_mode(&sum0, D, e.mode);
            for (inc, v) in &views {
                let what = || format!("dnrm2 {name} n={n} inc={inc} {}", e.name);
                for isa in isas() {
                    let what = || format!("{} isa={isa:?}", what());
                    check(
                        run(e.raw, &what, || nrm2_with_isa(v, isa).unwrap()),
                        want,
                        &what,
                    );
                }
                check(run(e.raw, &what, || nrm2_view(v)), want, &what);
                let what_x = || format!("{} exact path", what());
                check(run(e.raw, &what_x, || nrm2_exact_source(v)), want, &what_x);
            }
            let what = || format!("dnrm2 {name} n={n} inc=0 {}", e.name);
            check(run(e.raw, &what, || nrm2_view(&v0)), want0, &what);
            // States: two pieces through different ISAs, merged, and the exact state.
            let h = n / 2;
            let what = || format!("state {name} n={n} {}", e.name);
            let isas = isas();
            let st = run(e.raw, &what, || {
                let mut a = SumSq::new();
                let mut b = SumSq::new();
                a.add_view_with_isa(&Strided::contiguous(&xs[..h]), isas[0]);
                b.add_view_with_isa(&Strided::contiguous(&xs[h..]), isas[isas.len() - 1]);
                let b = SumSq::from_bytes(&b.to_bytes()).unwrap();
                a.merge(&b);
                a
            });
            let ex = run(e.raw, &what, || {
                let mut a = ExactSumSq::new();
                a.add(xs);
                a
            });
            state_d(&st, &ex, e, want, &what);
            state_s(&st, &ex, e, round_sqrt_mode(&sum, S, e.mode), &what);
        }
    }
}

#[test]
fn snrm2_families_every_env_isa() {
    let mut rng = Rng(0x6e76_0002_dead_beef);
    let fams = families_f32(&mut rng);
    let envs = envs();
    for (name, xs) in &fams {
        let wide: Vec<f64> = xs.iter().map(|&v| f64::from(v)).collect();
        let sum = exact_sum(&wide);
        let n = xs.len();
        let buf_2 = strided(xs, 2, f32::NAN);
        let buf_3 = strided(xs, 3, f32::NAN);
        let views = [
            (1isize, Strided::new(xs, n, 1).unwrap()),
            (2, Strided::new(&buf_2, n, 2).unwrap()),
            (3, Strided::new(&buf_3, n, 3).unwrap()),
        ];
        for e in &envs {
            let want = round_sqrt_mode(&sum, S, e.mode);
            for (inc, v) in &views {
                let what = || format!("snrm2 {name} n={n} inc={inc} {}", e.name);
                for isa in isas() {
                    let what = || format!("{} isa={isa:?}", what());
                    let got = run(e.raw, &what, || nrm2_with_isa(v, isa).unwrap());
                    check(f64::from(got), want, &what);
                }
                check(f64::from(run(e.raw, &what, || nrm2_view(v))), want, &what);
            }
            let what = || format!("snrm2 state {name} n={n} {}", e.name);
            let st = run(e.raw, &what, || {
                let mut a = SumSq::new();
                a.add(xs);
                a
            });
            let ex = run(e.raw, &what, || {
                let mut a = ExactSumSq::new();
                a.add(xs);
                a
            });
            state_s(&st, &ex, e, want, &what);
            state_d(&st, &ex, e, round_sqrt_mode(&sum, D, e.mode), &what);
        }
    }
}

/// Long contiguous binary32 vectors whose norm is a binary32 midpoint `2^s (1 + 2^-24)`
/// (and just below and above it), at lengths and scales that reach the native binary32 lanes
/// of the x86_64 paths (AVX2 from 1024 components, AVX-512 from 4096), their offset range
/// edges (`2^-100 ..= 2^120`: scales near underflow and overflow, inside and outside), and
/// the directed rounding modes (the one-block sum rounded upward or downward): every ISA,
/// environment and the complex view of the same data, against the exact oracle.
#[test]
fn native32_ties_every_env_isa() {
    let envs = envs();
    for k in [5u32, 6, 8] {
        // 4^k values 2^-k: squares summing to exactly 1.
        let base = 1usize << (2 * k);
        for (j, third) in [0.0f64, 1.0, 1.0 + 2f64.powi(-10)].into_iter().enumerate() {
            for s in [-60i32, -45, 0, 55, 60, 62] {
                let sc = 2f64.powi(s);
                let mut xs = vec![(2f64.powi(-(k as i32)) * sc) as f32; base];
                // 2 (2^-12)^2 + (2^-24 third)^2 = 2^-23 + 2^-48 third^2: a sum of
                // (1 + 2^-24)^2 for third = 1 (a tie), below or above it otherwise.
                let extra = [2f64.powi(-12), -2f64.powi(-12), 2f64.powi(-24) * third];
                for (i, e) in extra.into_iter().enumerate() {
                    xs.insert([base / 3, base / 2, base + i][i], (e * sc) as f32);
                }
                let n = xs.len();
                let wide: Vec<f64> = xs.iter().map(|&v| f64::from(v)).collect();
                let sum = exact_sum(&wide);
                let v = Strided::new(&xs, n, 1).unwrap();
                // The same values as a complex vector (a zero pads the odd count).
                let cx = pairs(&xs, 0.0f32);
                let vc = Strided::new(&cx, cx.len(), 1).unwrap();
                for e in &envs {
                    let want = round_sqrt_mode(&sum, S, e.mode);
                    for isa in isas() {
                        let what = || format!("tie{j} k={k} s={s} n={n} {} isa={isa:?}", e.name);
                        let got = run(e.raw, &what, || nrm2_with_isa(&v, isa).unwrap());
                        check(f64::from(got), want, &what);
                        let got = run(e.raw, &what, || nrm2_with_isa(&vc, isa).unwrap());
                        check(f64::from(got), want, &|| format!("complex {}", what()));
                    }
                }
            }
        }
    }
}

#[test]
fn complex_families_every_env_isa() {
    let mut rng = Rng(0x6e76_0003_dead_beef);
    let envs = envs();
    for (name, mut xs) in families(&mut rng) {
        if xs.len() % 2 == 1 {
            xs.push(0.5);
        }
        let sum = exact_sum(&xs);
        let cx: Vec<[f64; 2]> = xs.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        let cs: Vec<[f32; 2]> = xs
            .chunks_exact(2)
            .map(|c| [c[0] as f32, c[1] as f32])
            .collect();
        let wide: Vec<f64> = cs.iter().flatten().map(|&v| f64::from(v)).collect();
        let n = cx.len();
        let bd = strided(&cx, -2, [f64::NAN; 2]);
        let bs = strided(&cs, 2, [f32::NAN; 2]);
        let vd = Strided::new(&bd, n, -2).unwrap();
        let vs = Strided::new(&bs, n, 2).unwrap();
        // Strides with no kernel of their own (gathered by the `spread` kernels).
        let bd3 = strided(&cx, 3, [f64::NAN; 2]);
        let bs5 = strided(&cs, -5, [f32::NAN; 2]);
        let vd3 = Strided::new(&bd3, n, 3).unwrap();
        let vs5 = Strided::new(&bs5, n, -5).unwrap();
        for e in &envs {
            let want = round_sqrt_mode(&sum, D, e.mode);
            let want_s = oracle_mode(&wide, S, e.mode);
            for isa in isas() {
                for (inc, vd) in [(-2, &vd), (3, &vd3)] {
                    let what = || format!("dznrm2 {name} n={n} inc={inc} {} isa={isa:?}", e.name);
                    check(
                        run(e.raw, &what, || nrm2_with_isa(vd, isa).unwrap()),
                        want,
                        &what,
                    );
                }
                for (inc, vs) in [(2, &vs), (-5, &vs5)] {
                    let what = || format!("scnrm2 {name} n={n} inc={inc} {} isa={isa:?}", e.name);
                    let got = run(e.raw, &what, || nrm2_with_isa(vs, isa).unwrap());
                    check(f64::from(got), want_s, &what);
                }
            }
        }
    }
}

/// Overflowing norms: `+Inf` to nearest and upward, the largest finite value downward and
/// toward zero, in both formats and through the states; infinite and NaN input give `+Inf`
/// and NaN in every mode.
#[test]
fn overflow_and_specials_every_mode() {
    let envs = envs();
    let cases: [(&str, Vec<f64>); 4] = [
        ("max,max", vec![f64::MAX, f64::MAX]),
        ("max,1e154", vec![f64::MAX, 1e154]),
        ("1e300 x 1e9 (repeated)", vec![1e300]),
        ("max, 1", vec![f64::MAX, 1.0]),
    ];
    for e in &envs {
        for (name, xs) in &cases {
            let (want, v) = if xs.len() == 1 {
                let s = exact_sum(xs) * num_bigint::BigUint::from(1_000_000_000u64);
                (
                    round_sqrt_mode(&s, D, e.mode),
                    Strided::new(&xs[..], 1_000_000_000, 0).unwrap(),
                )
            } else {
                (
                    oracle_mode(xs, D, e.mode),
                    Strided::new(&xs[..], xs.len(), 1).unwrap(),
                )
            };
            let what = || format!("{name} {}", e.name);
            for isa in isas() {
                check(
                    run(e.raw, &what, || nrm2_with_isa(&v, isa).unwrap()),
                    want,
                    &what,
                );
            }
        }
        let xs = [f32::MAX, f32::MAX];
        let want = oracle_mode(&[f64::from(f32::MAX); 2], S, e.mode);
        let what = || format!("f32 max,max {}", e.name);
        for isa in isas() {
            let v = Strided::new(&xs[..], 2, 1).unwrap();
            let got = run(e.raw, &what, || nrm2_with_isa(&v, isa).unwrap());
            check(f64::from(got), want, &what);
        }
        // Specials: Inf, NaN (quiet and signalling).
        let snan = f64::from_bits(0x7ff0_0000_0000_0001);
        for (xs, want) in [
            (vec![1.0, f64::INFINITY, 2.0], f64::INFINITY),
            (vec![1.0, f64::NAN, f64::INFINITY], f64::NAN),
            (vec![snan, 1.0], f64::NAN),
        ] {
            let what = || format!("specials {xs:?} {}", e.name);
            let v = Strided::new(&xs[..], xs.len(), 1).unwrap();
            for isa in isas() {
                check(
                    run(e.raw, &what, || nrm2_with_isa(&v, isa).unwrap()),
                    want,
                    &what,
                );
            }
        }
    }
}

/// Long vectors split over threads: the workers compute in the library's environment too.
#[test]
fn threads_every_mode() {
    let mut rng = Rng(0x6e76_0004_dead_beef);
    let n = safenorm::PAR_MIN + 12345;
    let xs: Vec<f64> = (0..n).map(|_| rng.with_exp(-1060, -1000)).collect();
    let sum = exact_sum(&xs);
    safenorm::set_num_threads(2);
    for e in envs() {
        let want = round_sqrt_mode(&sum, D, e.mode);
        let what = || format!("threads {}", e.name);
        let v = Strided::contiguous(&xs);
        check(run(e.raw, &what, || nrm2_view(&v)), want, &what);
    }
    safenorm::set_num_threads(0);
}

// ---------------------------------------------------------------------------------------
// The newer entry points: batch and matrix norms, half precision, normalize, ?lassq.
// ---------------------------------------------------------------------------------------

/// The issue's element: 25 copies have the norm 0x1.659397d122bf8p-1011, an exact tie.
const ISSUE: u64 = 0x00a1_e0fa_ca74_effa;

/// Hard binary64 vectors: exact, near overflow (above `DBL_MAX`), subnormal only, the
/// issue's tie, and mixed random data.
fn hard_f64(rng: &mut Rng) -> Vec<(&'static str, Vec<f64>)> {
    let sub: Vec<f64> = (0..37)
        .map(|_| rng.sign() * f64::from_bits(1 + rng.below(1 << 52)))
        .collect();
    let tiny: Vec<f64> = (0..9).map(|i| f64::from_bits(1 + i % 3)).collect();
    let mixed: Vec<f64> = (0..41).map(|_| rng.sign() * rng.log_uniform()).collect();
    vec![
        ("[3,4]", vec![3.0, 4.0]),
        ("[max,max]", vec![f64::MAX, f64::MAX]),
        ("[max,1e154,-max/2]", vec![f64::MAX, 1e154, -f64::MAX / 2.0]),
        ("subnormal", sub),
        ("tiny subnormal", tiny),
        ("issue x25", vec![f64::from_bits(ISSUE); 25]),
        ("[1,1]", vec![1.0, -1.0]),
        ("mixed", mixed),
    ]
}

/// Hard binary32 vectors, the same kinds.
fn hard_f32(rng: &mut Rng) -> Vec<(&'static str, Vec<f32>)> {
    let sub: Vec<f32> = (0..37)
        .map(|_| rng.sign() as f32 * f32::from_bits(1 + rng.below(1 << 23) as u32))
        .collect();
    let tiny: Vec<f32> = (0..9).map(|i| f32::from_bits(1 + i % 3)).collect();
    let mixed: Vec<f32> = (0..41)
        .map(|_| (rng.sign() * rng.with_exp(-140, 120)) as f32)
        .collect();
    vec![
        ("[3,4]", vec![3.0, 4.0]),
        ("[max,max]", vec![f32::MAX, f32::MAX]),
        ("[max,1e19,-max/2]", vec![f32::MAX, 1e19, -f32::MAX / 2.0]),
        ("subnormal", sub),
        ("tiny subnormal", tiny),
        ("[1,1]", vec![1.0, -1.0]),
        ("mixed", mixed),
    ]
}

fn widen(xs: &[f32]) -> Vec<f64> {
    xs.iter().map(|&v| f64::from(v)).collect()
}

fn pairs<T: Copy>(xs: &[T], zero: T) -> Vec<[T; 2]> {
    let mut v = xs.to_vec();
    if v.len() % 2 == 1 {
        v.push(zero);
    }
    v.chunks_exact(2).map(|c| [c[0], c[1]]).collect()
}

/// The vectors `vs` (padded with zeros to one length `n`) laid out twice: one after the
/// other (`incx = 1`, `stridex = n`) and interleaved like the rows of a column-major matrix
/// (`incx = batch`, `stridex = 1`).
fn batch_layouts<T: Copy>(vs: &[Vec<T>], zero: T) -> (usize, Vec<T>, Vec<T>) {
    let n = vs.iter().map(Vec::len).max().unwrap_or(0);
    let b = vs.len();
    let mut cols = vec![zero; n * b];
    let mut rows = vec![zero; n * b];
    for (j, v) in vs.iter().enumerate() {
        for (i, &e) in v.iter().enumerate() {
            cols[j * n + i] = e;
            rows[i * b + j] = e;
        }
    }
    (n, cols, rows)
}

/// Batch norms of `vs` in every environment, both layouts (and the row layout with a
/// negative `incx`), through every ISA and the dispatched entry; `want(v, mode)` is the
/// oracle of one vector.
fn batch_every_env<T: safenorm::Element>(
    tag: &str,
    vs: &[Vec<T>],
    zero: T,
    want: &dyn Fn(usize, Mode) -> f64,
    wide: &dyn Fn(T::Real) -> f64,
) where
    T::Real: Copy + Default,
{
    let (n, cols, rows) = batch_layouts(vs, zero);
    let b = vs.len() as isize;
    let layouts: [(&str, &[T], isize, isize); 3] = [
        ("columns", &cols, 1, n as isize),
        ("rows", &rows, b, 1),
        ("rows reversed", &rows, -b, 1),
    ];
    for e in &envs() {
        for (lname, x, incx, stridex) in &layouts {
            let what = || format!("{tag} batch {lname} n={n} batch={b} {}", e.name);
            let check_out = |out: &[T::Real], what: &dyn Fn() -> String| {
                for (j, &o) in out.iter().enumerate() {
                    // Reversed rows: element i of vector j is rows[(n-1-i)*b + j], the
                    // same vector read backwards: the same norm.
                    let w = || format!("{} vector {j}", what());
                    check(wide(o), want(j, e.mode), &w);
                }
            };
            let mut out = vec![T::Real::default(); vs.len()];
            run(e.raw, &what, || {
                safenorm::nrm2_batch(x, n, *incx, *stridex, vs.len(), &mut out, 1)
            })
            .unwrap();
            check_out(&out, &what);
            for isa in isas() {
                let what = || format!("{} isa={isa:?}", what());
                let mut out = vec![T::Real::default(); vs.len()];
                run(e.raw, &what, || {
                    safenorm::nrm2_batch_with_isa(x, n, *incx, *stridex, vs.len(), &mut out, 1, isa)
                })
                .unwrap()
                .unwrap();
                check_out(&out, &what);
            }
        }
    }
}

#[test]
fn batch_every_env_isa() {
    let mut rng = Rng(0x6e76_0005_dead_beef);
    let vd = hard_f64(&mut rng);
    let vs = hard_f32(&mut rng);
    let d: Vec<Vec<f64>> = vd.iter().map(|(_, v)| v.clone()).collect();
    let s: Vec<Vec<f32>> = vs.iter().map(|(_, v)| v.clone()).collect();
    let sd: Vec<_> = d.iter().map(|v| exact_sum(v)).collect();
    let ss: Vec<_> = s.iter().map(|v| exact_sum(&widen(v))).collect();
    batch_every_env(
        "f64",
        &d,
        0.0,
        &|j, m| round_sqrt_mode(&sd[j], D, m),
        &|r| r,
    );
    batch_every_env(
        "f32",
        &s,
        0.0,
        &|j, m| round_sqrt_mode(&ss[j], S, m),
        &f64::from,
    );
    let cd: Vec<Vec<[f64; 2]>> = d.iter().map(|v| pairs(v, 0.0)).collect();
    let cs: Vec<Vec<[f32; 2]>> = s.iter().map(|v| pairs(v, 0.0)).collect();
    batch_every_env(
        "c64",
        &cd,
        [0.0; 2],
        &|j, m| round_sqrt_mode(&sd[j], D, m),
        &|r| r,
    );
    batch_every_env(
        "c32",
        &cs,
        [0.0; 2],
        &|j, m| round_sqrt_mode(&ss[j], S, m),
        &f64::from,
    );
}

/// The Frobenius norm of each hard vector shaped as a matrix: one column (`lda = m`), and
/// two columns with a NaN-padded leading dimension.
#[test]
fn matrix_every_env_isa() {
    let mut rng = Rng(0x6e76_0006_dead_beef);
    for (name, xs) in hard_f64(&mut rng) {
        let sum = exact_sum(&xs);
        let mut v = xs.clone();
        if v.len() % 2 == 1 {
            v.push(0.0);
        }
        let m = v.len() / 2;
        let mut padded = v[..m].to_vec();
        padded.push(f64::NAN);
        padded.extend_from_slice(&v[m..]);
        let f: Vec<f32> = xs
            .iter()
            .map(|&x| {
                if (x as f32).is_finite() {
                    x as f32
                } else {
                    f32::MAX
                }
            })
            .collect();
        let fsum = exact_sum(&widen(&f));
        let mut fpad = f.clone();
        if fpad.len() % 2 == 1 {
            fpad.push(0.0);
        }
        let fm = fpad.len() / 2;
        fpad.insert(fm, f32::NAN);
        for e in &envs() {
            let want = round_sqrt_mode(&sum, D, e.mode);
            let wants = round_sqrt_mode(&fsum, S, e.mode);
            let what = || format!("matrix {name} {}", e.name);
            let got = run(e.raw, &what, || {
                safenorm::nrm2_matrix(&xs, xs.len(), 1, xs.len())
            });
            check(got.unwrap(), want, &what);
            let got = run(e.raw, &what, || safenorm::nrm2_matrix(&padded, m, 2, m + 1));
            check(got.unwrap(), want, &what);
            let got = run(e.raw, &what, || safenorm::nrm2_matrix(&fpad, fm, 2, fm + 1));
            check(f64::from(got.unwrap()), wants, &what);
            for isa in isas() {
                let what = || format!("{} isa={isa:?}", what());
                let got = run(e.raw, &what, || {
                    safenorm::nrm2_matrix_with_isa(&padded, m, 2, m + 1, isa)
                });
                check(got.unwrap().unwrap(), want, &what);
            }
        }
    }
}

/// The C matrix adapter with misaligned data (its own path: element-by-element reads),
/// binary32 with a subnormal norm, so that a conversion in the caller's environment (FTZ)
/// would show.
#[test]
fn matrix_c_misaligned_every_env() {
    use safenorm::ffi::batch::{safenorm_dnrm2_matrix, safenorm_snrm2_matrix};
    let vals = [
        f32::from_bits(3),
        f32::from_bits(4),
        f32::from_bits(1),
        f32::from_bits(2),
    ];
    let sum = exact_sum(&widen(&vals));
    let dvals = [
        f64::from_bits(3),
        f64::from_bits(4),
        f64::from_bits(1),
        f64::from_bits(2),
    ];
    let dsum = exact_sum(&dvals);
    // Bytes with the four values at an offset (1 or 2) where the element type is misaligned.
    let off =
        |base: *const u8, align: usize| 1 + usize::from((base as usize + 1).is_multiple_of(align));
    let mut fb = [0u8; 2 + 4 * 4];
    let fo = off(fb.as_ptr(), 4);
    for (i, v) in vals.iter().enumerate() {
        fb[fo + 4 * i..fo + 4 + 4 * i].copy_from_slice(&v.to_ne_bytes());
    }
    let mut db = [0u8; 2 + 8 * 4];
    let dof = off(db.as_ptr(), 8);
    for (i, v) in dvals.iter().enumerate() {
        db[dof + 8 * i..dof + 8 + 8 * i].copy_from_slice(&v.to_ne_bytes());
    }
    let fp = fb[fo..].as_ptr().cast::<f32>();
    let dp = db[dof..].as_ptr().cast::<f64>();
    assert!(!fp.is_aligned() && !dp.is_aligned());
    for e in &envs() {
        let what = || format!("C misaligned matrix {}", e.name);
        // SAFETY: 4 elements (2 x 2, lda 2) readable from the (misaligned) pointers.
        let got = run(e.raw, &what, || unsafe {
            safenorm_snrm2_matrix(2, 2, fp, 2)
        });
        check(f64::from(got), round_sqrt_mode(&sum, S, e.mode), &what);
        // SAFETY: as above.
        let got = run(e.raw, &what, || unsafe {
            safenorm_dnrm2_matrix(2, 2, dp, 2)
        });
        check(got, round_sqrt_mode(&dsum, D, e.mode), &what);
    }
}

/// Half-precision vectors (binary16 and bfloat16) through the normal API, the batch and the
/// state: near the top of the range (bfloat16: the norm overflows binary32), subnormal only
/// (bfloat16 subnormals give a subnormal binary32 norm), exact values.
#[test]
fn half_every_env() {
    use safenorm::{BF16, F16};
    let mut rng = Rng(0x6e76_0007_dead_beef);
    let h_sub: Vec<u16> = (0..31).map(|_| 1 + rng.below(0x3ff) as u16).collect();
    let bf_sub: Vec<u16> = (0..31)
        .map(|_| (1 + rng.below(0x7f) as u16) | (rng.below(2) as u16) << 15)
        .collect();
    let h_cases: Vec<(&str, Vec<u16>)> = vec![
        ("[3,4]", vec![0x4200, 0x4400]),
        ("[max x 7]", vec![0x7bff; 7]),
        ("subnormal", h_sub),
        ("[1,1]", vec![0x3c00, 0xbc00]),
    ];
    let bf_cases: Vec<(&str, Vec<u16>)> = vec![
        ("[3,4]", vec![0x4040, 0x4080]),
        ("[max,max]", vec![0x7f7f, 0xff7f]),
        ("subnormal", bf_sub),
        ("[2^-133 x 2]", vec![1, 1]),
        ("[1,1]", vec![0x3f80, 0xbf80]),
    ];
    let hval = |b: u16| f64::from(safenorm::f16_to_f32(b));
    let bval = |b: u16| f64::from(safenorm::bf16_to_f32(b));
    // The widening is exact integer work: check two values independently.
    assert_eq!(hval(0x7bff), 65504.0);
    assert_eq!(hval(1), 2f64.powi(-24));
    assert_eq!(bval(1), 2f64.powi(-133));
    fn one<H: safenorm::Element<Real = f32> + Copy>(
        tag: &str,
        name: &str,
        xs: &[H],
        sum: &num_bigint::BigUint,
    ) {
        let n = xs.len();
        let rev = strided(xs, -3, xs[0]);
        for e in &envs() {
            let want = round_sqrt_mode(sum, S, e.mode);
            let what = || format!("{tag} {name} {}", e.name);
            let v = Strided::contiguous(xs);
            check(f64::from(run(e.raw, &what, || nrm2_view(&v))), want, &what);
            let v = Strided::new(&rev, n, -3).unwrap();
            check(f64::from(run(e.raw, &what, || nrm2_view(&v))), want, &what);
            for isa in isas() {
                let what = || format!("{} isa={isa:?}", what());
                let got = run(e.raw, &what, || nrm2_with_isa(&v, isa).unwrap());
                check(f64::from(got), want, &what);
            }
            // A batch of two copies, read across (incx = 2, stridex = 1).
            let both: Vec<H> = xs.iter().flat_map(|&x| [x, x]).collect();
            let mut out = [0f32; 2];
            run(e.raw, &what, || {
                safenorm::nrm2_batch(&both, n, 2, 1, 2, &mut out, 1)
            })
            .unwrap();
            check(f64::from(out[0]), want, &what);
            check(f64::from(out[1]), want, &what);
            // The states.
            let st = run(e.raw, &what, || {
                let mut a = SumSq::new();
                a.add(xs);
                a
            });
            let ex = run(e.raw, &what, || {
                let mut a = ExactSumSq::new();
                a.add(xs);
                a
            });
            state_s(&st, &ex, e, want, &what);
        }
    }
    for (name, bits) in &h_cases {
        let sum = exact_sum(&bits.iter().map(|&b| hval(b)).collect::<Vec<_>>());
        let xs: Vec<F16> = bits.iter().map(|&b| F16(b)).collect();
        one("f16", name, &xs, &sum);
    }
    for (name, bits) in &bf_cases {
        let sum = exact_sum(&bits.iter().map(|&b| bval(b)).collect::<Vec<_>>());
        let xs: Vec<BF16> = bits.iter().map(|&b| BF16(b)).collect();
        one("bf16", name, &xs, &sum);
    }
}

/// `normalize`: the returned norm is the oracle rounded in the caller's mode; the quotients
/// are rounded to nearest in every mode, so they are bitwise those of the default
/// environment (and finite, non-NaN for finite nonzero input).
#[test]
fn normalize_every_env() {
    let mut rng = Rng(0x6e76_0008_dead_beef);
    fn one<T: safenorm::Rewritable + Copy + PartialEq + std::fmt::Debug>(
        tag: &str,
        xs: &[T],
        sum: &num_bigint::BigUint,
        fmt: Fmt,
        wide: &dyn Fn(T::Real) -> f64,
        bits: &dyn Fn(&[T]) -> Vec<u64>,
    ) where
        T::Real: Copy,
    {
        // The reference quotients: the test's own (default) environment.
        let mut reference = xs.to_vec();
        let r = safenorm::normalize(&mut reference);
        check(wide(r), round_sqrt_mode(sum, fmt, Mode::Nearest), &|| {
            format!("normalize {tag} default env")
        });
        for e in &envs() {
            let what = || format!("normalize {tag} {}", e.name);
            let mut y = xs.to_vec();
            let r = run(e.raw, &what, || safenorm::normalize(&mut y));
            check(wide(r), round_sqrt_mode(sum, fmt, e.mode), &what);
            assert_eq!(bits(&y), bits(&reference), "{}: quotients", what());
            // Strided (negative increment) and a batch of two.
            let n = xs.len();
            let mut buf = strided(xs, -2, xs[0]);
            let r = run(e.raw, &what, || {
                safenorm::normalize_strided(&mut buf, n, -2).unwrap()
            });
            check(wide(r), round_sqrt_mode(sum, fmt, e.mode), &what);
            let got: Vec<T> = (0..n).map(|i| buf[(n - 1 - i) * 2]).collect();
            assert_eq!(
                bits(&got),
                bits(&reference),
                "{}: strided quotients",
                what()
            );
            let mut two: Vec<T> = xs.iter().chain(xs.iter()).copied().collect();
            let mut norms = vec![r; 2];
            run(e.raw, &what, || {
                safenorm::normalize_batch(&mut two, n, 1, n, 2, Some(&mut norms))
            })
            .unwrap();
            for r in norms {
                check(wide(r), round_sqrt_mode(sum, fmt, e.mode), &what);
            }
            assert_eq!(bits(&two[..n]), bits(&reference), "{}: batch", what());
            assert_eq!(bits(&two[n..]), bits(&reference), "{}: batch", what());
        }
    }
    let b64 = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    let b32 = |v: &[f32]| v.iter().map(|x| u64::from(x.to_bits())).collect::<Vec<_>>();
    let bc64 = |v: &[[f64; 2]]| v.iter().flatten().map(|x| x.to_bits()).collect::<Vec<_>>();
    let bc32 = |v: &[[f32; 2]]| {
        v.iter()
            .flatten()
            .map(|x| u64::from(x.to_bits()))
            .collect::<Vec<_>>()
    };
    for (name, xs) in hard_f64(&mut rng) {
        let sum = exact_sum(&xs);
        one(&format!("f64 {name}"), &xs, &sum, D, &|r| r, &b64);
        let c = pairs(&xs, 0.0);
        one(&format!("c64 {name}"), &c, &sum, D, &|r| r, &bc64);
    }
    for (name, xs) in hard_f32(&mut rng) {
        let sum = exact_sum(&widen(&xs));
        one(&format!("f32 {name}"), &xs, &sum, S, &f64::from, &b32);
        let c = pairs(&xs, 0.0);
        one(&format!("c32 {name}"), &c, &sum, S, &f64::from, &bc32);
    }
    // [3, 4]: the quotients are exactly 0.6 and 0.8 rounded to nearest, in every mode.
    for e in &envs() {
        let mut y = [3.0, 4.0];
        let r = run(e.raw, &|| e.name.clone(), || safenorm::normalize(&mut y));
        assert_eq!(r, 5.0);
        assert_eq!(y, [0.6, 0.8], "{}", e.name);
    }
}

/// `?lassq`: the pair is rounded to nearest in every mode and FTZ/DAZ do not change it, so it
/// is bitwise the pair of the default environment, for a fresh call and for a continued
/// chain; with subnormal data and a subnormal binary32 `scale` (which DAZ would flush).
#[test]
fn lassq_every_env() {
    let mut rng = Rng(0x6e76_0009_dead_beef);
    fn chain<T: safenorm::Element + Copy>(
        tag: &str,
        xs: &[T],
        pair: (T::Real, T::Real),
        bits: &dyn Fn(T::Real) -> u64,
    ) where
        T::Real: Into<f64> + Copy,
    {
        let call = |p: (T::Real, T::Real)| {
            let v = Strided::contiguous(xs);
            safenorm::lassq(&v, p.0, p.1)
        };
        // Reference: the default environment, a fresh call then one continuing it.
        safenorm::lassq_forget();
        let r1 = call(pair);
        let r2 = call(r1);
        let key = |p: (T::Real, T::Real)| (bits(p.0), bits(p.1));
        for e in &envs() {
            let what = || format!("lassq {tag} {}", e.name);
            safenorm::lassq_forget();
            let g1 = run(e.raw, &what, || call(pair));
            assert_eq!(key(g1), key(r1), "{}: first pair", what());
            let g2 = run(e.raw, &what, || call(g1));
            assert_eq!(key(g2), key(r2), "{}: continued pair", what());
        }
    }
    let b64 = |v: f64| v.to_bits();
    let b32 = |v: f32| u64::from(v.to_bits());
    // An independent check of the default environment: [3, 4] from (0, 1) is 25.
    let (s, q) = safenorm::lassq(&Strided::contiguous(&[3.0f64, 4.0]), 0.0, 1.0);
    assert_eq!(s * s * q, 25.0);
    for (name, xs) in hard_f64(&mut rng) {
        for pair in [
            (0.0, 1.0),
            (1.0, 0.0),
            (f64::from_bits(7), 3.0),
            (2f64.powi(-1060), 1.5),
        ] {
            chain(&format!("f64 {name} {pair:?}"), &xs, pair, &b64);
            let c = pairs(&xs, 0.0);
            chain(&format!("c64 {name} {pair:?}"), &c, pair, &b64);
        }
    }
    for (name, xs) in hard_f32(&mut rng) {
        for pair in [
            (0.0, 1.0),
            (f32::from_bits(0x10), 1.0),
            (f32::from_bits(0x7f_0000), 3.5),
            (1.0, 0.0),
        ] {
            chain(&format!("f32 {name} {pair:?}"), &xs, pair, &b32);
            let c = pairs(&xs, 0.0);
            chain(&format!("c32 {name} {pair:?}"), &c, pair, &b32);
        }
    }
    // Data absent: the pair alone, a subnormal binary32 scale (DAZ would read it as 0).
    for e in &envs() {
        let what = || format!("lassq empty {}", e.name);
        safenorm::lassq_forget();
        let v = Strided::contiguous(&[] as &[f32]);
        let want = safenorm::lassq(&v, f32::from_bits(0x10), 1.0);
        assert!(want.0 != 0.0 && want.1 != 0.0, "{want:?}");
        let got = run(e.raw, &what, || {
            safenorm::lassq(&v, f32::from_bits(0x10), 1.0)
        });
        assert_eq!(
            (got.0.to_bits(), got.1.to_bits()),
            (want.0.to_bits(), want.1.to_bits()),
            "{}",
            what()
        );
    }
}

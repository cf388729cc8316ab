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
        let views = [
            (1isize, Strided::new(xs, n, 1).unwrap()),
            (-2, Strided::new(&buf_m2, n, -2).unwrap()),
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
        let views = [
            (1isize, Strided::new(xs, n, 1).unwrap()),
            (2, Strided::new(&buf_2, n, 2).unwrap()),
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
        for e in &envs {
            let want = round_sqrt_mode(&sum, D, e.mode);
            let want_s = oracle_mode(&wide, S, e.mode);
            for isa in isas() {
                let what = || format!("dznrm2 {name} n={n} {} isa={isa:?}", e.name);
                check(
                    run(e.raw, &what, || nrm2_with_isa(&vd, isa).unwrap()),
                    want,
                    &what,
                );
                let what = || format!("scnrm2 {name} n={n} {} isa={isa:?}", e.name);
                let got = run(e.raw, &what, || nrm2_with_isa(&vs, isa).unwrap());
                check(f64::from(got), want_s, &what);
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

//! The express path of short contiguous vectors (`kernel::express64`, `kernel::express32`,
//! `fenv.rs` "The express path"): on every ISA, its results are the exact oracle's; it
//! takes the typical vector (so it is the path these tests exercise) and refuses what lies
//! outside its clean range; and it leaves the caller's environment exactly as it was, both
//! when the caller's inexact flag is already raised (the restore is skipped: any other flag
//! raised by the path would show) and when it is clear.
mod common;

use common::*;
use safenorm::__fenv as fe;
use safenorm::{nrm2_express_with_isa, nrm2_view, Strided};

/// Inexact flag of the raw word (x86_64 MXCSR PE; aarch64 FPSR IXC).
#[cfg(target_arch = "x86_64")]
const INEXACT: u64 = 0x20;
#[cfg(target_arch = "aarch64")]
const INEXACT: u64 = 0x10;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const INEXACT: u64 = 0;

/// Runs `f` with the raw environment `w` and returns its result and the environment after.
fn under<R>(w: u64, f: impl FnOnce() -> R) -> (R, u64) {
    let saved = fe::raw();
    // SAFETY: only the library call runs in this environment; the test's own is restored
    // right after it.
    unsafe { fe::set_raw(w) };
    let r = f();
    let after = fe::raw();
    // SAFETY: restores the word read above.
    unsafe { fe::set_raw(saved) };
    (r, after)
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

/// Random binary64 vectors of every express length: clean-range magnitudes (log-uniform
/// over the whole range, or clustered), zeros, the two ends of the range, and ties.
fn clean64(rng: &mut Rng) -> Vec<Vec<f64>> {
    let mut out = Vec::new();
    for n in 1..=32usize {
        for _ in 0..6 {
            out.push((0..n).map(|_| rng.with_exp(-300, 300)).collect());
            let e = rng.below(500) as i32 - 250;
            out.push((0..n).map(|_| rng.with_exp(e, e + 3)).collect());
            out.push((0..n).map(|_| rng.normal()).collect());
        }
        let mut v: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        if n > 2 {
            v[0] = 0.0;
            v[n - 1] = -0.0;
            v[1] = if n % 2 == 0 {
                2f64.powi(-300)
            } else {
                2f64.powi(300)
            };
        }
        out.push(v);
        out.push(vec![2f64.powi(299) * 1.999; n]);
        out.push(vec![2f64.powi(-300); n]);
    }
    // Ties: 25 copies of the value scaled into the range (sqrt = 5 v exactly half
    // way between two doubles), and 4 copies of odd values (sqrt = 2 v exact).
    out.push(vec![
        f64::from_bits(0x00a1e0faca74effa) * 2f64.powi(1000);
        25
    ]);
    out.push(vec![1.0 + f64::EPSILON; 4]);
    out.push(vec![3.0, 4.0]);
    out
}

fn outside64() -> Vec<Vec<f64>> {
    vec![
        vec![1.0, 2f64.powi(-301)],
        vec![1.0, 2f64.powi(-580)],
        vec![2f64.powi(-580), 2f64.powi(-540)],
        vec![1.0, 2f64.powi(301)],
        vec![1.0, f64::MIN_POSITIVE / 4.0],
        vec![f64::from_bits(1)],
        vec![1.0, f64::NAN],
        vec![f64::INFINITY, 1.0],
        vec![f64::MAX],
        vec![f64::from_bits(0x00a1e0faca74effa); 25],
    ]
}

#[test]
fn binary64_every_isa_matches_oracle() {
    let mut rng = Rng(0x0e49_0001_5eed_0001);
    let vs = clean64(&mut rng);
    for isa in isas() {
        let mut taken = 0usize;
        for x in &vs {
            let want = oracle(x, D);
            let got = nrm2_express_with_isa(x, isa).expect("isa available");
            if let Some(r) = got {
                taken += 1;
                assert!(same(r, want), "{isa:?} {x:?}: {r:e} != {want:e}");
            }
            // Complex view of the same components (even lengths).
            if x.len() % 2 == 0 {
                let c: Vec<[f64; 2]> = x.chunks(2).map(|p| [p[0], p[1]]).collect();
                if let Some(r) = nrm2_express_with_isa(&c, isa).unwrap() {
                    assert!(same(r, want), "{isa:?} complex {x:?}: {r:e} != {want:e}");
                }
            }
        }
        // The path must be the one these vectors take (ties excepted).
        assert!(
            taken * 100 >= vs.len() * 95,
            "{isa:?}: express took {taken} of {}",
            vs.len()
        );
        for x in outside64() {
            assert_eq!(nrm2_express_with_isa(&x, isa), Some(None), "{isa:?} {x:?}");
        }
        let long = vec![1.0f64; 33];
        assert_eq!(
            nrm2_express_with_isa(&long, isa),
            Some(None),
            "{isa:?} n=33"
        );
    }
}

#[test]
fn binary32_every_isa_matches_oracle() {
    let mut rng = Rng(0x0e49_0002_5eed_0002);
    let mut vs: Vec<Vec<f32>> = Vec::new();
    for n in 1..=32usize {
        for _ in 0..8 {
            vs.push((0..n).map(|_| rng.with_exp(-99, 95) as f32).collect());
            vs.push((0..n).map(|_| rng.normal() as f32).collect());
        }
        vs.push(vec![2f32.powi(-99); n]);
        vs.push(vec![2f32.powi(94) * 1.99; n]);
    }
    vs.push(vec![3.0, 4.0]);
    for isa in isas() {
        let mut taken = 0usize;
        for x in &vs {
            let w: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
            let want = oracle(&w, S) as f32;
            if let Some(r) = nrm2_express_with_isa(x, isa).unwrap() {
                taken += 1;
                assert_eq!(
                    r.to_bits(),
                    want.to_bits(),
                    "{isa:?} {x:?}: {r:e} != {want:e}"
                );
            }
        }
        assert!(
            taken * 100 >= vs.len() * 95,
            "{isa:?}: express took {taken} of {}",
            vs.len()
        );
        for x in [
            vec![1.0f32, 2f32.powi(-100)],
            vec![1.0, 2f32.powi(96)],
            vec![1.0, f32::from_bits(3)],
            vec![f32::NAN],
            vec![f32::INFINITY],
            vec![f32::MAX, 1.0],
        ] {
            assert_eq!(nrm2_express_with_isa(&x, isa), Some(None), "{isa:?} {x:?}");
        }
    }
}

/// The environment after an express call, for both states of the caller's inexact flag:
/// unchanged.  With the flag raised the path skips the restore, so an underflow,
/// denormal-operand or overflow flag raised anywhere on it would show here.
#[test]
fn express_leaves_the_environment_as_it_was() {
    let base = fe::compose(false, false, 0, false);
    let mut rng = Rng(0x0e49_0003_5eed_0003);
    let vs = clean64(&mut rng);
    for w in [base, base | INEXACT] {
        for x in &vs {
            let want = oracle(x, D);
            for isa in isas() {
                let (r, after) = under(w, || nrm2_express_with_isa(x, isa).unwrap());
                assert_eq!(after, w, "{isa:?} {x:?}: {w:#x} -> {after:#x}");
                if let Some(r) = r {
                    assert!(same(r, want), "{isa:?} {x:?}");
                }
            }
            let (r, after) = under(w, || nrm2_view(&Strided::contiguous(x)));
            assert_eq!(after, w, "dispatched {x:?}: {w:#x} -> {after:#x}");
            assert!(same(r, want), "dispatched {x:?}: {r:e} != {want:e}");
            let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
            let wf: Vec<f64> = xf.iter().map(|&v| f64::from(v)).collect();
            let (r, after) = under(w, || nrm2_view(&Strided::contiguous(&xf)));
            assert_eq!(after, w, "dispatched f32 {xf:?}: {w:#x} -> {after:#x}");
            assert_eq!(r.to_bits(), (oracle(&wf, S) as f32).to_bits(), "f32 {xf:?}");
        }
        for x in outside64() {
            let (_, after) = under(w, || nrm2_view(&Strided::contiguous(&x)));
            assert_eq!(after, w, "outside {x:?}: {w:#x} -> {after:#x}");
        }
    }
}

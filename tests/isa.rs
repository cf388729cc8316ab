//! Every ISA path this CPU can run, tested directly (not only through the dispatcher): bitwise
//! against the portable path and against the independent oracle of `tests/common`, on every
//! length 0..300, every start offset 0..64 bytes of a 64-byte aligned buffer (SIMD paths; the
//! portable path, which has no alignment-dependent code, at offsets 0 and 1 element), the
//! strides {-5, -3, -2, -1, 0, 1, 2, 3, 5, 17} with a NaN in every stride gap, the hard
//! value families, and NaN/Inf at every position class (first, middle, tail); strides with
//! no kernel of their own (`|incx| >= 3`, gathered) also at lengths in the thousands
//! (across the one-block cap and the chunks per kernel call), at `|incx| = 1000`, and
//! through the states (`SumSq::add_view_with_isa`).  Also checks that
//! `SAFENORM_ISA` forces the dispatched path (by re-running this binary with it set).
mod common;

use common::*;
use safenorm::{nrm2_with_isa, Element, ExactSumSq, Isa, Rounded, Strided, SumSq};

const STRIDES: [isize; 10] = [-5, -3, -2, -1, 0, 1, 2, 3, 5, 17];

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// The vector `elems` laid out with stride `inc` (NaN-like `rogue` in the gaps), starting
/// `off` elements after a 64-byte boundary.  Returns the buffer and the start index.
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
            // incx < 0: element i of the logical vector sits at (n-1-i)*|incx|.
            let pos = if inc < 0 { (n - 1 - i) * s } else { i * s };
            buf[start + pos] = e;
        }
    }
    (buf, start)
}

/// Checks one logical vector on every ISA, stride and offset.  `want(inc)` is the oracle
/// (it differs only for `inc == 0`, where `x[0]` counts `n` times).
fn check<T: Element>(
    elems: &[T],
    rogue: T,
    offsets: &[usize],
    want: &dyn Fn(isize) -> f64,
    what: &str,
) where
    T::Real: Into<f64>,
{
    check_strides(elems, rogue, offsets, want, what, &STRIDES)
}

/// [`check`] at the given strides.
fn check_strides<T: Element>(
    elems: &[T],
    rogue: T,
    offsets: &[usize],
    want: &dyn Fn(isize) -> f64,
    what: &str,
    strides: &[isize],
) where
    T::Real: Into<f64>,
{
    let n = elems.len();
    for &inc in strides {
        let w = want(inc);
        let (buf, start) = layout(elems, inc, rogue, 0);
        let v = Strided::new(&buf[start..], n, inc).expect("view fits");
        let scalar: f64 = nrm2_with_isa(&v, Isa::Scalar).expect("scalar").into();
        assert!(
            same(scalar, w),
            "{what} n={n} inc={inc} scalar: got {scalar:e} ({:#x}), want {w:e} ({:#x})",
            scalar.to_bits(),
            w.to_bits()
        );
        for isa in isas() {
            let offs: &[usize] = if isa == Isa::Scalar { &[0, 1] } else { offsets };
            for &off in offs {
                let (buf, start) = layout(elems, inc, rogue, off);
                let v = Strided::new(&buf[start..], n, inc).expect("view fits");
                let got: f64 = nrm2_with_isa(&v, isa).expect("available").into();
                assert!(
                    same(got, scalar) && same(got, w),
                    "{what} n={n} inc={inc} off={off} isa={isa:?}: got {got:e} ({:#x}), \
                     scalar {scalar:e}, oracle {w:e} ({:#x})",
                    got.to_bits(),
                    w.to_bits()
                );
            }
        }
    }
}

/// Start offsets 0..64 bytes in steps of one element of `size` bytes.
fn offsets(size: usize) -> Vec<usize> {
    (0..64 / size).collect()
}

/// Test data of length `n`: a different character for each length (plain normal values,
/// huge dynamic range, values straddling the scale classes, near overflow, near underflow).
fn data(rng: &mut Rng, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| match n % 5 {
            0 => rng.normal(),
            1 => rng.log_uniform(),
            2 => match i % 3 {
                0 => rng.with_exp(290, 310),
                1 => rng.normal(),
                _ => rng.with_exp(-320, -280),
            },
            3 => rng.with_exp(1000, 1024),
            _ => rng.with_exp(-1074, -1000),
        })
        .collect()
}

fn data_f32(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n)
        .map(|_| match n % 3 {
            0 => rng.normal() as f32,
            1 => rng.with_exp(-149, 127) as f32,
            _ => rng.with_exp(100, 128) as f32,
        })
        .collect()
}

fn want_d(xs: &[f64]) -> impl Fn(isize) -> f64 + '_ {
    let full = oracle(xs, D);
    move |inc| {
        if inc == 0 && !xs.is_empty() {
            oracle_repeated(&xs[..1], xs.len() as u64, D)
        } else {
            full
        }
    }
}

fn want_s(xs: &[f32]) -> impl Fn(isize) -> f64 + '_ {
    let wide: Vec<f64> = xs.iter().map(|&v| f64::from(v)).collect();
    let full = oracle(&wide, S);
    move |inc| {
        if inc == 0 && !xs.is_empty() {
            oracle_repeated(&[f64::from(xs[0])], xs.len() as u64, S)
        } else {
            full
        }
    }
}

/// Complex oracle: the components of `cx` in order; `inc == 0` repeats the first element.
fn want_c(cx: &[[f64; 2]], fmt: Fmt) -> impl Fn(isize) -> f64 + '_ {
    let flat: Vec<f64> = cx.iter().flatten().copied().collect();
    let full = oracle(&flat, fmt);
    move |inc| {
        if inc == 0 && !cx.is_empty() {
            oracle_repeated(&cx[0], cx.len() as u64, fmt)
        } else {
            full
        }
    }
}

#[test]
fn dnrm2_every_length_offset_stride() {
    let mut rng = Rng(0x7e57_0001);
    let offs = offsets(8);
    for n in 0..300 {
        let xs = data(&mut rng, n);
        check(&xs, f64::NAN, &offs, &want_d(&xs), "lengths");
    }
}

#[test]
fn dznrm2_every_length_offset_stride() {
    let mut rng = Rng(0x7e57_0002);
    let offs = offsets(8);
    for n in 0..300 {
        let xs = data(&mut rng, 2 * n);
        let cx: Vec<[f64; 2]> = xs.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        check(&cx, [f64::NAN; 2], &offs, &want_c(&cx, D), "lengths");
    }
}

#[test]
fn snrm2_every_length_offset_stride() {
    let mut rng = Rng(0x7e57_0003);
    let offs = offsets(4);
    for n in 0..300 {
        let xs = data_f32(&mut rng, n);
        check(&xs, f32::NAN, &offs, &want_s(&xs), "lengths");
    }
}

#[test]
fn scnrm2_every_length_offset_stride() {
    let mut rng = Rng(0x7e57_0004);
    let offs = offsets(4);
    for n in 0..300 {
        let xs = data_f32(&mut rng, 2 * n);
        let cx: Vec<[f32; 2]> = xs.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        let wide: Vec<[f64; 2]> = cx
            .iter()
            .map(|c| [f64::from(c[0]), f64::from(c[1])])
            .collect();
        check(&cx, [f32::NAN; 2], &offs, &want_c(&wide, S), "lengths");
    }
}

#[test]
fn hard_families_every_isa_and_stride() {
    let offs = [0usize, 1, 3];
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for (name, xs) in families(&mut rng) {
        check(&xs, f64::NAN, &offs, &want_d(&xs), name);
        let mut ys = xs.clone();
        if ys.len() % 2 == 1 {
            ys.push(0.5);
        }
        let cx: Vec<[f64; 2]> = ys.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        check(&cx, [f64::NAN; 2], &offs, &want_c(&cx, D), name);
    }
    let mut rng = Rng(0x3234_5678_9abc_def1);
    for (name, xs) in families_f32(&mut rng) {
        check(&xs, f32::NAN, &offs, &want_s(&xs), name);
        let mut ys = xs.clone();
        if ys.len() % 2 == 1 {
            ys.push(0.25);
        }
        let cx: Vec<[f32; 2]> = ys.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
        let wide: Vec<[f64; 2]> = cx
            .iter()
            .map(|c| [f64::from(c[0]), f64::from(c[1])])
            .collect();
        check(&cx, [f32::NAN; 2], &offs, &want_c(&wide, S), name);
    }
}

#[test]
fn nan_and_inf_at_every_position_class() {
    let mut rng = Rng(0x7e57_0005);
    let offs = [0usize, 5];
    for n in [
        1usize, 2, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 255, 300, 4100, 9000,
    ] {
        for pos in [0, n / 2, n - 1] {
            for (bad, extra, want) in [
                (f64::NAN, None, f64::NAN),
                (f64::INFINITY, None, f64::INFINITY),
                (f64::NEG_INFINITY, None, f64::INFINITY),
                (f64::INFINITY, Some(f64::NAN), f64::NAN),
            ] {
                let mut xs: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
                xs[pos] = bad;
                if let Some(e) = extra {
                    xs[(pos + n / 3) % n] = e;
                    if (pos + n / 3) % n == pos {
                        xs[pos] = e;
                    }
                }
                let w = |inc: isize| {
                    if inc == 0 {
                        oracle_repeated(&xs[..1], n as u64, D)
                    } else {
                        want
                    }
                };
                check(&xs, 1.0, &offs, &w, "special");
                let xf: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
                let wf = |inc: isize| {
                    if inc == 0 {
                        oracle_repeated(&[f64::from(xf[0])], n as u64, S)
                    } else {
                        want
                    }
                };
                check(&xf, 1.0, &offs, &wf, "special f32");
            }
        }
    }
}

#[test]
fn scale_changes_between_blocks() {
    // Long vectors whose magnitude jumps between (and inside) blocks: every prediction of the
    // block offset is wrong at some point and must be caught by the verification.
    let mut rng = Rng(0x7e57_0006);
    for (lo, hi) in [(-5, 5), (-600, 600), (-1074, 1023), (-40, 300), (250, 1023)] {
        for n in [5000usize, 20_000] {
            let mut xs = vec![0.0; n];
            let mut e = lo;
            for (i, x) in xs.iter_mut().enumerate() {
                if i % 1500 == 0 {
                    e = lo + rng.below((hi - lo) as u64) as i32;
                }
                *x = rng.with_exp(e, e + 1);
                if i % 7777 == 7 {
                    *x = 0.0;
                }
            }
            check(&xs, f64::NAN, &[0, 1], &want_d(&xs), "jumps");
        }
    }
    // Decaying data: each block much smaller than the previous one.
    let xs: Vec<f64> = (0..40_000)
        .map(|i| ldexp(1.0 + rng.unit(), -(i as i64 / 700) * 19))
        .collect();
    check(&xs, f64::NAN, &[0], &want_d(&xs), "decay");
    // Zero blocks between non-zero ones.
    let xs: Vec<f64> = (0..30_000)
        .map(|i| {
            if (i / 3000) % 2 == 0 {
                0.0
            } else {
                rng.normal()
            }
        })
        .collect();
    check(&xs, f64::NAN, &[0], &want_d(&xs), "zero blocks");
}

#[test]
fn isa_names_round_trip() {
    let names: Vec<&str> = isas().iter().map(|i| i.name()).collect();
    println!("ISA paths available and tested here: {names:?}");
    for &isa in Isa::ALL {
        assert_eq!(Isa::from_name(isa.name()), Some(isa));
    }
    assert_eq!(Isa::from_name(" avx2 "), Some(Isa::Avx2));
    assert_eq!(Isa::from_name("sse9"), None);
    assert!(Isa::Scalar.is_available());
    assert_eq!(Isa::ALL.first(), Some(&Isa::Scalar));
    assert!(Isa::best().is_available());
}

/// Runs in a child process started by `safenorm_isa_forces_the_path`.
#[test]
fn isa_env_child() {
    let Ok(expect) = std::env::var("SAFENORM_TEST_EXPECT_ISA") else {
        return;
    };
    assert_eq!(safenorm::active_isa().name(), expect);
    assert_eq!(
        safenorm::norm(&[3.0f64, 4.0]),
        5.0,
        "the forced path computes"
    );
}

#[test]
fn safenorm_isa_forces_the_path() {
    let exe = std::env::current_exe().expect("test binary");
    let mut cases: Vec<(String, String)> = isas()
        .iter()
        .map(|i| (i.name().to_string(), i.name().to_string()))
        .collect();
    // Unknown or unavailable names fall back to the best available path.
    cases.push(("no-such-isa".into(), Isa::best().name().into()));
    for &i in Isa::ALL.iter().filter(|i| !i.is_available()) {
        cases.push((i.name().into(), Isa::best().name().into()));
    }
    // Under an emulator (cross-compiled CI) the binary must be started through it:
    // SAFENORM_TEST_RUNNER holds the command line prefix, e.g. "qemu-aarch64 -L /usr/...".
    let runner = std::env::var("SAFENORM_TEST_RUNNER").unwrap_or_default();
    let mut prefix: Vec<String> = runner.split_whitespace().map(String::from).collect();
    prefix.push(exe.to_string_lossy().into_owned());
    for (set, expect) in cases {
        let out = std::process::Command::new(&prefix[0])
            .args(&prefix[1..])
            .args(["--exact", "isa_env_child", "--test-threads=1"])
            .env("SAFENORM_ISA", &set)
            .env("SAFENORM_TEST_EXPECT_ISA", &expect)
            .output()
            .expect("child runs");
        assert!(
            out.status.success(),
            "SAFENORM_ISA={set}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("1 passed"), "child did not run: {stdout}");
    }
}

#[test]
fn native_binary32_lanes() {
    // Contiguous binary32 vectors long enough for the native binary32 lanes of AVX-512
    // (4096 ..= 2^18 components) and AVX2 (1024 ..= 2^18), sub-blocks of 64 steps per lane,
    // offset from the first 128 components: accepted blocks, rejected ones (a later value much larger than the first
    // chunk's), offsets outside the binary32 range of the path, subnormal data and squares
    // whose remainders underflow, exact sums, and NaN/Inf late in the vector.
    let mut rng = Rng(0x7e57_0032);
    let lens = [
        1024usize, 1025, 2047, 4096, 4097, 4223, 8192, 8193, 16_449, 65_536, 70_001, 262_144,
    ];
    for (k, &n) in lens.iter().enumerate() {
        let kinds: &[u32] = if n > 70_001 {
            &[0, 3]
        } else {
            &[0, 1, 2, 3, 4, 5, 6, 7]
        };
        for &kind in kinds {
            let xs: Vec<f32> = (0..n)
                .map(|i| match kind {
                    0 => rng.normal() as f32,
                    // A later value far above the first chunk: the sub-block is rejected.
                    1 if i == n / 2 + k => 3.0e4,
                    1 => rng.normal() as f32,
                    // The first chunk small, the rest larger: rejected by every sub-block.
                    2 if i < 128 => rng.normal() as f32 * 1e-3,
                    2 => rng.normal() as f32,
                    // Exact sum of squares (a perfect square for n = 4096, 65536, 2^18).
                    3 => 1.0,
                    // Tiny values with a normal first chunk: remainders underflow.
                    4 if i < 128 => rng.with_exp(-40, -30) as f32,
                    4 => rng.with_exp(-149, -30) as f32,
                    // Offsets outside the path's range (large and tiny data).
                    5 => rng.with_exp(55, 64) as f32,
                    6 => rng.with_exp(-149, -120) as f32,
                    // Wide dynamic range inside the accepted range.
                    _ => rng.with_exp(-60, 20) as f32,
                })
                .collect();
            check(&xs, f32::NAN, &[0, 1], &want_s(&xs), "native32");
        }
        if n <= 8193 {
            for special in [f32::NAN, f32::INFINITY] {
                let mut xs: Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
                xs[n - 3] = special;
                check(&xs, f32::NAN, &[0], &want_s(&xs), "native32 special");
            }
        }
    }
}

/// Checks all four element types built from `xs` (binary64 values; binary32 by rounding,
/// complex by pairing) at the given strides and offsets.
fn check_all_types(xs: &[f64], offs: &[usize], strides: &[isize], what: &str) {
    check_strides(xs, f64::NAN, offs, &want_d(xs), what, strides);
    let xf: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
    check_strides(&xf, f32::NAN, offs, &want_s(&xf), what, strides);
    let mut ys = xs.to_vec();
    if ys.len() % 2 == 1 {
        ys.push(0.5);
    }
    let cx: Vec<[f64; 2]> = ys.chunks_exact(2).map(|c| [c[0], c[1]]).collect();
    check_strides(&cx, [f64::NAN; 2], offs, &want_c(&cx, D), what, strides);
    let cs: Vec<[f32; 2]> = cx.iter().map(|c| [c[0] as f32, c[1] as f32]).collect();
    let wide: Vec<[f64; 2]> = cs
        .iter()
        .map(|c| [f64::from(c[0]), f64::from(c[1])])
        .collect();
    check_strides(&cs, [f32::NAN; 2], offs, &want_c(&wide, S), what, strides);
}

/// Strides with no kernel of their own at lengths in the thousands: across the one-block
/// cap of each ISA (the general path then runs, several kernel calls of whole chunks plus a
/// partial one), every data character of `data` (plain, huge range, mixed classes, near
/// overflow, near underflow), NaN and Inf among them.
#[test]
fn general_strides_long() {
    let mut rng = Rng(0x7e57_0007);
    let strides = [3isize, -5, 17];
    for n in [1000usize, 4096, 4097, 8203, 9001, 20_004] {
        let xs = data(&mut rng, n);
        check_all_types(&xs, &[0, 1], &strides, "long");
    }
    for n in [4100usize, 9000] {
        for pos in [0, n / 2, n - 1] {
            for bad in [f64::NAN, f64::INFINITY] {
                let mut xs: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
                xs[pos] = bad;
                check_all_types(&xs, &[0], &strides, "long special");
            }
        }
    }
}

/// `|incx| = 1000` (every element on a page of its own, for binary32 too) at short lengths.
#[test]
fn general_strides_huge() {
    let mut rng = Rng(0x7e57_0008);
    for n in [
        0usize, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70, 129,
    ] {
        let xs = data(&mut rng, n);
        check_all_types(&xs, &[0, 1], &[1000, -1000], "huge stride");
    }
}

/// General strides added to states through every ISA (the one-block sums of the short path
/// and the block kernels, merged with a contiguous piece), against the oracle: a `Correct`
/// state result must be the correctly rounded norm, a `NeedExact` one sends the test to the
/// exact state.
#[test]
fn general_strides_through_states() {
    let mut rng = Rng(0x7e57_0009);
    for n in [5usize, 64, 65, 300, 4099, 9001] {
        let xs = data(&mut rng, n);
        let xf: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
        for inc in [3isize, -5, 17] {
            let buf = common::layout(&xs, inc, f64::NAN);
            let v = Strided::new(&buf, n, inc).unwrap();
            let buf_f = common::layout(&xf, inc, f32::NAN);
            let vf = Strided::new(&buf_f, n, inc).unwrap();
            let head = [0.75f64, -3.0];
            let mut all = head.to_vec();
            all.extend_from_slice(&xs);
            let want = oracle(&all, D);
            let mut all_f: Vec<f64> = head.to_vec();
            all_f.extend(xf.iter().map(|&v| f64::from(v)));
            let want_f = oracle(&all_f, S);
            for isa in isas() {
                let mut st = SumSq::new();
                st.add(&head);
                assert!(st.add_view_with_isa(&v, isa));
                let mut ex = ExactSumSq::new();
                ex.add(&head);
                ex.add_view(&v);
                let got = match st.result_f64() {
                    Rounded::Correct(g) => g,
                    Rounded::NeedExact(_) => ex.result_f64(),
                };
                assert!(
                    same(got, want) && same(ex.result_f64(), want),
                    "state n={n} inc={inc} isa={isa:?}: got {got:e}, want {want:e}"
                );
                let mut st = SumSq::new();
                st.add(&head);
                assert!(st.add_view_with_isa(&vf, isa));
                let mut ex = ExactSumSq::new();
                ex.add(&head);
                ex.add_view(&vf);
                let got = match st.result_f32() {
                    Rounded::Correct(g) => f64::from(g),
                    Rounded::NeedExact(_) => f64::from(ex.result_f32()),
                };
                assert!(
                    same(got, want_f),
                    "state f32 n={n} inc={inc} isa={isa:?}: got {got:e}, want {want_f:e}"
                );
            }
        }
    }
}

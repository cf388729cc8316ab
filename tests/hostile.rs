//! Hostile input to every exported C entry point, each with its documented answer (the table in
//! `SECURITY.md`).  Every answer is checked against the independent oracle of `tests/common`
//! or a value known independently (a power of two, `SQRT_2`, an integer conversion).
//!
//! Under Miri (`.ci/miri.sh`) the same tests run with fewer lengths, offsets and strides; Miri
//! then also proves that the refused calls read nothing and do no out-of-bounds pointer
//! arithmetic (the buffers passed are one element long, or the pointer is dangling).
mod common;
mod entry_points;

use common::{oracle, oracle_repeated, tie_decomposition, Fmt, Rng, D, S};
use entry_points::{every_entry, expect_all, Layout, Ty};
use safenorm::ffi::fortran::*;
use safenorm::ffi::native::{SAFENORM_ERR_NULL, SAFENORM_ERR_STRIDE, SAFENORM_OK};

const INT_MAX: i128 = i32::MAX as i128;
const INT_MIN: i128 = i32::MIN as i128;
const I64_MAX: i128 = i64::MAX as i128;
const I64_MIN: i128 = i64::MIN as i128;
const SIZE_MAX: i128 = usize::MAX as i128;
const ISIZE_MIN: i128 = isize::MIN as i128;
const ISIZE_MAX: i128 = isize::MAX as i128;

/// Strides exercised for every data test (fewer under Miri).
const INCS: &[isize] = if cfg!(miri) {
    &[1, -2, 0]
} else {
    &[1, -1, 2, -2, 3, -5, 0]
};
/// Byte offsets of the start of the data: 0 is aligned, the others are not.
const OFFSETS: &[usize] = if cfg!(miri) {
    &[0, 3]
} else {
    &[0, 1, 2, 3, 4, 5, 6, 7]
};

fn fmt(ty: Ty) -> Fmt {
    if ty.is_single() {
        S
    } else {
        D
    }
}

/// The values as the routine sees them (narrowed to f32 for single precision).
fn narrow(ty: Ty, reals: &[f64]) -> Vec<f64> {
    if ty.is_single() {
        reals.iter().map(|&v| f64::from(v as f32)).collect()
    } else {
        reals.to_vec()
    }
}

/// Runs `reals` through every entry point, every stride and every byte offset, and checks the
/// oracle's answer (or `want` where given: an independently known value).
fn check_data(ty: Ty, reals: &[f64], want: Option<f64>, what: &str) {
    let reals = narrow(ty, reals);
    let parts = ty.parts();
    let n = reals.len() / parts;
    for &inc in INCS {
        let expect = if inc == 0 {
            let x0 = reals.get(..parts).unwrap_or(&[]);
            oracle_repeated(x0, n as u64, fmt(ty))
        } else {
            let o = oracle(&reals, fmt(ty));
            if let Some(w) = want {
                assert!(
                    entry_points::same(o, w),
                    "{what}: oracle {o:e} disagrees with the known value {w:e}"
                );
            }
            o
        };
        for &off in OFFSETS {
            let l = Layout::new(ty, &reals, inc, off);
            // SAFETY: the layout holds the whole span (n-1)*|inc|+1 elements.
            let got = unsafe { every_entry(ty, n as i128, l.ptr(), inc as i128) };
            let what = format!("{what} {ty:?} n={n} incx={inc} byte offset {off}");
            expect_all(&got, expect, SAFENORM_OK, &what);
        }
    }
}

// ---------------------------------------------------------------------------------------
// NULL pointers
// ---------------------------------------------------------------------------------------

/// `x == NULL` with `n > 0`: NaN from every plain entry point, `SAFENORM_ERR_NULL` (and NaN in
/// `*out`) from the `_checked` ones, whatever `incx` is, even when the span would overflow.
#[test]
fn null_x_with_positive_n_gives_nan_and_err_null() {
    let ns = [1, 2, 1000, INT_MAX, I64_MAX, SIZE_MAX];
    let incs = [1, -1, 0, 2, INT_MIN, INT_MAX, I64_MIN, I64_MAX];
    for ty in Ty::ALL {
        for n in ns {
            for inc in incs {
                // SAFETY: x is NULL: nothing may be read.
                let got = unsafe { every_entry(ty, n, core::ptr::null(), inc) };
                expect_all(
                    &got,
                    f64::NAN,
                    SAFENORM_ERR_NULL,
                    &format!("NULL x {ty:?} n={n} incx={inc}"),
                );
            }
        }
    }
}

/// `n <= 0` gives 0 (and `SAFENORM_OK`) without reading `x`, which may be NULL, whatever
/// `incx` is.
#[test]
fn nonpositive_n_with_null_x_gives_zero() {
    let ns = [0, -1, -2, INT_MIN, I64_MIN];
    let incs = [1, -1, 0, INT_MIN, I64_MIN, ISIZE_MAX];
    for ty in Ty::ALL {
        for n in ns {
            for inc in incs {
                // SAFETY: n <= 0: nothing may be read.
                let got = unsafe { every_entry(ty, n, core::ptr::null(), inc) };
                expect_all(&got, 0.0, SAFENORM_OK, &format!("{ty:?} n={n} incx={inc}"));
                // A dangling (non-NULL, unreadable) pointer is not read either.
                let dangling = core::ptr::NonNull::<u64>::dangling().as_ptr().cast::<u8>();
                // SAFETY: as above.
                let got = unsafe { every_entry(ty, n, dangling, inc) };
                expect_all(&got, 0.0, SAFENORM_OK, &format!("{ty:?} n={n} dangling"));
            }
        }
    }
}

/// Fortran names take `n` and `incx` by pointer: a NULL `n` gives NaN; `*n <= 0` gives 0
/// before `incx` or `x` is looked at (reference BLAS order), so a NULL `incx` is then harmless;
/// a NULL `incx` with `*n > 0` gives NaN.
#[test]
fn fortran_null_integer_pointers() {
    let x = [3.0f64, 4.0, 0.0, 0.0];
    let xf = [3.0f32, 4.0, 0.0, 0.0];
    let xp = x.as_ptr();
    let xfp = xf.as_ptr();
    let null32 = core::ptr::null::<i32>();
    let null64 = core::ptr::null::<i64>();
    let (two, zero, neg, one) = (2i32, 0i32, -7i32, 1i32);
    let (two64, zero64, one64) = (2i64, 0i64, 1i64);
    // SAFETY: every non-NULL pointer points to live, readable data of the right size (the
    // complex routines read at most 2 complex = 4 reals from x).
    unsafe {
        // Control: the valid call.
        assert_eq!(dnrm2_(&two, xp, &one), 5.0);
        assert_eq!(dnrm2_64_(&two64, xp, &one64), 5.0);
        // NULL n: NaN.
        assert!(dnrm2_(null32, xp, &one).is_nan());
        assert!(snrm2_(null32, xfp, &one).is_nan());
        assert!(dznrm2_(null32, xp.cast(), &one).is_nan());
        assert!(scnrm2_(null32, xfp.cast(), &one).is_nan());
        assert!(dnrm2_64_(null64, xp, &one64).is_nan());
        assert!(snrm2_64_(null64, xfp, &one64).is_nan());
        assert!(dznrm2_64_(null64, xp.cast(), &one64).is_nan());
        assert!(scnrm2_64_(null64, xfp.cast(), &one64).is_nan());
        // NULL incx with n > 0: NaN.
        assert!(dnrm2_(&two, xp, null32).is_nan());
        assert!(snrm2_(&two, xfp, null32).is_nan());
        assert!(dznrm2_(&two, xp.cast(), null32).is_nan());
        assert!(scnrm2_(&two, xfp.cast(), null32).is_nan());
        assert!(dnrm2_64_(&two64, xp, null64).is_nan());
        assert!(snrm2_64_(&two64, xfp, null64).is_nan());
        assert!(dznrm2_64_(&two64, xp.cast(), null64).is_nan());
        assert!(scnrm2_64_(&two64, xfp.cast(), null64).is_nan());
        // Everything NULL: NaN (n unknown).
        assert!(dnrm2_(null32, core::ptr::null(), null32).is_nan());
        assert!(dnrm2_64_(null64, core::ptr::null(), null64).is_nan());
        // n <= 0 with NULL incx and NULL x: 0.
        for n in [zero, neg] {
            assert_eq!(dnrm2_(&n, core::ptr::null(), null32).to_bits(), 0);
            assert_eq!(snrm2_(&n, core::ptr::null(), null32).to_bits(), 0);
            assert_eq!(dznrm2_(&n, core::ptr::null(), null32).to_bits(), 0);
            assert_eq!(scnrm2_(&n, core::ptr::null(), null32).to_bits(), 0);
        }
        assert_eq!(dnrm2_64_(&zero64, core::ptr::null(), null64).to_bits(), 0);
        assert_eq!(snrm2_64_(&i64::MIN, core::ptr::null(), null64).to_bits(), 0);
        assert_eq!(dznrm2_64_(&-1, core::ptr::null(), null64).to_bits(), 0);
        assert_eq!(scnrm2_64_(&zero64, core::ptr::null(), null64).to_bits(), 0);
        // Integer arguments at odd addresses are read unaligned.
        let mut raw = [0u8; 24];
        raw[1..5].copy_from_slice(&2i32.to_ne_bytes());
        raw[9..13].copy_from_slice(&1i32.to_ne_bytes());
        raw[13..21].copy_from_slice(&2i64.to_ne_bytes());
        let pn = raw.as_ptr().add(1).cast::<i32>();
        let pi = raw.as_ptr().add(9).cast::<i32>();
        let pn64 = raw.as_ptr().add(13).cast::<i64>();
        assert_eq!(dnrm2_(pn, xp, pi), 5.0);
        assert_eq!(dnrm2_64_(pn64, xp, &one64), 5.0);
    }
}

// ---------------------------------------------------------------------------------------
// Lengths and strides whose span overflows
// ---------------------------------------------------------------------------------------

/// `(n - 1) * |incx| + 1` elements that do not fit the address space (more than
/// `isize::MAX` bytes, or an overflow of the multiplication itself): NaN and
/// `SAFENORM_ERR_STRIDE`, without reading (the buffer behind `x` is one element long; Miri
/// checks that nothing beyond it is touched, not even by pointer arithmetic).
#[test]
fn overflowing_spans_give_nan_and_err_stride() {
    let cases: &[(i128, i128)] = &[
        // LP64 (int) arguments: n = INT_MAX with |incx| >= 2^31 - 1 spans > 2^63 bytes for
        // every element size (4 * (2^31-2) * (2^31-1) > 2^63).
        (INT_MAX, INT_MAX),
        (INT_MAX, -INT_MAX),
        (INT_MAX, INT_MIN),
        // ILP64 / size_t arguments.
        (I64_MAX, 1),
        (I64_MAX, -1),
        (I64_MAX, 2),
        (I64_MAX, I64_MIN),
        (I64_MAX, I64_MAX),
        (2, I64_MIN),
        (2, I64_MAX),
        (3, 1 << 62),
        (1 << 62, 1),
        ((1 << 61) + 1, 4),
        (SIZE_MAX, 1),
        (SIZE_MAX, -1),
        (SIZE_MAX, ISIZE_MIN),
        (SIZE_MAX, ISIZE_MAX),
        (2, ISIZE_MIN),
    ];
    for ty in Ty::ALL {
        let one = Layout::new(ty, &vec![1.0; ty.parts()], 1, 0);
        for &(n, inc) in cases {
            // SAFETY: the span overflows: the library must refuse before reading.
            let got = unsafe { every_entry(ty, n, one.ptr(), inc) };
            expect_all(
                &got,
                f64::NAN,
                SAFENORM_ERR_STRIDE,
                &format!("{ty:?} n={n} incx={inc}"),
            );
        }
    }
}

/// The exact boundary per element size: the smallest `n` (at `incx = 1`) whose span exceeds
/// `isize::MAX` bytes is refused for every routine (8, 4, 16 and 8 bytes per element), with
/// both signs of the increment and with `|incx| = 2` at half that length.
#[test]
fn span_one_past_isize_max_bytes_is_refused() {
    for ty in Ty::ALL {
        let one = Layout::new(ty, &vec![1.0; ty.parts()], 1, 0);
        let first_bad = (isize::MAX as usize / ty.elem_size() + 1) as i128;
        let cases: [(i128, i128); 5] = [
            (first_bad, 1),
            (first_bad, -1),
            (first_bad + 1, 1),
            (first_bad / 2 + 1, 2),
            (first_bad / 2 + 1, -2),
        ];
        for (n, inc) in cases {
            // The span (n-1)*|inc|+1 elements is more than isize::MAX bytes.
            let bytes = ((n - 1) * inc.abs() + 1) * ty.elem_size() as i128;
            assert!(
                bytes > isize::MAX as i128,
                "{ty:?} n={n} inc={inc}: not a bad span"
            );
            // SAFETY: refused before any read.
            let got = unsafe { every_entry(ty, n, one.ptr(), inc) };
            expect_all(
                &got,
                f64::NAN,
                SAFENORM_ERR_STRIDE,
                &format!("{ty:?} n={n} incx={inc} (span {bytes} bytes)"),
            );
        }
    }
}

/// A span that fits in `isize::MAX` bytes but wraps around the end of the address space: NaN
/// and `SAFENORM_ERR_STRIDE` (the pointer is never dereferenced).
#[test]
fn span_wrapping_the_address_space_gives_nan_and_err_stride() {
    let high = core::ptr::null::<u8>().wrapping_add(usize::MAX - 63);
    for ty in Ty::ALL {
        for inc in [1, -1, 3] {
            // SAFETY: refused before any read (100 elements > 64 bytes wrap).
            let got = unsafe { every_entry(ty, 100, high, inc) };
            expect_all(
                &got,
                f64::NAN,
                SAFENORM_ERR_STRIDE,
                &format!("{ty:?} near top of memory incx={inc}"),
            );
        }
    }
}

/// `incx = INT_MIN`, `INT64_MIN`, `isize::MIN`: `|incx|` is computed without overflow.  With
/// `n = 1` only `x[0]` is read (the norm is `|x[0]|`); with `n = 0` nothing is read; spans
/// that overflow are refused (above).
#[test]
fn most_negative_increments() {
    for ty in Ty::ALL {
        let parts = if ty.parts() == 2 {
            vec![-3.0, 4.0]
        } else {
            vec![-5.0]
        };
        let l = Layout::new(ty, &parts, 1, 0);
        for inc in [INT_MIN, I64_MIN, ISIZE_MIN, -INT_MAX, ISIZE_MAX] {
            // SAFETY: n = 1 reads x[0] only, which the layout holds.
            let got = unsafe { every_entry(ty, 1, l.ptr(), inc) };
            expect_all(&got, 5.0, SAFENORM_OK, &format!("{ty:?} n=1 incx={inc}"));
            // SAFETY: n = 0 reads nothing.
            let got = unsafe { every_entry(ty, 0, l.ptr(), inc) };
            expect_all(&got, 0.0, SAFENORM_OK, &format!("{ty:?} n=0 incx={inc}"));
        }
    }
}

/// `incx = 0` with the largest lengths: `x[0]` counted `n` times, `sqrt(n) * |x[0]|`
/// correctly rounded, reading only `x[0]`.
#[test]
fn huge_n_with_zero_increment_reads_one_element() {
    for ty in Ty::ALL {
        for x0 in [
            vec![1.0, 0.5],
            vec![f64::from(f32::MAX), -1.0],
            vec![1e-40, 0.0],
        ] {
            let x0 = narrow(ty, &x0[..ty.parts()]);
            let l = Layout::new(ty, &x0, 1, 1);
            for n in [INT_MAX, I64_MAX, SIZE_MAX] {
                let want = oracle_repeated(&x0, n as u64, fmt(ty));
                // SAFETY: incx = 0 reads x[0] only.
                let got = unsafe { every_entry(ty, n, l.ptr(), 0) };
                expect_all(&got, want, SAFENORM_OK, &format!("{ty:?} n={n} incx=0"));
            }
        }
    }
    // Known values: sqrt(2^64 - 1) * 1 rounds to 2^32; sqrt(INT_MAX) * 2^-1074 rounds to
    // 46341 * 2^-1074 (46340.95 to the nearest subnormal multiple).
    let one = [1.0f64];
    let tiny = [f64::from_bits(1)];
    // SAFETY: incx = 0 reads one element.
    unsafe {
        use safenorm::ffi::native::safenorm_dnrm2;
        assert_eq!(safenorm_dnrm2(usize::MAX, one.as_ptr(), 0), 4294967296.0);
        assert_eq!(
            safenorm_dnrm2(i32::MAX as usize, tiny.as_ptr(), 0).to_bits(),
            46341
        );
    }
}

// ---------------------------------------------------------------------------------------
// Misaligned data
// ---------------------------------------------------------------------------------------

/// A `double *` (or `float *`) that is not aligned for its type, 1..7 bytes into a buffer:
/// accepted, read with unaligned loads, bitwise the same result as aligned data (the oracle's
/// answer).  Random data of mixed magnitudes, several lengths (every kernel tail shape).
#[test]
fn misaligned_pointers_give_the_aligned_result() {
    let mut rng = Rng(0x0bad_a11e_0000_0001);
    let lens: &[usize] = if cfg!(miri) {
        &[1, 5]
    } else {
        &[1, 2, 3, 4, 7, 8, 9, 16, 31, 64, 257, 1030]
    };
    for ty in Ty::ALL {
        for &n in lens {
            let reals: Vec<f64> = (0..n * ty.parts())
                .map(|i| match i % 3 {
                    0 => rng.normal(),
                    1 => rng.with_exp(-30, 30),
                    _ => rng.log_uniform(),
                })
                .collect();
            check_data(ty, &reals, None, "misaligned random");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Special values
// ---------------------------------------------------------------------------------------

/// NaNs with payloads, negative NaNs and signalling NaNs: the result is NaN (a quiet NaN;
/// payloads are not preserved), wherever the NaN sits, even beside an infinity; a NaN in a
/// stride gap is ignored.
#[test]
fn nan_payloads_and_signalling_nans_give_nan() {
    let nans64 = [
        f64::from_bits(0x7ff0_0000_0000_0001), // signalling, smallest payload
        f64::from_bits(0x7ff4_0000_0000_0000), // signalling
        f64::from_bits(0xfff0_0000_dead_beef), // negative signalling
        f64::from_bits(0x7ff8_0000_0000_0123), // quiet with payload
        f64::from_bits(0xffff_ffff_ffff_ffff), // negative quiet, all payload bits
    ];
    let nans32 = [
        f64::from(f32::from_bits(0x7f80_0001)), // signalling (quieted by the widening)
        f64::from(f32::from_bits(0xffc0_1234)),
        f64::from(f32::from_bits(0x7fff_ffff)),
    ];
    for ty in Ty::ALL {
        let nans: &[f64] = if ty.is_single() { &nans32 } else { &nans64 };
        let (nans, positions): (&[f64], &[usize]) = if cfg!(miri) {
            (&nans[..2], &[2])
        } else {
            (nans, &[0, 2, 5])
        };
        for &nan in nans {
            let base = [1.0, 2.0, f64::INFINITY, -3.0, 0.0, 5.0];
            for &pos in positions {
                let mut v = base.to_vec();
                v[pos] = nan;
                check_data(ty, &v, None, &format!("NaN {:#x} at {pos}", nan.to_bits()));
            }
            check_data(ty, &[nan, nan], None, "all NaN");
        }
    }
    // Narrowing an f64 NaN to f32 (as `Layout` does) quiets it: pass f32 signalling NaN bit
    // patterns themselves through every entry point.
    let raw = [
        1.0f32,
        f32::from_bits(0x7f80_0001),
        2.0,
        f32::from_bits(0xff80_0002),
    ];
    for (ty, n) in [(Ty::S, 4), (Ty::C, 2)] {
        for inc in [1, -1] {
            // SAFETY: raw holds 4 floats = the whole span.
            let got = unsafe { every_entry(ty, n, raw.as_ptr().cast(), inc) };
            expect_all(&got, f64::NAN, SAFENORM_OK, &format!("raw f32 sNaN {ty:?}"));
        }
    }
    // A NaN in a stride gap is not part of the vector.
    let gap = [3.0f64, f64::from_bits(0x7ff0_0000_0000_0001), 4.0];
    // SAFETY: gap holds the span of 2 elements at stride 2.
    let got = unsafe { every_entry(Ty::D, 2, gap.as_ptr().cast(), 2) };
    expect_all(&got, 5.0, SAFENORM_OK, "sNaN in a stride gap");
}

/// `-0.0` gives `+0.0` (bitwise), alone, repeated, in complex parts, with `incx == 0` and huge
/// `n`.
#[test]
fn negative_zero_gives_positive_zero() {
    for ty in Ty::ALL {
        check_data(ty, &vec![-0.0; ty.parts()], Some(0.0), "-0");
        check_data(ty, &vec![-0.0; 7 * ty.parts()], Some(0.0), "7 x -0");
        let l = Layout::new(ty, &vec![-0.0; ty.parts()], 1, 3);
        // SAFETY: incx = 0 reads x[0] only.
        let got = unsafe { every_entry(ty, SIZE_MAX, l.ptr(), 0) };
        expect_all(&got, 0.0, SAFENORM_OK, &format!("{ty:?} -0 x SIZE_MAX"));
    }
}

/// Infinities: `+Inf` (never NaN, the OpenBLAS bug that broke DGESDD), also when the finite
/// part overflows on its own; a finite vector whose norm exceeds the largest finite value
/// gives `+Inf`; the largest finite value itself survives.
#[test]
fn infinities_and_overflow() {
    for ty in Ty::ALL {
        let max = if ty.is_single() {
            f64::from(f32::MAX)
        } else {
            f64::MAX
        };
        let inf = f64::INFINITY;
        check_data(ty, &[inf, -inf], Some(inf), "+-Inf");
        check_data(ty, &[max, max, -inf, 1.0], Some(inf), "max, max, -Inf");
        check_data(ty, &[max, max], Some(inf), "max, max overflows");
        check_data(ty, &[max, 0.0], Some(max), "max survives");
        check_data(ty, &[-max, -0.0], Some(max), "-max survives");
    }
}

// ---------------------------------------------------------------------------------------
// Exact cases: powers of two and midpoints
// ---------------------------------------------------------------------------------------

/// Squares that sum exactly to a power of two.  Even powers give an exact power of two (known
/// independently); odd powers give `SQRT_2 * 2^k` (the correctly rounded constant scaled
/// exactly).
#[test]
fn squares_summing_to_a_power_of_two() {
    let p = |k: i32| common::ldexp(1.0, i64::from(k));
    for ty in Ty::ALL {
        let single = ty.is_single();
        let (lo, hi, sub) = if single {
            (-120, 120, p(-149))
        } else {
            (-1000, 1000, f64::from_bits(1))
        };
        let ks: &[i32] = if cfg!(miri) {
            &[-301, 3]
        } else {
            &[lo, -301, -1, 0, 1, 3, 299, hi]
        };
        for &k in ks {
            if single && !(-120..=120).contains(&k) {
                continue;
            }
            // 4 * (2^k)^2 = 2^(2k+2): norm 2^(k+1).
            check_data(ty, &[p(k); 4], Some(p(k + 1)), "4 equal powers");
            // 16 * (2^k)^2: norm 2^(k+2); (2^k)^2 + (2^k)^2 + (2^(k+1))^2 + ... mixed.
            check_data(ty, &[p(k); 16], Some(p(k + 2)), "16 equal powers");
            // 4 * (2^k)^2 + 3 * (2^(k+1))^2 = 16 * (2^k)^2: norm 2^(k+2), with zeros between.
            check_data(
                ty,
                &[
                    p(k),
                    p(k + 1),
                    0.0,
                    p(k),
                    p(k + 1),
                    p(k),
                    -0.0,
                    p(k + 1),
                    p(k),
                    0.0,
                ],
                Some(p(k + 2)),
                "mixed powers",
            );
            // 2 * (2^k)^2 = 2^(2k+1): norm SQRT_2 * 2^k.
            let want = if single {
                f64::from(core::f32::consts::SQRT_2) * p(k)
            } else {
                core::f64::consts::SQRT_2 * p(k)
            };
            check_data(ty, &[p(k), -p(k)], Some(want), "two equal powers");
        }
        // The smallest subnormal: 4 copies give exactly 2 of it.
        check_data(ty, &[sub; 4], Some(2.0 * sub), "4 min subnormals");
        check_data(ty, &[sub; 16], Some(4.0 * sub), "16 min subnormals");
        // sum = 4 * (2^(emax-1))^2 = 2^(2 emax): norm 2^emax, one past the largest finite: +Inf.
        let top = if single { p(127) } else { p(1023) };
        check_data(
            ty,
            &[top; 4],
            Some(f64::INFINITY),
            "norm exactly 2^emax overflows",
        );
    }
}

/// Squares that sum exactly to the square of a midpoint between two adjacent floating-point
/// numbers: the norm is exactly a tie and must round to even (the known value `m as f64`, an
/// integer conversion that rounds ties to even), at many scales.
#[test]
fn squares_summing_to_a_rounding_midpoint() {
    let mut rng = Rng(0x71e5_eed0_0000_0042);
    let count = if cfg!(miri) { 1 } else { 24 };
    for ty in Ty::ALL {
        for _ in 0..count {
            let (m, scale_range) = if ty.is_single() {
                ((1u64 << 24) | (rng.next() >> 40) | 1, (-100, 100))
            } else {
                ((1u64 << 53) | (rng.next() >> 11) | 1, (-900, 900))
            };
            let base = tie_decomposition(m);
            let k = scale_range.0 + rng.below((scale_range.1 - scale_range.0) as u64) as i32;
            let s = common::ldexp(1.0, i64::from(k));
            let mut reals: Vec<f64> = base.iter().map(|&v| v * s).collect();
            if !reals.len().is_multiple_of(ty.parts()) {
                reals.push(0.0);
            }
            // The parts must be exact in the routine's precision, or this is no tie.
            if narrow(ty, &reals) != reals {
                continue;
            }
            let want = if ty.is_single() {
                f64::from(m as f32) * s
            } else {
                m as f64 * s
            };
            check_data(ty, &reals, Some(want), &format!("midpoint m={m} k={k}"));
        }
    }
}

//! The C API of the sum-of-squares states: `safenorm_sumsq_*`, `safenorm_exact_sumsq_*`,
//! and the thread count.
//!
//! A state is a struct of plain bytes (`safenorm_sumsq`: `SAFENORM_SUMSQ_BYTES` = 96 bytes,
//! `safenorm_exact_sumsq`: `SAFENORM_EXACT_SUMSQ_BYTES` = 560 bytes, alignment 1) in the
//! little-endian layout documented in `src/sumsq.rs` and the README: it may be copied with
//! `memcpy`, stored, and sent to another process or machine (x86_64 or aarch64) and merged
//! there.  An all-zero struct is an empty state, as is one set by `_init`.
//!
//! Every function reads the state's bytes, checks them, and writes the new bytes only on
//! success: a call that returns an error leaves `*s` / `*into` unchanged and sets `*out` (when
//! `out` is not NULL) to NaN.

use super::{raw_view, Bad, RawView};
use crate::half::{BF16, F16};
use crate::strided::Element;
use crate::sumsq::{ExactSumSq, SumSq, EXACT_SUMSQ_BYTES, SUMSQ_BYTES};
use crate::Rounded;
use core::ffi::c_int;
use libc::ptrdiff_t;

use super::native::{SAFENORM_ERR_NULL, SAFENORM_ERR_OUT_NULL, SAFENORM_ERR_STRIDE, SAFENORM_OK};

/// The state pointer is NULL, or its bytes are not a state written by this library (wrong
/// tag or version, unknown flags, non-zero reserved bytes, impossible values); nothing was
/// changed, `*out` was set to NaN.
pub const SAFENORM_ERR_STATE: c_int = 4;
/// Not an error: the fast state's error bound cannot decide the rounding (near-ties); `*out`
/// holds an approximation within the state's bound, and the exact state
/// (`safenorm_exact_sumsq`) over the same data gives the correctly rounded norm.  The
/// approximation is a faithful rounding (one of the two neighbours of the exact norm) for
/// binary64 data, and for binary32 data finished as float; binary32 data finished as double
/// are only accumulated to within `2^-28` (relative), like `snrm2` needs.
pub const SAFENORM_NEED_EXACT: c_int = 5;

/// Size in bytes of `safenorm_sumsq`.
pub const SAFENORM_SUMSQ_BYTES: usize = 96;
/// Size in bytes of `safenorm_exact_sumsq`.
pub const SAFENORM_EXACT_SUMSQ_BYTES: usize = 560;
const _: () = assert!(SAFENORM_SUMSQ_BYTES == SUMSQ_BYTES);
const _: () = assert!(SAFENORM_EXACT_SUMSQ_BYTES == EXACT_SUMSQ_BYTES);

/// A fast sum-of-squares state: plain bytes (layout in the README, "Adding in pieces").
/// Initialise with `safenorm_sumsq_init` (or zero it), add vectors, merge, read the result.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct safenorm_sumsq {
    /// The state's bytes (little-endian, version-tagged).
    pub bytes: [u8; SAFENORM_SUMSQ_BYTES],
}

/// An exact sum-of-squares state: plain bytes; the same operations as `safenorm_sumsq`,
/// always correctly rounded, slower.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct safenorm_exact_sumsq {
    /// The state's bytes (little-endian, version-tagged).
    pub bytes: [u8; SAFENORM_EXACT_SUMSQ_BYTES],
}

fn status(b: Bad) -> c_int {
    match b {
        Bad::Null => SAFENORM_ERR_NULL,
        Bad::Stride => SAFENORM_ERR_STRIDE,
    }
}

/// The two kinds of state, for the generic adapters below.
trait CState: Copy {
    type State;
    fn decode(&self) -> Option<Self::State>;
    fn encode(s: &Self::State) -> Self;
    fn add_raw<T: Element>(s: &mut Self::State, v: RawView<'_, T>);
}

impl CState for safenorm_sumsq {
    type State = SumSq;
    fn decode(&self) -> Option<SumSq> {
        SumSq::from_bytes(&self.bytes).ok()
    }
    fn encode(s: &SumSq) -> Self {
        safenorm_sumsq {
            bytes: s.to_bytes(),
        }
    }
    fn add_raw<T: Element>(s: &mut SumSq, v: RawView<'_, T>) {
        match v {
            RawView::View(v) => s.add_view(&v),
            RawView::Unaligned(u) => s.add_source(&u),
        }
    }
}

impl CState for safenorm_exact_sumsq {
    type State = ExactSumSq;
    fn decode(&self) -> Option<ExactSumSq> {
        ExactSumSq::from_bytes(&self.bytes).ok()
    }
    fn encode(s: &ExactSumSq) -> Self {
        safenorm_exact_sumsq {
            bytes: s.to_bytes(),
        }
    }
    fn add_raw<T: Element>(s: &mut ExactSumSq, v: RawView<'_, T>) {
        match v {
            RawView::View(v) => s.add_view(&v),
            RawView::Unaligned(u) => s.add_source(&u),
        }
    }
}

/// Reads a state.
///
/// # Safety
///
/// `p` is NULL or valid for one read of `S` (alignment 1).
unsafe fn load<S: CState>(p: *const S) -> Option<S::State> {
    if p.is_null() {
        return None;
    }
    // SAFETY: p is non-null and, by the caller's contract, valid for one read; S is plain
    // bytes (any bit pattern is a value) with alignment 1.
    unsafe { p.read() }.decode()
}

/// Writes a state.
///
/// # Safety
///
/// `p` is non-null and valid for one write of `S`.
unsafe fn store<S: CState>(p: *mut S, s: &S::State) {
    // SAFETY: the caller's contract.
    unsafe { p.write(S::encode(s)) }
}

/// Writes `v` to `out` and returns `code`, or `SAFENORM_ERR_OUT_NULL`.
///
/// # Safety
///
/// `out` is NULL or valid for one write of `R`.
unsafe fn put<R>(out: *mut R, v: R, code: c_int) -> c_int {
    if out.is_null() {
        return SAFENORM_ERR_OUT_NULL;
    }
    // SAFETY: out is non-null and valid for one write by the caller's contract.
    unsafe { out.write_unaligned(v) };
    code
}

/// # Safety
///
/// `s` is NULL or valid for reads and writes of `S`; the vector as for `raw_view`.
unsafe fn add<S: CState, T: Element>(s: *mut S, n: usize, x: *const T, incx: isize) -> c_int {
    // SAFETY: the caller's contract.
    let Some(mut st) = (unsafe { load(s) }) else {
        return SAFENORM_ERR_STATE;
    };
    // SAFETY: the caller's contract is that of raw_view.
    match unsafe { raw_view(n, x, incx) } {
        Err(b) => status(b),
        Ok(None) => SAFENORM_OK,
        Ok(Some(v)) => {
            S::add_raw(&mut st, v);
            // SAFETY: s is non-null (load succeeded) and writable by the caller's contract.
            unsafe { store(s, &st) };
            SAFENORM_OK
        }
    }
}

/// Sets `*s` to the empty state (all its bytes are written).  Does nothing when `s` is NULL.
///
/// # Safety
///
/// `s` is NULL or points to a writable `safenorm_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_init(s: *mut safenorm_sumsq) {
    if !s.is_null() {
        // SAFETY: s is non-null and writable by the caller's contract.
        unsafe { store(s, &SumSq::new()) }
    }
}

/// Adds the squares of the double vector `(n, x, incx)` (the elements of `safenorm_dnrm2`,
/// `incx == 0` adds `n` copies of `x[0]`) to `*s`.  Returns `SAFENORM_OK` (also for
/// `n == 0`, when nothing is read), `SAFENORM_ERR_STATE` (`s` NULL or not a valid state),
/// `SAFENORM_ERR_NULL` or `SAFENORM_ERR_STRIDE` (bad vector, as for
/// `safenorm_dnrm2_checked`); on error `*s` is unchanged.  A state may mix element types.
/// Long vectors are split over threads (`safenorm_set_num_threads`).
///
/// # Safety
///
/// `s` is NULL or points to a readable and writable `safenorm_sumsq`; when `n > 0` and `x`
/// is not NULL the `(n-1)*|incx|+1` doubles from `x` must be readable.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_add_d(
    s: *mut safenorm_sumsq,
    n: usize,
    x: *const f64,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { add(s, n, x, incx) }
}

/// As `safenorm_sumsq_add_d` for a float vector (the elements of `safenorm_snrm2`).
///
/// # Safety
///
/// As for `safenorm_sumsq_add_d`, with `(n-1)*|incx|+1` readable floats.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_add_s(
    s: *mut safenorm_sumsq,
    n: usize,
    x: *const f32,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { add(s, n, x, incx) }
}

/// As `safenorm_sumsq_add_d` for a complex double vector (interleaved (re, im) pairs; `incx`
/// counts complex elements; the elements of `safenorm_dznrm2`).
///
/// # Safety
///
/// As for `safenorm_sumsq_add_d`, with `2*((n-1)*|incx|+1)` readable doubles.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_add_dz(
    s: *mut safenorm_sumsq,
    n: usize,
    x: *const f64,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract, for [f64; 2] elements.
    unsafe { add(s, n, x.cast::<[f64; 2]>(), incx) }
}

/// As `safenorm_sumsq_add_d` for a complex float vector (the elements of `safenorm_scnrm2`).
///
/// # Safety
///
/// As for `safenorm_sumsq_add_d`, with `2*((n-1)*|incx|+1)` readable floats.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_add_sc(
    s: *mut safenorm_sumsq,
    n: usize,
    x: *const f32,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract, for [f32; 2] elements.
    unsafe { add(s, n, x.cast::<[f32; 2]>(), incx) }
}

/// # Safety
///
/// `into` NULL or readable and writable, `from` NULL or readable (they may be equal).
unsafe fn merge_impl<S: CState>(
    into: *mut S,
    from: *const S,
    m: impl FnOnce(&mut S::State, &S::State),
) -> c_int {
    // SAFETY: the caller's contract.
    let (Some(mut a), Some(b)) = (unsafe { load(into) }, unsafe { load(from) }) else {
        return SAFENORM_ERR_STATE;
    };
    m(&mut a, &b);
    // SAFETY: into is non-null (load succeeded) and writable by the caller's contract.
    unsafe { store(into, &a) };
    SAFENORM_OK
}

/// Merges `*from` into `*into`: afterwards `*into` holds the squares of everything added to
/// either (in any order and any merge tree the result is the same).  `into == from` doubles
/// the state.  Returns `SAFENORM_OK`, or `SAFENORM_ERR_STATE` (a pointer NULL or a state
/// not valid) with `*into` unchanged.  Never fails on valid states: a sum of squares past the
/// state's range (more than 2^64 elements' worth) has a norm above every format's largest
/// value and is recorded as an infinity (the result is `+Inf`, as IEEE 754 rounds it).
///
/// # Safety
///
/// `into` is NULL or points to a readable and writable `safenorm_sumsq`; `from` is NULL or
/// points to a readable one.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_merge(
    into: *mut safenorm_sumsq,
    from: *const safenorm_sumsq,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { merge_impl(into, from, |a: &mut SumSq, b| a.merge(b)) }
}

/// Reads a state and writes what `r` makes of it (value and status), or NaN and
/// `SAFENORM_ERR_STATE` for a state that is NULL or not valid.
///
/// # Safety
///
/// `s` NULL or readable; `out` NULL or writable.
unsafe fn result<S: CState, R: Copy>(
    s: *const S,
    out: *mut R,
    nan: R,
    r: impl FnOnce(&S::State) -> (R, c_int),
) -> c_int {
    // SAFETY: the caller's contract.
    let (v, code) = match unsafe { load(s) } {
        None => (nan, SAFENORM_ERR_STATE),
        Some(st) => r(&st),
    };
    // SAFETY: the caller's contract.
    unsafe { put(out, v, code) }
}

/// A fast state's result with its status.
fn status_of<R>(r: Rounded<R>) -> (R, c_int) {
    match r {
        Rounded::Correct(v) => (v, SAFENORM_OK),
        Rounded::NeedExact(v) => (v, SAFENORM_NEED_EXACT),
    }
}

/// The norm of everything added to `*s`, rounded to double: `SAFENORM_OK` with the correctly
/// rounded norm in `*out` (NaN if a NaN was added; else `+Inf` if an infinity was, or if the
/// norm exceeds `DBL_MAX`), or `SAFENORM_NEED_EXACT` with an approximation (see there; then the
/// exact state over the same data gives the correctly rounded one), or
/// `SAFENORM_ERR_STATE` (`*out` = NaN), or `SAFENORM_ERR_OUT_NULL`.  `*s` is not changed.
///
/// # Safety
///
/// `s` is NULL or points to a readable `safenorm_sumsq`; `out` is NULL or points to a
/// writable double.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_result_d(s: *const safenorm_sumsq, out: *mut f64) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { result(s, out, f64::NAN, |st: &SumSq| status_of(st.result_f64())) }
}

/// As `safenorm_sumsq_result_d`, rounded to float (`+Inf` above `FLT_MAX`).
///
/// # Safety
///
/// As for `safenorm_sumsq_result_d`, with a writable float.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_result_s(s: *const safenorm_sumsq, out: *mut f32) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { result(s, out, f32::NAN, |st: &SumSq| status_of(st.result_f32())) }
}

/// Sets `*s` to the empty exact state.  Does nothing when `s` is NULL.
///
/// # Safety
///
/// `s` is NULL or points to a writable `safenorm_exact_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_init(s: *mut safenorm_exact_sumsq) {
    if !s.is_null() {
        // SAFETY: s is non-null and writable by the caller's contract.
        unsafe { store(s, &ExactSumSq::new()) }
    }
}

/// As `safenorm_sumsq_add_d`, for the exact state.
///
/// # Safety
///
/// As for `safenorm_sumsq_add_d`, with a `safenorm_exact_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_add_d(
    s: *mut safenorm_exact_sumsq,
    n: usize,
    x: *const f64,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { add(s, n, x, incx) }
}

/// As `safenorm_sumsq_add_s`, for the exact state.
///
/// # Safety
///
/// As for `safenorm_sumsq_add_s`, with a `safenorm_exact_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_add_s(
    s: *mut safenorm_exact_sumsq,
    n: usize,
    x: *const f32,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { add(s, n, x, incx) }
}

/// As `safenorm_sumsq_add_dz`, for the exact state.
///
/// # Safety
///
/// As for `safenorm_sumsq_add_dz`, with a `safenorm_exact_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_add_dz(
    s: *mut safenorm_exact_sumsq,
    n: usize,
    x: *const f64,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract, for [f64; 2] elements.
    unsafe { add(s, n, x.cast::<[f64; 2]>(), incx) }
}

/// As `safenorm_sumsq_add_sc`, for the exact state.
///
/// # Safety
///
/// As for `safenorm_sumsq_add_sc`, with a `safenorm_exact_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_add_sc(
    s: *mut safenorm_exact_sumsq,
    n: usize,
    x: *const f32,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract, for [f32; 2] elements.
    unsafe { add(s, n, x.cast::<[f32; 2]>(), incx) }
}

/// As `safenorm_sumsq_add_d` for a vector of IEEE binary16 values (`uint16_t` bit patterns,
/// the elements of `safenorm_hnrm2`, widened exactly to float).  One state may collect many
/// tensors of any element type: e.g. the global norm of all gradients for clipping, read
/// with `safenorm_sumsq_result_s`.
///
/// # Safety
///
/// As for `safenorm_sumsq_add_d`, with `(n-1)*|incx|+1` readable `uint16_t`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_add_h(
    s: *mut safenorm_sumsq,
    n: usize,
    x: *const u16,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract, for F16 elements (a transparent u16).
    unsafe { add(s, n, x.cast::<F16>(), incx) }
}

/// As `safenorm_sumsq_add_h` for a vector of bfloat16 values (the elements of
/// `safenorm_bfnrm2`).
///
/// # Safety
///
/// As for `safenorm_sumsq_add_h`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_sumsq_add_bf(
    s: *mut safenorm_sumsq,
    n: usize,
    x: *const u16,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract, for BF16 elements (a transparent u16).
    unsafe { add(s, n, x.cast::<BF16>(), incx) }
}

/// As `safenorm_sumsq_add_h`, for the exact state.
///
/// # Safety
///
/// As for `safenorm_sumsq_add_h`, with a `safenorm_exact_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_add_h(
    s: *mut safenorm_exact_sumsq,
    n: usize,
    x: *const u16,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract, for F16 elements (a transparent u16).
    unsafe { add(s, n, x.cast::<F16>(), incx) }
}

/// As `safenorm_sumsq_add_bf`, for the exact state.
///
/// # Safety
///
/// As for `safenorm_sumsq_add_bf`, with a `safenorm_exact_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_add_bf(
    s: *mut safenorm_exact_sumsq,
    n: usize,
    x: *const u16,
    incx: ptrdiff_t,
) -> c_int {
    // SAFETY: the caller's contract, for BF16 elements (a transparent u16).
    unsafe { add(s, n, x.cast::<BF16>(), incx) }
}

/// As `safenorm_sumsq_merge`, for exact states (exact).
///
/// # Safety
///
/// As for `safenorm_sumsq_merge`, with `safenorm_exact_sumsq`.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_merge(
    into: *mut safenorm_exact_sumsq,
    from: *const safenorm_exact_sumsq,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe { merge_impl(into, from, |a: &mut ExactSumSq, b| a.merge(b)) }
}

/// The correctly rounded norm (double) of everything added to the exact state `*s`:
/// `SAFENORM_OK`, or `SAFENORM_ERR_STATE` (`*out` = NaN), or `SAFENORM_ERR_OUT_NULL`.
///
/// # Safety
///
/// `s` is NULL or points to a readable `safenorm_exact_sumsq`; `out` is NULL or points to a
/// writable double.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_result_d(
    s: *const safenorm_exact_sumsq,
    out: *mut f64,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe {
        result(s, out, f64::NAN, |st: &ExactSumSq| {
            (st.result_f64(), SAFENORM_OK)
        })
    }
}

/// The correctly rounded norm (float) of the exact state `*s`, as
/// `safenorm_exact_sumsq_result_d`.
///
/// # Safety
///
/// As for `safenorm_exact_sumsq_result_d`, with a writable float.
#[no_mangle]
pub unsafe extern "C" fn safenorm_exact_sumsq_result_s(
    s: *const safenorm_exact_sumsq,
    out: *mut f32,
) -> c_int {
    // SAFETY: the caller's contract.
    unsafe {
        result(s, out, f32::NAN, |st: &ExactSumSq| {
            (st.result_f32(), SAFENORM_OK)
        })
    }
}

/// Sets the number of threads that long vectors (at least 2^21 components) are split over:
/// `n >= 1`, or `n <= 0` for the default (the environment variable `SAFENORM_NUM_THREADS`,
/// else the CPUs available to the process).  Results do not depend on it.  Thread-safe.
#[no_mangle]
pub extern "C" fn safenorm_set_num_threads(n: c_int) {
    crate::set_num_threads(usize::try_from(n).unwrap_or(0));
}

/// The number of threads long vectors are split over (see `safenorm_set_num_threads`).
#[no_mangle]
pub extern "C" fn safenorm_get_num_threads() -> c_int {
    c_int::try_from(crate::num_threads()).unwrap_or(c_int::MAX)
}

//! LAPACK's `?lassq`: a sum of squares carried between calls as a pair `(scale, sumsq)`,
//! computed through the sum-of-squares state ([`SumSq`]).
//!
//! # Contract (LAPACK 3.12, `SRC/dlassq.f90`, `slassq.f90`, `classq.f90`, `zlassq.f90`)
//!
//! On return `scale_out^2 sumsq_out = x_1^2 + ... + x_n^2 + scale^2 sumsq` (for complex
//! data `|x_i|^2`, both parts), `x_i = X(1 + (i - 1) incx)`.  The cases, in the order 3.12
//! tests them (every one mirrors 3.12, which is also what Debian's 3.11 does):
//!
//! 1. `scale` or `sumsq` is NaN: the pair is returned unchanged (NaN stays), `x` unread.
//! 2. `sumsq == 0` (also `-0`): `scale` becomes 1 (so `Inf * 0` and `0 * 0` count as 0).
//! 3. `scale == 0` (also `-0`): the pair becomes `(1, 0)` (so `0 * Inf` counts as 0).
//! 4. `n <= 0`: the pair as left by 2 and 3 is returned (3.12 writes that normalisation back:
//!    `(s, 0)` comes back as `(1, 0)`, `(0, q)` as `(1, 0)`; any other pair unchanged), `x`
//!    and `incx` unread.
//! 5. Otherwise the incoming `scale^2 sumsq` is added when `sumsq > 0` (3.12 drops a
//!    negative `sumsq`, also `-Inf`, and so do we; a negative `scale` counts as `|scale|`),
//!    then the squares of the `n` elements: `incx > 0` walks forwards, `incx < 0` starts at
//!    `X(1 - (n - 1) incx)` and walks backwards (the same elements), `incx == 0` counts
//!    `X(1)` `n` times.
//! 6. The result, from the state: any NaN element gives `(1, NaN)` (3.12 gives `sumsq = NaN`
//!    with `scale` 1 or its big-scale factor `2^538` / `2^65`), even beside infinities; else an
//!    infinite element, an infinite incoming `scale` or `sumsq` (with `sumsq > 0`), or a sum
//!    past the state's range (`S >= 2^2200`, whose norm overflows every format) gives
//!    `(1, +Inf)` (3.12: `sumsq = +Inf`, `scale` `2^538` / `2^65`); a zero sum gives `(1, 0)`;
//!    otherwise `scale = 2^h` and `sumsq = S / 4^h` rounded once, with `h = floor(log2(S) / 2)`
//!    clamped to the exponents of the format's positive powers of two, so that
//!    `sumsq` lies in `[1, 4]` (`finish::pair` documents the clamps at both ends).
//!    3.12 returns `scale` in `{1, 2^538, 2^-537}` (binary32: `{1, 2^65, 2^-66}`) and
//!    `sumsq` anywhere: any pair is valid, only the product is the contract.
//!
//! Inputs a caller can pass that 3.12 computes differently, not by contract but by its
//! arithmetic: 3.12 overflows for `S` above about `2^2100` (`2^1024` times its big scale
//! `2^1076`) and drops small contributions beside big ones; we do neither (up to `2^2200`).
//!
//! # Computation
//!
//! 1. The incoming `scale^2 sumsq` into a [`SumSq`]: `scale = ms 2^es`, `sumsq = mq 2^eq`
//!    with `ms in [1, 2)`, `mq in [1, 2)` (exact, subnormals included); `ms^2` as an exact
//!    double-double (FMA), times `mq` as a double-double within `2^-100` relative; then into
//!    the scale class where `2^(2 es + eq)` lies (`>= 2^600`: big, `>= 2^-600`: medium,
//!    below: small), so nothing overflows or underflows in the state's range: a product up to
//!    `2^3072` that exceeds it (`>= 2^2200`) is recorded as an infinity (its root overflows
//!    every format), one below `2^-2274` (a root `2^63` times below the smallest subnormal)
//!    is lost, gradually below `2^-2169` (an absolute error of at most `2^-2274`).
//! 2. The vector through the dispatched kernels (the state's `add_view`).
//! 3. The pair from the state, rounded once (`finish::pair`).
//!
//! # Carrying the state across calls
//!
//! LAPACK's `?lange('F')` (and `?lanhe`, `?lansy`, ...) call `?lassq` once per column and
//! pass the pair on; rounding the pair at every call would add a rounding per column.  So
//! each thread remembers, per routine (`s`, `d`, `c`, `z`; the 32- and 64-bit integer names
//! share it), the pair it returned last and the state behind it.  When the incoming pair (after
//! steps 2-3) is bit-identical to that pair, the call continues from the state instead of from
//! the pair's value; otherwise (and for NaN results, which are not remembered) it starts from
//! the pair.  Then at the end of a chain `scale sqrt(sumsq)`, what `?lange` returns, is the
//! state's norm up to the roundings of `sumsq` (at most `0.5 + 2^-4` ulp, a quarter ulp after
//! the square root) and of the caller's `sqrt` (half an ulp): within 1 ulp of the exact norm
//! however many columns, and never overflowing or underflowing where the norm is
//! representable (`scale` is a power of two and `sqrt(sumsq)` lies in `[1, 2]`).
//!
//! A stale continuation: another caller in the same thread (or the same caller after
//! changing the pair) may pass a pair that happens to equal ours bit for bit.  It is still
//! answered correctly: our state rounds to exactly that pair, so the state's sum `S'` and the
//! pair's value `P = scale^2 sumsq` differ by at most half an ulp of `sumsq` (times `scale^2`;
//! relative `2^-53` / `2^-24`, plus the state's own bound).  The result is then what the pair
//! taken at face value would give, with its input perturbed by less than half an ulp, the
//! same size as the rounding that any `?lassq` applies to its output: the contract (an
//! equation that every implementation meets only up to rounding) holds either way.  The
//! memory is a `Copy` value in a `thread_local!` `Cell`, const-initialised, read with
//! `try_with` (no allocation, no destructor, no panic during thread teardown; if it cannot be
//! read the call starts from the pair).
//!
//! # The floating-point environment
//!
//! A call computes in the library's environment (`fenv.rs`: flush-to-zero and traps off,
//! the caller's word and flags restored), so FTZ/DAZ do not change the pair.  The pair is
//! rounded to nearest in every rounding mode: LAPACK's contract is an equation up to
//! rounding, and `?lange` forms `scale * sqrt(sumsq)` itself, in the caller's mode.
#![forbid(unsafe_code)]

use crate::finish::pair;
use crate::format::{exponent, ldexp, Format, F32, F64};
use crate::strided::Element;
use crate::sumsq::{two_sum, SumSq};
use core::cell::Cell;

/// What the caller hands over besides the pair.
pub enum LassqData<'a> {
    /// `n <= 0`: nothing to add.
    Empty,
    /// The vector could not be read (bad C arguments): the result is `(1, NaN)`.
    Bad,
    /// Adds the squares of the vector to a state.
    Add(&'a mut dyn FnMut(&mut SumSq)),
}

/// One remembered result: the pair returned (binary64 bits of each value) and its state.
#[derive(Clone, Copy)]
struct Memo {
    scale: u64,
    sumsq: u64,
    state: SumSq,
}

thread_local! {
    static MEMO: Cell<[Option<Memo>; 4]> = const { Cell::new([None; 4]) };
}

/// The memory slot of a routine: `s`, `d`, `c`, `z`.
fn slot<T: Element>() -> usize {
    let single = T::FORMAT == F32;
    usize::from(single) * 2 + usize::from(T::PARTS == 2)
}

fn recall(k: usize, scale: f64, sumsq: f64) -> Option<SumSq> {
    MEMO.try_with(|m| {
        m.get()
            .get(k)
            .copied()
            .flatten()
            .filter(|s| s.scale == scale.to_bits() && s.sumsq == sumsq.to_bits())
            .map(|s| s.state)
    })
    .ok()
    .flatten()
}

fn remember(k: usize, memo: Option<Memo>) {
    let _ = MEMO.try_with(|m| {
        let mut all = m.get();
        if let Some(e) = all.get_mut(k) {
            *e = memo;
        }
        m.set(all);
    });
}

/// `(m, e)` with `x = m 2^e`, `m in [1, 2)`, for positive finite `x` (exact).
fn split(x: f64) -> (f64, i32) {
    let e = exponent(x);
    (ldexp(x, -e), e)
}

/// Adds `scale^2 sumsq` to `st` (module documentation, "Computation", step 1).  `sumsq > 0`
/// and `scale != 0`, neither NaN.
fn add_pair(st: &mut SumSq, scale: f64, sumsq: f64) {
    let scale = scale.abs();
    if scale.is_infinite() || sumsq.is_infinite() {
        st.mark(false, true);
        return;
    }
    let (ms, es) = split(scale);
    let (mq, eq) = split(sumsq);
    // ms^2 = h + l exactly; (h + l) mq = p + (e + l mq): p, e exact, l mq rounded (its error
    // below 2^-104 of the product), the sum e + l mq rounded (below 2^-105).
    let h = ms * ms;
    let l = ms.mul_add(ms, -h);
    let p = h * mq;
    let e = h.mul_add(mq, -p);
    let (hi, lo) = two_sum(p, e + l * mq);
    let err = hi * crate::consts::pow2(-100);
    let ex = 2 * es + eq;
    // Class k holds sums in units of 2^(1200 (k - 1)).
    let k: usize = if ex >= 600 {
        2
    } else if ex >= -600 {
        1
    } else {
        0
    };
    let shift = ex - 1200 * (k as i32 - 1);
    if shift > 1000 {
        // At least 2^2200: the state's range ends there, the norm overflows every format.
        st.mark(false, true);
        return;
    }
    // Parts of lo and err below 2^-1074 (small class only) are lost: 2^-1073 covers them.
    st.add_class(
        k,
        ldexp(hi, shift),
        ldexp(lo, shift),
        ldexp(err, shift) + crate::consts::pow2(-1073),
    );
}

/// `?lassq` in `fmt` (the module documentation): the new pair from the incoming one and the
/// data, for routine memory slot `k`.
pub(crate) fn lassq(
    k: usize,
    fmt: Format,
    scale: f64,
    sumsq: f64,
    data: LassqData<'_>,
) -> (f64, f64) {
    if scale.is_nan() || sumsq.is_nan() {
        return (scale, sumsq);
    }
    let (mut scale, mut sumsq) = (scale, sumsq);
    if sumsq == 0.0 {
        scale = 1.0;
    }
    if scale == 0.0 {
        scale = 1.0;
        sumsq = 0.0;
    }
    let add = match data {
        LassqData::Empty => return (scale, sumsq),
        LassqData::Bad => return (1.0, f64::NAN),
        LassqData::Add(add) => add,
    };
    let mut st = match recall(k, scale, sumsq) {
        Some(st) => st,
        None => {
            let mut st = SumSq::new();
            if sumsq > 0.0 {
                add_pair(&mut st, scale, sumsq);
            }
            st
        }
    };
    add(&mut st);
    let (s, q) = pair(&st, fmt);
    let memo = (!st.nan).then_some(Memo {
        scale: s.to_bits(),
        sumsq: q.to_bits(),
        state: st,
    });
    remember(k, memo);
    (s, q)
}

/// `?lassq` for element type `T` (the pair in `T`'s real type).
pub(crate) fn lassq_typed<T: Element>(
    scale: T::Real,
    sumsq: T::Real,
    data: LassqData<'_>,
) -> (T::Real, T::Real)
where
    T::Real: Into<f64>,
{
    let fmt = if T::FORMAT == F32 { F32 } else { F64 };
    // Everything, the widening of the incoming pair included (DAZ would flush a subnormal
    // binary32 `scale`), in the library's environment (`fenv.rs`).  The pair is rounded to
    // nearest in every rounding mode (module documentation).
    crate::fenv::with_env(|_| {
        let (s, q) = lassq(slot::<T>(), fmt, scale.into(), sumsq.into(), data);
        (T::real(s), T::real(q))
    })
}

/// Forgets this thread's remembered results (tests).
pub(crate) fn forget() {
    let _ = MEMO.try_with(|m| m.set([None; 4]));
}

//! Batches of strided vectors and the Frobenius norm of a matrix: new sources of data for
//! the same state (`sumsq.rs`) and the same finish (`finish.rs`).
//!
//! # Batches ([`nrm2_batch`])
//!
//! `batch` vectors of `n` elements: vector `b` starts `stridex` elements after vector
//! `b - 1` and has stride `incx` (BLAS rules: `incx < 0` is the same set of elements,
//! `incx == 0` repeats its first element); its norm goes to `out` with stride `incout`.
//! Every result is bitwise the norm [`crate::nrm2`] gives for that vector alone (each is
//! correctly rounded, so the order of accumulation does not matter).
//!
//! Two ways through the data, chosen from the strides:
//!
//! * **Across the batch** (`|stridex| == 1`, `|incx| > 1`, binary64 or binary32
//!   components, e.g. the rows of a column-major matrix): vectors are taken a panel at a
//!   time, one SIMD lane per vector (`kernel/batch.rs`), so element `j` of `N U` consecutive
//!   vectors is one contiguous load.  Each lane ends in one state per vector, finished by
//!   `finish.rs`, with the exact recomputation of that vector when the bound cannot decide
//!   (as for a single vector).  When the batch is not a multiple of the panel, the last
//!   panel is moved back to end at the last vector (a few vectors are computed twice, with
//!   the same result); a batch narrower than one panel uses zero-padded loads.
//! * **Vector by vector** (every other layout, and element types without a panel kernel):
//!   the single-vector path, which is already fast for contiguous vectors.
//!
//! Batches of at least `PAR_MIN` components in all are split over threads by vectors
//! (`threads.rs` rules: the thread count, scoped threads), each piece writing its own
//! disjoint outputs; the results do not depend on the thread count.
//!
//! Slice layout (the safe API, BLAS convention for negative strides): vector `b` starts at
//! `x[b * stridex]` when `stridex >= 0` and at `x[(batch - 1 - b) * |stridex|]` otherwise;
//! its norm goes to `out[b * incout]` or `out[(batch - 1 - b) * |incout|]`.  The C adapters
//! turn C pointers (vector `b` at `x + b * stridex`, its norm at `out + b * incout`) into
//! slices that start at the lowest address, which is exactly this convention.
//!
//! # Matrices ([`nrm2_matrix`])
//!
//! The column-major `m x k` matrix with leading dimension `lda`: one state for all columns
//! (one contiguous vector when `lda == m`), one finish, and the exact state over the same
//! columns when the bound cannot decide.
#![forbid(unsafe_code)]

use crate::api::{add_view, conclude, mark_specials, norm_view};
use crate::arch::Kernels;
use crate::dispatch::{self, Isa};
use crate::fenv::{self, Dir};
use crate::format::Format;
use crate::kernel::batch::Panel;
use crate::strided::{ChunkSource, Element, Strided};
use crate::sumsq::SumSq;

/// Why a batch or a matrix could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchError {
    /// The extents overflow: the span of the elements read (or of the outputs) does not
    /// fit the address space.
    Size,
    /// `incout == 0` with `batch > 1`, or `lda < max(1, m)`.
    Stride,
    /// The input slice is shorter than the span of the elements read.
    TooShort,
    /// The output slice is shorter than `(batch - 1) * |incout| + 1`.
    OutTooShort,
}

impl core::fmt::Display for BatchError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            BatchError::Size => "the extents overflow the address space",
            BatchError::Stride => "incout == 0 with batch > 1, or lda < max(1, m)",
            BatchError::TooShort => "input slice shorter than the span of the batch",
            BatchError::OutTooShort => "output slice shorter than (batch - 1) * |incout| + 1",
        })
    }
}

impl std::error::Error for BatchError {}

/// Elements from the first to the last element a batch reads:
/// `(batch - 1) |stridex| + (n - 1) |incx| + 1` (0 when `n == 0` or `batch == 0`), or
/// `None` on overflow.
pub fn batch_span(n: usize, incx: isize, stridex: isize, batch: usize) -> Option<usize> {
    if n == 0 || batch == 0 {
        return Some(0);
    }
    (batch - 1)
        .checked_mul(stridex.unsigned_abs())?
        .checked_add((n - 1).checked_mul(incx.unsigned_abs())?)?
        .checked_add(1)
}

/// The norms of a strided batch of vectors (module documentation), with the dispatched
/// kernels: `out[b * incout]` (slice layout in the module documentation) gets the norm of
/// vector `b`, bitwise equal to [`crate::nrm2`] of that vector.
///
/// `n == 0`: every output is 0.  `batch == 0`: nothing is done.  On error nothing is
/// written.
///
/// ```
/// // Row and column norms of the column-major 2 x 3 matrix [[3, 0, 4], [0, 5, 12]].
/// let a = [3.0f64, 0.0, 0.0, 5.0, 4.0, 12.0];
/// let (mut rows, mut cols) = ([0.0; 2], [0.0; 3]);
/// safenorm::nrm2_batch(&a, 3, 2, 1, 2, &mut rows, 1).unwrap(); // (n, incx, stridex, batch)
/// safenorm::nrm2_batch(&a, 2, 1, 2, 3, &mut cols, 1).unwrap();
/// assert_eq!(rows, [5.0, 13.0]);
/// assert_eq!(cols, [3.0, 5.0, 160f64.sqrt()]); // sqrt is correctly rounded too
/// ```
pub fn nrm2_batch<T: Element>(
    x: &[T],
    n: usize,
    incx: isize,
    stridex: isize,
    batch: usize,
    out: &mut [T::Real],
    incout: isize,
) -> Result<(), BatchError> {
    batch_with(
        x,
        n,
        incx,
        stridex,
        batch,
        out,
        incout,
        dispatch::active_kernels(),
    )
}

/// As [`nrm2_batch`] with one given ISA path (for tests and benchmarks); `None` when this
/// CPU cannot run it.
#[allow(clippy::too_many_arguments)]
pub fn nrm2_batch_with_isa<T: Element>(
    x: &[T],
    n: usize,
    incx: isize,
    stridex: isize,
    batch: usize,
    out: &mut [T::Real],
    incout: isize,
    isa: Isa,
) -> Option<Result<(), BatchError>> {
    Some(batch_with(
        x,
        n,
        incx,
        stridex,
        batch,
        out,
        incout,
        isa.kernels()?,
    ))
}

/// The Frobenius norm `sqrt(sum_ij |a_ij|^2)` of the column-major `m x k` matrix with
/// leading dimension `lda` (element `(i, j)` at `a[i + j * lda]`), correctly rounded.
/// `m == 0` or `k == 0` gives 0; `lda < max(1, m)` is [`BatchError::Stride`].
///
/// ```
/// // The 2 x 2 matrix [[3, 4], [0, 12]] stored with lda = 3 (one unused row).
/// let a = [3.0f64, 0.0, f64::NAN, 4.0, 12.0];
/// assert_eq!(safenorm::nrm2_matrix(&a, 2, 2, 3), Ok(13.0));
/// ```
pub fn nrm2_matrix<T: Element>(
    a: &[T],
    m: usize,
    k: usize,
    lda: usize,
) -> Result<T::Real, BatchError> {
    matrix_with(a, m, k, lda, dispatch::active_kernels())
}

/// As [`nrm2_matrix`] with one given ISA path; `None` when this CPU cannot run it.
pub fn nrm2_matrix_with_isa<T: Element>(
    a: &[T],
    m: usize,
    k: usize,
    lda: usize,
    isa: Isa,
) -> Option<Result<T::Real, BatchError>> {
    Some(matrix_with(a, m, k, lda, isa.kernels()?))
}

/// Position of item `b` of `count` items with stride `inc` in a slice that starts at the
/// lowest one (BLAS convention).
#[inline]
fn pos(b: usize, count: usize, inc: isize) -> usize {
    let s = inc.unsigned_abs();
    if inc >= 0 {
        b * s
    } else {
        (count - 1 - b) * s
    }
}

#[allow(clippy::too_many_arguments)]
fn batch_with<T: Element>(
    x: &[T],
    n: usize,
    incx: isize,
    stridex: isize,
    batch: usize,
    out: &mut [T::Real],
    incout: isize,
    k: &Kernels,
) -> Result<(), BatchError> {
    if batch == 0 {
        return Ok(());
    }
    if incout == 0 && batch > 1 {
        return Err(BatchError::Stride);
    }
    let out_span = (batch - 1)
        .checked_mul(incout.unsigned_abs())
        .and_then(|v| v.checked_add(1))
        .ok_or(BatchError::Size)?;
    let span = batch_span(n, incx, stridex, batch).ok_or(BatchError::Size)?;
    let x = x.get(..span).ok_or(BatchError::TooShort)?;
    let out = out.get_mut(..out_span).ok_or(BatchError::OutTooShort)?;
    if n == 0 {
        for b in 0..batch {
            if let Some(o) = out.get_mut(pos(b, batch, incout)) {
                *o = T::real(0.0);
            }
        }
        return Ok(());
    }
    let pieces = pieces::<T>(n, batch);
    // Every norm, and its conversion to `T::Real`, in the library's environment with the
    // caller's rounding direction (`fenv.rs`).
    fenv::with_env(|dir| {
        if pieces > 1 {
            parallel(x, n, incx, stridex, batch, out, incout, k, pieces, dir);
        } else {
            serial(x, n, incx, stridex, batch, out, incout, k, dir);
        }
    });
    Ok(())
}

/// Into how many pieces of consecutive vectors a batch is split over threads: as for one
/// long vector (`threads.rs`): at least `PAR_MIN` components in all, pieces of at least
/// `PAR_MIN / 2` components, at most the thread count.
fn pieces<T: Element>(n: usize, batch: usize) -> usize {
    let comps = n.saturating_mul(batch).saturating_mul(T::PARTS);
    if comps < crate::threads::PAR_MIN {
        return 1;
    }
    crate::threads::num_threads()
        .min(comps / (crate::threads::PAR_MIN / 2))
        .min(batch)
        .clamp(1, crate::threads::MAX_THREADS)
}

/// Vectors `lo..hi` of a batch as a batch of their own: the input and output slices that
/// start at the piece's lowest element and output.
fn piece_starts(
    lo: usize,
    hi: usize,
    batch: usize,
    stridex: isize,
    incout: isize,
) -> (usize, usize) {
    let first = |inc: isize| {
        let s = inc.unsigned_abs();
        if inc >= 0 {
            lo * s
        } else {
            (batch - hi) * s
        }
    };
    (first(stridex), first(incout))
}

/// The batch split into `k` pieces of consecutive vectors, the first in this thread and the
/// others in scoped threads (as `threads.rs`: no pool, none outlives the call; a piece whose
/// thread cannot be started or fails is computed by this thread afterwards).  The outputs of
/// different pieces are disjoint sub-slices of `out`, so nothing is shared.
#[allow(clippy::too_many_arguments)]
fn parallel<T: Element>(
    x: &[T],
    n: usize,
    incx: isize,
    stridex: isize,
    batch: usize,
    out: &mut [T::Real],
    incout: isize,
    kern: &Kernels,
    k: usize,
    dir: Dir,
) {
    use crate::threads::MAX_THREADS;
    let k = k.clamp(1, MAX_THREADS);
    // Piece i: vectors start(i)..start(i + 1), as equal as possible (no overflow, no
    // division that can panic).
    let (base, extra) = (
        batch.checked_div(k).unwrap_or(batch),
        batch.checked_rem(k).unwrap_or(0),
    );
    let start = |i: usize| i * base + i.min(extra);
    let range = |i: usize| (start(i), start(i + 1));
    // The pieces' output slices, split in address order (piece order reversed when
    // incout < 0).
    let mut slots: [Option<&mut [T::Real]>; MAX_THREADS] = [const { None }; MAX_THREADS];
    let mut rest = out;
    for j in 0..k {
        let i = if incout >= 0 { j } else { k - 1 - j };
        let (lo, hi) = range(i);
        let len = if j + 1 == k {
            rest.len()
        } else {
            (hi - lo) * incout.unsigned_abs()
        };
        let all = core::mem::take(&mut rest);
        let (mine, tail) = all.split_at_mut(len.min(all.len()));
        rest = tail;
        if let Some(s) = slots.get_mut(i) {
            *s = Some(mine);
        }
    }
    let one = |i: usize, o: &mut [T::Real]| {
        let (lo, hi) = range(i);
        let (xs, _) = piece_starts(lo, hi, batch, stridex, incout);
        let xp = x.get(xs..).unwrap_or(&[]);
        serial(xp, n, incx, stridex, hi - lo, o, incout, kern, dir);
    };
    let mut done = [false; MAX_THREADS];
    std::thread::scope(|scope| {
        let mut handles: [Option<std::thread::ScopedJoinHandle<'_, ()>>; MAX_THREADS] =
            [const { None }; MAX_THREADS];
        for (i, (slot, h)) in slots.iter_mut().zip(handles.iter_mut()).enumerate().take(k) {
            let Some(o) = slot.as_deref_mut() else {
                continue;
            };
            if i == 0 {
                one(0, o);
                if let Some(d) = done.first_mut() {
                    *d = true;
                }
                continue;
            }
            *h = std::thread::Builder::new()
                .spawn_scoped(scope, move || {
                    // A thread of its own: its own guard (`fenv.rs`, as in `threads.rs`).
                    let _env = fenv::Guard::enter();
                    one(i, o)
                })
                .ok();
        }
        for (h, d) in handles.iter_mut().zip(done.iter_mut()).take(k).skip(1) {
            if let Some(h) = h.take() {
                *d = h.join().is_ok();
            }
        }
    });
    // Pieces whose thread could not be started (or failed): here.
    for (i, (slot, d)) in slots.iter_mut().zip(done.iter()).enumerate().take(k) {
        if !*d {
            if let Some(o) = slot.as_deref_mut() {
                one(i, o);
            }
        }
    }
}

/// The batch in this thread.  `x` starts at the batch's lowest element, `out` at its
/// lowest output; both were checked.
#[allow(clippy::too_many_arguments)]
fn serial<T: Element>(
    x: &[T],
    n: usize,
    incx: isize,
    stridex: isize,
    batch: usize,
    out: &mut [T::Real],
    incout: isize,
    k: &Kernels,
    dir: Dir,
) {
    // Vector `i` in memory order starts at x[i * |stridex|]; it is vector `b` of the
    // caller's numbering, whose norm goes to out[pos(b)].
    let sx = stridex.unsigned_abs();
    let logical = |i: usize| if stridex >= 0 { i } else { batch - 1 - i };
    let view = |i: usize| Strided::new(x.get(i * sx..).unwrap_or(&[]), n, incx).ok();
    let across =
        sx == 1 && incx.unsigned_abs() > 1 && (T::as_f64s(x).is_some() || T::as_f32s(x).is_some());
    if across {
        across_batch(x, n, incx, batch, k, dir, &mut |i, v| {
            if let Some(o) = out.get_mut(pos(logical(i), batch, incout)) {
                *o = T::real(v);
            }
        });
        return;
    }
    for i in 0..batch {
        let r = match view(i) {
            Some(v) => norm_view(&v, k, dir),
            None => f64::NAN, // unreachable: the span was checked
        };
        if let Some(o) = out.get_mut(pos(logical(i), batch, incout)) {
            *o = T::real(r);
        }
    }
}

/// Most lanes of any panel (AVX-512: 64 binary64 components).
const MAX_PANEL: usize = 64;

/// Most lanes of one call of a batch kernel (`Kernels::group` panels side by side): the
/// lane states live on the stack (24 KiB).
const MAX_GROUP_LANES: usize = 256;

/// The across-batch path (`|stridex| == 1`): vectors in memory order `i`, each handed to
/// `put(i, norm)`.  `x` is exactly the batch's span.
fn across_batch<T: Element>(
    x: &[T],
    n: usize,
    incx: isize,
    batch: usize,
    k: &Kernels,
    dir: Dir,
    put: &mut dyn FnMut(usize, f64),
) {
    let parts = T::PARTS;
    let pw = k.panel.clamp(parts, MAX_PANEL);
    let wv = pw / parts;
    let group = k.group.clamp(1, MAX_GROUP_LANES / pw);
    let step = incx.unsigned_abs() * parts;
    let (f64s, f32s) = (T::as_f64s(x), T::as_f32s(x));
    let mut lanes = [SumSq::new(); MAX_GROUP_LANES];
    let mut special = [0u64; MAX_GROUP_LANES];
    let mut i0 = 0;
    while i0 < batch {
        // Whole panels side by side when possible; a last whole panel moved back to end at
        // the last vector (a few vectors computed twice); a zero-padded panel when the
        // batch is narrower than one panel.
        let left = batch - i0;
        let (start, count, width, nvec) = if left >= wv {
            let c = (left / wv).min(group);
            (i0, c, pw, c * wv)
        } else if batch >= wv {
            (batch - wv, 1, pw, wv)
        } else {
            (i0, 1, left * parts, left)
        };
        let p = Panel {
            base: start * parts,
            step,
            rows: n,
            width,
            count,
        };
        for l in lanes.iter_mut().take(count * pw) {
            *l = SumSq::new();
        }
        match (f64s, f32s) {
            (Some(f), _) => (k.batch64)(f, p, &mut lanes, &mut special),
            (None, Some(f)) => (k.batch32)(f, p, &mut lanes, &mut special),
            (None, None) => return,
        }
        for v in 0..nvec {
            let i = start + v;
            let Some(view) = Strided::new(x.get(i..).unwrap_or(&[]), n, incx).ok() else {
                continue;
            };
            let (q, c0) = (v / wv, (v % wv) * parts);
            let bits = special.get(q).copied().unwrap_or(0);
            let mut st = SumSq::new();
            let mut sp = false;
            for c in c0..c0 + parts {
                if let Some(l) = lanes.get(q * pw + c) {
                    st.merge_in_env(l);
                }
                sp |= bits.checked_shr(c as u32).unwrap_or(0) & 1 != 0;
            }
            if sp {
                mark_specials(&mut st, &view);
            }
            put(i, conclude(&st, &view, dir));
        }
        i0 = start + nvec;
    }
}

/// The columns of a matrix as one source (for the exact recomputation).
struct Columns<'a, T> {
    a: &'a [T],
    m: usize,
    k: usize,
    lda: usize,
}

impl<'a, T: Element> Columns<'a, T> {
    fn column(&self, j: usize) -> Strided<'a, T> {
        let from = j * self.lda;
        Strided::contiguous(self.a.get(from..from + self.m).unwrap_or(&[]))
    }
}

impl<T: Element> ChunkSource for Columns<'_, T> {
    fn format(&self) -> Format {
        T::FORMAT
    }

    fn repeated(&self) -> Option<([f64; 2], u64)> {
        None
    }

    fn for_each_chunk(&self, f: &mut dyn FnMut(&[f64])) {
        for j in 0..self.k {
            self.column(j).for_each_chunk(f);
        }
    }
}

fn matrix_with<T: Element>(
    a: &[T],
    m: usize,
    k: usize,
    lda: usize,
    kern: &Kernels,
) -> Result<T::Real, BatchError> {
    if lda < m.max(1) {
        return Err(BatchError::Stride);
    }
    if m == 0 || k == 0 {
        return Ok(T::real(0.0));
    }
    let span = (k - 1)
        .checked_mul(lda)
        .and_then(|v| v.checked_add(m))
        .ok_or(BatchError::Size)?;
    let a = a.get(..span).ok_or(BatchError::TooShort)?;
    // The norm, and its conversion, in the library's environment (`fenv.rs`).
    Ok(fenv::with_env(|dir| {
        if lda == m || k == 1 {
            return T::real(norm_view(&Strided::contiguous(a), kern, dir));
        }
        let cols = Columns { a, m, k, lda };
        let mut st = SumSq::new();
        for j in 0..k {
            add_view(&mut st, &cols.column(j), kern);
        }
        T::real(conclude(&st, &cols, dir))
    }))
}

//! Batches vectorized *across* vectors: one accumulator lane per vector.
//!
//! A *panel* is `width <= CH` consecutive components (`CH` = the ISA's chunk, `N U`
//! components) in each of `rows` *rows*: row `j` starts at component `base + j * step`.
//! Component `c` of every row belongs to lane `c` (accumulator `u = c / N`, lane `c % N`),
//! so every lane sees one stream of `rows` values.  The driver (`batch.rs`) lays vectors out
//! this way when consecutive vectors are adjacent in memory (`|stridex| == 1`) and the
//! elements of one vector are far apart (`|incx| > 1`): the rows of a column-major matrix,
//! for example, are read with contiguous loads of element `j` of `CH` vectors (a complex
//! vector owns two adjacent lanes) instead of a strided gather per vector.
//!
//! # Binary64 ([`batch64`])
//!
//! The algorithm of `kernel.rs` with a scale class and an offset *per lane*, and blocks of
//! at most `M` rows:
//!
//! 1. **Checked block** (the first block, and any block the prediction does not accept):
//!    a first pass computes `amax` per lane; a lane with finite non-zero `amax` gets the
//!    class of `amax` ([`super::class_of`]) and `sigma = 2^(floor(log2(M amax_s^2)) + 1)`,
//!    which is `> m amax_s^2` for the block's `m <= M` rows and lies in
//!    `[2^-947, 2^861]` (`amax_s` in `[2^-474, 2^424]`, `M <= 128`), so every such lane is
//!    accepted unless it holds a NaN.  A lane with an infinite `amax` or a NaN (a NaN `s`)
//!    is *special*: it adds nothing and its bit is returned (the driver then scans that
//!    vector for NaN/Inf).  A lane whose `amax` is 0 holds only zeros (or NaNs: then
//!    special) and adds nothing.
//! 2. **Predicted block**: every lane keeps its class and offset from the block before and
//!    runs the steps directly; the block is accepted when every lane has
//!    `s < 2 sigma` and `s > 2^-20 sigma` (tested vector-wise, no per-lane work), else it is
//!    run again as a checked block.  Lanes past `width` (padding, zero data) are exempted from
//!    the lower test by adding 1 to their `s`, and their sums are discarded.
//! 3. **Steps**: per lane `T = sigma`, `L = 0`, and per row [`super::lane_step`] on the
//!    value times the lane's scale.  Each lane is one accumulator of `m` steps, so the proof
//!    of `kernel.rs` ("Why an accepted block is exact up to the bound") applies lane by lane
//!    with `U = 1`: `s = T - sigma` is exact, and the lane's bound is
//!    [`super::eft_bound`]`(1, m, sigma, 53)`.
//! 4. **Folding**: `s` and `L` are added lane-wise into a double-double per lane (TwoSum as
//!    in `Run::fold`, the two roundings tracked by a running sum of magnitudes `abs`), in the
//!    lane's class; a lane changing class (rare: only in a checked block) first flushes
//!    every lane.  At the end each lane's double-double enters that lane's state
//!    ([`SumSq::add_class`]) with the bound `err + 2u abs`.
//!
//! Any class is sound for a lane as long as its block is accepted (the scaling by `2^600`
//! is exact or overflows, which the acceptance rejects; the scaling by `2^-600` is covered
//! as in `kernel.rs`), so a predicted block needs no class check.
//!
//! # Binary32 ([`batch32`])
//!
//! The squares of widened binary32 values are exact in binary64: per lane
//! `A = fma(x, x, A)` over a block of `m` rows, bound [`super::sq_bound`]`(m, 0, A)`, folded
//! in the medium class as above; a lane whose `A` is not below `f64::MAX` is special.
//!
//! The results are one state per lane, bitwise independent of the ISA once finished (they
//! are correctly rounded), which `tests/batch.rs` checks per ISA.
#![forbid(unsafe_code)]

use super::{class_of, eft_bound, lane_step, pow2_above, sq_bound, Lanes, Load, CLASS_SCALE};
use super::{MAX_LANES, UNIT};
use crate::consts::ACCEPT_LOW;
use crate::sumsq::SumSq;
use core::marker::PhantomData;

/// Where a panel's rows lie in the component slice given with it (see the module
/// documentation).  The driver guarantees `base + (rows - 1) * step + width <= len` when
/// `rows > 0`; the kernels also check every row (a row outside reads as zeros).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Panel {
    /// First component of row 0.
    pub base: usize,
    /// Components from one row to the next.
    pub step: usize,
    /// Number of rows (elements per vector).
    pub rows: usize,
    /// Components per row (`<= CH`); lanes past it are padding.
    pub width: usize,
    /// Number of panels side by side (panel `q` starts at `base + q * width`); more than one
    /// only when `width == CH`, at most the ISA's group size.
    pub count: usize,
}

/// The rows of a panel as `U` vectors each.
trait Rows<V, const U: usize> {
    fn row(&self, j: usize) -> [V; U];
}

/// Full rows (`width == CH`), loaded by the ISA's contiguous loader.
struct FullRows<'a, E, L, const CH: usize> {
    x: &'a [E],
    p: Panel,
    _l: PhantomData<L>,
}

impl<E: Copy, V: Lanes, L, const U: usize, const CH: usize> Rows<V, U> for FullRows<'_, E, L, CH>
where
    L: for<'b> Load<V, U, Item<'b> = [E; CH]>,
{
    #[inline(always)]
    fn row(&self, j: usize) -> [V; U] {
        let o = self.p.base.wrapping_add(j.wrapping_mul(self.p.step));
        // Rows PREFETCH_ROWS ahead, one hint per cache line (the address is only formed,
        // with wrapping arithmetic, never dereferenced here).
        let ahead = self
            .x
            .as_ptr()
            .wrapping_add(o.wrapping_add(PREFETCH_ROWS.wrapping_mul(self.p.step)))
            .cast::<u8>();
        let bytes = CH * core::mem::size_of::<E>();
        let mut b = 0;
        while b < bytes {
            V::prefetch(ahead.wrapping_add(b));
            b += 64;
        }
        match self.x.get(o..).and_then(|s| s.first_chunk::<CH>()) {
            Some(c) => L::load(c),
            None => [V::splat(0.0); U],
        }
    }
}

/// How many rows ahead the full-row loader asks for the cache lines of.
const PREFETCH_ROWS: usize = 12;

/// Partial rows (`width < CH`), loaded zero-padded by the ISA's partial-chunk loader.
struct PartRows<'a, E, LT> {
    x: &'a [E],
    p: Panel,
    _l: PhantomData<LT>,
}

impl<E: Copy, V: Lanes, LT, const U: usize> Rows<V, U> for PartRows<'_, E, LT>
where
    LT: for<'b> Load<V, U, Item<'b> = &'b [E]>,
{
    #[inline(always)]
    fn row(&self, j: usize) -> [V; U] {
        let o = self.p.base.wrapping_add(j.wrapping_mul(self.p.step));
        let t = self.x.get(o..o.saturating_add(self.p.width)).unwrap_or(&[]);
        LT::load(&t)
    }
}

/// Array position `(c / N, c % N)` of lane `c`; the remainders keep both indices provably
/// in bounds (no bounds check, no panic path: `.ci/no_panic.sh`).
#[inline(always)]
fn at<V: Lanes, const U: usize>(c: usize) -> (usize, usize) {
    ((c / V::N) % U, (c % V::N) % MAX_LANES)
}

/// Bit `c` of a lane mask (0 for `c >= 64`, which no panel has).
#[inline(always)]
fn bit(c: usize) -> u64 {
    1u64.checked_shl(c as u32).unwrap_or(0)
}

/// Per-lane values as arrays, lane `c` at `[c / N][c % N]`.
type Arr<const U: usize> = [[f64; MAX_LANES]; U];

#[inline(always)]
fn to_arr<V: Lanes, const U: usize>(v: &[V; U]) -> Arr<U> {
    let mut a = [[0.0; MAX_LANES]; U];
    for u in 0..U {
        v[u].to_arr(&mut a[u]);
    }
    a
}

#[inline(always)]
fn from_arr<V: Lanes, const U: usize>(a: &Arr<U>) -> [V; U] {
    let mut v = [V::splat(0.0); U];
    for u in 0..U {
        v[u] = V::from_arr(&a[u]);
    }
    v
}

/// Lane-wise double-double sums, one per lane in the lane's class.
#[derive(Clone, Copy)]
struct LaneFold<V, const U: usize> {
    hi: [V; U],
    lo: [V; U],
    abs: [V; U],
    err: [V; U],
    /// Class of each lane's sums.
    cls: [[usize; MAX_LANES]; U],
}

impl<V: Lanes, const U: usize> LaneFold<V, U> {
    #[inline(always)]
    fn new() -> Self {
        let z = [V::splat(0.0); U];
        LaneFold {
            hi: z,
            lo: z,
            abs: z,
            err: z,
            cls: [[1; MAX_LANES]; U],
        }
    }

    /// Adds exact lane sums `d`, error sums `l` and bounds `e` (as `Run::fold`, per lane).
    #[inline(always)]
    fn add(&mut self, d: &[V; U], l: &[V; U], e: &[V; U]) {
        for u in 0..U {
            let (hi, d) = (self.hi[u], d[u]);
            let s = hi.add(d);
            let bp = s.sub(hi);
            let t = hi.sub(s.sub(bp)).add(d.sub(bp));
            let el = t.add(l[u]);
            let lo2 = self.lo[u].add(el);
            self.abs[u] = self.abs[u].add(el.abs().add(lo2.abs()));
            self.hi[u] = s;
            self.lo[u] = lo2;
            self.err[u] = self.err[u].add(e[u]);
        }
    }

    /// Moves every lane's sums into its state (lanes `< valid`) and starts again from zero.
    #[inline(always)]
    fn flush(&mut self, out: &mut [SumSq], valid: usize) {
        let (hi, lo, ab, er) = (
            to_arr(&self.hi),
            to_arr(&self.lo),
            to_arr(&self.abs),
            to_arr(&self.err),
        );
        for c in 0..valid.min(V::N * U) {
            let (u, i) = at::<V, U>(c);
            let (h, l, a, e) = (hi[u][i], lo[u][i], ab[u][i], er[u][i]);
            if h != 0.0 || l != 0.0 || e != 0.0 {
                if let Some(st) = out.get_mut(c) {
                    // The fold's two roundings per block are each at most u times a
                    // magnitude summed in `a`; 2u covers them and this product's rounding.
                    st.add_class(self.cls[u][i], h, l, e + a * (2.0 * UNIT));
                }
            }
        }
        *self = LaneFold {
            cls: self.cls,
            ..Self::new()
        };
    }
}

/// The error-free steps of rows `j0..j0 + m` with per-lane offsets and (optional) scales;
/// returns the lane sums `s = T - sigma` and error sums `L`.
#[inline(always)]
fn eft_rows<V: Lanes, R: Rows<V, U>, const U: usize>(
    rows: &R,
    j0: usize,
    m: usize,
    scale: Option<&[V; U]>,
    sigma: &[V; U],
) -> ([V; U], [V; U]) {
    let mut t = *sigma;
    let mut l = [V::splat(0.0); U];
    match scale {
        Some(sc) => {
            for j in j0..j0 + m {
                let xs = rows.row(j);
                for u in 0..U {
                    lane_step(xs[u].mul(sc[u]), &mut t[u], &mut l[u]);
                }
            }
        }
        None => {
            for j in j0..j0 + m {
                let xs = rows.row(j);
                for u in 0..U {
                    lane_step(xs[u], &mut t[u], &mut l[u]);
                }
            }
        }
    }
    for u in 0..U {
        t[u] = t[u].sub(sigma[u]);
    }
    (t, l)
}

/// `max |x|` per lane over rows `j0..j0 + m` (NaN ignored).
#[inline(always)]
fn amax_rows<V: Lanes, R: Rows<V, U>, const U: usize>(rows: &R, j0: usize, m: usize) -> [V; U] {
    let mut mx = [V::splat(0.0); U];
    for j in j0..j0 + m {
        let xs = rows.row(j);
        for u in 0..U {
            mx[u] = mx[u].max(xs[u].abs());
        }
    }
    mx
}

/// How one panel's blocks are processed: binary64 ([`State64`]) or binary32 ([`State32`]).
trait PanelState<V: Lanes, const U: usize>: Copy {
    fn new() -> Self;
    /// Adds rows `j0..j0 + m` (lanes `< valid` are real; `pad` is 1 on the others).
    fn block<R: Rows<V, U>, const M: usize>(
        &mut self,
        rows: &R,
        j0: usize,
        m: usize,
        valid: usize,
        pad: &[V; U],
        out: &mut [SumSq],
    );
    /// Moves the sums into `out` and returns the special lanes.
    fn end(&mut self, out: &mut [SumSq], valid: usize) -> u64;
}

/// The driver of both bodies: `p.count` panels side by side, walked a block of `M` rows at
/// a time across all of them (so memory is read in address order for a column-major
/// matrix), each with a state of its own.  Lane `c` of panel `q` adds to `out[q * CH + c]`;
/// `special[q]` gets panel `q`'s special lanes.
#[inline(always)]
fn panels<V, E, L, LT, S, const U: usize, const CH: usize, const M: usize, const G: usize>(
    x: &[E],
    p: Panel,
    out: &mut [SumSq],
    special: &mut [u64],
) where
    V: Lanes,
    E: Copy,
    L: for<'b> Load<V, U, Item<'b> = [E; CH]>,
    LT: for<'b> Load<V, U, Item<'b> = &'b [E]>,
    S: PanelState<V, U>,
{
    let lanes = V::N * U;
    let full = p.width >= CH;
    let count = if full { p.count.clamp(1, G) } else { 1 };
    let valid = if full { lanes } else { p.width.min(lanes) };
    // 1 on padding lanes: exempts them from the lower acceptance test.
    let mut pad_a = [[0.0; MAX_LANES]; U];
    for c in valid..lanes {
        let (u, i) = at::<V, U>(c);
        pad_a[u][i] = 1.0;
    }
    let pad: [V; U] = from_arr(&pad_a);
    let mut st = [S::new(); G];
    let sub = |q: usize| Panel {
        base: p.base.wrapping_add(q.wrapping_mul(CH)),
        ..p
    };
    let mut j0 = 0;
    while j0 < p.rows {
        let m = (p.rows - j0).min(M);
        for (q, s) in st.iter_mut().enumerate().take(count) {
            let o = out.get_mut(q * CH..).unwrap_or(&mut []);
            if full {
                let r = FullRows::<E, L, CH> {
                    x,
                    p: sub(q),
                    _l: PhantomData,
                };
                s.block::<_, M>(&r, j0, m, valid, &pad, o);
            } else {
                let r = PartRows::<E, LT> {
                    x,
                    p,
                    _l: PhantomData,
                };
                s.block::<_, M>(&r, j0, m, valid, &pad, o);
            }
        }
        j0 += m;
    }
    for (q, s) in st.iter_mut().enumerate().take(count) {
        let o = out.get_mut(q * CH..).unwrap_or(&mut []);
        let sp = s.end(o, valid);
        if let Some(d) = special.get_mut(q) {
            *d = sp;
        }
    }
}

/// The binary64 body (module documentation): lane `c` of panel `q` adds to
/// `out[q * CH + c]`; `special[q]` gets the special lanes of panel `q` (bit `c`).
#[inline(always)]
pub(crate) fn batch64<V, L, LT, const U: usize, const CH: usize, const M: usize, const G: usize>(
    x: &[f64],
    p: Panel,
    out: &mut [SumSq],
    special: &mut [u64],
) where
    V: Lanes,
    L: for<'b> Load<V, U, Item<'b> = [f64; CH]>,
    LT: for<'b> Load<V, U, Item<'b> = &'b [f64]>,
{
    panels::<V, f64, L, LT, State64<V, U>, U, CH, M, G>(x, p, out, special);
}

/// The binary32 body (module documentation), as [`batch64`].
#[inline(always)]
pub(crate) fn batch32<V, L, LT, const U: usize, const CH: usize, const M: usize, const G: usize>(
    x: &[f32],
    p: Panel,
    out: &mut [SumSq],
    special: &mut [u64],
) where
    V: Lanes,
    L: for<'b> Load<V, U, Item<'b> = [f32; CH]>,
    LT: for<'b> Load<V, U, Item<'b> = &'b [f32]>,
{
    panels::<V, f32, L, LT, State32<V, U>, U, CH, M, G>(x, p, out, special);
}

/// One binary64 panel between blocks: the lane sums, and the prediction for the next
/// block (each lane's offset and scale, kept from the last checked block).
#[derive(Clone, Copy)]
struct State64<V, const U: usize> {
    fold: LaneFold<V, U>,
    sigma: [V; U],
    scale: [V; U],
    /// Some lane's scale is not 1.
    scaled: bool,
    predicted: bool,
    special: u64,
}

impl<V: Lanes, const U: usize> PanelState<V, U> for State64<V, U> {
    #[inline(always)]
    fn new() -> Self {
        State64 {
            fold: LaneFold::new(),
            sigma: [V::splat(1.0); U],
            scale: [V::splat(1.0); U],
            scaled: false,
            predicted: false,
            special: 0,
        }
    }

    #[inline(always)]
    fn block<R: Rows<V, U>, const M: usize>(
        &mut self,
        rows: &R,
        j0: usize,
        m: usize,
        valid: usize,
        pad: &[V; U],
        out: &mut [SumSq],
    ) {
        let lanes = V::N * U;
        let c_m = eft_bound(1, m, 1.0, 53);
        if self.predicted {
            let (s, l) = eft_rows(rows, j0, m, self.scaled.then_some(&self.scale), &self.sigma);
            let (two, low) = (V::splat(2.0), V::splat(ACCEPT_LOW));
            let mut ok = true;
            for u in 0..U {
                let sg = self.sigma[u];
                ok &= s[u].all_lt(two.mul(sg)) & low.mul(sg).all_lt(s[u].add(pad[u]));
            }
            if ok {
                let mut e = self.sigma;
                for eu in e.iter_mut() {
                    *eu = eu.mul(V::splat(c_m));
                }
                self.fold.add(&s, &l, &e);
                return;
            }
        }
        // The checked block.
        let fold = &mut self.fold;
        let amax = to_arr(&amax_rows(rows, j0, m));
        let mut sig_a = [[1.0; MAX_LANES]; U];
        let mut sc_a = [[1.0; MAX_LANES]; U];
        let mut cls_a = fold.cls;
        // Lanes that add nothing in this block (zero, special or padding).
        let mut dead = [[true; MAX_LANES]; U];
        for c in 0..lanes {
            let (u, i) = at::<V, U>(c);
            let a = amax[u][i];
            sc_a[u][i] = CLASS_SCALE.get(fold.cls[u][i]).copied().unwrap_or(1.0);
            if c >= valid || a == 0.0 {
                continue;
            }
            if !a.is_finite() {
                self.special |= bit(c);
                continue;
            }
            let k = class_of(a);
            let sc = CLASS_SCALE.get(k).copied().unwrap_or(1.0);
            let a_s = a * sc;
            sig_a[u][i] = pow2_above(M as f64 * a_s * a_s);
            sc_a[u][i] = sc;
            cls_a[u][i] = k;
            dead[u][i] = false;
        }
        let sig: [V; U] = from_arr(&sig_a);
        let scaled = sc_a.iter().any(|r| r.iter().any(|&v| v != 1.0));
        let sc: [V; U] = from_arr(&sc_a);
        let (s, l) = eft_rows(rows, j0, m, scaled.then_some(&sc), &sig);
        let (mut s_a, mut l_a) = (to_arr(&s), to_arr(&l));
        let mut e_a = [[0.0; MAX_LANES]; U];
        let mut flush = false;
        for c in 0..lanes {
            let (u, i) = at::<V, U>(c);
            let sv = s_a[u][i];
            if c < valid && (sv.is_nan() || sv >= 2.0 * sig_a[u][i]) {
                // A NaN (amax is finite and sigma > m amax_s^2).
                self.special |= bit(c);
                dead[u][i] = true;
            }
            if dead[u][i] {
                s_a[u][i] = 0.0;
                l_a[u][i] = 0.0;
                continue;
            }
            e_a[u][i] = eft_bound(1, m, sig_a[u][i], 53);
            flush |= cls_a[u][i] != fold.cls[u][i];
        }
        if flush {
            fold.flush(out, valid);
            fold.cls = cls_a;
        }
        fold.add(&from_arr(&s_a), &from_arr(&l_a), &from_arr(&e_a));
        self.sigma = sig;
        self.scale = sc;
        self.scaled = scaled;
        self.predicted = true;
    }

    #[inline(always)]
    fn end(&mut self, out: &mut [SumSq], valid: usize) -> u64 {
        self.fold.flush(out, valid);
        self.special
    }
}

/// One binary32 panel between blocks (module documentation, "Binary32").
#[derive(Clone, Copy)]
struct State32<V, const U: usize> {
    fold: LaneFold<V, U>,
    special: u64,
}

impl<V: Lanes, const U: usize> PanelState<V, U> for State32<V, U> {
    #[inline(always)]
    fn new() -> Self {
        State32 {
            fold: LaneFold::new(),
            special: 0,
        }
    }

    #[inline(always)]
    fn block<R: Rows<V, U>, const M: usize>(
        &mut self,
        rows: &R,
        j0: usize,
        m: usize,
        valid: usize,
        _pad: &[V; U],
        _out: &mut [SumSq],
    ) {
        let lanes = V::N * U;
        let z = [V::splat(0.0); U];
        let mut a = z;
        for j in j0..j0 + m {
            let xs = rows.row(j);
            for u in 0..U {
                a[u] = xs[u].fma(xs[u], a[u]);
            }
        }
        let big = V::splat(f64::MAX);
        let mut ok = true;
        for av in &a {
            ok &= av.all_lt(big);
        }
        if !ok {
            let mut a_arr = to_arr(&a);
            for c in 0..lanes {
                let (u, i) = at::<V, U>(c);
                if a_arr[u][i].is_nan() || a_arr[u][i] >= f64::MAX {
                    if c < valid {
                        self.special |= bit(c);
                    }
                    a_arr[u][i] = 0.0;
                }
            }
            a = from_arr(&a_arr);
        }
        // sq_bound(m, 0, A) per lane: (m + 4) u A (1 + u).
        let k = sq_bound(m, 0, 1.0);
        let mut e = a;
        for ev in e.iter_mut() {
            *ev = ev.mul(V::splat(k));
        }
        self.fold.add(&a, &z, &e);
    }

    #[inline(always)]
    fn end(&mut self, out: &mut [SumSq], valid: usize) -> u64 {
        self.fold.flush(out, valid);
        self.special
    }
}

//! The fast sum-of-squares kernels: generic bodies over a small vector trait (instantiated
//! once per ISA in `arch/`) that add data to a sum-of-squares state (`sumsq.rs`), or return
//! the one-block sum of a short vector; `finish.rs` rounds either.
//!
//! Two accumulation bodies: the binary64 error-free steps ([`lane_step`] through
//! [`eft_chunks`]; the AVX-512 native binary32 lanes are a third instance of the same step),
//! and the plain sum of exact binary64 squares of widened binary32 data ([`sq_chunks`]).
//! Around them: the blocked drivers [`accumulate64`] / [`accumulate32`] (any length, all
//! three scale classes, into a state) and the one-block paths [`short64`], [`small64`],
//! [`short32`], [`small32`] (short vectors of the medium class, concluded directly).  The
//! strides (`incx = 1`, `2`, negative, 0 and any other) are mapped to these inputs by
//! `strided.rs`; every path gives bitwise the same correctly rounded value.  A chunk is
//! whatever an ISA's loader makes of one item: a contiguous array, a deinterleaved one, or
//! the elements of a view with any other stride loaded one by one (`arch/mod.rs`, `Strip`):
//! the algorithm and its bound below depend only on the values in the lanes and on the
//! number of chunks, not on where the values came from.
//!
//! # Binary64 algorithm ([`accumulate64`])
//!
//! The input is a sequence of *chunks*, each loaded as `U` vectors of `N` lanes (`N * U`
//! components; an ISA may deinterleave a strided chunk while loading).  Chunks are grouped in
//! *blocks* of at most `M` chunks; within a block every one of the `U * N` accumulator lanes
//! sees `m <= M` elements.
//!
//! 1. **Scale class and offset.**  A block is multiplied by an exact power of two, `2^600`,
//!    `1` or `2^-600` (its *class*, see `consts.rs`; the idea of Blue's three accumulators,
//!    J. L. Blue, ACM TOMS 4(1), 1978, doi:10.1145/355769.355771, with Anderson's corrected
//!    thresholds, doi:10.1145/3061665, applied per block), and gets an offset `sigma`, a power
//!    of two in `[SIGMA_MIN, SIGMA_MAX] = [2^-960, 2^960]`.  Both are *predicted*: from the
//!    previous block of the same call (`sigma` = the power of two above that block's sum,
//!    rescaled to a full block), or for the first block from its first chunk (`amax` of
//!    that chunk picks the class, `sigma` = the power of two above `N*U*M * amax^2`).
//! 2. **Error-free accumulation.**  Every accumulator starts at `T = sigma` and for each
//!    element does `T' = fma(x, x, T)`, `q = T' - T`, `r = fma(x, x, -q)`, `L += r`.
//!    This is the error-free transformation of Ogita, Rump and Oishi ("Accurate sum and dot
//!    product", SIAM J. Sci. Comput. 26(6), 2005, doi:10.1137/030601818), arranged so that
//!    the fixed offset `sigma` makes the high part exact at 4 flops per element.
//! 3. **Verification.**  At the end of the block, `d_u = T_u - sigma` (exact, since
//!    `T_u >= sigma` and both lie on the grid `g = 2^-52 sigma`) and
//!    `s = (d_0 + d_1) + (d_2 + d_3) + ...` per lane.  The block is *accepted* when every lane
//!    has `s < 2 sigma` and, for a predicted offset, `sum(s) >= 2^-20 sigma`.  A rejected
//!    block (the prediction was wrong: a much larger or smaller value, an overflow to
//!    `Inf`, a NaN) is recomputed on the *checked path*: a first pass computes
//!    `amax = max |x|` over the block, the class follows from `amax`, and
//!    `sigma = 2^(floor(log2(U m amax_s^2)) + 1) > U m amax_s^2` (so `s < 2 sigma` holds by
//!    construction: the checked path is rejected only by a NaN, which makes the result NaN).
//!    With `amax_s = amax * scale` in `[2^-474, 2^424]` and `U m <= 2^12` this `sigma` lies in
//!    `[2^-947, 2^861]`.
//! 4. **Folding.**  The accepted `s` and `L_0 + ... + L_{U-1}` are added lane-wise into the
//!    class's vector double-double with TwoSum (Knuth, TAOCP vol. 2, 4.2.2), kept in
//!    registers for the whole kernel call (`Run`); at the end of the call the lanes are
//!    reduced by a TwoSum tree and added to the state's per-class double-doubles
//!    (`sumsq.rs`), which `finish.rs` combines and rounds.
//!
//! # Why an accepted block is exact up to the bound
//!
//! `T` never decreases (`x^2 >= 0`, rounding is monotone), so `T_end >= T >= sigma` for every
//! intermediate `T`, and `s < 2 sigma` forces every partial sum of the `d_u` to be below
//! `2 sigma` (the sums are monotone too): each is a multiple of `g = 2^-52 sigma` below
//! `2^53 g`, hence exact, and every intermediate `T < 3 sigma`, the condition of the step's
//! bound ([`lane_step`], evaluated by [`eft_bound`]: `(0.51 m^2 + 5m) 2^-105 sigma` per
//! accumulator lane, a block `N U` times that, which is what `Run::fold` is given).  The
//! `q`s telescope to `T_end - sigma = d_u` exactly.  The scaling by `2^-600` can round a
//! value below `2^-474` (its square is then below `2^-2000`, a change `< 2^-2090` per
//! element, covered by the subnormal terms of the step's bound).  The fold's own roundings
//! are tracked at run time (`u` times the running sum of `|lo|`).
//!
//! The bound is rigorous for any data, whether the offset was predicted or checked; the
//! acceptance test `sum(s) >= 2^-20 sigma` only keeps it small: relative to an accepted
//! block's sum it is below `N U (0.51 m^2 + 5m) 2^-85`, at most `2^-58` for every ISA and path
//! here (`N U <= 64` accumulator lanes; `m <= SHORT_BLOCKS * M + 1` steps in the one-block
//! paths: 2049 for AVX2 and NEON with `N U = 16`, 1025 for AVX-512 with `N U = 64`;
//! `m <= 128` in the blocked path), far below the `2^-54` that correct rounding needs, so
//! the exact fallback is taken only for (near-)ties.
//!
//! # Binary32 algorithm ([`accumulate32`])
//!
//! The square of a binary32 value is exact in binary64 (at most 48 significant bits, and
//! `2^-298 <= x^2 <= 2^256`), so binary32 data need neither scaling nor an error-free
//! transformation: every accumulator lane does `A = fma(x, x, A)`, one rounding per step of
//! at most `u A'` with `A'` the new (never decreasing) value, so `m` steps cost at most
//! `m u A_end`.  The `U` accumulators are summed pairwise (`<= 3u` relative for `U <= 8`),
//! and a further `levels` of pairwise sums over the lanes cost `u` each: [`sq_bound`],
//! `(m + 4 + levels) u P (1 + u)` (the `(1 + u)` covers the rounding of that product).  With
//! `M <= 128` the relative bound is below `2^-45`, against the `2^-25` of a binary32
//! rounding (a state of binary32 data finished in binary64 therefore usually cannot decide,
//! and asks for the exact state).
//!
//! # Native binary32 lanes (AVX-512 and AVX2 `short32_native`)
//!
//! Widening binary32 data costs one `vcvtps2pd` per 8 components (AVX-512) or 4 components
//! (AVX2), which runs about once per cycle on Zen 5 and was the saturated unit of the
//! binary32 paths.  For contiguous binary32 vectors of `NATIVE32_MIN ..= SHORT32_MAX`
//! components (each ISA measures its own `NATIVE32_MIN`: 4096 for AVX-512, 1024 for AVX2)
//! the x86_64 paths run the same error-free steps *in binary32 lanes*: `N` lanes per vector
//! (AVX-512 `N = 16`, AVX2 `N = 8`), `U` accumulators (AVX-512 `U = 8`, AVX2 `U = 4`; any
//! `U <= 8` below), `p = 24`, `u32 = 2^-24`, in sub-blocks of `m <= 64` steps per accumulator lane:
//!
//! 1. **Offset.**  `a` = largest magnitude of the first 128 components,
//!    `sigma = 2^(floor(log2(U m a^2)) + 1) > U m a^2`, used only if
//!    `SIGMA32_MIN = 2^-100 <= sigma <= SIGMA32_MAX = 2^120` (`consts.rs`; other data take
//!    the widening path).  No scaling is needed: the squares only occur inside FMAs, which
//!    are exact before their one rounding, and every `T` is a normal binary32 number
//!    in `[2^-100, 2^122)`.  (The offset is a prediction; nothing below depends on it
//!    beyond its range: a wrong one is caught by the verification.)
//! 2. **Steps.**  Per accumulator lane `T = sigma`, `L = 0`; per element the same
//!    [`lane_step`] in binary32 (`p = 24`, `g = 2^-23 sigma`): while `T < 3 sigma` its bound
//!    holds with `sigma >= SIGMA32_MIN` (neither depends on `N` or `U`).
//! 3. **Verification and folding** (per sub-block).  `S = sum_u (T_u - sigma)` per lane,
//!    pairwise in binary32, and the sub-block is accepted only if every lane has `S < 2 sigma`.
//!    This holds iff the exact `S` is below `2 sigma`: then every `T_u - sigma` and every
//!    partial sum is a multiple of `g` below `2^24 g`, hence exact (and every `T_u < 3 sigma`,
//!    the condition of step 2); if the exact `S` is at least `2 sigma`, monotone rounding keeps
//!    the computed one there; a NaN fails the comparison.  `sum_u L_u` is also pairwise in
//!    binary32 (covered by [`eft_bound`], which allows up to 8 accumulators).  Both are widened
//!    exactly and added lane-wise into binary64 sums `D` (two vectors of `N / 2` binary64
//!    lanes each) and `L64`.  `D` is exact: a lane sees at most `SHORT32_MAX / (N U) <= 2^13`
//!    steps (`N U >= 32`), so `k <= 2^13` sub-blocks, and every lane of `D` is a multiple
//!    of `g` below `2k sigma`, and so are the `N` lanes' horizontal sum (below
//!    `2^14 N sigma <= 2^18 sigma`) and its partial sums, all below `2^53 g = 2^30 sigma`.
//! 4. **Bound** ([`native32_bound`]).  With `k` sub-blocks: `k` times [`eft_bound`] of `N U`
//!    binary32 lanes of `m` steps for the binary32 work, plus the binary64 additions of
//!    `L64`.  Per binary32 lane and sub-block `|sum_u L_u| <= B = 1.02 U m 2^-23 sigma`
//!    (`|L_u| <= 1.01 m g` by [`lane_step`], and the binary32 pairwise rounding); after `j`
//!    sub-blocks a lane of `L64` is at most `j B (1 + 2^-50)`, so its `j`-th addition costs at
//!    most `2^-53 j B (1 + 2^-50)`: `2^-54 k (k + 1) B` over the `k` additions, per lane.
//!    The horizontal sum of the `N` widened lanes (one vector addition, then `log2 N - 1`
//!    levels inside the vector: `log2 N` levels in all) costs `2^-53` per level of at most
//!    the sum of all `|L64|` lanes, `N k B (1 + 2^-50)`.  Together
//!    `N B 2^-54 k (k + 1 + 2 log2 N) (1 + 2^-50)`, which `native32_bound` evaluates as
//!    `N 0.525 U m k (k + 1 + 2 log2 N) 2^-76 sigma` (the factor `0.525 > 0.51` also covers
//!    the few roundings of evaluating the bound itself).  The horizontal sum of `D` is
//!    exact (step 3).  For normal data (`m = 64`) this is about `2^-30` of the sum of squares
//!    for both ISAs, below the `2^-25` spacing that rounding to binary32 must resolve; a
//!    bound above `2^-28` of the sum returns `None` (a start much larger than the rest:
//!    rounding would often be undecided), and the rounding test decides; a rejected or
//!    undecided vector takes the widening path (same result).
//!
//! # Short vectors ([`small64`], [`small32`], [`short64`], [`short32`])
//!
//! Up to `SMALL_MAX` contiguous components are loaded as `K` zero-padded vectors.  Binary64:
//! up to 16 lanes of clean-range data take [`express64`]'s tree; otherwise `P = sum x^2`
//! (plain, one FMA per vector), then if `2^-900 <= P <= 2^900` the offset
//! `sigma = 2^(floor(log2 P) + 2) > 2P`; the error-free steps run over the `K` vectors with
//! one accumulator; every `d = T - sigma` is below `sigma / 2 (1 + 2^-40)`, so the horizontal
//! sum of the `d`s is exact (all partial sums are multiples of `g` below `sigma`).  The bound
//! is [`eft_bound`] of `N` lanes of `K` steps plus [`hsum_bound`] for the horizontal sum of
//! the `L`s.  Binary32: `P = sum x^2` with [`sq_bound`].
//!
//! Before all of these, contiguous vectors of up to `EXPRESS_MAX` (32) components whose
//! every component is zero or in a *clean range* (binary64 `[2^-300, 2^300]`, binary32
//! `[2^-99, 2^95]`, tested on the bits) take the *express path* ([`express64`],
//! [`express32`]): one pass, binary64 squares summed by a TwoSum tree (no offset to
//! predict), binary32 squares summed exactly as in [`small32`]; every intermediate is a
//! normal number, so the path raises no floating-point flag but inexact, which lets the
//! environment guard skip its restore (`fenv.rs`, "The express path").  Data outside the
//! clean range, and sums whose rounding the fast test cannot decide, take the paths below.
//!
//! Longer contiguous vectors of up to `SHORT_BLOCKS` blocks first try the one-block paths:
//! [`short64`] runs the block algorithm above over the whole vector as one block of the
//! medium class (offset from the first chunk, the same verification, plus `sum(s) < sigma`
//! so that the horizontal sum is exact) and returns its sum without folds; [`short32`] sums
//! the exact binary32 squares in one pass.  Outside their ranges or on a rejected
//! verification a short path returns `None`; when its rounding (`finish.rs`, done inside the
//! ISA's `#[target_feature]` function) is undecided, the general path runs (same result).
//!
//! # NaN and Inf
//!
//! A NaN input makes `T`, `s` or `A` NaN and an infinity makes them infinite: the predicted
//! block is rejected, the checked path finds `amax` infinite (or a NaN in a block whose
//! `amax` is zero, or a NaN `s`) and the kernel call reports that it met one (the block is not
//! added); the caller (`api.rs`) then scans that piece and records in the state whether it
//! holds a NaN and/or an infinity: any NaN gives NaN, otherwise `+Inf` (reference BLAS
//! 3.12).

#![forbid(unsafe_code)]

use crate::consts::{
    pow2, ACCEPT_LOW, BIG_LIMIT, BIG_SCALE, EXPRESS32_MAX_EXP, EXPRESS32_MIN_EXP, EXPRESS64_EXP,
    EXP_MASK, SHORT_RANGE_EXP, SIGMA_MAX, SIGMA_MIN, SMALL_LIMIT, SMALL_SCALE, U as UNIT,
};
use crate::format::{exponent, ldexp};
use crate::sumsq::{Part, SumSq};

pub(crate) mod batch;

/// Most lanes of any vector type (AVX-512: 8 binary64 lanes).
pub(crate) const MAX_LANES: usize = 8;

/// Largest contiguous length (in components) of the short-vector paths ([`small64`],
/// [`small32`]).
pub(crate) const SMALL_MAX: usize = 32;

/// Largest contiguous length (in components) for which the dispatcher asks an ISA for its
/// one-block path ([`short64`], [`short32`]); each ISA also caps it at `SHORT_BLOCKS`
/// blocks of its own size.
pub(crate) const SHORT_MAX: usize = 1 << 16;

/// Largest contiguous binary32 length for which the dispatcher asks an ISA for its short
/// path: the native binary32 lanes of AVX-512 and AVX2 (`short32_native`) take vectors up
/// to this length (1 MiB, L2-resident on the machines measured); the widening one-block
/// paths of every ISA return `None` beyond their `SHORT_BLOCKS` blocks.
pub(crate) const SHORT32_MAX: usize = 1 << 18;

/// At most this many blocks' worth of chunks go through the one-block paths.
pub(crate) const SHORT_BLOCKS: usize = 16;

/// The lane operations of the error-free step ([`lane_step`]), for lanes of any precision
/// (binary64 lanes of every ISA, and the binary32 lanes of the AVX-512 and AVX2 native
/// paths).
pub(crate) trait Arith: Copy {
    /// `self + o`.
    fn add(self, o: Self) -> Self;
    /// `self - o`.
    fn sub(self, o: Self) -> Self;
    /// `self * b + c` with one rounding.
    fn fma(self, b: Self, c: Self) -> Self;
    /// `self * b - c` with one rounding.
    fn fms(self, b: Self, c: Self) -> Self;
}

/// A short vector of binary64 lanes: the operations the kernel bodies need.
///
/// Implemented by `f64` itself (one lane, the portable path) and by the per-ISA types in
/// `arch/`.  Every method is `#[inline(always)]` in the implementations so that the generic
/// bodies are compiled once per ISA, inside that ISA's `#[target_feature]` function.
pub(crate) trait Lanes: Arith {
    /// Number of lanes (`<= MAX_LANES`).
    const N: usize;
    /// True when `f64::mul_add` compiles to a hardware FMA in this ISA's functions.
    const HAS_FMA: bool;
    /// All lanes equal to `v`.
    fn splat(v: f64) -> Self;
    /// Stores the lanes into `a[..N]`.
    fn to_arr(self, a: &mut [f64; MAX_LANES]);
    /// The lanes from `a[..N]`.
    fn from_arr(a: &[f64; MAX_LANES]) -> Self;
    /// A hint to bring the cache line holding `p` closer (never faults, reads nothing;
    /// `p` may point anywhere).  The batch kernels use it for rows ahead.
    #[inline(always)]
    fn prefetch(_p: *const u8) {}
    /// `|self|` lane-wise.
    fn abs(self) -> Self;
    /// Lane-wise maximum; where `o` is NaN the result is `self` (NaN is not propagated).
    fn max(self, o: Self) -> Self;
    /// `self * o`.
    fn mul(self, o: Self) -> Self;
    /// Maximum over the lanes (NaN-free input).
    fn reduce_max(self) -> f64;
    /// Sum over the lanes, in an order fixed per ISA.
    fn reduce_add(self) -> f64;
    /// True when every lane is `< o` (false for a NaN lane).
    fn all_lt(self, o: Self) -> bool;
    /// True when some lane is NaN.
    fn any_nan(self) -> bool;
    /// The lane tree of [`express64`]: `(hi, lo)` where `hi` is the lanes of `p` added by
    /// TwoSum pairwise, lane `i` with lane `i + w` for `w = N/2, N/4, ..., 1`, and `lo` the
    /// lanes of `e` added in the same tree, each sum plus the tail of its TwoSum
    /// (`lo_i = (lo_i + lo_{i+w}) + t_i`).  The ISAs override it with register halving (the
    /// same operations in the same order).
    #[inline(always)]
    fn fold_two_sum(p: Self, e: Self) -> (f64, f64) {
        let (mut a, mut b) = ([0.0; MAX_LANES], [0.0; MAX_LANES]);
        p.to_arr(&mut a);
        e.to_arr(&mut b);
        let mut w = Self::N;
        while w > 1 {
            w /= 2;
            for i in 0..w {
                let (s, t) = crate::sumsq::two_sum(a[i], a[i + w]);
                a[i] = s;
                b[i] = (b[i] + b[i + w]) + t;
            }
        }
        (a[0], b[0])
    }
    /// True when every lane is `+-0` or has a magnitude in `[lo, hi]` (both positive
    /// normal numbers), decided on the bits with integer operations, so that the test raises
    /// no floating-point flag whatever the lanes hold (NaN, subnormal: see [`express64`]).
    #[inline(always)]
    fn all_clean(self, lo: f64, hi: f64) -> bool {
        let mut a = [0.0; MAX_LANES];
        self.to_arr(&mut a);
        let (lo, hi) = (lo.to_bits(), hi.to_bits());
        a[..Self::N].iter().all(|v| {
            let b = v.to_bits() & !SIGN_BIT;
            b == 0 || (lo <= b && b <= hi)
        })
    }
}

/// The sign bit of a binary64 number.
const SIGN_BIT: u64 = 1 << 63;

/// How one item of an input shape becomes `U` vectors: implemented by marker types in
/// `arch/` (one per shape, and one for the zero-padded partial last chunk).  A trait rather
/// than a closure, because closures (and the `Fn` shims of function items) do not inherit
/// `#[target_feature]`, which would keep the intrinsics in a load from being inlined.
pub(crate) trait Load<V, const U: usize> {
    /// The item: a whole chunk (an array), or the slice of a partial chunk.
    type Item<'a>;
    /// The `U` vectors of the item (lanes past the end of a partial chunk are zero).
    fn load(item: &Self::Item<'_>) -> [V; U];
}

impl Arith for f64 {
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        self + o
    }
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        self - o
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        self.mul_add(b, c)
    }
    #[inline(always)]
    fn fms(self, b: Self, c: Self) -> Self {
        self.mul_add(b, -c)
    }
}

impl Lanes for f64 {
    const N: usize = 1;
    const HAS_FMA: bool = false;
    #[inline(always)]
    fn splat(v: f64) -> Self {
        v
    }
    #[inline(always)]
    fn to_arr(self, a: &mut [f64; MAX_LANES]) {
        a[0] = self;
    }
    #[inline(always)]
    fn from_arr(a: &[f64; MAX_LANES]) -> Self {
        a[0]
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    fn max(self, o: Self) -> Self {
        if o > self {
            o
        } else {
            self
        }
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        self * o
    }
    #[inline(always)]
    fn reduce_max(self) -> f64 {
        self
    }
    #[inline(always)]
    fn reduce_add(self) -> f64 {
        self
    }
    #[inline(always)]
    fn all_lt(self, o: Self) -> bool {
        self < o
    }
    #[inline(always)]
    fn any_nan(self) -> bool {
        self.is_nan()
    }
}

/// Lane-wise double-double sums of one class, kept in registers during a kernel call.
#[derive(Clone, Copy)]
struct VSum<V> {
    hi: V,
    lo: V,
    /// Lane-wise sums of the magnitudes whose `u`-multiples bound the fold roundings.
    abs: V,
    /// Bound from the blocks, in the class's units.
    err: f64,
    /// True once a block was folded in.
    used: bool,
}

/// One kernel call: the state it adds to, the three classes' lane-wise sums (reduced into
/// the state by [`Run::flush`] at the end of the call), the prediction for the next block,
/// and whether a NaN or an infinity was met.  The prediction belongs to the call, not to the
/// state.
struct Run<'a, V> {
    state: &'a mut SumSq,
    sums: [VSum<V>; 3],
    /// Predicted class of the next block (meaningful when `pred_sigma > 0`).
    pred_class: usize,
    /// Predicted offset of the next block, 0 when there is no prediction.
    pred_sigma: f64,
    /// A NaN or an infinity was met (the blocks holding it were not added).
    special: bool,
}

impl<'a, V: Lanes> Run<'a, V> {
    #[inline(always)]
    fn new(state: &'a mut SumSq) -> Self {
        let z = V::splat(0.0);
        let e = VSum {
            hi: z,
            lo: z,
            abs: z,
            err: 0.0,
            used: false,
        };
        Run {
            state,
            sums: [e; 3],
            pred_class: 1,
            pred_sigma: 0.0,
            special: false,
        }
    }

    /// Adds one accepted block: lane sums `d` (exact) and error sums `l`, with the block's
    /// error bound `err` (all in the class's units).
    #[inline(always)]
    fn fold(&mut self, class: usize, d: V, l: V, err: f64) {
        let Some(c) = self.sums.get_mut(class) else {
            return;
        };
        // TwoSum, lane-wise: s + e == hi + d exactly.
        let s = c.hi.add(d);
        let bp = s.sub(c.hi);
        let e = c.hi.sub(s.sub(bp)).add(d.sub(bp));
        // Two roundings, each <= u |result|.
        let el = e.add(l);
        let lo2 = c.lo.add(el);
        c.abs = c.abs.add(el.abs().add(lo2.abs()));
        c.hi = s;
        c.lo = lo2;
        c.err += err;
        c.used = true;
    }

    /// Reduces the lanes of every used class into the state; returns whether a NaN or an
    /// infinity was met.
    #[inline(always)]
    fn flush(self) -> bool {
        for (k, c) in self.sums.iter().enumerate() {
            if !c.used {
                continue;
            }
            let mut hi = [0.0; MAX_LANES];
            let mut lo = [0.0; MAX_LANES];
            let mut ab = [0.0; MAX_LANES];
            c.hi.to_arr(&mut hi);
            c.lo.to_arr(&mut lo);
            c.abs.to_arr(&mut ab);
            let (h, l, fa) = reduce_lanes(&hi, &lo, &ab);
            // Every rounding of the folds is at most u times one of the magnitudes summed in
            // `fa` (see `reduce_lanes`); 2u covers them and the rounding of this product.
            self.state.add_class(k, h, l, c.err + fa * (2.0 * UNIT));
        }
        self.special
    }
}

/// Reduces lane-wise double-double sums to one: a tree of TwoSums (independent at each
/// level), then the `lo` parts.  Returns `(hi, lo, fold_abs)` where `2u * fold_abs` bounds
/// every rounding made here and in the lane-wise folds.
#[inline(always)]
fn reduce_lanes(
    h: &[f64; MAX_LANES],
    l: &[f64; MAX_LANES],
    a: &[f64; MAX_LANES],
) -> (f64, f64, f64) {
    let two_sum = |a: f64, b: f64| {
        let s = a + b;
        let bp = s - a;
        (s, (a - (s - bp)) + (b - bp))
    };
    let (s0, e0) = two_sum(h[0], h[1]);
    let (s1, e1) = two_sum(h[2], h[3]);
    let (s2, e2) = two_sum(h[4], h[5]);
    let (s3, e3) = two_sum(h[6], h[7]);
    let (t0, f0) = two_sum(s0, s1);
    let (t1, f1) = two_sum(s2, s3);
    let (hi, g) = two_sum(t0, t1);
    let lo_parts = ((e0 + e1) + (e2 + e3)) + ((f0 + f1) + g);
    let lsum = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    let lo = lsum + lo_parts;
    let asum = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    // The 15 additions of error terms each cost <= u |partial sum|, and every partial sum is
    // at most esum + labs (+ |lo| for the last): 7u (esum + labs) + u |lo| in all, which
    // 2u * fold_abs covers.
    let esum = (e0.abs() + e1.abs() + e2.abs() + e3.abs()) + (f0.abs() + f1.abs() + g.abs());
    let labs = l.iter().map(|v| v.abs()).sum::<f64>();
    (hi, lo, asum + 4.0 * (esum + labs) + lo.abs())
}

/// The three classes: scale factor applied to the data.
const CLASS_SCALE: [f64; 3] = [SMALL_SCALE, 1.0, BIG_SCALE];

/// The class of a block whose largest magnitude is `amax` (finite, non-zero).
#[inline(always)]
fn class_of(amax: f64) -> usize {
    if amax < SMALL_LIMIT {
        0
    } else if amax > BIG_LIMIT {
        2
    } else {
        1
    }
}

/// `2^(floor(log2 v) + k)` for a normal positive `v` whose result stays normal (callers
/// check the range of `v`): bit operations only.
#[inline(always)]
fn pow2_normal(v: f64, k: u64) -> f64 {
    f64::from_bits((v.to_bits() & EXP_MASK) + (k << 52))
}

/// The power of two `2^(floor(log2 v) + 1)`, strictly above `v > 0`.
#[inline(always)]
fn pow2_above(v: f64) -> f64 {
    ldexp(1.0, exponent(v) + 1)
}

/// A loader whose items are already vectors (one per chunk, one accumulator): the short
/// paths `small64` / `small32` run the common bodies over their zero-padded vectors with it.
pub(crate) struct Whole;

impl<V: Lanes> Load<V, 1> for Whole {
    type Item<'a> = V;
    #[inline(always)]
    fn load(v: &V) -> [V; 1] {
        [*v]
    }
}

/// One error-free step of one accumulator lane, in any lane precision `p` (binary64:
/// `p = 53`; binary32: `p = 24`): `T' = fma(x,x,T)`, `q = T' - T`, `L += fma(x,x,-q)`.
///
/// This is the one error-free step of every accumulation body; its bound is derived here
/// once and evaluated by [`eft_bound`].  With `u = 2^-p` and an offset `sigma` (a power of
/// two), write `g = 2^(1-p) sigma`, the spacing of `[sigma, 2 sigma)`.  While the lane's
/// `T` stays in `[sigma, 3 sigma)` (the acceptance tests guarantee it, module
/// documentation): `T` and `T'` are multiples of `g`, so `q = T' - T` (a multiple of `g`
/// below `2 sigma = 2^p g`) is exact; the step's rounding error `e = x^2 - q` has
/// `|e| <= ulp(T')/2 <= g`; `r = RN(e)` adds at most `u |e| <= 2^(1-2p) sigma` (or half the
/// smallest subnormal `2^(emin-1)`); `|L_j| <= 1.01 j g` and its `j`-th addition costs
/// `u |L_j|`.  Over `m` steps a lane errs by at most `2^(1-2p) sigma (0.505 m^2 + 1.505 m)`
/// plus `m 2^emin`; combining `U <= 8` lanes' `L` pairwise (3 levels of `u |partial|`)
/// adds `3.03 m 2^(1-2p) sigma` per lane: `(0.505 m^2 + 4.535 m) 2^(1-2p) sigma` in all.
/// For `sigma >= 2^(emin + 2p + 0.2)` (binary64: `2^-967.8`, `SIGMA_MIN = 2^-960`; binary32:
/// `2^-100.8`, `SIGMA32_MIN = 2^-100`) the subnormal terms `m 2^emin` fit in the rest of
/// `(0.51 m^2 + 5m) 2^(1-2p) sigma` per lane (`0.465 m 2^(1-2p) sigma >= m 2^emin`), which is
/// what [`eft_bound`] evaluates.
#[inline(always)]
pub(crate) fn lane_step<V: Arith>(x: V, t: &mut V, l: &mut V) {
    let t2 = x.fma(x, *t);
    let q = t2.sub(*t);
    let r = x.fms(x, q);
    *l = l.add(r);
    *t = t2;
}

/// The error-free steps over `chunks` two at a time (the intermediate `T` of the first step
/// lives in a temporary, which saves the compiler a register copy per vector: the
/// loop-carried `T` must return to its register).  Returns the odd chunk left over.
#[inline(always)]
fn eft_pairs<'c, 'a, V: Lanes, L: Load<V, U>, const U: usize>(
    chunks: &'c [L::Item<'a>],
    t: &mut [V; U],
    l: &mut [V; U],
) -> core::slice::ChunksExact<'c, L::Item<'a>> {
    let mut pairs = chunks.chunks_exact(2);
    for pc in pairs.by_ref() {
        if let [c1, c2] = pc {
            let x1 = L::load(c1);
            let x2 = L::load(c2);
            for u in 0..U {
                let (mut tu, mut lu) = (t[u], l[u]);
                lane_step(x1[u], &mut tu, &mut lu);
                lane_step(x2[u], &mut tu, &mut lu);
                t[u] = tu;
                l[u] = lu;
            }
        }
    }
    pairs
}

/// Pairwise sum of the `U` vectors (`U` a power of two; the order is fixed).
#[inline(always)]
fn pair_sum<V: Lanes, const U: usize>(mut v: [V; U]) -> V {
    let mut w = U;
    while w > 1 {
        let h = w / 2;
        for i in 0..h {
            v[i] = v[2 * i].add(v[2 * i + 1]);
        }
        w = h;
    }
    v[0]
}

/// The error-free steps of `chunks` into the accumulators `t`, `l` (the one body of the
/// binary64 error-free accumulation): each component, scaled by `scale` when given, goes
/// through [`lane_step`].  `PAIRS`: two chunks per iteration (cheap loads; loads that
/// deinterleave need the registers and take one).
#[inline(always)]
fn eft_chunks<V: Lanes, L: Load<V, U>, const U: usize, const PAIRS: bool>(
    chunks: &[L::Item<'_>],
    scale: Option<f64>,
    t: &mut [V; U],
    l: &mut [V; U],
) {
    if let Some(sc) = scale {
        let sc = V::splat(sc);
        for c in chunks {
            let xs = L::load(c);
            for u in 0..U {
                lane_step(xs[u].mul(sc), &mut t[u], &mut l[u]);
            }
        }
        return;
    }
    let rest = if PAIRS {
        eft_pairs::<V, L, U>(chunks, t, l).remainder()
    } else {
        chunks
    };
    for c in rest {
        let xs = L::load(c);
        for u in 0..U {
            lane_step(xs[u], &mut t[u], &mut l[u]);
        }
    }
}

/// The lane-wise `s = sum_u (T_u - sigma)` and `L = sum_u L_u` of the accumulators.
#[inline(always)]
fn eft_lanes<V: Lanes, const U: usize>(t: [V; U], l: [V; U], sigma: f64) -> (V, V) {
    let sig = V::splat(sigma);
    let mut d = [sig; U];
    for u in 0..U {
        d[u] = t[u].sub(sig);
    }
    (pair_sum(d), pair_sum(l))
}

/// Runs the error-free steps of one block with offset `sigma` and scale `scale`; returns
/// the lane-wise `s` and `L` of [`eft_lanes`].
#[inline(always)]
fn eft_block<V: Lanes, L: Load<V, U>, const U: usize>(
    blk: &[L::Item<'_>],
    scale: Option<f64>,
    sigma: f64,
) -> (V, V) {
    let mut t = [V::splat(sigma); U];
    let mut l = [V::splat(0.0); U];
    eft_chunks::<V, L, U, false>(blk, scale, &mut t, &mut l);
    eft_lanes(t, l, sigma)
}

/// `max |x|` over a block (NaN ignored: a block of NaNs and zeros gives 0, see
/// [`has_nan`]).
#[inline(always)]
fn amax_block<V: Lanes, L: Load<V, U>, const U: usize>(blk: &[L::Item<'_>]) -> f64 {
    let mut mx = [V::splat(0.0); U];
    for c in blk {
        let xs = L::load(c);
        for u in 0..U {
            mx[u] = mx[u].max(xs[u].abs());
        }
    }
    let mut m = mx[0];
    for v in mx.iter().skip(1) {
        m = m.max(*v);
    }
    m.reduce_max()
}

/// True when the block holds a NaN (used when its `amax` is 0).
#[inline(always)]
fn has_nan<V: Lanes, L: Load<V, U>, const U: usize>(blk: &[L::Item<'_>]) -> bool {
    let mut acc = V::splat(0.0);
    for c in blk {
        for v in L::load(c) {
            acc = acc.add(v);
        }
    }
    acc.any_nan()
}

/// The bound of [`lane_step`]'s accumulation, written once for every path: `lanes`
/// accumulator lanes of precision `p` with at most `m` steps each and offset `sigma`
/// (within the range stated there), their error sums combined pairwise over at most 8
/// accumulators, err by at most `lanes (0.51 m^2 + 5m) 2^(1-2p) sigma`.
#[inline(always)]
pub(crate) fn eft_bound(lanes: usize, m: usize, sigma: f64, p: i32) -> f64 {
    let m = m as f64;
    lanes as f64 * (0.51 * m * m + 5.0 * m) * pow2(1 - 2 * p) * sigma
}

/// The bound of the native binary32 lanes (module documentation, "Native binary32 lanes",
/// step 4): `k` sub-blocks of at most `m` steps in `n` binary32 lanes per vector (`n` a
/// power of two) and `u` accumulators (`u <= 8`) with offset `sigma`:
/// `k` times [`eft_bound`] of `n u` binary32 lanes, plus
/// `n * 0.525 u m k (k + 1 + 2 log2 n) 2^-76 sigma` for the binary64 additions.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
#[inline(always)]
pub(crate) fn native32_bound(n: usize, u: usize, m: usize, k: usize, sigma: f64) -> f64 {
    let (nf, uf, mf, kf) = (n as f64, u as f64, m as f64, k as f64);
    let levels = f64::from(n.trailing_zeros());
    kf * eft_bound(n * u, m, sigma, 24)
        + nf * 0.525 * uf * mf * kf * (kf + 1.0 + 2.0 * levels) * pow2(-76) * sigma
}

/// The bound of a horizontal sum of the `lanes` error sums `L` of [`eft_bound`]'s
/// accumulation (each `|L| <= 1.01 m 2^-51 sigma`), added pairwise in `log2(lanes)` levels
/// plus one final addition: `(log2(lanes) + 1) u sum |L|`.
#[inline(always)]
fn hsum_bound(lanes: usize, m: usize, sigma: f64) -> f64 {
    let levels = (lanes.trailing_zeros() + 1) as f64;
    levels * UNIT * 1.01 * lanes as f64 * m as f64 * pow2(-51) * sigma
}

/// The bound of a plain accumulation of exact binary64 squares (the binary32 paths): `m`
/// steps per accumulator lane, then `levels` levels of pairwise sums, of a total `p`:
/// `(m + 4 + levels) u p (1 + u)` (module documentation, "Binary32 algorithm").
#[inline(always)]
fn sq_bound(m: usize, levels: u32, p: f64) -> f64 {
    (m as f64 + 4.0 + f64::from(levels)) * UNIT * p * (1.0 + UNIT)
}

/// The binary64 kernel body: accumulates the squares of the components delivered by
/// `L` from `chunks` (blocks of at most `M` chunks) and by `LT` from `tail` (the values
/// after the last whole chunk, loaded as one zero-padded chunk) into `acc`.  See the
/// module documentation for the algorithm and its bound.
#[inline(always)]
pub(crate) fn accumulate64<
    'a,
    V: Lanes,
    L: Load<V, U>,
    LT: Load<V, U>,
    const U: usize,
    const M: usize,
>(
    chunks: &[L::Item<'a>],
    tail: Option<LT::Item<'a>>,
    state: &mut SumSq,
) -> bool {
    let mut run = Run::<V>::new(state);
    for blk in chunks.chunks(M) {
        block64::<V, L, U, M>(blk, &mut run);
    }
    if let Some(t) = tail {
        block64::<V, LT, U, M>(&[t], &mut run);
    }
    run.flush()
}

#[inline(always)]
fn block64<V: Lanes, L: Load<V, U>, const U: usize, const M: usize>(
    blk: &[L::Item<'_>],
    run: &mut Run<'_, V>,
) {
    let m = blk.len();
    let lanes = V::N * U;
    // 1. Prediction: from the previous block, else from the first chunk.
    let mut pred = None;
    if run.pred_sigma > 0.0 {
        pred = Some((run.pred_class, run.pred_sigma));
    } else if let Some(first) = blk.first() {
        let a = amax_block::<V, L, U>(core::slice::from_ref(first));
        if a > 0.0 && a.is_finite() {
            let class = class_of(a);
            let a_s = a * CLASS_SCALE[class];
            let v = (lanes * M) as f64 * a_s * a_s;
            let sigma = pow2_above(v);
            if (SIGMA_MIN..=SIGMA_MAX).contains(&sigma) {
                pred = Some((class, sigma));
            }
        }
    }
    if let Some((class, sigma)) = pred {
        // `class` is a stored prediction (always 0..=2); `get` keeps a panicking bounds check
        // out of the kernel (.ci/no_panic.sh).
        let scale = CLASS_SCALE.get(class).copied().unwrap_or(1.0);
        let (s, l) = eft_block::<V, L, U>(blk, (class != 1).then_some(scale), sigma);
        if s.all_lt(V::splat(2.0 * sigma)) {
            let total = s.reduce_add();
            if total >= ACCEPT_LOW * sigma {
                run.fold(class, s, l, eft_bound(lanes, m, sigma, 53));
                predict(run, class, total, m, M);
                return;
            }
        }
    }
    // 2. The checked path.
    let a = amax_block::<V, L, U>(blk);
    if !a.is_finite() {
        run.special = true;
        return;
    }
    if a == 0.0 {
        if has_nan::<V, L, U>(blk) {
            run.special = true;
        }
        return;
    }
    let class = class_of(a);
    let scale = CLASS_SCALE.get(class).copied().unwrap_or(1.0);
    let a_s = a * scale;
    let sigma = pow2_above((U * m) as f64 * a_s * a_s);
    let (s, l) = eft_block::<V, L, U>(blk, (class != 1).then_some(scale), sigma);
    if !s.all_lt(V::splat(2.0 * sigma)) {
        // Only a NaN can get here (amax is finite and sigma > U m amax_s^2).
        run.special = true;
        return;
    }
    run.fold(class, s, l, eft_bound(lanes, m, sigma, 53));
    predict(run, class, s.reduce_add(), m, M);
}

/// The prediction for the next block: the power of two above this block's sum scaled to a
/// full block of `mm` chunks, if it lies in `[SIGMA_MIN, SIGMA_MAX]`.
#[inline(always)]
fn predict<V>(run: &mut Run<'_, V>, class: usize, total: f64, m: usize, mm: usize) {
    let v = total * (mm as f64 / m as f64);
    let sigma = if v > 0.0 { pow2_above(v) } else { 0.0 };
    if (SIGMA_MIN..=SIGMA_MAX).contains(&sigma) {
        run.pred_class = class;
        run.pred_sigma = sigma;
    } else {
        run.pred_sigma = 0.0;
    }
}

/// The binary32 kernel body (components already widened to binary64 by `load`): plain
/// accumulation of the exact squares, with the bound of the module documentation.
#[inline(always)]
pub(crate) fn accumulate32<
    'a,
    V: Lanes,
    L: Load<V, U>,
    LT: Load<V, U>,
    const U: usize,
    const M: usize,
>(
    chunks: &[L::Item<'a>],
    tail: Option<LT::Item<'a>>,
    state: &mut SumSq,
) -> bool {
    let mut run = Run::<V>::new(state);
    for blk in chunks.chunks(M) {
        block32::<V, L, U>(blk, &mut run);
    }
    if let Some(t) = tail {
        block32::<V, LT, U>(&[t], &mut run);
    }
    run.flush()
}

/// The plain accumulation of exact binary64 squares (the one body of the binary32 paths):
/// `A = fma(x, x, A)` in `U` accumulators over `chunks` and the optional `tail`, summed
/// pairwise.  Bound: [`sq_bound`].
#[inline(always)]
fn sq_chunks<V: Lanes, L: Load<V, U>, LT: Load<V, U>, const U: usize>(
    chunks: &[L::Item<'_>],
    tail: Option<&LT::Item<'_>>,
) -> V {
    let mut a = [V::splat(0.0); U];
    for c in chunks {
        let xs = L::load(c);
        for u in 0..U {
            a[u] = xs[u].fma(xs[u], a[u]);
        }
    }
    if let Some(c) = tail {
        let xs = LT::load(c);
        for u in 0..U {
            a[u] = xs[u].fma(xs[u], a[u]);
        }
    }
    pair_sum(a)
}

#[inline(always)]
fn block32<V: Lanes, L: Load<V, U>, const U: usize>(blk: &[L::Item<'_>], run: &mut Run<'_, V>) {
    let s = sq_chunks::<V, L, L, U>(blk, None);
    // Finite and not NaN: every binary32 square is below 2^256.
    if !s.all_lt(V::splat(f64::MAX)) {
        run.special = true;
        return;
    }
    let total = s.reduce_add();
    run.fold(1, s, V::splat(0.0), sq_bound(blk.len(), 0, total));
}

/// One-block binary64 path for vectors of at most `SHORT_BLOCKS * M` chunks: the block
/// algorithm of the module documentation applied to the whole vector as a single block of
/// the medium class (no folds, no lane-wise double-doubles), concluded directly.
///
/// The offset comes from the first chunk: `sigma = 2^(floor(log2(n_c a^2)) + 1)` with `a` its
/// largest magnitude and `n_c` the number of components.  The block is accepted when every
/// lane has `s < 2 sigma` (as in the module documentation), the horizontal sum
/// `S = sum(s) < sigma` and `S >= 2^-20 sigma`; then every partial sum of the horizontal sum
/// is a multiple of `2^-52 sigma` below `sigma`, hence exact, and the result is `S + sum(L)`
/// with the bound [`eft_bound`] of the accumulator lanes plus [`hsum_bound`] for the
/// horizontal sum of the `L`s.  `None`: not decided here (first chunk zero or outside the
/// medium class, rejected block, NaN/Inf); the caller then runs the general path.
#[inline(always)]
pub(crate) fn short64<
    V: Lanes,
    L: Load<V, U>,
    LT: Load<V, U>,
    const U: usize,
    const PAIRS: bool,
>(
    chunks: &[L::Item<'_>],
    tail: Option<LT::Item<'_>>,
    n_c: usize,
) -> Option<Part> {
    let a = match chunks.first() {
        Some(c) => amax_block::<V, L, U>(core::slice::from_ref(c)),
        None => amax_block::<V, LT, U>(tail.as_slice()),
    };
    if !(SMALL_LIMIT..=BIG_LIMIT).contains(&a) {
        return None;
    }
    // n_c a^2 lies in [2^-600, 2^615]: normal, and so is the result.
    let sigma = pow2_normal(n_c as f64 * a * a, 1);
    let mut t = [V::splat(sigma); U];
    let mut l = [V::splat(0.0); U];
    eft_chunks::<V, L, U, PAIRS>(chunks, None, &mut t, &mut l);
    eft_chunks::<V, LT, U, false>(tail.as_slice(), None, &mut t, &mut l);
    let (s, l) = eft_lanes(t, l, sigma);
    if !s.all_lt(V::splat(2.0 * sigma)) {
        return None;
    }
    let hi = s.reduce_add();
    if !(hi < sigma && hi >= ACCEPT_LOW * sigma) {
        return None;
    }
    let lo = l.reduce_add();
    let m = chunks.len() + usize::from(tail.is_some());
    let lanes = V::N * U;
    let err = eft_bound(lanes, m, sigma, 53) + hsum_bound(lanes, m, sigma);
    Some(Part { hi, lo, err })
}

/// One-pass binary32 path for short vectors (components widened by the loaders): the exact
/// squares summed by [`sq_chunks`], bound [`sq_bound`].  `None` for NaN/Inf.
#[inline(always)]
pub(crate) fn short32<V: Lanes, L: Load<V, U>, LT: Load<V, U>, const U: usize>(
    chunks: &[L::Item<'_>],
    tail: Option<LT::Item<'_>>,
) -> Option<Part> {
    let p = sq_chunks::<V, L, LT, U>(chunks, tail.as_ref()).reduce_add();
    if !(0.0..=f64::MAX).contains(&p) {
        return None;
    }
    let m = chunks.len() + usize::from(tail.is_some());
    let levels = (V::N * U).trailing_zeros() + 1;
    Some(Part {
        hi: p,
        lo: 0.0,
        err: sq_bound(m, levels, p),
    })
}

/// Short binary64 vectors: `xs` holds the components zero-padded.  Up to 16 lanes whose
/// components all lie in the clean range take [`express64`]'s one-pass tree (the short
/// strided shapes reach it only here).  Otherwise `P = sum x^2` (plain,
/// one FMA per vector) picks the offset `sigma = 2^(floor(log2 P) + 2) > 2P` when
/// `2^-900 <= P <= 2^900`; then the error-free steps run over the `K` vectors with one
/// accumulator; every `d = T - sigma` is below `sigma / 2 (1 + 2^-40)`, so the horizontal
/// sum of the `d`s is exact (all partial sums are multiples of `g` below `sigma`).  Bound:
/// [`eft_bound`] with `N` lanes of `K` steps plus [`hsum_bound`].  `None`: not decided here
/// (out of range, NaN/Inf).
#[inline(always)]
pub(crate) fn small64<V: Lanes, const K: usize>(xs: [V; K]) -> Option<Part> {
    // Up to 16 lanes of components in the clean range: the one-pass tree of the express
    // path (measured faster on Zen 5; with more lanes the two passes are).
    if V::N * K <= 16 {
        if let Some(p) = express64::<V, K>(xs) {
            return Some(p);
        }
    }
    let p = sq_chunks::<V, Whole, Whole, 1>(&xs, None).reduce_add();
    // Also rejects NaN and Inf.
    if !(p >= pow2(-SHORT_RANGE_EXP) && p <= pow2(SHORT_RANGE_EXP)) {
        return None;
    }
    let sigma = pow2_normal(p, 2);
    let mut t = [V::splat(sigma)];
    let mut l = [V::splat(0.0)];
    eft_chunks::<V, Whole, 1, false>(&xs, None, &mut t, &mut l);
    let hi = t[0].sub(V::splat(sigma)).reduce_add();
    let lo = l[0].reduce_add();
    let err = eft_bound(V::N, K, sigma, 53) + hsum_bound(V::N, K, sigma);
    Some(Part { hi, lo, err })
}

/// The express path of short contiguous binary64 vectors (`xs` holds the components
/// zero-padded, `N K` lanes in all): one pass, no offset to predict, and, for the caller's
/// floating-point environment, no flag but inexact (`fenv.rs`, "The express path").
///
/// 1. **Clean range.**  Every component is `+-0` or has `|x|` in `[2^-E, 2^E]`,
///    `E = EXPRESS64_EXP = 300`, tested on the bits ([`Lanes::all_clean`]) before any
///    arithmetic; otherwise `None` (the general short path takes the vector).
/// 2. **Squares.**  `p = RN(x^2)` and `e = fma(x, x, -p) = x^2 - p` exactly (the rounding
///    error of a product is representable when it does not underflow: `e` is a multiple of
///    `ulp(x)^2 >= 2^(2(-E-52)) = 2^-704`, a normal number).
/// 3. **Tree.**  The `p`s are added pairwise, first across the `K` vectors lane by lane,
///    then across the lanes, each addition by TwoSum (`sumsq::two_sum`: `s + t = a + b`
///    exactly in round-to-nearest, D. E. Knuth, TAOCP vol. 2, 4.2.2, Thm. B), leaving one
///    `hi`.  The `e`s and the TwoSum tails `t` are added in the same tree order into `lo`.
///    So `S = sum x^2 = hi + (exact sum of the 2NK - 1 tail terms)`.
/// 4. **Bound.**  With `n = NK`: `|e| <= u p`, and each of the `n - 1` tails is at most
///    `u` times a partial sum of `p`s, so the tail terms total at most `n u (1 + u) S`;
///    their floating-point sum (any tree of `2n - 1` terms) errs by at most
///    `gamma_{2n-2}` times that (N. J. Higham, *Accuracy and Stability of Numerical
///    Algorithms*, 2nd ed., 4.2).  Hence `|S - (hi + lo)| <= 2.1 n^2 u^2 S`, and with
///    `S <= hi (1 + 2 n u)` the returned `err = 2.2 n^2 2^-106 hi` bounds it (`n <= 64`:
///    below `2^-93` of `S`, against the `2^-54` that a binary64 rounding needs).
///
/// Every intermediate value is zero or a normal number far from overflow: the squares lie in
/// `[2^-600, 2^600]`, every tail, sum and difference is a multiple of `2^-704` below
/// `2^607` (at most 64 lanes); so neither flush-to-zero nor denormals-are-zero can change anything, and no
/// operation raises underflow, overflow, invalid or divide-by-zero.  `finish::round_express`
/// keeps that for the rounding (`S` in `[2^-600, 2^607]`).
#[inline(always)]
pub(crate) fn express64<V: Lanes, const K: usize>(xs: [V; K]) -> Option<Part> {
    let (lo_c, hi_c) = (pow2(-EXPRESS64_EXP), pow2(EXPRESS64_EXP));
    let mut clean = true;
    for x in &xs {
        clean &= x.all_clean(lo_c, hi_c);
    }
    if !clean {
        return None;
    }
    let mut p = xs;
    let mut e = xs;
    for k in 0..K {
        p[k] = xs[k].mul(xs[k]);
        e[k] = xs[k].fms(xs[k], p[k]);
    }
    let mut w = K;
    while w > 1 {
        w /= 2;
        for k in 0..w {
            let s = p[k].add(p[k + w]);
            let bp = s.sub(p[k]);
            let t = p[k].sub(s.sub(bp)).add(p[k + w].sub(bp));
            p[k] = s;
            e[k] = e[k].add(e[k + w]).add(t);
        }
    }
    let (hi, lo) = V::fold_two_sum(p[0], e[0]);
    let n = (V::N * K) as f64;
    Some(Part {
        hi,
        lo,
        err: 2.2 * n * n * pow2(-106) * hi,
    })
}

/// The express path of short contiguous binary32 vectors (`xs`: the components widened,
/// zero-padded): every component `+-0` or with `|x|` in `[2^-99, 2^95]`
/// (`EXPRESS32_MIN_EXP`, `EXPRESS32_MAX_EXP`; tested after widening, where a binary32
/// subnormal fails it) and then [`small32`]: the squares are exact in `[2^-198, 2^190]`, the
/// sum of at most 64 of them below `2^196`, so every intermediate is a normal number and the
/// fast binary32 rounding (`finish::round_express`, `S` in `[2^-200, 2^200]`) applies.  As
/// for [`express64`], no flag but inexact, except that the widening of a subnormal binary32
/// input may raise the denormal-operand flag before the test rejects it (the caller then
/// restores the flags: `fenv.rs`).
#[inline(always)]
pub(crate) fn express32<V: Lanes, const K: usize>(xs: [V; K]) -> Option<Part> {
    let (lo_c, hi_c) = (pow2(EXPRESS32_MIN_EXP), pow2(EXPRESS32_MAX_EXP));
    let mut clean = true;
    for x in &xs {
        clean &= x.all_clean(lo_c, hi_c);
    }
    if !clean {
        return None;
    }
    small32::<V, K>(xs)
}

/// Short binary32 vectors (components widened, zero-padded): `P = sum x^2` in one
/// accumulator of `K` steps, bound [`sq_bound`].  `None` for NaN/Inf.
#[inline(always)]
pub(crate) fn small32<V: Lanes, const K: usize>(xs: [V; K]) -> Option<Part> {
    let p = sq_chunks::<V, Whole, Whole, 1>(&xs, None).reduce_add();
    if !(0.0..=f64::MAX).contains(&p) {
        return None;
    }
    let levels = V::N.trailing_zeros() + 1;
    Some(Part {
        hi: p,
        lo: 0.0,
        err: sq_bound(K, levels, p),
    })
}

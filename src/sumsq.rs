//! The sum-of-squares state: what every path accumulates into, what pieces, threads and
//! processes merge, and what `finish.rs` rounds.
//!
//! # The fast state ([`SumSq`])
//!
//! Three *scale classes* (`consts.rs`): the squares of data scaled by `2^600`, `1` and
//! `2^-600`, i.e. sums in units of `2^-1200`, `1` and `2^1200`.  Each class holds a
//! double-double `hi + lo` (renormalised: `hi = RN(hi + lo)`) and a rigorous bound `err` on
//! `|exact - (hi + lo)|` in the class's units, and the state holds two flags: a NaN was
//! seen, an infinity was seen.  The exact sum of squares of everything added is
//! `sum_k (hi_k + lo_k + e_k) 2^(1200 (k - 1))` with `|e_k| <= err_k`.
//!
//! Adding a class sum `h + l` known within `e` ([`ClassSum::add`]): TwoSum of the high parts
//! (exact; Knuth, TAOCP vol. 2, 4.2.2), the low parts added with two roundings (each at most
//! `u` times its result, `u = 2^-53`), then a TwoSum renormalisation (exact).  The bound
//! becomes `(err + e + 2u (|el| + |lo|)) (1 + 2^-50)`: the factor 2 and the `2^-50` cover
//! the roundings of the bound's own arithmetic (each of its three roundings loses at most a
//! factor `1 - u`, and `(1 - u)^3 (1 + 2^-50) > 1`).  Merging two states adds class by class
//! and ORs the flags: it is commutative and, up to the bound, associative; the bound stays
//! rigorous in any merge tree, so the rounded result of [`crate::finish`] is the same in
//! every tree whenever it is decided.
//!
//! Range: a class sum of fewer than `2^64` elements is below `2^64 * 2^848 = 2^912` class
//! units (the largest scaled square is `2^848`, `consts.rs`), so every valid state has
//! `hi <= 2^1000` ([`HI_MAX`]).  Beyond that (states worth more than `2^64` elements, or
//! crafted ones) nothing is refused and nothing is lost: a small or medium class that would
//! pass `2^1000` is moved into the class above (scaled by `2^-1200`, exact), and a big class
//! that would pass it means a sum of squares above `2^2200`, whose norm (above `2^1100`)
//! overflows every format: the state records it as an infinity (the result is `+Inf`, or
//! NaN if a NaN was added, exactly as IEEE 754 rounds it).  So adding and merging never fail
//! and never depend on the order or the thread count.
//!
//! # The exact state ([`ExactSumSq`])
//!
//! The fixed-point accumulator of `exact.rs` (every square an integer in units of
//! `2^-2150`), plus the same two flags.  Limb-wise addition with carries is exact, so merging
//! is exact and independent of order; the result is always correctly rounded.
//!
//! # Bytes
//!
//! Both states are plain bytes of a fixed size and layout, little-endian, so they can be
//! copied, stored, and sent to another process or machine and merged there.
//!
//! [`SumSq`], [`SUMSQ_BYTES`] = 96 bytes:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | tag `"SNSQ"` |
//! | 4 | 2 | version, 1 (u16) |
//! | 6 | 2 | flags (u16): bit 0 a NaN was seen, bit 1 an infinity was seen; others 0 |
//! | 8 | 72 | classes small, medium, big: `hi`, `lo`, `err` (binary64 each) |
//! | 80 | 16 | reserved, 0 |
//!
//! [`ExactSumSq`], [`EXACT_SUMSQ_BYTES`] = 560 bytes: tag `"SNEX"`, version 1, flags as
//! above, 8 reserved zero bytes, then the 68 limbs of the accumulator (u64 each, least
//! significant first).
//!
//! A state of all zero bytes is also read as the empty state (so that a zero-initialised C
//! struct is usable).  Anything else that is not a state written by this library (wrong tag
//! or version, unknown flags, non-zero reserved bytes, a class with a negative (also `-0`),
//! infinite or NaN `hi` or `err`, an infinite or NaN `lo`, `hi` above [`HI_MAX`], `hi + lo`
//! not rounding to `hi` (not renormalised), or a bound `err` above the sum `hi`: every state
//! of real data has `err` below `2^-28 hi`) is refused with a [`StateError`].  A bound that a
//! merge of crafted states would push above the sum is kept at the sum (such a state can
//! only give NEED_EXACT).  The exact state accepts any limbs (every value is a sum).  The
//! readers take the first [`SUMSQ_BYTES`] / [`EXACT_SUMSQ_BYTES`] bytes of a longer slice and
//! ignore the rest.
#![forbid(unsafe_code)]

use crate::consts::{pow2, CLASS_STEP, U as UNIT};
use crate::exact::{ExactSum, LIMBS};

/// Largest `hi` (and `err`) of a valid class, see the module documentation.
pub(crate) const HI_MAX: f64 = pow2(1000);

/// Inflation of the bound per addition, covering the roundings of the bound itself.
const INFLATE: f64 = 1.0 + pow2(-50);

/// Size of the bytes of a [`SumSq`].
pub const SUMSQ_BYTES: usize = 96;
/// Size of the bytes of an [`ExactSumSq`].
pub const EXACT_SUMSQ_BYTES: usize = 16 + 8 * LIMBS;

const TAG_FAST: [u8; 4] = *b"SNSQ";
const TAG_EXACT: [u8; 4] = *b"SNEX";
const VERSION: u16 = 1;
const FLAG_NAN: u16 = 1;
const FLAG_INF: u16 = 2;

/// Why bytes are not a valid state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StateError {
    /// The tag or the version is not one this library writes.
    Tag,
    /// Unknown flag bits, or non-zero reserved bytes.
    Reserved,
    /// A class holds a value no accumulation can produce (negative, NaN, infinite, out of
    /// range, not renormalised, or a bound above the sum).
    Value,
    /// The bytes are shorter than the state.
    Short,
}

impl core::fmt::Display for StateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            StateError::Tag => "not a safenorm state (tag or version)",
            StateError::Reserved => "unknown flags or non-zero reserved bytes in a state",
            StateError::Value => "a state holds impossible values",
            StateError::Short => "too few bytes for a state",
        })
    }
}

impl std::error::Error for StateError {}

/// One scale class: `hi + lo` with `|exact - (hi + lo)| <= err`, in the class's units.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct ClassSum {
    pub(crate) hi: f64,
    pub(crate) lo: f64,
    pub(crate) err: f64,
}

impl ClassSum {
    /// True when nothing non-zero was added.
    pub(crate) fn is_zero(&self) -> bool {
        self.hi == 0.0 && self.lo == 0.0
    }

    /// Adds `h + l`, known to within `e` (module documentation).  The caller keeps the
    /// result in range ([`SumSq::add_class`]).
    #[inline]
    fn add(&mut self, h: f64, l: f64, e: f64) {
        let (s, t) = two_sum(self.hi, h);
        let el = t + l;
        let lo = self.lo + el;
        let (hi, lo2) = two_sum(s, lo);
        self.hi = hi;
        self.lo = lo2;
        self.err = (self.err + e + 2.0 * UNIT * (el.abs() + lo.abs())) * INFLATE;
    }

    fn valid(&self) -> bool {
        let ok = |v: f64| (0.0..=HI_MAX).contains(&v) && v.is_sign_positive();
        ok(self.hi)
            && ok(self.err)
            && self.lo.is_finite()
            && self.hi + self.lo == self.hi
            && self.err <= self.hi
    }

    /// This class in the units of the class above (`x 2^-1200` in two exact steps: `hi` is
    /// above `2^1000` when this is used, so nothing underflows but tiny `lo` and `err` parts,
    /// each by at most `2^-1074`, which the added `2^-1073` absorbs).
    fn scaled_up(&self) -> (f64, f64, f64) {
        let sc = |v: f64| v * CLASS_STEP * CLASS_STEP;
        (sc(self.hi), sc(self.lo), sc(self.err) + pow2(-1073))
    }
}

/// `(s, t)` with `s = RN(a + b)` and `s + t = a + b` exactly (Knuth's TwoSum).
#[inline(always)]
pub(crate) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bp = s - a;
    (s, (a - (s - bp)) + (b - bp))
}

/// A partial result of the one-block paths: a sum in the medium class's units known to
/// within `err` (not renormalised: `hi >= |lo|`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Part {
    pub(crate) hi: f64,
    pub(crate) lo: f64,
    pub(crate) err: f64,
}

/// The fast sum-of-squares state (module documentation of `sumsq.rs`): add vectors in any
/// pieces, merge states in any order, and round once with `result_f64` / `result_f32`.
///
/// ```
/// use safenorm::SumSq;
/// let big = 2f64.powi(1000);
/// let x = [3.0 * big, 4.0 * big, 12.0 * big];
/// let (mut a, mut b) = (SumSq::new(), SumSq::new());
/// a.add(&x[..1]);
/// b.add(&x[1..]);
/// a.merge(&b);
/// assert_eq!(a.result_f64().value(), 13.0 * big); // the naive sum of squares overflows
/// assert_eq!(a.result_f64().value(), safenorm::norm(&x));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SumSq {
    /// Index 0: small class (units `2^-1200`), 1: medium (units 1), 2: big (units `2^1200`).
    pub(crate) classes: [ClassSum; 3],
    pub(crate) nan: bool,
    pub(crate) inf: bool,
}

impl SumSq {
    /// The empty state (sum 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `h + l` (within `e`) to class `k` (`0..=2`; other indices are ignored), keeping
    /// every class in range (module documentation, "Range").
    #[inline]
    pub(crate) fn add_class(&mut self, k: usize, h: f64, l: f64, e: f64) {
        let Some(c) = self.classes.get_mut(k) else {
            return;
        };
        let before = *c;
        c.add(h, l, e);
        // Every state of real data has a bound far below its sum (below 2^-28 of it); only a
        // crafted one can get here, and a bound at the sum can only give NEED_EXACT.
        if c.err > c.hi {
            c.err = c.hi;
        }
        if c.hi > HI_MAX {
            self.carry(k, before);
        }
    }

    /// Class `k` left the range: move it into the class above, or (big class) record the
    /// overflow as an infinity and keep the class as it was (`before`).
    #[cold]
    fn carry(&mut self, k: usize, before: ClassSum) {
        if k >= 2 {
            self.inf = true;
            if let Some(c) = self.classes.get_mut(k) {
                *c = before;
            }
            return;
        }
        let Some(c) = self.classes.get_mut(k) else {
            return;
        };
        let (h, l, e) = c.scaled_up();
        *c = ClassSum::default();
        self.add_class(k + 1, h, l, e);
    }

    /// Adds a one-block result (medium class).
    #[inline]
    pub(crate) fn add_part(&mut self, p: Part) {
        self.classes[1].add(p.hi, p.lo, p.err);
    }

    /// Records that the data held a NaN and/or an infinity.
    pub(crate) fn mark(&mut self, nan: bool, inf: bool) {
        self.nan |= nan;
        self.inf |= inf;
    }

    /// Merges `other` into `self`: afterwards `self` holds the sum of squares of everything
    /// added to either (`self` and `other` may be copies of one state: the sum doubles).
    /// Commutative, and associative up to the bound, so every merge tree gives the same
    /// rounded result.
    pub fn merge(&mut self, other: &SumSq) {
        crate::fenv::with_env(|_| self.merge_in_env(other));
    }

    /// [`SumSq::merge`] inside a caller's guard (`fenv.rs`).
    pub(crate) fn merge_in_env(&mut self, other: &SumSq) {
        for (k, o) in other.classes.iter().enumerate() {
            if !o.is_zero() || o.err != 0.0 {
                self.add_class(k, o.hi, o.lo, o.err);
            }
        }
        self.mark(other.nan, other.inf);
    }

    /// True when a NaN was added (the result is NaN).
    pub fn saw_nan(&self) -> bool {
        self.nan
    }

    /// True when an infinity was added (the result is `+Inf` unless a NaN was added too).
    pub fn saw_inf(&self) -> bool {
        self.inf
    }

    /// The state as bytes (layout in the module documentation of `sumsq.rs`).
    pub fn to_bytes(&self) -> [u8; SUMSQ_BYTES] {
        let mut b = [0u8; SUMSQ_BYTES];
        b[0..4].copy_from_slice(&TAG_FAST);
        b[4..6].copy_from_slice(&VERSION.to_le_bytes());
        b[6..8].copy_from_slice(&flags(self.nan, self.inf).to_le_bytes());
        for (k, c) in self.classes.iter().enumerate() {
            for (j, v) in [c.hi, c.lo, c.err].into_iter().enumerate() {
                let o = 8 + 24 * k + 8 * j;
                b[o..o + 8].copy_from_slice(&v.to_le_bytes());
            }
        }
        b
    }

    /// Reads a state written by [`SumSq::to_bytes`] (on any machine); all-zero bytes are the
    /// empty state; anything else is refused.
    pub fn from_bytes(b: &[u8]) -> Result<SumSq, StateError> {
        crate::fenv::with_env(|_| Self::from_bytes_in_env(b))
    }

    /// [`SumSq::from_bytes`] inside a caller's guard (`fenv.rs`): its validity tests compare
    /// binary64 values.
    fn from_bytes_in_env(b: &[u8]) -> Result<SumSq, StateError> {
        let b: &[u8; SUMSQ_BYTES] = b
            .get(..SUMSQ_BYTES)
            .and_then(|s| s.try_into().ok())
            .ok_or(StateError::Short)?;
        if b.iter().all(|&v| v == 0) {
            return Ok(SumSq::new());
        }
        let (nan, inf) = header(b, TAG_FAST)?;
        if b[80..].iter().any(|&v| v != 0) {
            return Err(StateError::Reserved);
        }
        let f = |o: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[o..o + 8]);
            f64::from_le_bytes(w)
        };
        let mut s = SumSq::new();
        for (k, c) in s.classes.iter_mut().enumerate() {
            let o = 8 + 24 * k;
            *c = ClassSum {
                hi: f(o),
                lo: f(o + 8),
                err: f(o + 16),
            };
            if !c.valid() {
                return Err(StateError::Value);
            }
        }
        s.mark(nan, inf);
        Ok(s)
    }
}

fn flags(nan: bool, inf: bool) -> u16 {
    (if nan { FLAG_NAN } else { 0 }) | (if inf { FLAG_INF } else { 0 })
}

/// Checks tag, version and flags; returns the flags.
fn header(b: &[u8], tag: [u8; 4]) -> Result<(bool, bool), StateError> {
    if b.get(0..4) != Some(&tag[..]) || b.get(4..6) != Some(&VERSION.to_le_bytes()[..]) {
        return Err(StateError::Tag);
    }
    let fl = u16::from_le_bytes([
        b.get(6).copied().unwrap_or(0),
        b.get(7).copied().unwrap_or(0),
    ]);
    if fl & !(FLAG_NAN | FLAG_INF) != 0 {
        return Err(StateError::Reserved);
    }
    Ok((fl & FLAG_NAN != 0, fl & FLAG_INF != 0))
}

/// The exact sum-of-squares state: the same operations as [`SumSq`], always correctly
/// rounded, slower (every square is added to a 4352-bit fixed-point integer).
#[derive(Clone, Debug, PartialEq)]
pub struct ExactSumSq {
    pub(crate) sum: ExactSum,
    pub(crate) nan: bool,
    pub(crate) inf: bool,
}

impl Default for ExactSumSq {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSumSq {
    /// The empty state.
    pub fn new() -> Self {
        ExactSumSq {
            sum: ExactSum::new(),
            nan: false,
            inf: false,
        }
    }

    /// Adds `count` copies of the square of the finite value `x`, or records a NaN / an
    /// infinity.  A sum past the accumulator's range (a carry out of its top limb, which
    /// needs more than `2^64` squares of the largest values) has a norm far above every
    /// format's largest finite value and is recorded as an infinity.
    #[inline]
    pub(crate) fn add_value_times(&mut self, x: f64, count: u64) {
        if x.is_finite() {
            self.inf |= self.sum.add_square_times(x, count);
        } else {
            self.nan |= x.is_nan();
            self.inf |= x.is_infinite();
        }
    }

    /// Merges `other` into `self` (exact, in any order; a sum past the accumulator's range is
    /// recorded as an infinity, as when adding).
    pub fn merge(&mut self, other: &ExactSumSq) {
        self.inf |= self.sum.merge(&other.sum);
        self.nan |= other.nan;
        self.inf |= other.inf;
    }

    /// True when a NaN was added.
    pub fn saw_nan(&self) -> bool {
        self.nan
    }

    /// True when an infinity was added.
    pub fn saw_inf(&self) -> bool {
        self.inf
    }

    /// The state as bytes (layout in the module documentation of `sumsq.rs`).
    pub fn to_bytes(&self) -> [u8; EXACT_SUMSQ_BYTES] {
        let mut b = [0u8; EXACT_SUMSQ_BYTES];
        b[0..4].copy_from_slice(&TAG_EXACT);
        b[4..6].copy_from_slice(&VERSION.to_le_bytes());
        b[6..8].copy_from_slice(&flags(self.nan, self.inf).to_le_bytes());
        for (i, l) in self.sum.limbs().iter().enumerate() {
            b[16 + 8 * i..24 + 8 * i].copy_from_slice(&l.to_le_bytes());
        }
        b
    }

    /// Reads a state written by [`ExactSumSq::to_bytes`]; all-zero bytes are the empty
    /// state; anything else is refused.
    pub fn from_bytes(b: &[u8]) -> Result<ExactSumSq, StateError> {
        let b = b.get(..EXACT_SUMSQ_BYTES).ok_or(StateError::Short)?;
        if b.iter().all(|&v| v == 0) {
            return Ok(ExactSumSq::new());
        }
        let (nan, inf) = header(b, TAG_EXACT)?;
        if b[8..16].iter().any(|&v| v != 0) {
            return Err(StateError::Reserved);
        }
        let mut limbs = [0u64; LIMBS];
        for (i, l) in limbs.iter_mut().enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(&b[16 + 8 * i..24 + 8 * i]);
            *l = u64::from_le_bytes(w);
        }
        Ok(ExactSumSq {
            sum: ExactSum::from_limbs(limbs),
            nan,
            inf,
        })
    }
}

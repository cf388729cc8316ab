//! Views with a stride of their own ([`Spread`]) for the SIMD loads of x86_64: the view cut
//! into chunks of `E` elements, each handed to an ISA's loader as a [`Strip`] (two words:
//! where the chunk starts and the stride), which loads its elements one by one straight
//! into vectors; the partial last chunk as a [`StripTail`] (copied with checks).  The
//! drivers [`spread_strips`] (block kernels, into a state) and [`spread_short`] (the
//! one-block path) run an ISA's bodies over them ([`StripSum`]).
//!
//! The one unsafe block here turns the initialised prefix of a `MaybeUninit` array of
//! strips into a slice (the handles are written per call; an initialised array would be
//! written twice).

use crate::strided::Spread;
use crate::sumsq::{Part, SumSq};
use core::marker::PhantomData;
use core::mem::MaybeUninit;

/// A whole chunk of a [`Spread`] for the SIMD loads: `E` elements of `P` components, element
/// `j` at `p + j * st .. p + j * st + P`, borrowed from a slice for `'a`.
///
/// Invariant: `p` is the start of a slice `d` borrowed for `'a` with `(E - 1) * st + P <=
/// d.len()`, so an ISA's load may read `p + j * st + k` for `j < E`, `k < P` without further
/// checks.  The fields are private to this module: strips are built only here, by
/// [`Strip::new`] and by `strips_of` (for [`spread_strips`] / [`spread_short`]), each after
/// checking that length.  Two words
/// (not a slice and a stride): the drivers write one per chunk, and smaller handles
/// measured faster for the L1-streaming strides.
#[derive(Clone, Copy)]
pub(crate) struct Strip<'a, T, const E: usize, const P: usize> {
    p: *const T,
    st: usize,
    _life: PhantomData<&'a [T]>,
}

impl<'a, T, const E: usize, const P: usize> Strip<'a, T, E, P> {
    /// The chunk starting at `d[0]`, if its `E` elements lie in `d`.
    #[inline(always)]
    fn new(d: &'a [T], st: usize) -> Option<Self> {
        let need = (E - 1).checked_mul(st)?.checked_add(P)?;
        (need <= d.len()).then_some(Strip {
            p: d.as_ptr(),
            st,
            _life: PhantomData,
        })
    }

    /// The first component of the first element; `ptr() + j * stride() + k` (`j < E`,
    /// `k < P`) is inside the borrowed slice.
    #[inline(always)]
    pub(crate) fn ptr(&self) -> *const T {
        self.p
    }

    /// Components between consecutive elements.
    #[inline(always)]
    pub(crate) fn stride(&self) -> usize {
        self.st
    }
}

/// The partial last chunk of a [`Spread`]: `count < E` elements (read with checks).
#[derive(Clone, Copy)]
pub(crate) struct StripTail<'a, T, const P: usize> {
    d: &'a [T],
    st: usize,
    count: usize,
}

impl<T: Copy + Default, const P: usize> StripTail<'_, T, P> {
    /// The components in order, zero-padded to `N` (at most `N / P` elements).
    #[inline(always)]
    pub(crate) fn padded<const N: usize>(&self) -> [T; N] {
        let mut a = [T::default(); N];
        let mut at = 0usize;
        for e in a.chunks_exact_mut(P).take(self.count) {
            for (k, slot) in e.iter_mut().enumerate() {
                if let Some(&v) = self.d.get(at + k) {
                    *slot = v;
                }
            }
            at = at.saturating_add(self.st);
        }
        a
    }
}

/// How an ISA sums strips: one call of its block body (`accumulate64` / `accumulate32`) over
/// whole chunks and an optional partial one, or its one-block path (`short64` / `short32`).
pub(crate) trait StripSum<T, const E: usize, const P: usize> {
    /// Adds the elements of `c` and `t` to `s`; true when a NaN or an infinity was met.
    fn sum(c: &[Strip<'_, T, E, P>], t: Option<StripTail<'_, T, P>>, s: &mut SumSq) -> bool;
    /// The one-block sum of the elements of `c` and `t` (`n_c` components in all), if the
    /// one-block path decides.
    fn short(c: &[Strip<'_, T, E, P>], t: Option<StripTail<'_, T, P>>, n_c: usize) -> Option<Part>;
}

/// The whole chunks `i .. i + k` of `x` (chunks of `E` elements, stride `st` components) as
/// strips in the front of `hs` (`k <= N`); `None` if one does not lie in `x` (not expected
/// for a view satisfying its invariant).
#[inline(always)]
fn strips_of<'a, 'h, T, const E: usize, const P: usize, const N: usize>(
    d: &'a [T],
    st: usize,
    i: usize,
    k: usize,
    hs: &'h mut [MaybeUninit<Strip<'a, T, E, P>>; N],
) -> Option<&'h [Strip<'a, T, E, P>]> {
    // One element past the chunk's start is `(E - 1) st + P` components; chunks start
    // `E st` apart (both computed once, checked).
    let need = (E - 1).checked_mul(st)?.checked_add(P)?;
    let step = E.checked_mul(st)?;
    let mut at = i.checked_mul(step)?;
    let mut w = 0;
    for h in hs.iter_mut().take(k) {
        let c = d.get(at..)?;
        if c.len() < need {
            return None;
        }
        // The invariant of `Strip`: c.len() >= need, checked just above.
        h.write(Strip {
            p: c.as_ptr(),
            st,
            _life: PhantomData,
        });
        w += 1;
        at = at.saturating_add(step);
    }
    if w != k {
        return None;
    }
    // SAFETY: the first `k` entries were initialised just above (w == k writes, one per
    // entry, in order); MaybeUninit<S> has the size, alignment and layout of S, so the
    // first `k` entries are `k` initialised strips, borrowed for as long as `hs`.
    Some(unsafe { core::slice::from_raw_parts(hs.as_ptr().cast::<Strip<'a, T, E, P>>(), k) })
}

/// The partial last chunk of `x` in chunks of `E` elements, if there is one; `Err` when
/// it does not lie in `x` (not expected).
#[inline(always)]
fn tail_of<'a, T: Copy + Default, const E: usize, const P: usize>(
    x: &Spread<'a, T>,
) -> Result<Option<StripTail<'a, T, P>>, ()> {
    let (d, st, n) = (x.data(), x.stride(), x.len());
    match n % E {
        0 => Ok(None),
        count => {
            let from = (n / E)
                .checked_mul(E)
                .and_then(|v| v.checked_mul(st))
                .ok_or(())?;
            Ok(Some(StripTail {
                d: d.get(from..).ok_or(())?,
                st,
                count,
            }))
        }
    }
}

/// The SIMD `spread64` / `spread32` driver: the view cut into whole chunks of `E` elements
/// (plus a partial last one), passed to `K::sum` up to `MB` chunks per call (a kernel call
/// of its own: its own first-chunk prediction and fold into the state; the sum of the calls
/// is the sum of the elements, each call's bound holds as for contiguous data).  `None`
/// (nothing added) when the view does not have `P` components per element or fails its
/// invariant (not expected: the caller then takes the portable copy).
#[inline(always)]
pub(crate) fn spread_strips<
    T: Copy + Default,
    K: StripSum<T, E, P>,
    const E: usize,
    const P: usize,
    const MB: usize,
>(
    x: &Spread<'_, T>,
    s: &mut SumSq,
) -> Option<bool> {
    if x.parts() != P || !x.checked() {
        return None;
    }
    let (d, st) = (x.data(), x.stride());
    let whole = x.len() / E;
    let tail = tail_of::<T, E, P>(x).ok()?;
    // Check the last whole chunk before adding anything (so that `None` leaves `s`
    // unchanged): chunk `i` starts at `i E st <= (n - E) st` and ends at `(i E + E - 1) st +
    // P <= (n - 1) st + P = d.len()` (the invariant), so every chunk lies in `d` if the last
    // one does.
    if whole > 0 {
        Strip::<T, E, P>::new(d.get((whole - 1).checked_mul(E)?.checked_mul(st)?..)?, st)?;
    }
    let mut hs = [const { MaybeUninit::uninit() }; MB];
    let (mut i, mut special) = (0, false);
    loop {
        let k = (whole - i).min(MB);
        // Not expected to fail (see above); an empty slice then, so nothing is added twice.
        let c = strips_of::<T, E, P, MB>(d, st, i, k, &mut hs).unwrap_or(&[]);
        let t = if i + k == whole { tail } else { None };
        special |= K::sum(c, t, s);
        i += k;
        if i >= whole {
            return Some(special);
        }
    }
}

/// The one-block sum of a [`Spread`] of at most `MS` whole chunks of `E` elements (`K::short`),
/// or `None` (longer, another number of components per element, or the one-block path
/// does not decide).
#[inline(always)]
pub(crate) fn spread_short<
    T: Copy + Default,
    K: StripSum<T, E, P>,
    const E: usize,
    const P: usize,
    const MS: usize,
>(
    x: &Spread<'_, T>,
) -> Option<Part> {
    let whole = x.len() / E;
    if x.parts() != P || whole > MS || !x.checked() {
        return None;
    }
    let tail = tail_of::<T, E, P>(x).ok()?;
    let mut hs = [const { MaybeUninit::uninit() }; MS];
    let c = strips_of::<T, E, P, MS>(x.data(), x.stride(), 0, whole, &mut hs)?;
    K::short(c, tail, x.len() * P)
}

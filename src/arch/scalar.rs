//! The portable path: the generic bodies with one-lane "vectors" (`f64`), any CPU.
//!
//! Written to be obviously right; the SIMD paths must agree with it bit for bit (they all
//! return the correctly rounded norm).
#![forbid(unsafe_code)]

use super::{padded, spread_add};
use crate::consts::EXPRESS_MAX;
use crate::half::{BF16, F16};
use crate::kernel::batch::Panel;
use crate::kernel::{
    self, accumulate32, accumulate64, short32, short64, Load, SHORT_BLOCKS, SMALL_MAX,
};
use crate::strided::Spread;
use crate::sumsq::{Part, SumSq};

/// One-lane "vectors".
type V = f64;

/// Independent accumulators.
const U: usize = 4;
/// Chunks per block.
const M: usize = 128;

/// Panels side by side per call of the batch kernels (`PANEL * GROUP <= 256` lanes).
const GROUP: usize = 64;

/// Components per panel of the batch kernels (`kernel/batch.rs`: one lane per vector).
pub(crate) const PANEL: usize = 4;

/// A panel of binary64 rows, one accumulator lane per component (`kernel/batch.rs`).
#[inline(always)]
fn batch64(x: &[f64], p: Panel, out: &mut [SumSq], special: &mut [u64]) {
    kernel::batch::batch64::<V, F64s, F64sTail, U, 4, M, GROUP>(x, p, out, special)
}

/// A panel of binary32 rows (`kernel/batch.rs`).
#[inline(always)]
fn batch32(x: &[f32], p: Panel, out: &mut [SumSq], special: &mut [u64]) {
    kernel::batch::batch32::<V, F32s, F32sTail, U, 4, M, GROUP>(x, p, out, special)
}

super::kernel_table!(portable);

fn load_f64(c: &[f64; 4]) -> [V; U] {
    *c
}
fn load_f32(c: &[f32; 4]) -> [V; U] {
    c.map(f64::from)
}
fn load_even64(c: &[f64; 8]) -> [V; U] {
    [c[0], c[2], c[4], c[6]]
}
fn load_pairs64(c: &[f64; 8]) -> [V; U] {
    [c[0], c[1], c[4], c[5]]
}
fn load_even32(c: &[f32; 8]) -> [V; U] {
    [c[0], c[2], c[4], c[6]].map(f64::from)
}
fn load_pairs32(c: &[f32; 8]) -> [V; U] {
    [c[0], c[1], c[4], c[5]].map(f64::from)
}

/// A whole-chunk loader and a partial-chunk loader (through a zero-padded copy).
macro_rules! shape {
    ($main:ident, $tail:ident, $t:ty, $w:expr, $load:path) => {
        struct $main;
        impl Load<V, U> for $main {
            type Item<'a> = [$t; $w];
            #[inline(always)]
            fn load(c: &[$t; $w]) -> [V; U] {
                $load(c)
            }
        }
        struct $tail;
        impl Load<V, U> for $tail {
            type Item<'a> = &'a [$t];
            #[inline(always)]
            fn load(t: &&[$t]) -> [V; U] {
                $load(&padded::<$t, { $w }>(t))
            }
        }
    };
}
fn load_h16(c: &[F16; 4]) -> [V; U] {
    c.map(|h| f64::from(h.to_f32()))
}
fn load_bf16(c: &[BF16; 4]) -> [V; U] {
    c.map(|h| f64::from(h.to_f32()))
}

shape!(F64s, F64sTail, f64, 4, load_f64);
shape!(H16s, H16sTail, F16, 4, load_h16);
shape!(BF16s, BF16sTail, BF16, 4, load_bf16);
shape!(F32s, F32sTail, f32, 4, load_f32);
shape!(Even64, Even64Tail, f64, 8, load_even64);
shape!(Pairs64, Pairs64Tail, f64, 8, load_pairs64);
shape!(Even32, Even32Tail, f32, 8, load_even32);
shape!(Pairs32, Pairs32Tail, f32, 8, load_pairs32);

#[inline(always)]
fn f64s(x: &[f64], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<4>();
    accumulate64::<V, F64s, F64sTail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn f32s(x: &[f32], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<4>();
    accumulate32::<V, F32s, F32sTail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn even64(x: &[f64], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<8>();
    accumulate64::<V, Even64, Even64Tail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn pairs64(x: &[f64], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<8>();
    accumulate64::<V, Pairs64, Pairs64Tail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn even32(x: &[f32], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<8>();
    accumulate32::<V, Even32, Even32Tail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn pairs32(x: &[f32], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<8>();
    accumulate32::<V, Pairs32, Pairs32Tail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

/// The express paths (`kernel::express64`, `kernel::express32`) over `EXPRESS_MAX`
/// one-lane "vectors", zero-padded.
fn express64(x: &[f64]) -> Option<Part> {
    let mut b = [0.0f64; EXPRESS_MAX];
    b.get_mut(..x.len())?.copy_from_slice(x);
    kernel::express64::<V, EXPRESS_MAX>(b)
}

/// See [`express64`].
fn express32(x: &[f32]) -> Option<Part> {
    let mut b = [0.0f64; EXPRESS_MAX];
    for (d, s) in b.get_mut(..x.len())?.iter_mut().zip(x) {
        *d = f64::from(*s);
    }
    kernel::express32::<V, EXPRESS_MAX>(b)
}

/// Short contiguous binary64 vectors: `small64` up to `SMALL_MAX` components, the one-block
/// path up to `SHORT_BLOCKS` blocks (the same short paths as the SIMD kernels).
#[inline(always)]
fn small64(x: &[f64]) -> Option<Part> {
    if x.len() <= SMALL_MAX {
        let mut b = [0.0f64; SMALL_MAX];
        for (d, s) in b.iter_mut().zip(x) {
            *d = *s;
        }
        return kernel::small64::<V, SMALL_MAX>(b);
    }
    let (c, t) = x.as_chunks::<4>();
    if c.len() > SHORT_BLOCKS * M {
        return None;
    }
    short64::<V, F64s, F64sTail, U, true>(c, (!t.is_empty()).then_some(t), x.len())
}

/// Short contiguous binary32 vectors.
#[inline(always)]
fn small32(x: &[f32]) -> Option<Part> {
    if x.len() <= SMALL_MAX {
        let mut b = [0.0f64; SMALL_MAX];
        for (d, s) in b.iter_mut().zip(x) {
            *d = f64::from(*s);
        }
        return kernel::small32::<V, SMALL_MAX>(b);
    }
    let (c, t) = x.as_chunks::<4>();
    if c.len() > SHORT_BLOCKS * M {
        return None;
    }
    short32::<V, F32s, F32sTail, U>(c, (!t.is_empty()).then_some(t))
}

/// The one-block paths of the strided shapes (`None` beyond `SHORT_BLOCKS` blocks).  For
/// binary64 the slice length is passed as the component count: an upper bound, which only
/// moves the offset.
macro_rules! short_strided {
    ($name:ident, $t:ty, $main:ident, $tail:ident, |$c:ident, $r:ident, $x:ident| $call:expr) => {
        #[inline(always)]
        fn $name($x: &[$t]) -> Option<Part> {
            let ($c, t) = $x.as_chunks::<8>();
            if $c.len() > SHORT_BLOCKS * M {
                return None;
            }
            let $r = (!t.is_empty()).then_some(t);
            $call
        }
    };
}
short_strided!(short_even64, f64, Even64, Even64Tail, |c, r, x| short64::<
    V,
    Even64,
    Even64Tail,
    U,
    false,
>(
    c,
    r,
    x.len()
));
short_strided!(short_pairs64, f64, Pairs64, Pairs64Tail, |c, r, x| {
    short64::<V, Pairs64, Pairs64Tail, U, false>(c, r, x.len())
});
short_strided!(short_even32, f32, Even32, Even32Tail, |c, r, x| {
    short32::<V, Even32, Even32Tail, U>(c, r)
});
short_strided!(short_pairs32, f32, Pairs32, Pairs32Tail, |c, r, x| {
    short32::<V, Pairs32, Pairs32Tail, U>(c, r)
});

#[inline(always)]
fn h16s(x: &[F16], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<4>();
    accumulate32::<V, H16s, H16sTail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

#[inline(always)]
fn bf16s(x: &[BF16], s: &mut SumSq) -> bool {
    let (c, t) = x.as_chunks::<4>();
    accumulate32::<V, BF16s, BF16sTail, U, M>(c, (!t.is_empty()).then_some(t), s)
}

/// Short contiguous half-precision vectors: the binary32 short paths on the widened values.
macro_rules! small_half {
    ($name:ident, $t:ty, $main:ident, $tail:ident) => {
        #[inline(always)]
        fn $name(x: &[$t]) -> Option<Part> {
            if x.len() <= SMALL_MAX {
                let mut b = [0.0f64; SMALL_MAX];
                for (d, s) in b.iter_mut().zip(x) {
                    *d = f64::from(s.to_f32());
                }
                return kernel::small32::<V, SMALL_MAX>(b);
            }
            let (c, t) = x.as_chunks::<4>();
            if c.len() > SHORT_BLOCKS * M {
                return None;
            }
            short32::<V, $main, $tail, U>(c, (!t.is_empty()).then_some(t))
        }
    };
}
small_half!(small_h16, F16, H16s, H16sTail);
small_half!(small_bf16, BF16, BF16s, BF16sTail);

crate::arch::gather_copies!();

#[inline(always)]
fn spread64(x: Spread<'_, f64>, s: &mut SumSq) -> bool {
    spread_add::<f64, Copies>(&x, s)
}

#[inline(always)]
fn spread32(x: Spread<'_, f32>, s: &mut SumSq) -> bool {
    spread_add::<f32, Copies>(&x, s)
}

/// No one-block path for these views here: the general path sums them (same result).
#[inline(always)]
fn short_spread64(_x: Spread<'_, f64>) -> Option<Part> {
    None
}

/// As `short_spread64`.
#[inline(always)]
fn short_spread32(_x: Spread<'_, f32>) -> Option<Part> {
    None
}

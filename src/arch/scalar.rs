//! The portable path: the generic bodies with one-lane "vectors" (`f64`), any CPU.
//!
//! Written to be obviously right; the SIMD paths must agree with it bit for bit (they all
//! return the correctly rounded norm).
#![forbid(unsafe_code)]

use super::padded;
use crate::dispatch::Kernels;
use crate::kernel::{accumulate32, accumulate64, small32, small64, Accumulator, Load, SMALL_MAX};

/// One-lane "vectors".
type V = f64;

/// Independent accumulators.
const U: usize = 4;
/// Chunks per block.
const M: usize = 128;

/// The portable entries.
pub(crate) static KERNELS: Kernels = Kernels {
    f64s,
    f32s,
    even64,
    pairs64,
    even32,
    pairs32,
    small64: small64_entry,
    small32: small32_entry,
    short_even64: none64,
    short_pairs64: none64,
    short_even32: none32,
    short_pairs32: none32,
};

/// No one-block paths for the strided shapes here: the general path runs.
fn none64(_x: &[f64]) -> Option<f64> {
    None
}

fn none32(_x: &[f32]) -> Option<f64> {
    None
}

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
shape!(F64s, F64sTail, f64, 4, load_f64);
shape!(F32s, F32sTail, f32, 4, load_f32);
shape!(Even64, Even64Tail, f64, 8, load_even64);
shape!(Pairs64, Pairs64Tail, f64, 8, load_pairs64);
shape!(Even32, Even32Tail, f32, 8, load_even32);
shape!(Pairs32, Pairs32Tail, f32, 8, load_pairs32);

pub(crate) fn f64s(x: &[f64], acc: &mut Accumulator) {
    let (c, t) = x.as_chunks::<4>();
    accumulate64::<V, F64s, F64sTail, U, M>(c, (!t.is_empty()).then_some(t), acc);
}

pub(crate) fn f32s(x: &[f32], acc: &mut Accumulator) {
    let (c, t) = x.as_chunks::<4>();
    accumulate32::<V, F32s, F32sTail, U, M>(c, (!t.is_empty()).then_some(t), acc);
}

pub(crate) fn even64(x: &[f64], acc: &mut Accumulator) {
    let (c, t) = x.as_chunks::<8>();
    accumulate64::<V, Even64, Even64Tail, U, M>(c, (!t.is_empty()).then_some(t), acc);
}

pub(crate) fn pairs64(x: &[f64], acc: &mut Accumulator) {
    let (c, t) = x.as_chunks::<8>();
    accumulate64::<V, Pairs64, Pairs64Tail, U, M>(c, (!t.is_empty()).then_some(t), acc);
}

pub(crate) fn even32(x: &[f32], acc: &mut Accumulator) {
    let (c, t) = x.as_chunks::<8>();
    accumulate32::<V, Even32, Even32Tail, U, M>(c, (!t.is_empty()).then_some(t), acc);
}

pub(crate) fn pairs32(x: &[f32], acc: &mut Accumulator) {
    let (c, t) = x.as_chunks::<8>();
    accumulate32::<V, Pairs32, Pairs32Tail, U, M>(c, (!t.is_empty()).then_some(t), acc);
}

pub(crate) fn small64_entry(x: &[f64]) -> Option<f64> {
    if x.len() > SMALL_MAX {
        return None;
    }
    let mut b = [0.0f64; SMALL_MAX];
    for (d, s) in b.iter_mut().zip(x) {
        *d = *s;
    }
    small64::<f64, SMALL_MAX>(b)
}

pub(crate) fn small32_entry(x: &[f32]) -> Option<f64> {
    if x.len() > SMALL_MAX {
        return None;
    }
    let mut b = [0.0f64; SMALL_MAX];
    for (d, s) in b.iter_mut().zip(x) {
        *d = f64::from(*s);
    }
    small32::<f64, SMALL_MAX>(b)
}

//! One file per instruction set, each implementing [`crate::kernel::Lanes`] and the loads of
//! every input shape, around the generic bodies of `kernel.rs`.
//!
//! Every ISA module exports `is_available()` and a table of safe entries
//! ([`crate::dispatch::Kernels`]); each entry checks availability (falling back to the
//! portable path) and calls an `unsafe` `#[target_feature]` trampoline that instantiates the
//! generic body with the ISA's vector type.  The vector types are private to their module
//! and are created only inside those trampolines, which is what makes the intrinsics in
//! their `Lanes` methods sound.
//!
//! Input shapes (all slices come from `strided.rs`, which owns the bounds reasoning):
//!
//! * `f64s` / `f32s`: every component of the slice (`incx = +-1`, real or complex);
//! * `even64` / `even32`: the components at even indices (real `incx = +-2`);
//! * `pairs64` / `pairs32`: the components at indices `4i` and `4i + 1` (complex `incx = +-2`);
//! * `small64` / `small32`: every component of a slice of at most
//!   [`crate::kernel::SMALL_MAX`] components (longer slices give `None`).

#[cfg(target_arch = "aarch64")]
pub(crate) mod aarch64;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;

/// Copies `x` (at most `CH` values) into a zero-padded array: the portable way to load a
/// partial chunk (index parities are preserved, as the remainder of `as_chunks` starts at a
/// multiple of `CH`).
#[inline(always)]
pub(crate) fn padded<T: Copy + Default, const CH: usize>(x: &[T]) -> [T; CH] {
    let mut t = [T::default(); CH];
    for (d, s) in t.iter_mut().zip(x) {
        *d = *s;
    }
    t
}

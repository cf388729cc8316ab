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

/// Defines an ISA module's table of safe entries, [`crate::dispatch::Kernels`] `KERNELS`.
///
/// Expanded inside `x86_64/avx2.rs`, `x86_64/avx512.rs` and `aarch64/neon.rs`, where it
/// expects the module's `is_available()`, its `unsafe` `#[target_feature]` trampolines
/// `f64s_tf`, `f32s_tf`, `even64_tf`, `pairs64_tf`, `even32_tf`, `pairs32_tf`, `small64_tf`,
/// `small32_tf`, and its `short_*` entries.  Each block-kernel entry checks the CPU and falls
/// back to the portable path of `scalar.rs` when the features are missing.
macro_rules! safe_entries {
    () => {
        /// This ISA's entries (each falls back to the portable path on a CPU without it).
        pub(crate) static KERNELS: Kernels = Kernels {
            f64s,
            f32s,
            even64,
            pairs64,
            even32,
            pairs32,
            small64: small64_entry,
            small32: small32_entry,
            short_even64,
            short_pairs64,
            short_even32,
            short_pairs32,
        };

        $crate::arch::safe_entries!(@block f64s, f64s_tf, f64);
        $crate::arch::safe_entries!(@block f32s, f32s_tf, f32);
        $crate::arch::safe_entries!(@block even64, even64_tf, f64);
        $crate::arch::safe_entries!(@block pairs64, pairs64_tf, f64);
        $crate::arch::safe_entries!(@block even32, even32_tf, f32);
        $crate::arch::safe_entries!(@block pairs32, pairs32_tf, f32);
        $crate::arch::safe_entries!(@small small64_entry, small64_tf, small64_entry, f64);
        $crate::arch::safe_entries!(@small small32_entry, small32_tf, small32_entry, f32);
    };
    (@block $name:ident, $tf:ident, $t:ty) => {
        fn $name(x: &[$t], acc: &mut Accumulator) {
            if is_available() {
                // SAFETY: the CPU has this module's target features (is_available() just
                // above), which is the only requirement of the trampoline.
                unsafe { $tf(x, acc) }
            } else {
                $crate::arch::scalar::$name(x, acc)
            }
        }
    };
    (@small $name:ident, $tf:ident, $fallback:ident, $t:ty) => {
        fn $name(x: &[$t]) -> Option<f64> {
            if is_available() {
                // SAFETY: the CPU has this module's target features (is_available() just
                // above), which is the only requirement of the trampoline.
                unsafe { $tf(x) }
            } else {
                $crate::arch::scalar::$fallback(x)
            }
        }
    };
}
pub(crate) use safe_entries;

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

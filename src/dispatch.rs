//! Picks the kernel once per process and caches the choice.
//!
//! The first call detects the CPU (and reads `SAFENORM_ISA`, see [`Isa::from_env`]), stores
//! the chosen [`Isa`] in a static atomic and uses it; later calls load it with `Relaxed`
//! ordering, which is enough because every thread computes the same choice (the race on the
//! first call is benign and idempotent).  Every kernel returns bitwise the same result, so
//! the choice affects speed only.
#![forbid(unsafe_code)]

use crate::arch::Kernels;
use core::sync::atomic::{AtomicU8, Ordering};

/// An instruction-set path of the sum-of-squares kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Isa {
    /// Portable Rust, any CPU.
    Scalar,
    /// x86_64 with AVX2 and FMA.
    Avx2,
    /// x86_64 with AVX-512F and AVX-512VL.
    Avx512,
    /// aarch64 Advanced SIMD.
    Neon,
}

impl Isa {
    /// Every path this build knows, best last.
    pub const ALL: &'static [Isa] = &[Isa::Scalar, Isa::Neon, Isa::Avx2, Isa::Avx512];

    /// The name used by `SAFENORM_ISA` and reported by `safenorm_active_kernel()`.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Scalar => "scalar",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
            Isa::Neon => "neon",
        }
    }

    /// Parses a name as accepted by `SAFENORM_ISA`.
    pub fn from_name(s: &str) -> Option<Isa> {
        Isa::ALL.iter().copied().find(|i| i.name() == s.trim())
    }

    /// True when this CPU can run the path.
    pub fn is_available(self) -> bool {
        match self {
            Isa::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => crate::arch::x86_64::avx2::is_available(),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => crate::arch::x86_64::avx512::is_available(),
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => crate::arch::aarch64::neon::is_available(),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// The kernels of this path, if this CPU can run it.
    pub(crate) fn kernels(self) -> Option<&'static Kernels> {
        if !self.is_available() {
            return None;
        }
        Some(self.kernels_unchecked())
    }

    /// The kernels of this path (each entry falls back to the portable path by itself if the
    /// CPU lacks the ISA).
    fn kernels_unchecked(self) -> &'static Kernels {
        match self {
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => &crate::arch::x86_64::avx2::KERNELS,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => &crate::arch::x86_64::avx512::KERNELS,
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => &crate::arch::aarch64::neon::KERNELS,
            _ => &crate::arch::scalar::KERNELS,
        }
    }

    /// The best available path.
    pub fn best() -> Isa {
        Isa::ALL
            .iter()
            .rev()
            .copied()
            .find(|i| i.is_available())
            .unwrap_or(Isa::Scalar)
    }

    /// The path named by the environment variable `SAFENORM_ISA` (`scalar`, `avx2`, `avx512`
    /// or `neon`) if it is set, known and available on this CPU; otherwise the best
    /// available path (AVX-512 F+VL, then AVX2+FMA on x86_64; NEON on aarch64).
    pub fn from_env() -> Isa {
        std::env::var("SAFENORM_ISA")
            .ok()
            .and_then(|v| Isa::from_name(&v))
            .filter(|i| i.is_available())
            .unwrap_or_else(Isa::best)
    }

    fn code(self) -> u8 {
        Isa::ALL.iter().position(|&i| i == self).unwrap_or(0) as u8 + 1
    }

    fn from_code(c: u8) -> Option<Isa> {
        Isa::ALL.get(usize::from(c).checked_sub(1)?).copied()
    }
}

/// 0 = not chosen yet, otherwise `Isa::code`.
static ACTIVE: AtomicU8 = AtomicU8::new(0);

/// The path in use by this process (chosen on first use).
pub fn active() -> Isa {
    if let Some(isa) = Isa::from_code(ACTIVE.load(Ordering::Relaxed)) {
        return isa;
    }
    let isa = Isa::from_env();
    ACTIVE.store(isa.code(), Ordering::Relaxed);
    isa
}

/// The kernels in use by this process.
#[inline]
pub(crate) fn active_kernels() -> &'static Kernels {
    active().kernels_unchecked()
}

//! x86_64 kernels: AVX2 + FMA and AVX-512 (F + VL).
pub(crate) mod avx2;
pub(crate) mod avx512;
#[cfg(not(miri))]
pub(crate) mod fenv;

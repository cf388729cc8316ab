//! aarch64 kernels: NEON (Advanced SIMD, always present on aarch64 Linux).
#[cfg(not(miri))]
pub(crate) mod fenv;
pub(crate) mod neon;

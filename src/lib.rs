//! # safenorm
//!
//! The Euclidean norm `sqrt(sum |x_i|^2)` of strided vectors (the BLAS `?nrm2` family) for
//! `f64`, `f32`, complex `f64` and complex `f32`, **correctly rounded** (the exact norm
//! rounded to nearest, ties to even: at most 0.5 ulp of error) for every input, with no
//! intermediate overflow or underflow, and bitwise reproducible across CPUs, strides,
//! alignments and kernels.
//!
//! ```
//! let x = [3.0e300f64, 4.0e300];
//! assert_eq!(safenorm::norm(&x), 5.0e300);           // the naive formula overflows
//! let y = [f64::from_bits(1); 4];                     // four smallest subnormals
//! assert_eq!(safenorm::norm(&y), f64::from_bits(2));  // exactly 2 * 2^-1074
//! ```
//!
//! ## Semantics (reference BLAS 3.12)
//!
//! * `n == 0` gives 0 (the C adapters map `n <= 0` here, without reading `x`).
//! * `incx > 0`: elements `x[i*incx]`; `incx < 0`: the vector starts at `x[(n-1)*|incx|]`
//!   and walks backwards; `incx == 0`: `x[0]` counted `n` times (`sqrt(n)*|x[0]|`, correctly
//!   rounded).  For complex types `incx` counts complex elements.
//! * Any NaN gives NaN (a quiet NaN; payloads are not preserved), even beside an infinity;
//!   otherwise any infinity gives `+Inf`; a finite vector whose true norm exceeds the largest
//!   finite value gives `+Inf`; every other input gives a finite, correctly rounded result.
//!
//! ## Floating-point environment
//!
//! The caller's environment is input (`fenv.rs`): flush-to-zero, denormals-are-zero and
//! enabled traps change no result; under a directed rounding mode every result is the exact
//! norm correctly rounded in that mode (above the largest finite value: `+Inf` upward, the
//! largest finite value downward and toward zero); the caller's control word and exception
//! flags are exactly restored after every call (the library raises no flag).
//!
//! ## Algorithm
//!
//! Every path adds the data to one sum-of-squares state ([`SumSq`], `sumsq.rs`): a fast
//! error-free accumulation of the squares in double-double per scale class with a rigorous
//! running error bound (`kernel.rs`, instantiated per ISA in `arch/`).  One finish
//! (`finish.rs`) rounds a state: a correctly rounded square root when the bound decides the
//! rounding, and otherwise (rarely: near-ties) the exact state ([`ExactSumSq`], a
//! fixed-point big-integer sum of squares, `exact.rs`).  Binary32 data are widened exactly
//! and rounded once at the end.  Half-precision data ([`F16`] binary16, [`BF16`] bfloat16,
//! `half.rs`) are widened exactly to binary32 while loading and rounded to binary32: their
//! norm is bitwise the binary32 norm of the widened vector.
//!
//! ## Pieces, merges, threads
//!
//! States can be added to in pieces, merged in any order and tree, copied as plain bytes to
//! other threads, processes or machines: the rounded result is the norm of everything added
//! ([`SumSq`]).  Long vectors are split over threads this way (`threads.rs`,
//! [`set_num_threads`]); the result does not depend on the thread count.
//!
//! ```
//! use safenorm::{ExactSumSq, Rounded, SumSq};
//! let x: Vec<f64> = (1..=1000).map(|i| i as f64 * 1e300).collect();
//! let (mut a, mut b) = (SumSq::new(), SumSq::new());
//! a.add(&x[..300]);
//! b.add(&x[300..]);
//! let b = SumSq::from_bytes(&b.to_bytes()).unwrap(); // e.g. sent from another process
//! a.merge(&b);
//! let r = match a.result_f64() {
//!     Rounded::Correct(v) => v,
//!     // Near-ties: the exact state over the same pieces decides.
//!     Rounded::NeedExact(_) => {
//!         let mut e = ExactSumSq::new();
//!         e.add(&x);
//!         e.result_f64()
//!     }
//! };
//! assert_eq!(r, safenorm::norm(&x));
//! ```
//!
//! ## LAPACK's `?lassq`
//!
//! [`lassq`] (exported to C as `slassq_`, `dlassq_`, `classq_`, `zlassq_` and their `_64_`
//! names, feature `lapack-names`) updates a pair `(scale, sumsq)` with LAPACK 3.12's
//! semantics through the same state, rounding the pair once; a thread that passes back the
//! pair it got continues from the state behind it, so LAPACK's `?lange('F')` (one call per
//! column) is within one ulp of the exact Frobenius norm.
//!
//! ## Normalisation
//!
//! [`normalize`] (and [`normalize_strided`], [`normalize_view`], [`normalize_batch`]) divide
//! a vector by its norm in place: each quotient within `0.5 + 2^-26` ulp of the exact one
//! (correctly rounded except within that distance of a midpoint), never overflowing or
//! underflowing in between, by dividing by a norm carried to about 100 bits (`finish.rs`,
//! `Divisor`); NaN, infinities and zero vectors follow the rules of [`normalize`].
//!
//! ## Safety
//!
//! The safe API ([`norm`], [`nrm2`], [`Strided`]) takes slices and checks that
//! `(n - 1) * |incx| + 1` elements fit.  The C ABI (`src/ffi/`) takes raw pointers; for every
//! exported function, when `n > 0` and `x` is not NULL, the `(n - 1) * |incx| + 1` elements
//! starting at `x` must be readable for the duration of the call and not written
//! concurrently, as for `core::slice::from_raw_parts` except that `x` need not be aligned
//! (misaligned data are read with unaligned loads).  `x == NULL` with `n > 0`, and spans that
//! overflow the address space, are detected and answered with NaN (or a status code from the
//! `_checked` functions) without touching memory.  No panic crosses the C boundary: the
//! kernels contain no panicking operations, and release builds abort on panic.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod api;
mod arch;
mod batch;
mod consts;
mod dispatch;
mod exact;
mod fenv;
pub mod ffi;
mod finish;
mod format;
mod half;
mod kernel;
mod lassq;
mod strided;
mod sumsq;
mod threads;

pub use api::{
    active_isa, lassq, lassq_data, lassq_forget, norm, normalize, normalize_batch,
    normalize_source, normalize_strided, normalize_view, nrm2, nrm2_exact_source,
    nrm2_express_with_isa, nrm2_source, nrm2_source_real, nrm2_view, nrm2_with_isa, Rounded,
};
pub use batch::{
    batch_span, nrm2_batch, nrm2_batch_with_isa, nrm2_matrix, nrm2_matrix_with_isa, BatchError,
};
pub use dispatch::Isa;
pub use half::{bf16_to_f32, f16_to_f32, BF16, F16};
#[doc(hidden)]
pub use lassq::LassqData;
pub use strided::{
    required_len, ChunkSource, Element, Rewritable, Rewrite, Strided, StridedMut, ViewError,
};
pub use sumsq::{ExactSumSq, StateError, SumSq, EXACT_SUMSQ_BYTES, SUMSQ_BYTES};
pub use threads::{num_threads, set_num_threads, MAX_THREADS, PAR_MIN};

#[doc(hidden)]
pub use arch::fenv_testing as __fenv;
#[doc(hidden)]
pub use format::Dir;
#[doc(hidden)]
pub use format::{Format, F32 as FORMAT_F32, F64 as FORMAT_F64};

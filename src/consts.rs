//! Scaling thresholds, factors and error-bound constants, derived from the binary64 format.
//!
//! Every constant here is an exact power of two; the derivations are written next to each.
//! Nothing in this module is tuned by experiment.
//!
//! Notation: `u = 2^-53` is the unit roundoff of binary64 (round to nearest), `ulp(x)` the
//! spacing of binary64 numbers at `x`.  Binary64 normal numbers span `[2^-1022, 2^1024)`,
//! subnormals go down to `2^-1074`.
#![forbid(unsafe_code)]

/// `2^k` built from its bit pattern (exact, usable in `const`): normal for
/// `-1022 <= k <= 1023`, subnormal for `-1074 <= k < -1022`; outside the format it gives what
/// IEEE 754 rounding of `2^k` gives (`+Inf` above, `0` below `2^-1074`).
///
/// Total on purpose: an `assert!` here would put a panicking path into every kernel that
/// computes a scale at run time (`.ci/no_panic.sh` checks the shared library for that).
pub(crate) const fn pow2(k: i32) -> f64 {
    if k > 1023 {
        f64::INFINITY
    } else if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else if k >= -1074 {
        f64::from_bits(1u64 << (k + 1074))
    } else {
        0.0
    }
}

/// Sign bit of a binary64 number.
pub(crate) const SIGN_MASK: u64 = 1 << 63;
/// Biased-exponent field of a binary64 number.
pub(crate) const EXP_MASK: u64 = 0x7ff0_0000_0000_0000;
/// Fraction (trailing significand) field of a binary64 number.
pub(crate) const MANT_MASK: u64 = (1 << 52) - 1;

/// Exponent of the class limits: the medium class holds blocks with largest magnitude
/// `amax` in `[2^-CLASS_LIMIT_EXP, 2^CLASS_LIMIT_EXP]`.
pub(crate) const CLASS_LIMIT_EXP: i32 = 300;
/// Exponent of the class scales: the small class is scaled by `2^CLASS_SHIFT_EXP`, the big
/// class by `2^-CLASS_SHIFT_EXP`; the classes' sums of squares differ in units by
/// `2^(2 CLASS_SHIFT_EXP)`.
pub(crate) const CLASS_SHIFT_EXP: i32 = 600;

/// The scale classes.  A block of input is scaled by `2^600`, `1` or `2^-600` according to
/// its largest magnitude `amax`:
///
/// * small class: `amax < 2^-300`, scaled up by `2^600`;
/// * medium class: `2^-300 <= amax <= 2^300`, not scaled;
/// * big class: `amax > 2^300`, scaled down by `2^-600`.
///
/// Derivation of the offset range (this is the one place it is written): after scaling,
/// `amax` of every non-zero block lies in `[2^-474, 2^424]` (small: `2^-1074 * 2^600` up to
/// `2^-300 * 2^600 = 2^300`; medium: `[2^-300, 2^300]`; big: `2^300 * 2^-600 = 2^-300` up to
/// `2^1024 * 2^-600 = 2^424`).  The block kernel (`kernel.rs`) picks its offset as the power
/// of two above `c amax_s^2` with `1 <= c <= N U M <= 2^12` (lanes times accumulators times
/// chunks per block, largest for AVX-512: 8 * 8 * 64; on the checked path `c = U m`), so
/// `sigma` lies in `[2^-947, 2^861]`, inside `[SIGMA_MIN, SIGMA_MAX]`: every sum stays finite
/// and the grid `2^-52 sigma` is normal.  Any class boundaries with these properties give the
/// same final result, because the result is correctly rounded; these are simply far from both
/// ends of the format.
pub(crate) const SMALL_LIMIT: f64 = pow2(-CLASS_LIMIT_EXP);
/// Upper edge of the medium class, see [`SMALL_LIMIT`].
pub(crate) const BIG_LIMIT: f64 = pow2(CLASS_LIMIT_EXP);
/// Scale of the small class: `2^600`.
pub(crate) const SMALL_SCALE: f64 = pow2(CLASS_SHIFT_EXP);
/// Scale of the big class: `2^-600`.
pub(crate) const BIG_SCALE: f64 = pow2(-CLASS_SHIFT_EXP);
/// Ratio between the units of two adjacent classes' sums of squares: `2^-1200`, applied in
/// two steps of `2^-600` because `2^-1200` is below the binary64 range.
pub(crate) const CLASS_STEP: f64 = pow2(-CLASS_SHIFT_EXP);

/// Range of the one-block binary64 paths and of the fast binary64 rounding: sums of squares
/// in `[2^-SHORT_RANGE_EXP, 2^SHORT_RANGE_EXP]` keep every offset, square root and product
/// of the rounding test a normal binary64 number far from overflow (`sqrt` of the range is
/// `[2^-450, 2^450]`; `ulp(y) >= 2^-502`).
pub(crate) const SHORT_RANGE_EXP: i32 = 900;
/// Range of the fast binary32 rounding: sums of squares in `[2^-200, 2^200]` have roots in
/// `[2^-100, 2^100]`, normal binary32 numbers whose rounding needs no subnormal or overflow
/// handling.
pub(crate) const ROUND32_RANGE_EXP: i32 = 200;

/// Clean range of the binary64 express path (`kernel::express64`): non-zero components
/// with `|x|` in `[2^-300, 2^300]` keep every intermediate of the sum and of the rounding a
/// normal number far from overflow (squares in `[2^-600, 2^600]`, error terms multiples of
/// `2^-704`).
pub(crate) const EXPRESS64_EXP: i32 = 300;
/// Clean range of the binary32 express path (`kernel::express32`): `|x|` in
/// `[2^-99, 2^95]` gives squares in `[2^-198, 2^190]` and sums of at most 32 of them inside
/// the `[2^-200, 2^200]` of the fast binary32 rounding ([`ROUND32_RANGE_EXP`]).
pub(crate) const EXPRESS32_MIN_EXP: i32 = -99;
/// Upper end of the binary32 clean range, see [`EXPRESS32_MIN_EXP`].
pub(crate) const EXPRESS32_MAX_EXP: i32 = 95;
/// Most components of the express paths (`api.rs`): contiguous vectors up to this length
/// (real components; complex vectors count two per element).
pub(crate) const EXPRESS_MAX: usize = 32;

/// `u = 2^-53`, the unit roundoff of binary64.
pub(crate) const U: f64 = pow2(-53);
/// Smallest offset `sigma` of the binary64 kernel: its grid `2^-52 sigma = 2^-1012` is
/// normal, so the analysis of `kernel.rs` (spacing `2^-52 sigma` on `[sigma, 2 sigma)`) holds,
/// and it is above the `2^-967.8` that the step's bound (`kernel::lane_step`) needs.
pub(crate) const SIGMA_MIN: f64 = pow2(-960);
/// Largest offset: `4 sigma = 2^962` and every block sum (`< 2 sigma` per lane, at most 8
/// lanes) stay finite.
pub(crate) const SIGMA_MAX: f64 = pow2(960);
/// A block with a predicted offset is accepted only if its sum is at least `2^-20 sigma`:
/// the block's error bound `N U (0.51 m^2 + 5m) 2^-105 sigma` (`kernel::eft_bound`) is then
/// below `2^-58` of its sum for `N U (0.51 m^2 + 5m) <= 2^27` (not needed for correctness,
/// only to keep the fallback rare).
pub(crate) const ACCEPT_LOW: f64 = pow2(-20);

/// Smallest offset `sigma` of the native binary32 lanes (`short32_native`, see
/// `kernel.rs`, "Native binary32 lanes"): above the `2^-100.8` that the step's bound
/// (`kernel::lane_step` with `p = 24`) needs, and the grid `2^-23 sigma >= 2^-123` of
/// `[sigma, 2 sigma)` is normal in binary32.  (Used by the x86_64 AVX-512 and AVX2 paths.)
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) const SIGMA32_MIN: f64 = pow2(-100);
/// Largest offset of the native binary32 lanes: every accepted lane value `T < 3 sigma`
/// stays far below the binary32 overflow threshold `2^128`.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
pub(crate) const SIGMA32_MAX: f64 = pow2(120);

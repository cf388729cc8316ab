#!/usr/bin/env bash
# Runs the hostile-input, thread, first-call and state tests under Miri (undefined
# behaviour, out-of-bounds and misaligned accesses, pointer-arithmetic overflow, data races,
# leaks).
# They drive every C entry point (native, _checked, Fortran, CBLAS, LP64/ILP64), the strided
# view, the unaligned-read path, the portable kernel and the exact path, with reduced case
# counts under cfg(miri); tests/sumsq.rs runs its bytes tests and `portable_paths_under_miri`
# (SumSq / ExactSumSq add, merge and bytes on the portable short and block paths; its other
# tests are ignored under Miri).  Miri cannot execute SIMD intrinsics worth testing, so the
# process is forced onto the portable kernel (SAFENORM_ISA=scalar).  Isolation stays on (the
# tests need no host access).  Installs the nightly miri component when missing.
# Runtime: ~3 min measured from a cold target directory, plus ~1.5 min for tests/sumsq.rs
# (Miri sysroot already built; building it adds about a minute once per machine).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! rustup +nightly component list --installed 2>/dev/null | grep -q '^miri'; then
    rustup +nightly component add miri rust-src
fi

export MIRIFLAGS="-Zmiri-env-set=SAFENORM_ISA=scalar ${MIRIFLAGS:-}"
cargo +nightly miri setup --quiet 2>/dev/null || cargo +nightly miri setup
cargo +nightly miri test --test hostile --test threads --test threads_first_call --test sumsq

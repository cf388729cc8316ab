#!/usr/bin/env bash
# Cross-compiles safenorm for aarch64 and runs the Rust test suite (library unit tests,
# tests/isa.rs: every ISA path incl. NEON against the portable path and the oracle, and
# tests/oracle.rs, tests/fenv.rs: the floating-point environment through FPCR/FPSR) under
# qemu-aarch64.
#
# Installs what is missing: the rustup target, and (as root, Debian 12) gcc-aarch64-linux-gnu,
# libc6-dev-arm64-cross and qemu-user.  Usage: .ci/aarch64.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n=== [aarch64] %s ===\n' "$*"; }
start=$(date +%s)

say "toolchain"
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
    rustup target add aarch64-unknown-linux-gnu
fi
missing=()
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing ${missing[*]}: run as root (or install them) and retry" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
# tests/isa.rs re-runs its own binary with SAFENORM_ISA set: through the emulator.
export SAFENORM_TEST_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"

say "build + test (release, qemu-aarch64): lib, tests/isa.rs, tests/oracle.rs, tests/half.rs, tests/fenv.rs"
# tests/fenv.rs sets FPCR (FZ, rounding modes, trap enables) and checks FPCR and FPSR after
# every call: the aarch64 path of src/arch/aarch64/fenv.rs.
cargo test --release --target aarch64-unknown-linux-gnu --lib --test isa --test oracle --test half --test fenv

say "ISA paths tested under qemu (must include neon)"
cargo test --release --target aarch64-unknown-linux-gnu --test isa -- \
    --exact isa_names_round_trip --nocapture 2>&1 | tee "$CARGO_TARGET_DIR/aarch64-isas.txt"
grep -q '"neon"' "$CARGO_TARGET_DIR/aarch64-isas.txt"

say "ok in $(( $(date +%s) - start )) s"

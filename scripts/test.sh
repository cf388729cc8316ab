#!/usr/bin/env bash
# Runs every test: Rust (unit, oracle, ISA, header check), the C harness under CTest (shared
# and static library, C and C++, symbol list), and the further suites in .ci/.
# SAFENORM_QUICK=1 skips the slow optional stages (aarch64 under qemu, fuzzing, Miri).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
start=$SECONDS
stage() { echo; echo "=== $* ($((SECONDS - start)) s)"; }

stage "Rust tests (release)"
cargo test --release

stage "C harness (CMake + CTest)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
ctest --test-dir build --output-on-failure

for s in .ci/stages/*.sh; do
    [ -e "$s" ] || continue
    name=$(basename "$s" .sh)
    if [ "${SAFENORM_QUICK:-0}" = 1 ] && grep -q '^# slow' "$s"; then
        stage "$name: skipped (SAFENORM_QUICK=1)"
        continue
    fi
    stage "$name"
    bash "$s"
done
stage "all tests passed"

#!/usr/bin/env bash
# Smoke-runs every cargo-fuzz target of fuzz/ for FUZZ_SECONDS each (default 45), seeded with
# the committed corpus fuzz/corpus/<target>/; fails on any crash, panic (oracle mismatch),
# sanitizer report, timeout or out-of-memory.  Installs the nightly toolchain and cargo-fuzz
# when missing.  New inputs found go to a scratch directory (the committed corpus is not
# modified); a failing input is left in fuzz/artifacts/<target>/ and printed.
# Targets: isa_paths, c_entry, c_args, sumsq (pieces, merge trees and bytes of the states).
# Runtime: ~50 s build (cold; AddressSanitizer, debug assertions) + 4 x FUZZ_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS="${FUZZ_SECONDS:-45}"

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cd fuzz
# cargo-fuzz keeps its own target directory (fuzz/target); a caller's CARGO_TARGET_DIR is
# for the main crate.
unset CARGO_TARGET_DIR
cargo +nightly fuzz build

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
status=0
for t in $(cargo +nightly fuzz list); do
    mkdir -p "$scratch/$t" "artifacts/$t"
    echo "fuzz: $t for ${FUZZ_SECONDS}s (seed corpus: $(ls "corpus/$t" 2>/dev/null | wc -l) inputs)"
    if cargo +nightly fuzz run "$t" "$scratch/$t" "corpus/$t" -- \
        -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
        >"$scratch/$t.log" 2>&1; then
        grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$scratch/$t.log" | sed "s/^/fuzz: $t: /"
    else
        status=1
        echo "fuzz: FAIL: $t" >&2
        grep -E -A12 'panicked|ERROR|SUMMARY' "$scratch/$t.log" | head -60 >&2 || tail -40 "$scratch/$t.log" >&2
        ls -l "artifacts/$t" >&2 || true
    fi
done
if [ "$status" -eq 0 ]; then
    echo "fuzz: all targets ran ${FUZZ_SECONDS}s each without a finding"
fi
exit "$status"

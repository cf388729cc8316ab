#!/usr/bin/env bash
# Lints: formatting, clippy with warnings denied (all targets), rustdoc with warnings denied,
# and the unsafe-code policy (unsafe_op_in_unsafe_fn denied, a `// SAFETY:` comment on every
# unsafe block: clippy::undocumented_unsafe_blocks = "deny", both set in Cargo.toml and
# checked here so that nobody drops them silently).  The fuzz crate (its own workspace) is
# format-checked too, and linted when a nightly toolchain is installed.
# Runtime: ~30-60 s warm (clippy + doc of the crate and its tests).
set -euo pipefail
cd "$(dirname "$0")/.."

lint_set() { # lint_set <table> <name> <level>
    awk -v t="[$1]" -v n="$2" -v l="$3" '
        $0 == t {p=1; next} /^\[/ {p=0}
        p && $1 == n && $0 ~ "\"" l "\"" {found=1}
        END {exit !found}' Cargo.toml
}
lint_set lints.rust unsafe_op_in_unsafe_fn deny ||
    { echo "lint: FAIL: Cargo.toml must set [lints.rust] unsafe_op_in_unsafe_fn = \"deny\"" >&2; exit 1; }
lint_set lints.clippy undocumented_unsafe_blocks deny ||
    { echo "lint: FAIL: Cargo.toml must set [lints.clippy] undocumented_unsafe_blocks = \"deny\"" >&2; exit 1; }

echo "lint: cargo fmt --check"
cargo fmt --all --check
rustfmt --edition 2021 --check fuzz/src/*.rs fuzz/fuzz_targets/*.rs

echo "lint: cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

echo "lint: cargo doc --no-deps (RUSTDOCFLAGS=-D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "lint: clippy of the fuzz crate (nightly)"
    (cd fuzz && unset CARGO_TARGET_DIR && cargo +nightly clippy --all-targets --quiet -- -D warnings)
fi
echo "lint: ok"

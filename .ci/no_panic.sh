#!/usr/bin/env bash
# No panic may cross the C boundary: checks that
#  1. the release profile aborts on panic (Cargo.toml: [profile.release] panic = "abort");
#  2. the release libsafenorm.so does not reference the unwinder's raise function (so no
#     unwinding panic runtime was linked);
#  3. no panicking function of core/alloc/std is reachable, in the static call graph, from any
#     exported symbol or any safenorm function (.ci/no_panic.py; the documented exceptions are
#     std::env, used once per process to read SAFENORM_ISA and SAFENORM_NUM_THREADS, and
#     std::thread, which starts the scoped threads of long vectors).
# Runtime: one release build of the library (~15-60 s cold, ~1 s warm) plus ~2 s of analysis.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CARGO_TARGET_DIR:=target}"
export CARGO_TARGET_DIR

if ! awk '/^\[profile.release\]/{p=1;next} /^\[/{p=0} p && /^panic *= *"abort"/{found=1} END{exit !found}' Cargo.toml; then
    echo "no_panic: FAIL: Cargo.toml [profile.release] must set panic = \"abort\"" >&2
    exit 1
fi

if [ "$(uname -m)" != "x86_64" ]; then
    echo "no_panic: call-graph check implemented for x86_64 only; skipped on $(uname -m)"
    exit 0
fi

cargo build --release --lib --quiet
so="$CARGO_TARGET_DIR/release/libsafenorm.so"
[ -f "$so" ] || { echo "no_panic: $so not built" >&2; exit 1; }

if nm -D --undefined-only "$so" | grep -q '_Unwind_RaiseException'; then
    echo "no_panic: FAIL: $so references _Unwind_RaiseException (an unwinding panic runtime)" >&2
    exit 1
fi
echo "no_panic: panic = \"abort\" in the release profile; no unwinder raise in $so"

python3 .ci/no_panic.py "$so"

# Negative control: the check must fail on a library whose export indexes a slice.
ctl="$(mktemp -d)"
trap 'rm -rf "$ctl"' EXIT
mkdir -p "$ctl/src"
cat >"$ctl/Cargo.toml" <<'TOML'
[package]
name = "panicky"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
[profile.release]
panic = "abort"
[workspace]
TOML
cat >"$ctl/src/lib.rs" <<'RS'
#[no_mangle]
pub extern "C" fn safenorm_dnrm2(i: usize) -> u8 {
    let table = [1u8, 2, 3];
    table[i]
}
RS
(cd "$ctl" && CARGO_TARGET_DIR="$ctl/target" cargo build --release --quiet)
if python3 .ci/no_panic.py "$ctl/target/release/libpanicky.so" >"$ctl/out" 2>&1; then
    echo "no_panic: FAIL: the negative control (a bounds check in an export) was not caught" >&2
    cat "$ctl/out" >&2
    exit 1
fi
grep -q 'panic_bounds_check' "$ctl/out" ||
    { echo "no_panic: FAIL: negative control failed for another reason:" >&2; cat "$ctl/out" >&2; exit 1; }
echo "no_panic: negative control (slice indexing in an export) caught"

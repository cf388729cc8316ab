#!/usr/bin/env bash
# Stage "python" (issue 4): the ctypes package python/safenorm against the exact pure-Python
# oracle (python/tests).  Creates a venv in build/python-venv (falls back to installing
# python3-venv as root, then to `pip install --user`), installs numpy and pytest from PyPI,
# builds the library into target/release (where the package finds it, no SAFENORM_LIB), and
# runs pytest.  pytest's exit code 5 (no tests collected) is a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. scripts/env.sh
B=${SAFENORM_BUILD_DIR:-$root/build}
case $B in /*) ;; *) B=$root/$B ;; esac
mkdir -p "$B"
venv=$B/python-venv
fail() { echo "python: $*"; echo "python: 0 passed, 1 failed"; exit 1; }

py=""
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    py=$venv/bin/python
else
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== python3 -m venv failed: apt-get install python3-venv"
        rm -rf "$venv"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv" >/dev/null 2>&1
    fi
    if [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
        py=$venv/bin/python
    else
        echo "== no usable venv: falling back to pip install --user"
        rm -rf "$venv"
        py=python3
    fi
fi
if ! "$py" -c 'import numpy, pytest' >/dev/null 2>&1; then
    echo "== pip install numpy pytest ($py)"
    if [ "$py" = python3 ]; then
        python3 -m pip install --user --quiet numpy pytest \
            || python3 -m pip install --user --quiet --break-system-packages numpy pytest \
            || fail "pip install --user numpy pytest failed"
    else
        "$py" -m pip install --quiet numpy pytest || fail "pip install numpy pytest failed"
    fi
fi
"$py" -c 'import numpy, pytest; print("numpy", numpy.__version__, "pytest", pytest.__version__)'

echo "== cargo build --release --lib (target/release/libsafenorm.so)"
cargo build --release --lib --quiet || fail "cargo build failed"
[ -e target/release/libsafenorm.so ] || fail "target/release/libsafenorm.so missing"

echo "== pytest python/tests"
unset SAFENORM_LIB
rm -f python/safenorm/libsafenorm.so   # so the package takes the build tree's library
(cd python && "$py" -m pytest -p no:cacheprovider -q -rs tests) | tee "$B/python-pytest.log"
rc=${PIPESTATUS[0]}
# counts from pytest's closing line, e.g. "48 passed, 1 failed, 2 errors in 0.7s"
summary=$(tail -1 "$B/python-pytest.log")
n_pass=$(echo "$summary" | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^passed/) s += $(i-1)} END {print s + 0}')
n_fail=$(echo "$summary" | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^(failed|error)/) s += $(i-1)} END {print s + 0}')
if [ "$rc" = 5 ]; then
    echo "python: pytest collected no tests (exit 5)"; echo "python: 0 passed, 1 failed"; exit 1
fi
if [ "$rc" != 0 ] && [ "$n_fail" = 0 ]; then n_fail=1; fi
if [ "$n_pass" = 0 ] && [ "$rc" = 0 ]; then echo "python: no test passed"; n_fail=1; fi
echo "python: $n_pass passed, $n_fail failed"
[ "$rc" = 0 ] && [ "$n_fail" = 0 ]

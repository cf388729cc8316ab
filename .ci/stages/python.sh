#!/usr/bin/env bash
# Stage "python" (issues 4 and 10): the Python package as a user gets it.  Creates a FRESH
# venv in build/python-venv (installing python3-venv with apt-get when `python3 -m venv`
# fails and we are root), installs numpy, ml_dtypes, dask[array] and pytest from PyPI, then
# `pip install ./python` -- which runs cargo on the crate (python/setup.py) in the
# repository's own target/ directory, so the release library built by the earlier stages is
# reused rather than rebuilt -- and checks that the in-tree build left no untracked file.
# Then, from a directory outside the source tree and without SAFENORM_LIB, so that the
# installed package (site-packages, library beside it) is what gets imported: pytest on
# python/tests (SAFENORM_EXPECT_INSTALLED=1 makes conftest.py leave the source tree off
# sys.path and enables the test that checks where safenorm came from) and the dask example.
# pytest's exit code 5 (no tests collected) is a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. scripts/env.sh
B=${SAFENORM_BUILD_DIR:-$root/build}
case $B in /*) ;; *) B=$root/$B ;; esac
mkdir -p "$B"
venv=$B/python-venv
fail() { echo "python: $*"; echo "python: 0 passed, 1 failed"; exit 1; }
start=$SECONDS

rm -rf "$venv"
if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== python3 -m venv failed: apt-get install python3-venv"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv" >/dev/null 2>&1 || fail "python3 -m venv failed after installing python3-venv"
    else
        fail "python3 -m venv failed (install python3-venv)"
    fi
fi
py=$venv/bin/python
"$py" -m pip --version >/dev/null 2>&1 || fail "the venv has no pip"

echo "== pip install numpy ml_dtypes dask[array] pytest"
"$py" -m pip install --quiet --disable-pip-version-check numpy ml_dtypes "dask[array]" pytest \
    || fail "pip install of the test dependencies failed"
"$py" -c 'import numpy, ml_dtypes, dask, pytest; print("numpy", numpy.__version__, "ml_dtypes", ml_dtypes.__version__, "dask", dask.__version__, "pytest", pytest.__version__)'

echo "== pip install ./python (cargo build --release in $root/target)"
t0=$SECONDS
unset SAFENORM_LIB
(cd "$root" && "$py" -m pip install --quiet --disable-pip-version-check ./python) \
    || fail "pip install ./python failed"
echo "   ($((SECONDS - t0)) s)"
left=$(git status --porcelain --untracked-files=all -- python)
[ -z "$left" ] || fail "pip install ./python left untracked files: $left"

run=$B/python-run     # outside the source tree's python/ (cwd is not the package's parent)
rm -rf "$run" && mkdir -p "$run"
where=$(cd "$run" && "$py" -c 'import safenorm; print(safenorm.__file__, safenorm.library_path)') \
    || fail "the installed package does not import"
echo "   imported: $where"
case $where in "$root"/python/*) fail "safenorm was imported from the source tree" ;; esac

echo "== pytest python/tests (installed package)"
(cd "$run" && SAFENORM_EXPECT_INSTALLED=1 PYTHONDONTWRITEBYTECODE=1 \
    "$py" -m pytest -p no:cacheprovider -q -rs "$root/python/tests") | tee "$B/python-pytest.log"
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

echo "== python/examples/dask_norm.py (installed package)"
if (cd "$run" && PYTHONDONTWRITEBYTECODE=1 "$py" "$root/python/examples/dask_norm.py"); then
    n_pass=$((n_pass + 1))
else
    echo "python: the dask example failed"; n_fail=$((n_fail + 1))
fi
echo "== python stage: $((SECONDS - start)) s"
echo "python: $n_pass passed, $n_fail failed"
[ "$n_fail" = 0 ]

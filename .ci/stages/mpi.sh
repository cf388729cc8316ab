#!/usr/bin/env bash
# Stage "mpi" (issue 9): include/safenorm_mpi.h under real MPI runs, with Open MPI and with
# MPICH.
#
# Debian 12 installs both side by side (openmpi-bin libopenmpi-dev mpich libmpich-dev): each
# has its own wrapper and launcher (mpicc.openmpi / mpiexec.openmpi, mpicc.mpich /
# mpiexec.mpich; /usr/bin/mpicc and /usr/bin/mpiexec are alternatives pointing to one of
# them).  For each implementation present, a build tree $B/mpi-<impl> is configured with
# -DSAFENORM_MPI=ON, the wrapper and the launcher named explicitly, sharing the cargo target
# directory of $B (the library is built once), and `ctest -R mpi` runs the example
# examples/mpi_norm.c and the test c_tests/test_mpi.c (C against the shared and the static
# library, and as C++) with 4 ranks.  Open MPI gets --oversubscribe and, as root,
# OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM) (set by CMake in the tests' environment).
#
# Installs the packages when missing (as root; about 10-30 s with a warm apt cache).  If the
# two cannot be installed together, each is tried alone; the stage fails unless both run.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. scripts/env.sh

passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
finish() { echo "mpi: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

declare -A pkgs=([openmpi]="openmpi-bin libopenmpi-dev" [mpich]="mpich libmpich-dev")
impls="openmpi mpich"
have() { command -v "mpicc.$1" >/dev/null 2>&1 && command -v "mpiexec.$1" >/dev/null 2>&1; }

missing=""
for i in $impls; do have "$i" || missing="$missing ${pkgs[$i]}"; done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "== apt-get install$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt_install() { apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >/dev/null; }
        if ! apt_install $missing; then
            echo "   together they did not install; trying each alone"
            for i in $impls; do have "$i" || apt_install ${pkgs[$i]} || echo "   $i: apt-get install failed"; done
        fi
    else
        echo "mpi: missing$missing and not root"
    fi
fi

B=${SAFENORM_BUILD_DIR:-$root/build}
case $B in /*) ;; *) B=$root/$B ;; esac
mkdir -p "$B"

for i in $impls; do
    if ! have "$i"; then fail "$i: mpicc.$i / mpiexec.$i not installed"; continue; fi
    d=$B/mpi-$i
    log=$d.log
    echo "== $i: $(mpiexec.$i --version 2>&1 | grep -m1 -E "OpenRTE|Version:" | tr -s " ") -> $d"
    if ! { cmake -S . -B "$d" -DCMAKE_BUILD_TYPE=Release -DSAFENORM_MPI=ON \
               -DMPI_C_COMPILER="$(command -v mpicc.$i)" \
               -DMPIEXEC_EXECUTABLE="$(command -v mpiexec.$i)" \
               -DSAFENORM_CARGO_DIR="$B/cargo" &&
           cmake --build "$d" -j2 --target safenorm_mpi_all; } >"$log" 2>&1; then
        tail -30 "$log"; fail "$i: configure/build (log $log)"; continue
    fi
    if ctest --test-dir "$d" -R mpi --output-on-failure >"$d/ctest.log" 2>&1; then
        ok "$i: $(grep -E 'tests passed' "$d/ctest.log")"
        grep -hE '^test_mpi: (ties|[0-9]+ checks)' "$d/Testing/Temporary/LastTest.log" | sed 's/^/       /' | head -4
    else
        tail -40 "$d/ctest.log"; fail "$i: ctest -R mpi"
    fi
done
finish

#!/usr/bin/env bash
# Stage "blas_dropin" (issue 4): safenorm replacing a BLAS's nrm2.
#
#  1. The reference BLAS level-1 testers of Debian's libblas-test (xblat1s/d/c/z for the
#     Fortran names, xscblat1/xdcblat1/xccblat1/xzcblat1 for CBLAS) run with
#     LD_PRELOAD=libsafenorm.so in front of the reference BLAS (libblas3) and in front of
#     OpenBLAS (libopenblas0-pthread), the BLAS chosen with LD_LIBRARY_PATH (no change to the
#     system alternatives).  Each run must pass AND its LD_DEBUG=bindings log must show every
#     nrm2 symbol the tester imports bound to libsafenorm.so (a control run without the
#     preload shows the same symbol bound to the BLAS, so the check can tell them apart).
#  2. c_tests/blas_grid.c (the extreme-value grid through dnrm2_/cblas_dnrm2/snrm2_/...,
#     exact answers) linked `-lsafenorm -lblas` against both BLAS: all exact, bindings proven.
#     The same program linked with `-lblas` alone: the comparison, which must show the BLAS's
#     own nrm2 differing from the exact answers (printed), and which becomes exact when the
#     unchanged binary is run with LD_PRELOAD=libsafenorm.so.
#
# Installs libblas-test libblas3 libblas-dev libopenblas0-pthread when missing (as root).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. scripts/env.sh

ML=/usr/lib/x86_64-linux-gnu
REF=$ML/blas                 # reference BLAS (libblas3), testers (libblas-test), libblas.so (-dev)
OPB=$ML/openblas-pthread     # OpenBLAS, pthread flavour (libopenblas0-pthread)
TESTERS="xblat1s xblat1d xblat1c xblat1z xscblat1 xdcblat1 xccblat1 xzcblat1"

missing=0
for f in $REF/xblat1d $REF/xdcblat1 $REF/libblas.so.3 $REF/libblas.so $OPB/libblas.so.3; do
    [ -e "$f" ] || missing=1
done
if [ $missing = 1 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "== apt-get install libblas-test libblas3 libblas-dev libopenblas0-pthread"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            libblas-test libblas3 libblas-dev libopenblas0-pthread >/dev/null
    fi
    for f in $REF/xblat1d $REF/libblas.so.3 $REF/libblas.so $OPB/libblas.so.3; do
        [ -e "$f" ] || { echo "blas_dropin: $f missing (needs root to apt-get install)"; echo "blas_dropin: 0 passed, 1 failed"; exit 1; }
    done
fi

B=${SAFENORM_BUILD_DIR:-$root/build}
case $B in /*) ;; *) B=$root/$B ;; esac
out=$B/blas-dropin
rm -rf "$out"; mkdir -p "$out"
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
finish() { echo "blas_dropin: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

echo "== build libsafenorm (cmake --build $B)"
if ! { cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release && cmake --build "$B" -j2 --target safenorm_cargo; } >"$out/build.log" 2>&1; then
    tail -30 "$out/build.log"; fail build; finish
fi
LIBDIR=$B/cargo/release             # libsafenorm.so and the SONAME link libsafenorm.so.0
LIB=$LIBDIR/libsafenorm.so
[ -e "$LIBDIR/libsafenorm.so.0" ] || ln -sf libsafenorm.so "$LIBDIR/libsafenorm.so.0"

# bound LOG SYMBOL OBJECT: the bindings log shows SYMBOL bound to a file named OBJECT, and
# never to anything else.
bound() {
    local hits
    hits=$(grep -F "normal symbol \`$2'" "$1" | grep ' to ') || return 1
    echo "$hits" | grep -q -F "/$3 [" || return 1
    ! echo "$hits" | grep -v -q -F "/$3 ["
}

# ---- 1. the Debian testers, preloaded
for backend in reference openblas; do
    dir=$REF; [ $backend = openblas ] && dir=$OPB
    echo "== libblas-test level-1 testers, LD_PRELOAD=libsafenorm.so in front of $backend ($dir)"
    # control: without the preload dnrm2_ binds to the BLAS itself.
    LD_LIBRARY_PATH=$dir LD_DEBUG=bindings LD_DEBUG_OUTPUT=$out/control.$backend \
        $REF/xblat1d >"$out/control.$backend.out" 2>&1
    if bound "$(ls $out/control.$backend.* | grep -v '\.out$' | head -1)" dnrm2_ libblas.so.3; then
        ok "control $backend: without preload dnrm2_ binds to $dir/libblas.so.3"
    else
        fail "control $backend: dnrm2_ not bound to $dir/libblas.so.3 without preload"
    fi
    for t in $TESTERS; do
        [ -x $REF/$t ] || { fail "$t: not in this libblas-test"; continue; }
        syms=$(nm -D --undefined-only $REF/$t | awk '{print $NF}' | grep 'nrm2')
        LD_LIBRARY_PATH=$dir LD_PRELOAD=$LIB LD_DEBUG=bindings \
            LD_DEBUG_OUTPUT=$out/bind.$backend.$t $REF/$t >"$out/$t.$backend.out" 2>&1
        rc=$?
        log=$(ls $out/bind.$backend.$t.* | head -1)
        why=""
        [ $rc = 0 ] || why="$why exit=$rc"
        grep -qi 'fail' "$out/$t.$backend.out" && why="$why FAIL-in-output"
        nh=$(grep -c 'NRM2' "$out/$t.$backend.out")
        np=$(grep -A1 'NRM2' "$out/$t.$backend.out" | grep -c -- '----- PASS -----')
        [ "$nh" -ge 1 ] && [ "$nh" = "$np" ] || why="$why nrm2-tests=$nh passed=$np"
        for s in $syms; do
            bound "$log" "$s" libsafenorm.so || why="$why $s-not-bound-to-libsafenorm"
        done
        # the BLAS we meant is the one in use for the rest
        grep -q -F "to $dir/libblas.so.3 [" "$log" || why="$why $backend-not-loaded"
        if [ -z "$why" ]; then
            ok "$t ($backend + preload): $np nrm2 test(s) PASS; $(echo $syms | tr ' ' ,) -> libsafenorm.so"
        else
            fail "$t ($backend + preload):$why"; tail -5 "$out/$t.$backend.out"
        fi
    done
    echo "   proof, from the xblat1d bindings log:"
    grep -h -F "normal symbol \`dnrm2_'" $out/bind.$backend.xblat1d.* | grep xblat1d | sed 's/^ */     /'
done

# ---- 2. our extreme-value grid through the BLAS names
echo "== c_tests/blas_grid.c: link order -lsafenorm -lblas"
CC=${CC:-gcc}
$CC -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror c_tests/blas_grid.c -o "$out/grid_linkorder" \
    -L"$LIBDIR" -lsafenorm -L$REF -lblas -lm -Wl,-rpath,"$LIBDIR" 2>"$out/cc1.log" || { cat "$out/cc1.log"; fail "compile grid (link order)"; }
$CC -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror c_tests/blas_grid.c -o "$out/grid_blasonly" \
    -L$REF -lblas -lm 2>"$out/cc2.log" || { cat "$out/cc2.log"; fail "compile grid (BLAS alone)"; }
readelf -d "$out/grid_linkorder" | grep NEEDED | sed 's/^ */     /'

for backend in reference openblas; do
    dir=$REF; [ $backend = openblas ] && dir=$OPB
    LD_LIBRARY_PATH=$dir LD_DEBUG=bindings LD_DEBUG_OUTPUT=$out/gbind.$backend \
        "$out/grid_linkorder" >"$out/grid_linkorder.$backend.out" 2>&1
    rc=$?
    log=$(ls $out/gbind.$backend.* | head -1)
    why=""
    [ $rc = 0 ] || why="exit=$rc"
    for s in dnrm2_ snrm2_ dznrm2_ scnrm2_ cblas_dnrm2 cblas_snrm2 cblas_dznrm2 cblas_scnrm2; do
        bound "$log" $s libsafenorm.so.0 || why="$why $s-not-bound-to-libsafenorm"
    done
    if [ -z "$why" ]; then
        ok "grid, -lsafenorm -lblas, $backend: $(tail -1 "$out/grid_linkorder.$backend.out")"
    else
        fail "grid, -lsafenorm -lblas, $backend: $why"; grep DIFF "$out/grid_linkorder.$backend.out" | head -20
    fi

    # The comparison: the BLAS's own nrm2 on the same grid.
    LD_LIBRARY_PATH=$dir LD_DEBUG=bindings LD_DEBUG_OUTPUT=$out/gref.$backend \
        "$out/grid_blasonly" >"$out/grid_blasonly.$backend.out" 2>&1
    rc=$?
    log=$(ls $out/gref.$backend.* | head -1)
    echo "   $backend alone ($(tail -1 "$out/grid_blasonly.$backend.out")), first differences:"
    grep DIFF "$out/grid_blasonly.$backend.out" | awk '{k=$0; sub(/ n=.*/, "", k)} !seen[k]++' | head -8 | sed 's/^/     /'
    if [ $rc = 3 ] && bound "$log" dnrm2_ libblas.so.3; then
        ok "grid, $backend alone: its own nrm2 (dnrm2_ -> libblas.so.3) differs from the exact answers"
    else
        fail "grid, $backend alone: expected differences from the BLAS's own nrm2 (exit $rc)"
    fi
    # The unchanged binary, preloaded: exact.
    LD_LIBRARY_PATH=$dir LD_PRELOAD=$LIB "$out/grid_blasonly" >"$out/grid_preload.$backend.out" 2>&1
    rc=$?
    if [ $rc = 0 ]; then
        ok "grid, $backend alone + LD_PRELOAD=libsafenorm.so: $(tail -1 "$out/grid_preload.$backend.out")"
    else
        fail "grid, $backend alone + LD_PRELOAD: exit $rc"; grep DIFF "$out/grid_preload.$backend.out" | head
    fi
done
finish

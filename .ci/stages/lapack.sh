#!/usr/bin/env bash
# Stage "lapack" (issue 9): safenorm's ?lassq (and ?nrm2) inside Debian's reference LAPACK.
#
#  1. Binding proof: reference liblapack.so.3 calls slassq_/dlassq_/classq_/zlassq_ and the
#     BLAS ?nrm2 through its PLT (JUMP_SLOT relocations; the library is not linked with
#     -Bsymbolic, checked below), so with LD_PRELOAD=libsafenorm.so the LD_DEBUG=bindings log
#     must show each of those symbols, looked up from liblapack.so.3, bound to libsafenorm.so;
#     a control run without the preload shows them bound to liblapack.so.3 / libblas.so.3.
#  2. Debian's LAPACK testers that reach ?lassq (liblapack-test): xeigtst{s,d,c,z} < svd.in
#     (?GESVJ / ?GEJSV call ?lassq directly, ?lange('F') elsewhere), < csd.in (?orbdb5/6,
#     ?unbdb5/6) and xeigtstd < dsg.in, run without and with the preload: both must end
#     normally and print the same pass/fail summary lines (and no failure).
#  3. c_tests/lange_frobenius.c: slange_/dlange_/clange_/zlange_('F') on matrices near
#     overflow, subnormal, random (4000 x 4000 single precision among them) and with a NaN,
#     against an exact integer oracle: with the preload every result within 1 ulp (exit 0);
#     the reference's own errors are printed for comparison.
#
# The reference LAPACK/BLAS are chosen with LD_LIBRARY_PATH (the system's liblapack.so.3
# alternative may be OpenBLAS).  Installs liblapack3 liblapack-test libblas3 when missing (as
# root).  Runtime: about half a minute of testers on an idle machine, each run twice.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. scripts/env.sh

ML=/usr/lib/x86_64-linux-gnu
LAP=$ML/lapack               # reference liblapack.so.3 (liblapack3), testers and .in files
REF=$ML/blas                 # reference libblas.so.3 (libblas3)
LIBS=$LAP:$REF
need="$LAP/liblapack.so.3 $LAP/xeigtstd $LAP/svd.in $LAP/csd.in $REF/libblas.so.3"

missing=0
for f in $need; do [ -e "$f" ] || missing=1; done
if [ $missing = 1 ] && [ "$(id -u)" = 0 ]; then
    echo "== apt-get install liblapack3 liblapack-test libblas3"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        liblapack3 liblapack-test libblas3 >/dev/null
fi
for f in $need; do
    [ -e "$f" ] || { echo "lapack: $f missing (needs root to apt-get install)"; echo "lapack: 0 passed, 1 failed"; exit 1; }
done

B=${SAFENORM_BUILD_DIR:-$root/build}
case $B in /*) ;; *) B=$root/$B ;; esac
out=$B/lapack
rm -rf "$out"; mkdir -p "$out"
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
finish() { echo "lapack: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

echo "== build libsafenorm (cmake --build $B)"
if ! { cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release && cmake --build "$B" -j2 --target safenorm_cargo; } >"$out/build.log" 2>&1; then
    tail -30 "$out/build.log"; fail build; finish
fi
LIB=$B/cargo/release/libsafenorm.so
nm -D --defined-only "$LIB" | grep -q ' dlassq_$' || { fail "libsafenorm.so exports no dlassq_ (feature lapack-names off?)"; finish; }

# from_lapack LOG SYMBOL OBJECT: the bindings log shows SYMBOL, looked up from liblapack.so.3,
# bound to a file named OBJECT, and to nothing else.
from_lapack() {
    local hits
    hits=$(grep -F "normal symbol \`$2'" "$1" | grep -F "binding file $LAP/liblapack.so.3 " | grep ' to ') || return 1
    echo "$hits" | grep -q -F "/$3 [" || return 1
    ! echo "$hits" | grep -v -q -F "/$3 ["
}

# ---- 1. bindings
echo "== liblapack.so.3 ($(readlink -f $LAP/liblapack.so.3))"
dyn=$(readelf -d $LAP/liblapack.so.3)
if echo "$dyn" | grep -q -E 'SYMBOLIC|Flags:.*SYMBOLIC'; then
    fail "liblapack.so.3 is linked with -Bsymbolic: its ?lassq calls cannot be interposed"
else
    rel=$(readelf -r $LAP/liblapack.so.3 | grep -c -E 'JUMP_SLO.* (s|d|c|z)lassq_ ')
    ok "liblapack.so.3: no DT_SYMBOLIC; $rel ?lassq_ PLT relocations (calls go through the PLT, interposable)"
fi
LD_LIBRARY_PATH=$LIBS LD_DEBUG=bindings LD_DEBUG_OUTPUT=$out/control $LAP/xeigtstd <$LAP/csd.in >"$out/control.out" 2>&1
LD_LIBRARY_PATH=$LIBS LD_PRELOAD=$LIB LD_DEBUG=bindings LD_DEBUG_OUTPUT=$out/bind $LAP/xeigtstd <$LAP/csd.in >"$out/bind.out" 2>&1
clog=$(ls $out/control.* | grep -v '\.out$' | head -1)
blog=$(ls $out/bind.* | grep -v '\.out$' | head -1)
for s in slassq_ dlassq_ classq_ zlassq_; do
    from_lapack "$clog" $s liblapack.so.3 && c=1 || c=0
    from_lapack "$blog" $s libsafenorm.so && p=1 || p=0
    if [ $c = 1 ] && [ $p = 1 ]; then
        ok "$s: liblapack.so.3 -> libsafenorm.so with the preload (control: -> liblapack.so.3)"
    else
        fail "$s: control bound to liblapack=$c, preloaded bound to libsafenorm=$p"
    fi
done
for s in snrm2_ dnrm2_ scnrm2_ dznrm2_; do
    from_lapack "$clog" $s libblas.so.3 && c=1 || c=0
    from_lapack "$blog" $s libsafenorm.so && p=1 || p=0
    if [ $c = 1 ] && [ $p = 1 ]; then
        ok "$s: liblapack.so.3 -> libsafenorm.so with the preload (control: -> libblas.so.3)"
    else
        fail "$s: control bound to libblas=$c, preloaded bound to libsafenorm=$p"
    fi
done
echo "   proof, from the bindings log (preloaded):"
grep -h -F "binding file $LAP/liblapack.so.3 " "$blog" | grep -E "\`(d|z)lassq_'" | sed 's/^ */     /'

# ---- 2. the testers, without and with the preload
summary() { grep -i -E 'threshold|error exits|failed|tests run' "$1" | sed 's/  */ /g'; }
for run in "xeigtsts svd.in" "xeigtstd svd.in" "xeigtstc svd.in" "xeigtstz svd.in" \
           "xeigtsts csd.in" "xeigtstd csd.in" "xeigtstc csd.in" "xeigtstz csd.in" "xeigtstd dsg.in"; do
    set -- $run
    t=$1; in=$2; tag=$t.${in%.in}
    [ -x $LAP/$t ] || { fail "$t: not in this liblapack-test"; continue; }
    s0=$SECONDS
    (cd "$out" && LD_LIBRARY_PATH=$LIBS $LAP/$t <$LAP/$in >"$tag.ref.out" 2>&1); rc0=$?
    s1=$SECONDS
    (cd "$out" && LD_LIBRARY_PATH=$LIBS LD_PRELOAD=$LIB $LAP/$t <$LAP/$in >"$tag.pre.out" 2>&1); rc1=$?
    s2=$SECONDS
    summary "$out/$tag.ref.out" >"$out/$tag.ref.sum"
    summary "$out/$tag.pre.out" >"$out/$tag.pre.sum"
    why=""
    [ $rc0 = 0 ] || why="$why control-exit=$rc0"
    [ $rc1 = 0 ] || why="$why preload-exit=$rc1"
    grep -q -F 'End of tests' "$out/$tag.pre.out" || why="$why preload-did-not-finish"
    [ -s "$out/$tag.pre.sum" ] || why="$why no-summary"
    cmp -s "$out/$tag.ref.sum" "$out/$tag.pre.sum" || why="$why summaries-differ"
    grep -q -i -E 'failed to pass|fail' "$out/$tag.pre.sum" && why="$why failures"
    n=$(grep -o -E '\( *[0-9]+ tests run\)' "$out/$tag.pre.sum" | tr -dc '0-9 \n' | awk '{s+=$1} END {print s+0}')
    if [ -z "$why" ]; then
        ok "$t < $in: same summary with and without the preload, all passed ($n tests run; $((s1 - s0)) s / $((s2 - s1)) s)"
    else
        fail "$t < $in:$why"; diff "$out/$tag.ref.sum" "$out/$tag.pre.sum" | head -10
    fi
done

# ---- 3. ?lange('F') against the exact oracle
echo "== c_tests/lange_frobenius.c (-llapack, reference LAPACK)"
CC=${CC:-gcc}
if $CC -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror c_tests/lange_frobenius.c -o "$out/lange" \
        -L$LAP -llapack -lm 2>"$out/cc.log"; then
    LD_LIBRARY_PATH=$LIBS "$out/lange" >"$out/lange.ref.out" 2>&1; rc0=$?
    LD_LIBRARY_PATH=$LIBS LD_PRELOAD=$LIB LD_DEBUG=bindings LD_DEBUG_OUTPUT=$out/lbind \
        "$out/lange" >"$out/lange.pre.out" 2>&1; rc1=$?
    echo "   reference LAPACK alone:"; sed 's/^/   /' "$out/lange.ref.out"
    echo "   with LD_PRELOAD=libsafenorm.so:"; sed 's/^/   /' "$out/lange.pre.out"
    llog=$(ls $out/lbind.* | head -1)
    why=""
    [ $rc1 = 0 ] || why="$why exit=$rc1"
    for s in slassq_ dlassq_ classq_ zlassq_; do
        from_lapack "$llog" $s libsafenorm.so || why="$why $s-not-bound-to-libsafenorm"
    done
    if [ -z "$why" ]; then
        ok "lange_frobenius + preload: $(tail -1 "$out/lange.pre.out" | sed 's/^lange_frobenius: //')"
    else
        fail "lange_frobenius + preload:$why"
    fi
    # The reference's own results are reported, not judged (exit 3 = some above 1 ulp).
    [ $rc0 = 0 ] || [ $rc0 = 3 ] || fail "lange_frobenius, reference alone: exit $rc0"
else
    cat "$out/cc.log"; fail "compile lange_frobenius.c"
fi
finish

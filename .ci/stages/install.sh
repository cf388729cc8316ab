#!/usr/bin/env bash
# Stage "install" (issue 4): `cmake --install` into a fresh prefix, check the installed layout
# (real file + SONAME symlinks, static library, headers, safenorm.pc, CMake package), then
# build and run the consumer project (C and C++, shared and static) against that prefix via
# find_package(safenorm CONFIG) and via pkg-config, and check that a build without the cargo
# feature `blas-names` exports only the native safenorm_* names.
#
# Build dirs: $SAFENORM_BUILD_DIR (default build/), prefix and consumer builds inside it;
# the no-blas-names cargo build goes to target/no-blas-names.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
. scripts/env.sh

need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v readelf >/dev/null 2>&1 || need_apt+=(binutils)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "== apt-get install ${need_apt[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
        echo "install: missing ${need_apt[*]} and not root" >&2
        echo "install: 0 passed, 1 failed"; exit 1
    fi
fi

B=${SAFENORM_BUILD_DIR:-$root/build}
case $B in /*) ;; *) B=$root/$B ;; esac
P=$B/install-prefix
log=$B/install-logs
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
# check NAME CMD...: runs CMD with its output in $log/NAME.log, shown on failure.
check() {
    local name=$1; shift
    if "$@" >"$log/$name.log" 2>&1; then ok "$name"; else fail "$name"; sed 's/^/       /' "$log/$name.log" | tail -40; return 1; fi
}
finish() { echo "install: $passed passed, $failed failed"; [ "$failed" = 0 ]; exit $?; }

echo "== build and install into $P"
rm -rf "$P" "$log"; mkdir -p "$log"
build() { cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release && cmake --build "$B" -j2; }
check build build || finish
check cmake_install cmake --install "$B" --prefix "$P" || finish

libdir=$(find "$P" -name libsafenorm.a -printf '%h\n' | head -1)
ver=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
major=${ver%%.*}

layout() {
    set -e
    test -f "$libdir/libsafenorm.so.$ver" && ! test -L "$libdir/libsafenorm.so.$ver"
    test "$(readlink "$libdir/libsafenorm.so.$major")" = "libsafenorm.so.$ver"
    test "$(readlink "$libdir/libsafenorm.so")" = "libsafenorm.so.$major"
    readelf -d "$libdir/libsafenorm.so.$ver" | grep -F "Library soname: [libsafenorm.so.$major]"
    test -f "$libdir/libsafenorm.a"
    test -f "$P/include/safenorm.h" && test -f "$P/include/safenorm_blas.h"
    test -f "$P/include/safenorm_mpi.h"
    test -f "$libdir/pkgconfig/safenorm.pc"
    test -f "$libdir/cmake/safenorm/safenormConfig.cmake"
    test -f "$libdir/cmake/safenorm/safenormConfigVersion.cmake"
    sh c_tests/check_symbols.sh "$libdir/libsafenorm.so.$ver" c_tests/exported_symbols.txt
}
check installed_layout layout

# ---- find_package(safenorm CONFIG REQUIRED): configure, build, run (ctest) the consumer.
consumer_cmake() { # PREFIX BUILDDIR
    set -e
    rm -rf "$2"
    cmake -S consumer -B "$2" -DCMAKE_PREFIX_PATH="$1" -DCMAKE_BUILD_TYPE=Release
    cmake --build "$2" -j2
    ctest --test-dir "$2" --output-on-failure
    # shared builds need libsafenorm.so.N; static ones must not.
    readelf -d "$2/consumer_c_shared" | grep -F "[libsafenorm.so.$major]"
    ! readelf -d "$2/consumer_cxx_static" | grep -F libsafenorm
}
check find_package consumer_cmake "$P" "$B/consumer-cmake"

# The package is relocatable: move the prefix, find it there.
rm -rf "$B/install-moved"; cp -a "$P" "$B/install-moved"
check find_package_relocated consumer_cmake "$B/install-moved" "$B/consumer-cmake-moved"

# ---- pkg-config: plain gcc/g++ command lines, as in the README.
consumer_pc() {
    set -e
    export PKG_CONFIG_PATH=$libdir/pkgconfig
    local o=$B/consumer-pc v cflags libs sdir
    rm -rf "$o"; mkdir -p "$o"
    v=$(pkg-config --modversion safenorm); test "$v" = "$ver"
    cflags=$(pkg-config --cflags safenorm); libs=$(pkg-config --libs safenorm)
    sdir=$(pkg-config --variable=libdir safenorm)
    # Libs.private carries the static dependencies.
    pkg-config --static --libs safenorm | grep -q -- '-lgcc_s'
    # shared
    gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -DSAFENORM_EXPECTED_VERSION="\"$v\"" \
        consumer/consumer.c -o "$o/c_shared" $cflags $libs -Wl,-rpath,"$sdir" -lm
    g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror consumer/consumer.cpp -o "$o/cxx_shared" \
        $cflags $libs -Wl,-rpath,"$sdir"
    # static: the archive itself, then the system libraries of Rust's std
    gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -DSAFENORM_EXPECTED_VERSION="\"$v\"" \
        consumer/consumer.c -o "$o/c_static" $cflags "$sdir/libsafenorm.a" \
        $(pkg-config --variable=staticdeps safenorm)
    g++ -std=c++11 -Wall -Wextra -Wpedantic -Werror consumer/consumer.cpp -o "$o/cxx_static" \
        $cflags "$sdir/libsafenorm.a" $(pkg-config --variable=staticdeps safenorm)
    readelf -d "$o/c_shared" | grep -F "[libsafenorm.so.$major]"
    ! readelf -d "$o/c_static" | grep -F libsafenorm
    ! readelf -d "$o/cxx_static" | grep -F libsafenorm
    for e in c_shared cxx_shared c_static cxx_static; do "$o/$e"; done
}
check pkg_config consumer_pc

# ---- without the cargo feature blas-names: only the native names are exported.
no_blas_names() {
    set -e
    local t=$root/target/no-blas-names
    CARGO_TARGET_DIR=$t cargo build --release --lib --no-default-features
    grep -E '^safenorm_' c_tests/exported_symbols.txt > "$log/native_symbols.txt"
    test "$(wc -l < "$log/native_symbols.txt")" -ge 8
    sh c_tests/check_symbols.sh "$t/release/libsafenorm.so" "$log/native_symbols.txt"
}
check exports_without_blas_names no_blas_names

finish

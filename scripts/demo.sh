#!/usr/bin/env bash
# Builds the library (cargo, through CMake) and runs the C demo that links it, then the
# example of a vector added in pieces and merged (examples/pieces.c).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target safenorm_demo safenorm_pieces -j2
./build/safenorm_demo
echo
./build/safenorm_pieces

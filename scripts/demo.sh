#!/usr/bin/env bash
# Builds the library (cargo, through CMake) and runs the C demo that links it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target safenorm_demo -j2
./build/safenorm_demo

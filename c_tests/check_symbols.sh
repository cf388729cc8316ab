#!/bin/sh
# Checks that a shared library exports exactly the documented dynamic symbols.
# usage: check_symbols.sh LIB EXPECTED_LIST
set -eu
lib=$1
expected=$2
actual=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sort)
want=$(grep -v '^#' "$expected" | sort)
if [ "$actual" = "$want" ]; then
    echo "check_symbols: $(echo "$actual" | wc -l) symbols match $expected"
    echo "check_symbols: 1 passed, 0 failed"
else
    echo "check_symbols: exported symbols differ from $expected (< expected, > actual):"
    { echo "$want" > /tmp/sn_want.$$; echo "$actual" > /tmp/sn_act.$$; diff /tmp/sn_want.$$ /tmp/sn_act.$$ || true; rm -f /tmp/sn_want.$$ /tmp/sn_act.$$; }
    echo "check_symbols: 0 passed, 1 failed"
    exit 1
fi

#!/usr/bin/env bash
# slow: skipped when SAFENORM_QUICK=1.
# Stage of scripts/test.sh: see .ci/fuzz.sh.
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz.sh"

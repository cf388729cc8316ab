#!/usr/bin/env bash
# slow: skipped when SAFENORM_QUICK=1.
# Stage of scripts/test.sh: see .ci/aarch64.sh.
set -euo pipefail
exec bash "$(dirname "$0")/../aarch64.sh"

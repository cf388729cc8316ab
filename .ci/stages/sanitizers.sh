#!/usr/bin/env bash
# Stage of scripts/test.sh: see .ci/sanitizers.sh.
set -euo pipefail
exec bash "$(dirname "$0")/../sanitizers.sh"

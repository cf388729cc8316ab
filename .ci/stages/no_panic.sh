#!/usr/bin/env bash
# Stage of scripts/test.sh: see .ci/no_panic.sh.
set -euo pipefail
exec bash "$(dirname "$0")/../no_panic.sh"

#!/usr/bin/env bash
# Stage of scripts/test.sh: see .ci/lint.sh.
set -euo pipefail
exec bash "$(dirname "$0")/../lint.sh"

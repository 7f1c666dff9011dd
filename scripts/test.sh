#!/usr/bin/env bash
# Install (first time) and run the whole test suite: bash scripts/test.sh [pytest args]
# Works from any directory; extra arguments go to pytest (e.g. -x, -k NAME, tests/test_cli.py).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv test

# Real Qt widgets, no screen.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

cd "$ROOT"
exec "$VENV/bin/python" -m pytest "$@"

#!/usr/bin/env bash
# Install (first time) and start the program: bash scripts/run.sh [kaoping-desktop args]
# With no arguments the window opens on the normal database (created, migrated and
# loaded with the default standards on first start); see README "Command line".
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/_venv.sh"
ensure_venv

exec "$VENV/bin/kaoping-desktop" "$@"

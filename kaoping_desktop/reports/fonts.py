"""The CJK fonts embedded (as subsets) in every PDF the application writes.

Body text: AR PL UMing CN (文鼎明体, a Song/Ming face as official documents use;
Arphic Public License, resources/fonts/ARPHICPL.TXT), the simplified-Chinese
face (index 0) of Debian's fonts-arphic-uming uming.ttc, shipped unmodified.
Titles and table headers: WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 or GPLv3
with font exception), a heavier sans face. Both have TrueType outlines, which
reportlab can subset and embed; the CFF-based Noto/Source Han fonts it cannot.

UMing CN covers GB2312 but not every rarer character of a name; the writers
set such characters in the title face, which has them (see missing_glyphs).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..paths import resources_dir

BODY_FONT = "ARPLUMingCN"
BODY_FILE = "uming.ttc"
BODY_INDEX = 0  # AR PL UMing CN; 1–3 are the HK and TW faces
TITLE_FONT = "WQYMicroHei"
TITLE_FILE = "wqy-microhei.ttc"

# Kept for callers that name the single font of earlier versions.
FONT_NAME = BODY_FONT
FONT_FILE = BODY_FILE


def font_path(file: str = BODY_FILE) -> Path:
    return resources_dir() / "fonts" / file


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register both fonts with reportlab once; returns the body font's name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file, index in ((BODY_FONT, BODY_FILE, BODY_INDEX), (TITLE_FONT, TITLE_FILE, 0)):
        path = font_path(file)
        if not path.is_file():
            raise FileNotFoundError(f"找不到中文字体文件：{path}")
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    return BODY_FONT


def title_font() -> str:
    register_fonts()
    return TITLE_FONT


@lru_cache(maxsize=2)
def _glyphs(font: str) -> dict:
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    return pdfmetrics.getFont(font).face.charToGlyph


def missing_glyphs(text: str, font: str = BODY_FONT) -> list[str]:
    """Characters of `text` the font has no glyph for (spaces and controls ignored)."""
    glyphs = _glyphs(font)
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in glyphs})


def has_glyphs(text: str, font: str = BODY_FONT) -> bool:
    glyphs = _glyphs(font)
    return all(ord(ch) in glyphs for ch in text)

"""The CJK font embedded (as a subset) in every PDF the application writes.

WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 or GPLv3 with font exception) ships
in resources/fonts/. It has TrueType outlines, which reportlab can subset and
embed; the CFF-based Noto/Source Han fonts it cannot.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..paths import resources_dir

FONT_NAME = "WQYMicroHei"
FONT_FILE = "wqy-microhei.ttc"


def font_path() -> Path:
    return resources_dir() / "fonts" / FONT_FILE


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the font with reportlab once; returns the name to use in styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = font_path()
    if not path.is_file():
        raise FileNotFoundError(f"找不到中文字体文件：{path}")
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` the font has no glyph for (spaces and controls ignored)."""
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(register_fonts()).face
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph})

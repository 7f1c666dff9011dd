"""The CJK font shipped in resources/fonts/ and embedded in every PDF."""

from reportlab.pdfbase import pdfmetrics

from kaoping_desktop.reports import fonts
from kaoping_desktop.reports.data import DRAFT_MARK
from kaoping_desktop.reports.pdf import INCIDENT_HEADER

RARE = "赟喆昇燚堃"


def test_font_file_and_licence_are_shipped():
    path = fonts.font_path()
    assert path.is_file() and path.suffix == ".ttc"
    licence = (path.parent / "wqy-microhei-COPYRIGHT.txt").read_text(encoding="utf-8")
    assert "Apache-2.0" in licence and "Font exception" in licence


def test_font_has_truetype_outlines_and_rare_name_characters():
    name = fonts.register_fonts()
    face = pdfmetrics.getFont(name).face
    for ch in RARE:
        assert ord(ch) in face.charToGlyph, ch
        assert face.charToGlyph[ord(ch)] != 0, ch  # not the .notdef glyph
    assert fonts.missing_glyphs(RARE) == []


def test_every_fixed_label_has_a_glyph():
    labels = "".join(INCIDENT_HEADER) + DRAFT_MARK + "第页共校验码生成时间签字日期考评人审核人中心负责人窗口首席代表确认（）：、…·—"
    assert fonts.missing_glyphs(labels) == []


def test_missing_glyphs_reports_what_the_font_lacks():
    assert fonts.missing_glyphs("\U0001F600") == ["\U0001F600"]


def test_body_face_is_uming_cn_with_its_licence_and_covers_gb2312():
    from reportlab.pdfbase import pdfmetrics

    assert fonts.register_fonts() == fonts.BODY_FONT
    face = pdfmetrics.getFont(fonts.BODY_FONT).face
    assert face.familyName == b"AR PL UMing CN"  # the simplified-Chinese face of the collection
    licence = (fonts.font_path().parent / "ARPHICPL.TXT").read_text(encoding="ascii")
    assert "ARPHIC PUBLIC LICENSE" in licence
    hanzi = bytes(b for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF) for b in (hi, lo)).decode("gb2312", "ignore")
    assert len(hanzi) >= 6763 and fonts.missing_glyphs(hanzi) == []
    assert fonts.missing_glyphs("：（）、，。；“”《》—…·") == []

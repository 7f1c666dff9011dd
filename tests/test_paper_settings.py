"""What the paper carries besides the scores: codes a clerk can type, signature titles per
document, the issuer of the 通报, and the 其他 evidence's wording."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kaoping_desktop.domain.evidence_chain import (
    CODE_ALPHABET,
    MONTH_DOCUMENTS,
    WINDOW_SHEET,
    document_code,
    normalise_code,
)
from kaoping_desktop.domain.incident_rows import incident_row
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.settings import DEFAULT_SIGNATURE_TITLES, signature_titles_from
from kaoping_desktop.domain.standards import OTHER_EVIDENCE
from kaoping_desktop.services import settings
from kaoping_desktop.services.errors import InputError
from kaoping_desktop.store import catalogue, repository


def test_codes_are_typeable_and_unique_over_ten_years_of_documents():
    codes = set()
    for year in range(2026, 2036):
        for m in range(1, 13):
            month = f"{year}-{m:02d}"
            content = f"hash-of-{month}"
            keys = [(doc, "") for doc in MONTH_DOCUMENTS] + [(WINDOW_SHEET, f"W{n:03d}") for n in range(120)]
            for doc, window in keys:
                codes.add(document_code(content, doc, month, window))
    assert len(codes) == 10 * 12 * (len(MONTH_DOCUMENTS) + 120)  # no two documents share one
    for code in list(codes)[:2000]:
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
        assert not set(code) & set("01OIL")
    assert not set(CODE_ALPHABET) & set("01OIL")


def test_a_code_is_found_however_it_is_typed():
    code = document_code("h", "summary", "2026-10")
    plain = code.replace("-", "")
    for typed in (code, code.lower(), plain, f" {plain[:4]} {plain[4:8]} {plain[8:]} ", plain.translate({ord(c): ord(c) + 0xFEE0 for c in plain})):
        assert normalise_code(typed) == code
    assert normalise_code(plain[:-1]) is None
    assert normalise_code(plain[:-1] + "0") is None  # 0 is never part of a code
    assert normalise_code("3f2a9c1b07") == "3F2A-9C1B-07"  # codes printed by version 0.1 still verify


def test_old_single_list_of_titles_keeps_the_chief_on_the_window_sheet_only():
    titles = signature_titles_from(["考评人", "分管领导", "窗口首席代表确认"])
    assert titles["window"] == ("考评人", "分管领导", "窗口首席代表确认")
    assert titles["summary"] == titles["staff"] == titles["year"] == ("考评人", "分管领导")
    assert signature_titles_from(None) == DEFAULT_SIGNATURE_TITLES
    assert "窗口首席代表确认" not in DEFAULT_SIGNATURE_TITLES["summary"]
    assert signature_titles_from({"summary": ["主任"]})["window"] == DEFAULT_SIGNATURE_TITLES["window"]


def test_titles_are_saved_per_document(db):
    current = settings.load_settings()
    titles = dict(current.signature_titles, summary=("考评人", "中心主任"))
    settings.save_settings(settings.AppSettings(current.center_name, current.grades, current.red_flag_count, titles))
    again = settings.load_settings().signature_titles
    assert again["summary"] == ("考评人", "中心主任") and again["window"] == current.signature_titles["window"]
    with pytest.raises(InputError, match="月度汇总表"):
        settings.save_settings(settings.AppSettings(current.center_name, current.grades, current.red_flag_count, dict(titles, summary=(" ",))))
    assert settings.load_settings().signature_titles["summary"] == ("考评人", "中心主任")


def test_issuer_defaults_to_the_center_name(db):
    repository.set_setting("center_name", "示范县政务服务中心")
    assert settings.issuer() == "示范县政务服务中心"
    settings.set_value("issuer", "示范县政务服务管理局")
    assert settings.issuer() == settings.get_value("issuer") == "示范县政务服务管理局"
    with pytest.raises(InputError):
        settings.set_value("issuer", "局" * 51)


def test_other_evidence_prints_with_its_explanation(db):
    standards = catalogue.load_standard_set()
    names = {e.code: e.name for e in catalogue.load_evidence()}
    other = Incident(date(2026, 10, 8), "W01", "3.1", 1, OTHER_EVIDENCE, reference="群众来电反映")
    assert incident_row(other, standards, names).evidence_text == "其他：群众来电反映"
    listed = Incident(date(2026, 10, 8), "W01", "3.1", 1, "E07", reference="CC-1")
    assert incident_row(listed, standards, names).evidence_text == f"{names['E07']} CC-1"

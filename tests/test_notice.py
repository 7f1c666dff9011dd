"""The month's 通报 in Word: written from a real database, read back with python-docx."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from kaoping_desktop import services
from kaoping_desktop.domain.incidents import Incident
from kaoping_desktop.domain.notice import CLOSING, chinese_number, date_words
from kaoping_desktop.domain.numbers import display
from kaoping_desktop.domain.roster import CHIEF, WINDOW_STAFF, Assignment, Person, Window
from kaoping_desktop.domain.standards import clause_sort_key
from kaoping_desktop.services import settings
from kaoping_desktop.services.notice import export_notice
from kaoping_desktop.store import repository
from kaoping_desktop.store.database import close_database

from store_builders import add_incidents, worked_example_db

MONTH = "2026-10"
TITLE = "关于2026年10月窗口月度考评情况的通报"
HEADINGS = ("一、考评结果", "二、红旗窗口", "三、取消评优窗口", "四、扣分较多的条款")


# --- databases --------------------------------------------------------------------


@pytest.fixture
def worked(tmp_path):
    worked_example_db(tmp_path / "k.db")
    yield tmp_path
    close_database()


def _window(code, name, department, chief, staff):
    repository.upsert_window(Window(code, name, department))
    for pid, person, role in ((chief[0], chief[1], CHIEF), (staff[0], staff[1], WINDOW_STAFF)):
        repository.upsert_person(Person(pid, person))
        repository.replace_assignments(pid, [Assignment(pid, code, role)])


OCTOBER = [
    Incident(date(2026, 10, 8), "W03", "6.4", 1, "E24", reference="县电视台曝光"),  # 取消评优 this month
    Incident(date(2026, 10, 9), "W03", "5.4", 2, "E17", "迟到（早退）"),
    Incident(date(2026, 10, 12), "W04", "4.4", 1, "E11", "红牌"),
    Incident(date(2026, 10, 13), "W04", "5.4", 1, "E17", "迟到（早退）"),
    Incident(date(2026, 10, 14), "W04", "2.2", 1, "E03"),
    Incident(date(2026, 10, 15), "W01", "5.4", 1, "E17", "迟到（早退）"),
    Incident(date(2026, 10, 16), "W01", "P1.1", 3, "E26", person_id="1002"),
    Incident(date(2026, 10, 16), "W04", "P1.1", 1, "E26", person_id="4002"),
]


@pytest.fixture
def center(tmp_path):
    """Five windows: W02 held by a 6.4 of September (through the year), W03 by one of
    October; W02 and W05 tie at 100; three 红旗窗口 among the rest."""
    services.open_app_database(tmp_path / "k.db")
    repository.set_setting("center_name", "示范县政务服务中心")
    _window("W01", "不动产登记窗口", "县自然资源局", ("1001", "张三"), ("1002", "李四"))
    _window("W02", "税务综合窗口", "县税务局", ("2001", "赵燚"), ("2002", "钱多"))
    _window("W03", "社保医保窗口", "县人社局", ("3001", "周堃"), ("3002", "吴用"))
    _window("W04", "公安户政窗口", "县公安局", ("4001", "郑和"), ("4002", "王冕"))
    _window("W05", "市场监管窗口", "县市场监管局", ("5001", "冯唐"), ("5002", "陈平"))
    add_incidents([Incident(date(2026, 9, 3), "W02", "6.4", 1, "E24", reference="九月通报")])
    add_incidents(OCTOBER)
    yield tmp_path
    close_database()


# --- reading the document back ------------------------------------------------------------


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def section(document, heading: str) -> str:
    """The text of the paragraphs under a level-1 heading, up to the next one or the closing."""
    lines = texts(document)
    start = lines.index(heading) + 1
    end = min(lines.index(h) for h in HEADINGS + (CLOSING,) if lines.index(h) >= start)
    return "\n".join(lines[start:end])


def everything(document) -> str:
    """Every word of the document: body, tables, headers and footers."""
    parts = texts(document)
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for s in document.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


def east_asian_font(run) -> str | None:
    fonts = run._element.rPr.rFonts
    return fonts.get(qn("w:eastAsia"))


def paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def table_rows(document) -> list[list[str]]:
    [table] = document.tables
    return [[cell.text for cell in row.cells] for row in table.rows]


# --- the worked example -----------------------------------------------------------------


def test_worked_example_notice(worked):
    out = export_notice(MONTH, worked / "通报.docx")
    assert out == worked / "通报.docx"
    document = docx.Document(str(out))
    lines = texts(document)
    assert lines[0] == TITLE
    result = services.month_results(MONTH)
    [w] = result.windows
    assert display(w.total) == "92.15"
    assert table_rows(document) == [
        ["排名", "窗口编号", "窗口名称", "进驻部门", "总分", "等次"],
        ["1", "W01", "不动产登记窗口", "县自然资源局", "92.15", w.grade],
    ]
    opening = next(line for line in lines if line.startswith("根据"))
    # 1 window, mean = high = low = 92.15; 6 incidents counted 9 times (1 + 2 + 1 + 3 + 1 + 1)
    assert "考评窗口1个" in opening and "平均得分92.15分" in opening and "最低分92.15分" in opening
    assert "扣分事项6起" in opening and "合计扣分9次" in opening and "考勤记录3次" in opening
    # the issuer (the center's name unless set) and today's date at the bottom right
    assert lines[-2:] == [repository.get_setting("center_name"), date_words(date.today())]
    # no temporary file left beside it
    assert sorted(p.name for p in worked.iterdir() if p.suffix in (".docx", ".part")) == ["通报.docx"]


def test_draft_marker_only_while_the_month_is_open(worked):
    open_doc = docx.Document(str(export_notice(MONTH, worked / "open.docx")))
    assert "草稿" in open_doc.paragraphs[1].text  # the line under the title
    assert "草稿" in open_doc.sections[0].header.paragraphs[0].text  # on every page
    assert "拟评为" in section(open_doc, "二、红旗窗口")

    services.close_month(MONTH)
    closed_doc = docx.Document(str(export_notice(MONTH, worked / "closed.docx")))
    assert closed_doc.paragraphs[0].text == TITLE
    assert "草稿" not in everything(closed_doc)
    assert "已锁定" in everything(closed_doc)
    assert "被评为" in section(closed_doc, "二、红旗窗口")


def test_issuer_setting_signs_the_notice(worked):
    settings.set_value("issuer", "示范县政务服务中心管理办公室")
    document = docx.Document(str(export_notice(MONTH, worked / "通报.docx")))
    assert texts(document)[-2] == "示范县政务服务中心管理办公室"


# --- red flags, 取消评优, ranking ------------------------------------------------------------


def test_ranking_red_flags_and_disqualified(center):
    document = docx.Document(str(export_notice(MONTH, center / "通报.docx")))
    result = services.month_results(MONTH)
    rows = table_rows(document)
    assert rows[0] == ["排名", "窗口编号", "窗口名称", "进驻部门", "总分", "等次"]
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [(str(w.rank), w.code, display(w.total)) for w in result.windows]
    assert [r[1] for r in rows[1:3]] == ["W02", "W05"] and rows[1][0] == rows[2][0] == "1"  # a tie at 100

    red = {w.code for w in result.windows if w.red_flag}
    assert red == {"W05", "W01", "W04"}  # W02 ranks first but is held by its September 6.4
    flagged = section(document, "二、红旗窗口")
    for w in result.windows:
        assert (w.code in flagged) == (w.code in red), w.code

    held = section(document, "三、取消评优窗口")
    assert {w.code for w in result.windows if w.disqualified} == {"W02", "W03"}
    for w in result.windows:
        assert (f"{w.code} {w.name}" in held) == w.disqualified, w.code
    by_window = dict(line.split("。", 1) for line in held.splitlines())
    assert "2026年9月3日" in by_window["（一）W02 税务综合窗口"] and "条款6.4" in by_window["（一）W02 税务综合窗口"]
    assert "2026年10月8日" in by_window["（二）W03 社保医保窗口"] and "条款6.4" in by_window["（二）W03 社保医保窗口"]
    assert "取消本年度各项评先选优资格" in by_window["（二）W03 社保医保窗口"]
    assert "明查暗访" in by_window["（二）W03 社保医保窗口"]  # the clause's wording

    # the opening's figures, computed here from the results
    totals = [w.total for w in result.windows]
    opening = next(line for line in texts(document) if line.startswith("根据"))
    assert f"考评窗口{len(totals)}个" in opening
    assert f"平均得分{display(sum(totals) / len(totals))}分" in opening
    assert f"最高分{display(max(totals))}分（W02 税务综合窗口、W05 市场监管窗口）" in opening
    assert f"最低分{display(min(totals))}分" in opening
    assert f"扣分事项{len(OCTOBER)}起" in opening and f"合计扣分{sum(i.count for i in OCTOBER)}次" in opening


def test_most_deducted_clauses(center):
    document = docx.Document(str(export_notice(MONTH, center / "通报.docx")))
    times = Counter()
    windows: dict[str, Counter] = {}
    for i in OCTOBER:
        times[i.clause_code] += i.count
        windows.setdefault(i.clause_code, Counter())[i.window_code] += i.count
    expected = sorted(times, key=lambda c: (-times[c], clause_sort_key(c)))[:5]
    lines = section(document, "四、扣分较多的条款").splitlines()
    assert len(lines) == 5
    for n, (code, line) in enumerate(zip(expected, lines), start=1):
        assert line.startswith(f"（{chinese_number(n)}）条款{code} "), line
        assert f"共扣分{times[code]}次" in line
        for window, k in windows[code].items():
            assert f"{window} " in line and f"{k}次" in line
    # 5.4 and P1.1 both 4 times: by clause code; the windows most first, then by code
    assert expected[:2] == ["5.4", "P1.1"]
    assert "W03 社保医保窗口2次、W01 不动产登记窗口1次、W04 公安户政窗口1次" in lines[0]
    assert "W01 不动产登记窗口3次、W04 公安户政窗口1次" in lines[1]


# --- layout --------------------------------------------------------------------------


def test_official_fonts_page_and_table(center):
    document = docx.Document(str(export_notice(MONTH, center / "通报.docx")))
    title = paragraph(document, TITLE)
    assert {east_asian_font(r) for r in title.runs} == {"方正小标宋简体"}
    assert title.runs[0].font.name == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    heading = paragraph(document, "二、红旗窗口")
    assert {east_asian_font(r) for r in heading.runs} == {"黑体"}
    opening = next(p for p in document.paragraphs if p.text.startswith("根据"))
    assert {east_asian_font(r) for r in opening.runs} == {"仿宋_GB2312"}
    assert opening.runs[0].font.size.pt == 16 and opening.paragraph_format.first_line_indent.pt == 32
    item = next(p for p in document.paragraphs if p.text.startswith("（一）W02"))
    assert [east_asian_font(r) for r in item.runs] == ["楷体_GB2312", "仿宋_GB2312"]

    page = document.sections[0]
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (page.top_margin, page.bottom_margin, page.left_margin, page.right_margin)] == [37, 35, 28, 26]

    [table] = document.tables
    header = table.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    assert table.style.name == "Table Grid"  # borders
    assert all(cell.paragraphs[0].alignment == 1 for row in table.rows for cell in row.cells)  # centered
    assert {east_asian_font(r) for cell in table.rows[1].cells for r in cell.paragraphs[0].runs} == {"仿宋_GB2312"}
    assert document.core_properties.title == TITLE and document.core_properties.author == "示范县政务服务中心"


# --- refusals and the command line ------------------------------------------------------


def test_month_before_the_first_evaluated_month_is_refused(worked):
    settings.set_value("first-month", "2026-11")
    with pytest.raises(services.InputError):
        export_notice(MONTH, worked / "通报.docx")
    assert not (worked / "通报.docx").exists()


def cli(*args, db):
    command = [sys.executable, "-m", "kaoping_desktop", "--db", str(db)] + [str(a) for a in args]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)


@pytest.mark.slow
def test_command_line(worked):
    db = worked / "k.db"
    close_database()  # the subprocess opens the file itself
    out = worked / "out" / "通报.docx"
    done = cli("export", "--month", MONTH, "--docx", out, db=db)
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    assert texts(docx.Document(str(out)))[0] == TITLE

    both = cli("export", "--month", MONTH, "--docx", worked / "b.docx", "--xlsx", worked / "b.xlsx", db=db)
    assert both.returncode == 0, both.stderr
    assert (worked / "b.docx").exists() and (worked / "b.xlsx").exists()

    for month in ("2026-13", "October"):
        bad = cli("export", "--month", month, "--docx", worked / "bad.docx", db=db)
        assert bad.returncode == 2, bad.stderr
        assert bad.stderr.strip()
    assert not (worked / "bad.docx").exists()
    assert not list(worked.glob("*.part")) and not list(worked.glob(".*.part"))


# --- LibreOffice, where installed ---------------------------------------------------------


def _writer_installed() -> bool:
    """soffice with its Writer module (Debian splits it off: libreoffice-writer-nogui)."""
    soffice = shutil.which("soffice")
    return soffice is not None and any(Path(os.path.realpath(soffice)).parent.glob("libsw*lo.*"))


@pytest.mark.skipif(not _writer_installed(), reason="LibreOffice Writer (soffice) not installed")
def test_libreoffice_opens_the_notice(center, tmp_path):
    out = export_notice(MONTH, center / "通报.docx")
    pdf_dir = tmp_path / "pdf"
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(pdf_dir), str(out)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    pdf = pdf_dir / "通报.pdf"
    assert pdf.exists()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        squeezed = "".join(text.split())
        assert TITLE in squeezed and "W03" in squeezed and "红旗窗口" in squeezed


# --- the content alone (pure domain) ---------------------------------------------------


def test_content_without_a_database():
    from domain_builders import default_evidence, default_standard_set

    from kaoping_desktop.domain.incident_rows import incident_rows
    from kaoping_desktop.domain.notice import build_notice, consequence_causes
    from kaoping_desktop.domain.scoring import score_month

    standards = default_standard_set()
    windows = [Window(f"W{n:02d}", f"窗口{n}", "县行政审批局") for n in range(1, 13)]
    people, assignments = [], []
    for w in windows:
        for pid, role in ((f"{w.code}-1", CHIEF), (f"{w.code}-2", WINDOW_STAFF)):
            people.append(Person(pid, pid))
            assignments.append(Assignment(pid, w.code, role))
    day = date(2026, 10, 8)
    incidents = [Incident(day, w.code, "5.4", 1, "E17", "迟到（早退）") for w in windows]
    incidents.append(Incident(day, "W12", "5.4", 1, "E17", "迟到（早退）"))
    incidents.append(Incident(date(2026, 3, 2), "W03", "6.4", 1, "E24"))  # March: held through December
    incidents.append(Incident(date(2025, 12, 2), "W04", "6.4", 1, "E24"))  # last year: no effect
    result = score_month(MONTH, windows, people, assignments, incidents, standards)
    rows = incident_rows(
        [i for i in incidents if i.month == MONTH], standards, {e.code: e.name for e in default_evidence()},
        {w.code: w.name for w in windows}, {},
    )
    hits = [(i.window_code, i.date, i.clause_code) for i in incidents if i.clause_code == "6.4"]
    causes = consequence_causes(MONTH, hits, standards)
    assert [(c.window_code, c.date) for c in causes] == [("W03", date(2026, 3, 2))]

    notice = build_notice(result, rows, causes, "示范县政务服务中心", issued_on=date(2026, 11, 25))
    assert notice.title == TITLE and notice.draft and notice.date_text == "2026年11月25日"
    assert notice.issuer == "示范县政务服务中心"  # no issuer set: the center
    assert [code for code, _ in notice.disqualified] == ["W03"]
    [tally] = notice.top_clauses
    assert (tally.code, tally.times, tally.windows[0]) == ("5.4", 13, ("W12", "窗口12", 2))
    [line] = [s for s in notice.sections if s.heading == "四、扣分较多的条款"][0].items
    assert line.text.count("次、") == 9 and line.text.endswith("等12个窗口。")  # ten named, then how many
    assert [chinese_number(n) for n in (1, 10, 11, 20, 25)] == ["一", "十", "十一", "二十", "二十五"]

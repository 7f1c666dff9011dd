"""What the month's 通报 says, as plain data (pure: no docx, no database).

reports/notice_docx.py lays it out in Word; the tests read both. Every number is
exact until it is written here, rounded half up by numbers.display.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from .calendar import month_of
from .consequences import REGISTRY, window_consequences
from .incident_rows import IncidentRow, shorten
from .numbers import display
from .records import record
from .scoring import MonthResult, WindowResult
from .standards import OTHER_EVIDENCE, StandardSet, clause_sort_key

ADDRESSEE = "各进驻部门："
DRAFT_LINE = "（草稿：本月尚未锁定，结果仅供核对，不作为正式结果）"
TOP_CLAUSES = 5
CLAUSE_TEXT_CHARS = 30  # a clause's wording in the most-deducted list
WINDOWS_LISTED = 10  # windows named under one clause of that list
DIGITS = "零一二三四五六七八九"


def month_words(month: str) -> str:
    """2026-10 -> 2026年10月"""
    return f"{int(month[:4])}年{int(month[5:7])}月"


def date_words(day: date) -> str:
    """GB/T 9704 writes dates in Arabic numerals without leading zeros: 2026年11月25日."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 25 -> 二十五 (for （一）（二）…)."""
    if n < 10:
        return DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")
    return str(n)


def notice_title(month: str) -> str:
    return f"关于{month_words(month)}窗口月度考评情况的通报"


@record
class Item:
    """One paragraph; `lead` (a level-2 heading such as "（一）W03 社保医保窗口。") runs in before the text."""

    text: str
    lead: str = ""


@record
class RankingRow:
    rank: str
    code: str
    name: str
    department: str
    total: str
    grade: str


RANKING_HEADER = ("排名", "窗口编号", "窗口名称", "进驻部门", "总分", "等次")


@record
class Section:
    heading: str  # level 1: 一、……
    items: tuple[Item, ...]
    ranking: bool = False  # the ranking table follows the items


@record
class Cause:
    """An incident whose clause's consequence holds a window this month."""

    window_code: str
    date: date
    clause_code: str
    clause_text: str
    consequence: str  # consequences.REGISTRY code


@record
class ClauseTally:
    code: str
    text: str
    times: int  # Σ count over the month's incidents of the clause
    windows: tuple[tuple[str, str, int], ...]  # (window code, name, times), most first


@record
class Notice:
    month: str
    title: str
    draft: bool
    addressee: str
    opening: str
    sections: tuple[Section, ...]
    closing: str
    issuer: str
    date_text: str
    ranking: tuple[RankingRow, ...]
    red_flags: tuple[str, ...]  # window codes
    disqualified: tuple[tuple[str, tuple[Cause, ...]], ...]  # (window code, causes) by code
    top_clauses: tuple[ClauseTally, ...]

    @property
    def draft_line(self) -> str:
        return DRAFT_LINE if self.draft else ""


def consequence_causes(
    month: str,
    hits: Iterable[tuple[str, date, str]],
    standards: StandardSet,
    first_month: str | None = None,
    clause_texts: Mapping[str, str] = {},
) -> list[Cause]:
    """The incidents behind each window's consequences in `month`. `hits` as for
    consequences.window_consequences (the year's incidents of such clauses); a hit counts
    exactly when window_consequences would count it on its own. `clause_texts`: the
    month's clause texts as printed (a closed month's labels)."""
    causes = []
    for hit in hits:
        window_code, day, clause_code = hit
        for code in window_consequences(month, [hit], standards, first_month).get(window_code, ()):
            found = standards.find_clause(clause_code, month_of(day))
            printed = clause_texts.get(clause_code) if month_of(day) == month else None
            text = printed or (found[1].text if found else "")
            causes.append(Cause(window_code, day, clause_code, text, code))
    causes.sort(key=lambda c: (c.window_code, c.date, clause_sort_key(c.clause_code)))
    return causes


def _window_words(w: WindowResult) -> str:
    return f"{w.code} {w.name}"


def _evidence_name(row: IncidentRow) -> str:
    if row.evidence_code == OTHER_EVIDENCE:  # the catalogue's name carries the entry form's hint "（须填写说明）"
        return row.evidence_name.split("（")[0] or row.evidence_name
    return row.evidence_name


def _opening(result: MonthResult, incidents: Sequence[IncidentRow], center: str) -> str:
    windows = result.windows
    totals = [w.total for w in windows]
    mean = sum(totals, Fraction(0)) / len(totals)
    high, low = max(totals), min(totals)
    best = "、".join(_window_words(w) for w in windows if w.total == high)
    worst = "、".join(_window_words(w) for w in windows if w.total == low)
    text = (
        f"根据窗口月度考评标准，{center or '中心'}对{month_words(result.month)}各进驻窗口的工作情况进行了考评。"
        f"本月共考评窗口{len(windows)}个，平均得分{display(mean)}分，"
        f"最高分{display(high)}分（{best}），最低分{display(low)}分（{worst}）。"
    )
    if incidents:
        by_evidence: dict[str, int] = defaultdict(int)
        for row in incidents:
            by_evidence[_evidence_name(row)] += row.count
        listed = "、".join(f"{name}{n}次" for name, n in sorted(by_evidence.items(), key=lambda kv: (-kv[1], kv[0])))
        text += f"本月共记录扣分事项{len(incidents)}起，合计扣分{sum(r.count for r in incidents)}次，按评定依据分：{listed}。"
    else:
        text += "本月未记录扣分事项。"
    if result.closed:
        text += "本月考评结果已锁定。"
    else:
        text += "本月考评尚未锁定，以下结果为草稿，仅供核对，以锁定后的正式结果为准。"
    return text + "现将有关情况通报如下："


def _red_flag_items(result: MonthResult) -> tuple[Item, ...]:
    flagged = [w for w in result.windows if w.red_flag]
    if not flagged:
        return (Item("本月无窗口被评为红旗窗口。"),)
    names = "、".join(f"{_window_words(w)}（{w.department}，{display(w.total)}分）" for w in flagged)
    if not result.closed:
        return (Item(f"经考评，{names}拟评为本月“红旗窗口”。"),)
    return (Item(f"经考评，{names}被评为本月“红旗窗口”，予以通报表扬。"),)


def _disqualified_items(windows: Sequence[WindowResult], causes: Mapping[str, list[Cause]]) -> tuple[Item, ...]:
    if not windows:
        return (Item("本月无取消评优的窗口。"),)
    items = []
    for n, w in enumerate(windows):
        reasons = [
            f"{date_words(c.date)}因“{c.clause_text}”（条款{c.clause_code}）被扣分，"
            f"依照考评标准{REGISTRY[c.consequence].label}"
            for c in causes.get(w.code, ())
        ]
        if not reasons:  # a closed month's snapshot says so; the incidents behind it are no longer found
            labels = [REGISTRY[c].label for c in sorted(w.consequences) if c in REGISTRY] or ["取消评优"]
            reasons = [f"依照考评标准{'、'.join(labels)}"]
        items.append(Item("；".join(reasons) + "。", lead=f"（{chinese_number(n + 1)}）{_window_words(w)}。"))
    return tuple(items)


def clause_tallies(incidents: Iterable[IncidentRow], window_names: Mapping[str, str], limit: int = TOP_CLAUSES) -> list[ClauseTally]:
    """The clauses deducted most often (Σ count), with the windows concerned; ties by clause code."""
    times: dict[str, int] = defaultdict(int)
    per_window: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    texts: dict[str, str] = {}
    for row in incidents:
        times[row.clause_code] += row.count
        per_window[row.clause_code][row.window_code] += row.count
        texts.setdefault(row.clause_code, row.clause_text)
    ranked = sorted(times, key=lambda code: (-times[code], clause_sort_key(code)))[:limit]
    return [
        ClauseTally(
            code,
            texts[code],
            times[code],
            tuple(
                (w, window_names.get(w, ""), n)
                for w, n in sorted(per_window[code].items(), key=lambda t: (-t[1], t[0]))
            ),
        )
        for code in ranked
    ]


def _clause_items(tallies: Sequence[ClauseTally]) -> tuple[Item, ...]:
    if not tallies:
        return (Item("本月未记录扣分事项。"),)
    items = []
    for n, t in enumerate(tallies):
        windows = "、".join(f"{code} {name}".strip() + f"{k}次" for code, name, k in t.windows[:WINDOWS_LISTED])
        if len(t.windows) > WINDOWS_LISTED:  # a clause all over the center: the first ones and how many
            windows += f"等{len(t.windows)}个窗口"
        items.append(
            Item(f"共扣分{t.times}次，涉及窗口：{windows}。", lead=f"（{chinese_number(n + 1)}）条款{t.code} {shorten(t.text, CLAUSE_TEXT_CHARS)}。")
        )
    return tuple(items)


CLOSING = (
    "希望受到表扬的窗口珍惜荣誉、再接再厉；扣分较多的窗口要认真对照考评标准查找问题、"
    "限期整改，进驻部门要加强对本部门窗口的管理和指导。各窗口要以此为鉴，"
    "进一步规范服务行为，提升服务质量和群众满意度。"
)


def build_notice(
    result: MonthResult,
    incidents: Sequence[IncidentRow],
    causes: Iterable[Cause] = (),
    center_name: str = "",
    issuer: str = "",
    issued_on: date | None = None,
) -> Notice:
    """The 通报 of a month with results. `incidents`: the month's priced rows (voided ones
    are left out); `causes`: see consequence_causes."""
    if not result.windows:
        raise ValueError(f"{month_words(result.month)}没有窗口考评结果，无法生成通报")
    incidents = [r for r in incidents if not r.voided]
    by_window: dict[str, list[Cause]] = defaultdict(list)
    for c in causes:
        by_window[c.window_code].append(c)
    held = sorted((w for w in result.windows if w.disqualified), key=lambda w: w.code)
    names = {w.code: w.name for w in result.windows}
    tallies = clause_tallies(incidents, names)
    sections = (
        Section("一、考评结果", (Item("各窗口得分及排名如下："),), ranking=True),
        Section("二、红旗窗口", _red_flag_items(result)),
        Section("三、取消评优窗口", _disqualified_items(held, by_window)),
        Section("四、扣分较多的条款", _clause_items(tallies)),
    )
    issued_on = issued_on or date.today()
    return Notice(
        month=result.month,
        title=notice_title(result.month),
        draft=not result.closed,
        addressee=ADDRESSEE,
        opening=_opening(result, incidents, center_name),
        sections=sections,
        closing=CLOSING,
        issuer=issuer or center_name,
        date_text=date_words(issued_on),
        ranking=tuple(
            RankingRow(str(w.rank), w.code, w.name, w.department, display(w.total), w.grade) for w in result.windows
        ),
        red_flags=tuple(w.code for w in result.windows if w.red_flag),
        disqualified=tuple((w.code, tuple(by_window.get(w.code, ()))) for w in held),
        top_clauses=tuple(tallies),
    )


__all__ = [
    "ADDRESSEE",
    "Cause",
    "ClauseTally",
    "DRAFT_LINE",
    "Item",
    "Notice",
    "RANKING_HEADER",
    "RankingRow",
    "Section",
    "build_notice",
    "clause_tallies",
    "consequence_causes",
    "date_words",
    "month_words",
    "notice_title",
]

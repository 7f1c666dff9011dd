"""Checking what people type or import: ids, dates, counts and whole incidents.

Every message is Chinese and says what to fix. Nothing here touches a file or
the database: callers pass in the roster and the standards they loaded.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Iterable, Mapping

from .calendar import month_of
from .cells import unescape_formula
from .incidents import Incident
from .records import field, record
from .roster import Assignment, Window
from .standards import OTHER_EVIDENCE, STAFF, EvidenceType, StandardSet

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 on Windows (with the 1900 leap-year quirk)

# --- limits (formats.md, "Limits"): one place, used by the imports and the entry forms alike ---

NOTE_LIMIT = 200  # 依据说明, 备注
NAME_LIMIT = 50  # 窗口名称, 进驻部门, 姓名, 联系电话
COUNT_MAX = 999
FIRST_DAY = date(2000, 1, 1)  # incidents are dated within these
LAST_DAY = date(2099, 12, 31)
MAX_ROWS = 200_000  # a workbook's sheets may declare at most this many rows …
MAX_COLUMNS = 100  # … and columns
SHOWN_ERRORS = 200  # a refused file lists this many errors, then how many more there are

# Free text that may run over several lines (Alt+Enter in an Excel cell); every other
# text is one line. Nothing else that Unicode calls a control character (C0, DEL, C1:
# tab and carriage return included) and none of the bidirectional embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069) is accepted in any text.
MULTILINE_COLUMNS = frozenset({"依据说明", "备注"})
TEXT_LIMITS = {
    "依据说明": NOTE_LIMIT,
    "备注": NOTE_LIMIT,
    "窗口名称": NAME_LIMIT,
    "进驻部门": NAME_LIMIT,
    "姓名": NAME_LIMIT,
    "联系电话": NAME_LIMIT,
}
_SHORTEST_LIMIT = min(TEXT_LIMITS.values())
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CHAR_NAMES = {"\t": "（制表符）", "\n": "（换行）", "\r": "（回车符）", "\u202e": "（从右向左覆盖）", "\u202d": "（从左向右覆盖）"}
_FORBIDDEN_MULTILINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def text_problem(column: str, text) -> str | None:
    """What is wrong with the text of `column` (limits above), or None.

    The message never repeats the text itself: a direction override in it would
    scramble the message too.
    """
    if not isinstance(text, str) or not text:
        return None
    problem = char_problem(column, text)
    if problem:
        return problem
    limit = TEXT_LIMITS.get(column)
    if limit is not None and len(text) > limit:
        return f"{column}最多 {limit} 个字，这里有 {len(text)} 个字；请删减后重新填写"
    return None


def char_problem(column: str, text: str) -> str | None:
    """The characters part of text_problem alone (what normalising cannot change)."""
    pattern = _FORBIDDEN_MULTILINE if column in MULTILINE_COLUMNS else _FORBIDDEN
    if not pattern.search(text):  # the usual case: one scan
        return None
    found = sorted(set(pattern.findall(text)))
    if found == ["\n"]:
        return f"{column}只能填一行，请删除其中的换行（只有依据说明和备注可以换行）"
    codes = "、".join(f"U+{ord(c):04X}{_CHAR_NAMES.get(c, '')}" for c in found[:5]) + ("等" if len(found) > 5 else "")
    return (
        f"含有看不见的控制字符或文字方向控制字符：{codes}；"
        "这类字符多是从网页或聊天软件复制带来的，会打乱显示，请删除后重新填写"
    )


def cell_char_problems(cells: Mapping[str, object]) -> list[tuple[str, str]]:
    """(column, char_problem) of every text cell of an imported row, in the row's order."""
    if not _FORBIDDEN.search("".join([v for v in cells.values() if isinstance(v, str)])):
        return []  # the usual row: one scan of all its texts with the strictest pattern
    return [
        (column, problem)
        for column, value in cells.items()
        if isinstance(value, str) and (problem := char_problem(column, value))
    ]


def text_problems(fields: Iterable[tuple[str, object]]) -> list[tuple[str, str]]:
    """(column, message) for every field of (column, text) that breaks a limit."""
    out = []
    for column, text in fields:
        message = text_problem(column, text)
        if message:
            out.append((column, message))
    return out


def problems_text(problems: Iterable[tuple[str, str]]) -> str:
    """Problems as the entry forms show them, in one line: 【列】原因；【列】原因."""
    return "；".join(f"【{column}】{message}" for column, message in problems)


def window_problems(code: str, name: str, department: str) -> list[tuple[str, str]]:
    """Limits on a window as typed in the roster dialog or read from a roster workbook."""
    return text_problems((("窗口编号", code), ("窗口名称", name), ("进驻部门", department)))


def person_problems(person_id: str, name: str, phone: str) -> list[tuple[str, str]]:
    """Limits on a person as typed in the roster dialog or read from a roster workbook."""
    return text_problems((("工号", person_id), ("姓名", name), ("联系电话", phone)))


def incident_text_problems(inc: Incident) -> list[tuple[str, str]]:
    """Limits on an incident's texts (the import and the entry form alike)."""
    fields = (
        ("窗口编号", inc.window_code),
        ("工号", inc.person_id or ""),
        ("条款", inc.clause_code),
        ("情形", inc.variant),
        ("评定依据", inc.evidence_code),
        ("依据说明", inc.reference),
        ("备注", inc.note),
    )
    # The usual incident, checked at once: its texts together are no longer than the
    # shortest limit, and one scan with the strictest pattern finds no hidden character.
    joined = "".join([text for _, text in fields])
    if len(joined) <= _SHORTEST_LIMIT and not _FORBIDDEN.search(joined):
        return []
    return text_problems(fields)


def date_problem(day: date) -> str | None:
    if not FIRST_DAY <= day <= LAST_DAY:
        return f"日期 {day} 超出范围：应在 {FIRST_DAY} 至 {LAST_DAY} 之间，请核对年份"
    return None


@record
class RowError:
    """One wrong cell (or row) of an imported sheet."""

    sheet: str
    row: int  # the spreadsheet's own row number, header = 1
    column: str  # header name, "" when the whole row is wrong
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return self.message
        where = f"表「{self.sheet}」第 {self.row} 行" if self.row else f"表「{self.sheet}」"
        if self.column:
            where += f"【{self.column}】"
        return f"{where}：{self.message}"


class ImportRejected(ValueError):
    """The whole file is refused; `errors` lists every wrong row."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__(f"文件有 {len(self.errors)} 处错误，未导入任何数据")

    def lines(self, limit: int = SHOWN_ERRORS) -> list[str]:
        """The errors as shown to the clerk (command line and window alike): the first
        `limit`, then one line saying how many more there are."""
        return error_lines(self.errors, limit)


def error_lines(errors: list[RowError], limit: int = SHOWN_ERRORS) -> list[str]:
    lines = [str(e) for e in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"……另有 {len(errors) - limit} 处错误未列出（请先改正以上错误后重新导入）")
    return lines


@lru_cache(maxsize=8192, typed=True)  # a ledger repeats its codes, names and variants row after row
def normalise_text(value) -> str:
    """Width-normalised (全角→半角), trimmed text; None and blanks become ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # A leading apostrophe before = + - @ is our own formula escape (versions before 0.2).
    return unescape_formula(unicodedata.normalize("NFKC", str(value)).strip())


@lru_cache(maxsize=4096, typed=True)
def normalise_id(value) -> str:
    """An id kept as text: `W01`, `007`; internal spaces are removed too."""
    return re.sub(r"\s+", "", normalise_text(value))


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_date(value) -> date:
    """An Excel date (cell or serial number) or text like 2026-10-08, 2026/10/8, 2026年10月8日."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError(f"日期不应带时间：{value}")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"不是日期：{value}")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1 <= value <= 2958465:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(f"不是日期：{value}")
    text = normalise_text(value).replace(" ", "")
    if not text:
        raise ValueError("日期不能为空")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ValueError(f"日期不存在：{text}") from None
    raise ValueError(f"日期格式不正确：“{text}”，应为 2026-10-08、2026/10/8 或 2026年10月8日")


def parse_optional_date(value) -> date | None:
    if value is None or normalise_text(value) == "":
        return None
    return parse_date(value)


def parse_count(value) -> int:
    """A positive whole number (Excel may hand over 2.0)."""
    if isinstance(value, bool):
        raise ValueError(f"次数必须是正整数：{value}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"次数必须是正整数：{value:g}")
        number = int(value)
    else:
        text = normalise_text(value)
        if not text:
            raise ValueError("次数不能为空")
        if not re.fullmatch(r"\+?\d+(\.0+)?", text):
            raise ValueError(f"次数必须是正整数：“{text}”")
        number = int(Fraction(text))
    if number <= 0:
        raise ValueError(f"次数必须是正整数：{number}")
    if number > COUNT_MAX:
        raise ValueError(f"次数过大：{number}，最多 {COUNT_MAX} 次，请核对")
    return number


def clause_code_from_cell(value, known: set[str]) -> str:
    """The clause id as text. A number means Excel ate a trailing zero (5.10 → 5.1):
    accept it only when exactly one known id reads as that number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = Fraction(str(value))
        matches = sorted(c for c in known if _as_number(c) == number)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValueError(
                f"条款 {value:g} 被 Excel 当成了数字，无法区分 {' 和 '.join(matches)}；请把【条款】列设为文本后重新填写"
            )
        raise ValueError(f"没有条款 {value:g}")
    code = normalise_id(value)
    return "P" + code[1:] if code[:1] == "p" else code


def _as_number(code: str) -> Fraction | None:
    try:
        return Fraction(code)
    except ValueError:
        return None


# --- a whole incident ------------------------------------------------------------


@record
class RosterView:
    """The roster as an incident check needs it."""

    windows: dict[str, Window]
    person_names: dict[str, str]
    assignments: tuple[Assignment, ...]
    # (person, window) -> their assignments: a 10,000-row ledger asks once a row
    _by_pair: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        for a in self.assignments:
            self._by_pair.setdefault((a.person_id, a.window_code), []).append(a)

    @classmethod
    def build(cls, windows: Iterable[Window], people: Iterable, assignments: Iterable[Assignment]) -> "RosterView":
        return cls({w.code: w for w in windows}, {p.id: p.name for p in people}, tuple(assignments))

    def assigned_on(self, person_id: str, window_code: str, day: date) -> bool:
        for a in self._by_pair.get((person_id, window_code), ()):  # a loop: any() and a generator cost more
            if a.covers(day):
                return True
        return False


def check_incident(
    inc: Incident,
    standards: StandardSet,
    roster: RosterView,
    evidence: Iterable[EvidenceType],
) -> list[tuple[str, str]]:
    """Problems with an incident as (column header, message); empty when it can be stored.

    A text that breaks a limit is the only problem reported for its column (the other
    messages would repeat the text, hidden characters and all).
    """
    return IncidentChecks(standards, roster, evidence)(inc)


class IncidentChecks:
    """check_incident for many incidents against one roster, standard set and evidence list.

    A ledger names the same days, windows, people and clauses row after row, so each part
    of the check is worked out once per distinct input and remembered: the same problems,
    in the same order, as checking every row from scratch.
    """

    def __init__(self, standards: StandardSet, roster: RosterView, evidence: Iterable[EvidenceType]):
        self.standards = standards
        self.roster = roster
        self.evidence_names = {e.code: e.name for e in evidence}
        self._days: dict = {}  # date -> (month, problems)
        self._windows: dict = {}  # (window, date) -> problems
        self._clauses: dict = {}  # (clause, month, variant, evidence, 依据说明 missing) -> (kind, problems)
        self._people: dict = {}  # (person, window, date) -> problems

    def __call__(self, inc: Incident) -> list[tuple[str, str]]:
        text = incident_text_problems(inc)
        problems = self._problems(inc)
        if text:
            bad = {column for column, _ in text}
            return text + [p for p in problems if p[0] not in bad]
        return problems

    def _problems(self, inc: Incident) -> list[tuple[str, str]]:
        day = inc.date
        found = self._days.get(day)
        if found is None:
            problem = date_problem(day)
            found = self._days[day] = (month_of(day), (("日期", problem),) if problem else ())
        month, on_day = found

        key = (inc.window_code, day)
        at_window = self._windows.get(key)
        if at_window is None:
            at_window = self._windows[key] = _window_problems(self.roster, inc.window_code, day)

        reference_missing = inc.evidence_code == OTHER_EVIDENCE and not inc.reference.strip()
        key = (inc.clause_code, month, inc.variant, inc.evidence_code, reference_missing)
        found = self._clauses.get(key)
        if found is None:
            found = self._clauses[key] = _clause_problems(self.standards, self.evidence_names, *key)
        kind, of_clause = found

        if inc.person_id:
            key = (inc.person_id, inc.window_code, day)
            of_person = self._people.get(key)
            if of_person is None:
                of_person = self._people[key] = _person_problems(self.roster, *key)
        elif kind == STAFF:
            of_person = (("工号", f"人员考评条款 {inc.clause_code} 须填写工号"),)
        else:
            of_person = ()

        problems = [*on_day, *at_window, *of_clause, *of_person]
        if inc.count <= 0:
            problems.append(("次数", "次数必须是正整数"))
        elif inc.count > COUNT_MAX:
            problems.append(("次数", f"次数过大：{inc.count}，最多 {COUNT_MAX} 次，请核对"))
        return problems


def _window_problems(roster: RosterView, code: str, day: date) -> tuple[tuple[str, str], ...]:
    window = roster.windows.get(code)
    if not code:
        return (("窗口编号", "窗口编号不能为空"),)
    if window is None:
        return (("窗口编号", f"窗口 {code} 不在人员名册中"),)
    if not window.in_service_on(day):
        return (("窗口编号", f"窗口 {code} 在 {day} 不在服务期内"),)
    return ()


def _clause_problems(
    standards: StandardSet,
    evidence_names: dict[str, str],
    code: str,
    month: str,
    variant: str,
    evidence_code: str,
    reference_missing: bool,
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """(the clause's standard kind or None, problems with its clause, variant and evidence)."""
    if not code:
        return None, (("条款", "条款不能为空"),)
    found = standards.find_clause(code, month)
    if found is None:
        return None, (("条款", f"评分标准中没有条款 {code}"),)
    std, clause = found
    problems = []
    if clause.is_computed:
        problems.append(("条款", f"条款 {clause.code} 由系统计算，不能录入扣分"))
    elif clause.has_variants:
        if not variant:
            names = "、".join(v.name for v in clause.variants)
            problems.append(("情形", f"条款 {clause.code} 须填写情形：{names}"))
        elif clause.variant(variant) is None:
            names = "、".join(v.name for v in clause.variants)
            problems.append(("情形", f"条款 {clause.code} 没有情形“{variant}”，应为：{names}"))
    elif variant:
        problems.append(("情形", f"条款 {clause.code} 没有情形之分，请留空"))
    if not evidence_code:
        problems.append(("评定依据", "评定依据不能为空"))
    elif evidence_code not in evidence_names:
        problems.append(("评定依据", f"没有评定依据“{evidence_code}”"))
    elif evidence_code not in clause.evidence_codes and evidence_code != OTHER_EVIDENCE:
        ok = "、".join(evidence_names.get(c, c) for c in clause.evidence_codes) or "无"
        problems.append(
            ("评定依据", f"条款 {clause.code} 不能以“{evidence_names[evidence_code]}”为依据，可用：{ok}、其他")
        )
    if reference_missing:
        problems.append(("依据说明", "评定依据为“其他”时须填写依据说明"))
    return std.kind, tuple(problems)


def _person_problems(roster: RosterView, person_id: str, window_code: str, day: date) -> tuple[tuple[str, str], ...]:
    if person_id not in roster.person_names:
        return (("工号", f"工号 {person_id} 不在人员名册中"),)
    if window_code in roster.windows and not roster.assigned_on(person_id, window_code, day):
        return (("工号", f"{roster.person_names[person_id]}（{person_id}）在 {day} 不在窗口 {window_code}"),)
    return ()


def evidence_code_from_text(text: str, evidence: Iterable[EvidenceType]) -> str | None:
    """Evidence by id (`E07`) or name (`办件抽查`); `其他` means the other type."""
    text = normalise_text(text)
    if not text:
        return ""
    for e in evidence:
        if text.upper() == e.code or text == normalise_text(e.name):
            return e.code
    if text in ("其他", "其它"):
        return OTHER_EVIDENCE
    return None

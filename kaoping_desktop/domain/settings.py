"""The center's own settings that scoring.md leaves to it: grades, 红旗窗口, awards, first month."""

from __future__ import annotations

from fractions import Fraction

from .records import field, record


@record
class Grade:
    name: str
    minimum: Fraction  # a total at or above this earns the grade


DEFAULT_GRADES = (
    Grade("优秀", Fraction(95)),
    Grade("良好", Fraction(85)),
    Grade("合格", Fraction(70)),
    Grade("不合格", Fraction(0)),
)
DEFAULT_RED_FLAG_COUNT = 3
DEFAULT_ANNUAL_AWARDS = 3
# Until this day of a month the window opens on the previous month (the clerk scores last month).
DEFAULT_PREVIOUS_MONTH_UNTIL_DAY = 10


@record
class ScoringSettings:
    grades: tuple[Grade, ...] = DEFAULT_GRADES
    red_flag_count: int = DEFAULT_RED_FLAG_COUNT
    # Windows graded below this may not be 红旗窗口 even if they rank high enough.
    red_flag_min_grade: str | None = None
    annual_awards: int = DEFAULT_ANNUAL_AWARDS  # 年度先进窗口
    first_month: str | None = None  # 开始考评月份; None = every month is evaluated
    extra: dict = field(default_factory=dict, compare=False)

    def grade_for(self, total: Fraction) -> str:
        for grade in sorted(self.grades, key=lambda g: g.minimum, reverse=True):
            if total >= grade.minimum:
                return grade.name
        return self.grades[-1].name if self.grades else ""

    def evaluates(self, month: str) -> bool:
        """Is `month` scored at all (scoring.md "The first evaluated month")?"""
        return self.first_month is None or month >= self.first_month

    def scoring_part(self) -> dict:
        """What a month's scores depend on, kept with a closed month's snapshot so that
        `check` recomputes it as it was scored."""
        return {
            "grades": [[g.name, str(g.minimum)] for g in self.grades],
            "red_flag_count": self.red_flag_count,
            "red_flag_min_grade": self.red_flag_min_grade,
        }

    def with_scoring_part(self, part: dict) -> "ScoringSettings":
        from .records import replace

        return replace(
            self,
            grades=tuple(Grade(name, Fraction(minimum)) for name, minimum in part["grades"]),
            red_flag_count=int(part["red_flag_count"]),
            red_flag_min_grade=part.get("red_flag_min_grade"),
        )

    def validate(self) -> None:
        if self.red_flag_count < 0:
            raise ValueError("红旗窗口数量不能为负数")
        if self.annual_awards < 0:
            raise ValueError("年度先进窗口数量不能为负数")
        names = [g.name for g in self.grades]
        if len(set(names)) != len(names) or not names:
            raise ValueError("等次名称不能为空或重复")
        for g in self.grades:
            if not (0 <= g.minimum <= 100):
                raise ValueError(f"等次“{g.name}”的分数线必须在 0 到 100 之间")


# --- signature titles, per document (document kinds of evidence_chain) ----------------------

CHIEF_CONFIRMATION = "窗口首席代表确认"
SIGNED_DOCUMENTS = ("window", "summary", "staff", "year")  # WINDOW_SHEET, SUMMARY, STAFF_SHEET, YEAR
SIGNED_DOCUMENT_LABELS = {"window": "窗口评分表", "summary": "月度汇总表", "staff": "人员得分表", "year": "年度汇总"}
_OFFICE_TITLES = ("考评人", "审核人", "中心负责人")
# Only a window's own sheet asks its chief representative to confirm it.
DEFAULT_SIGNATURE_TITLES = {
    "window": (*_OFFICE_TITLES, CHIEF_CONFIRMATION),
    "summary": _OFFICE_TITLES,
    "staff": _OFFICE_TITLES,
    "year": _OFFICE_TITLES,
}


def signature_titles_from(stored) -> dict[str, tuple[str, ...]]:
    """The titles of every signed document from the stored setting.

    Versions before 0.2 stored one list for every sheet: it stays the window sheet's,
    and the other documents get it without the chief's confirmation."""
    if isinstance(stored, (list, tuple)):
        shared = tuple(str(t) for t in stored)
        stored = {doc: shared if doc == "window" else tuple(t for t in shared if t != CHIEF_CONFIRMATION) for doc in SIGNED_DOCUMENTS}
    stored = stored if isinstance(stored, dict) else {}
    titles = {}
    for doc in SIGNED_DOCUMENTS:
        value = stored.get(doc)
        titles[doc] = tuple(str(t).strip() for t in value if str(t).strip()) if value is not None else DEFAULT_SIGNATURE_TITLES[doc]
    return titles

"""The center's settings: name, grades, 红旗窗口 and award counts, signature titles,
the first evaluated month, the operator, and the window's remembered state.

`KEYS` is what `kaoping-desktop settings KEY [VALUE]` speaks (formats.md); the
window reads and writes the same values through `load_settings`/`save_settings`
and `set_value`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from ..domain.calendar import default_month, parse_month
from ..domain.settings import SIGNED_DOCUMENT_LABELS, SIGNED_DOCUMENTS, Grade, ScoringSettings, signature_titles_from
from ..store import repository
from .errors import InputError, MonthClosedError


@dataclass(frozen=True)
class AppSettings:
    center_name: str
    grades: tuple[Grade, ...]
    red_flag_count: int
    signature_titles: dict[str, tuple[str, ...]]  # document ("window", "summary", "staff", "year") -> titles


def load_settings() -> AppSettings:
    return AppSettings(
        center_name=repository.get_setting("center_name"),
        grades=repository.scoring_settings().grades,
        red_flag_count=int(repository.get_setting("red_flag_count")),
        signature_titles=signature_titles(),
    )


def signature_titles() -> dict[str, tuple[str, ...]]:
    """Each signed document's titles (settings.py's defaults for any not set)."""
    return signature_titles_from(repository.get_setting("signature_titles"))


def issuer() -> str:
    """The 落款单位 of the 通报: the `issuer` setting, or the center's name."""
    return (repository.get_setting("issuer") or "").strip() or repository.get_setting("center_name")


def save_settings(new: AppSettings) -> None:
    if not new.center_name.strip():
        raise InputError("中心名称不能为空")
    titles = {}
    for doc in SIGNED_DOCUMENTS:
        titles[doc] = [t.strip() for t in new.signature_titles.get(doc, ()) if t.strip()]
        if not titles[doc]:
            raise InputError(f"{SIGNED_DOCUMENT_LABELS[doc]}的签字栏至少要有一个职务")
        long = [t for t in titles[doc] if len(t) > 20]
        if long:
            raise InputError(f"{SIGNED_DOCUMENT_LABELS[doc]}的签字栏职务最多 20 个字：“{long[0]}”")
    try:
        ScoringSettings(grades=new.grades, red_flag_count=new.red_flag_count).validate()
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    with repository.transaction():
        repository.set_setting("center_name", new.center_name.strip())
        repository.set_setting("grades", [[g.name, str(g.minimum)] for g in new.grades])
        repository.set_setting("red_flag_count", int(new.red_flag_count))
        repository.set_setting("signature_titles", titles)


# --- one setting at a time (command line, first-start guide, settings tab) ------------------


def _count(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise InputError(f"{what}必须是 {low} 到 {high} 之间的整数：“{text}”") from None
    if not low <= value <= high:
        raise InputError(f"{what}必须是 {low} 到 {high} 之间的整数：“{text}”")
    return value


def _name(text: str, what: str) -> str:
    value = str(text).strip()
    if not value:
        raise InputError(f"{what}不能为空")
    if len(value) > 50:
        raise InputError(f"{what}最多 50 个字")
    return value


def _first_month(text: str) -> str | None:
    text = str(text).strip()
    if text in ("", "无", "none", "None"):
        value = None
    else:
        try:
            value = parse_month(text)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    # Moving the first month past a closed month would take that month out of the scores.
    closed_before = sorted(m for m in repository.closed_months() if value is not None and m < value)
    if closed_before:
        raise MonthClosedError(closed_before[0])
    return value


def _optional_name(text: str, what: str) -> str:
    value = str(text).strip()
    if len(value) > 50:
        raise InputError(f"{what}最多 50 个字")
    return value


# key on the command line -> (stored key, parse text -> value, value -> text)
KEYS: dict[str, tuple] = {
    "center-name": ("center_name", lambda t: _name(t, "中心名称"), str),
    "first-month": ("first_month", _first_month, lambda v: v or ""),
    "red-flags": ("red_flag_count", lambda t: _count(t, "红旗窗口数量", 0, 999), str),
    "annual-awards": ("annual_awards", lambda t: _count(t, "年度先进窗口数量", 0, 999), str),
    "operator": ("operator", lambda t: _optional_name(t, "操作员姓名"), str),
    "issuer": ("issuer", lambda t: _optional_name(t, "落款单位"), str),
    "previous-month-until-day": (
        "previous_month_until_day",
        lambda t: _count(t, "默认显示上月的截止日", 0, 31),
        str,
    ),
}


def _key(key: str) -> tuple:
    if key not in KEYS:
        raise InputError(f"没有设置项“{key}”，可用的有：{'、'.join(KEYS)}")
    return KEYS[key]


def get_value(key: str) -> str:
    """A setting as text (`settings KEY`)."""
    stored, _, show = _key(key)
    return show(repository.get_setting(stored))


def set_value(key: str, text: str) -> None:
    """Parse, check and store one setting; refused (nothing written) when wrong."""
    stored, parse, _ = _key(key)
    value = parse(text)
    with repository.transaction():
        repository.set_setting(stored, value)


def all_values() -> list[tuple[str, str]]:
    """Every keyed setting as (key, text), in KEYS order (`settings` alone)."""
    return [(key, get_value(key)) for key in KEYS]


def first_month() -> str | None:
    return repository.get_setting("first_month") or None


def operator() -> str:
    return (repository.get_setting("operator") or "").strip()


def starting_month(today: date | None = None) -> str:
    """The month the window opens on when it remembers none: last month until the set day."""
    until = int(repository.get_setting("previous_month_until_day"))
    return default_month(today or date.today(), until)


# --- the window's remembered state (per database, not audited) ---------------------------


def ui_state() -> dict:
    return dict(repository.get_setting("ui_state") or {})


def save_ui_state(values: dict) -> None:
    """Merge `values` into the remembered window state (geometry, tab, month, column widths…)."""
    state = ui_state()
    state.update(values)
    repository.set_setting("ui_state", state)


__all__ = [
    "AppSettings",
    "Grade",
    "Fraction",
    "KEYS",
    "all_values",
    "first_month",
    "get_value",
    "load_settings",
    "operator",
    "save_settings",
    "save_ui_state",
    "set_value",
    "starting_month",
    "ui_state",
]

"""The first day: whether to ask the first-start questions, and how far the guide has got.

The guide (GUI: gui/guide_panel.py) walks a new center through
中心名称 → 开始考评月份 → 名册 → 录入扣分 → 锁定与打印 → 备份; `guide_status`
says which steps are done, from the data alone, so the panel and the tests
read the same answer.
"""

from __future__ import annotations

from datetime import date

from ..domain.calendar import add_months, month_of
from ..store import first_day as queries
from ..store import repository
from . import settings as settings_service
from .errors import InputError
from .audit_log import BACKUP_ACTION, backup_recorded
from .settings_form import save_all

# The guide's steps, in the order the clerk takes them.
STEPS = ("center", "first_month", "roster", "entry", "close_print", "backup")


def needs_first_start() -> bool:
    """A new database: no windows yet, and the first evaluated month never set."""
    return not queries.has_windows() and not queries.setting_stored("first_month")


def center_named() -> bool:
    """Has the center's name been changed from the placeholder the program starts with?"""
    name = settings_service.get_value("center-name").strip()
    return bool(name) and name != repository.DEFAULT_SETTINGS["center_name"]


def guide_status() -> dict[str, bool]:
    """Each step of the guide (keys in `STEPS` order) and whether it is done."""
    return {
        "center": center_named(),
        # Stored at all: a month, or the explicit choice "every month" after one was set.
        "first_month": settings_service.first_month() is not None or queries.setting_stored("first_month"),
        "roster": queries.has_windows(),
        "entry": queries.has_incidents(),
        "close_print": queries.has_closed_month(),
        "backup": backup_recorded(),
    }


def suggested_first_month(today: date | None = None) -> str:
    """What the first-start dialog proposes: the month before this one (the clerk scores last month)."""
    return add_months(month_of(today or date.today()), -1)


def save_first_start(center_name: str, first_month: str, operator: str) -> None:
    """Store the three first-start answers together; a refusal writes none of them.

    The operator goes first, so the audit rows of the other two already carry the name."""
    if not operator.strip():
        error = InputError("请填写操作员姓名（它会记入操作日志）")
        error.setting_key = "operator"
        raise error
    save_all({"operator": operator, "center-name": center_name, "first-month": first_month})


__all__ = [
    "BACKUP_ACTION",
    "STEPS",
    "center_named",
    "guide_status",
    "needs_first_start",
    "save_first_start",
    "suggested_first_month",
]

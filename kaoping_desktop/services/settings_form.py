"""Saving a whole settings form at once: everything is stored, or nothing.

The 设置 tab and the first-start dialog change several settings in one go; a
refusal of any of them (a `first-month` after a closed month, say) must leave
the others unwritten too, and say which field was refused.
"""

from __future__ import annotations

from ..store import repository
from . import settings as settings_service
from .settings import AppSettings


def save_all(values: dict[str, str], app: AppSettings | None = None) -> None:
    """Store `app` (name, grades, 红旗窗口, titles) and each keyed value (`settings KEY VALUE`
    keys) in one transaction. A refused value's error carries `setting_key`, the key refused."""
    values = dict(values)
    with repository.transaction():
        # The operator first: the audit rows of everything else saved here then carry the new name.
        if "operator" in values:
            _set("operator", values.pop("operator"))
        if app is not None:
            try:
                settings_service.save_settings(app)
            except Exception as exc:
                exc.setting_key = None  # the fields of the form itself, not a keyed value
                raise
        for key, text in values.items():
            _set(key, text)


def _set(key: str, text: str) -> None:
    try:
        settings_service.set_value(key, text)
    except Exception as exc:
        exc.setting_key = key
        raise


def stored_values(keys) -> dict[str, str]:
    """The keyed settings as the form shows them (text)."""
    return {key: settings_service.get_value(key) for key in keys}


__all__ = ["save_all", "stored_values"]

"""Application services: what the command line and the window both do.

Each service reads what it needs through the store, decides in the domain, and
writes in one transaction, so a refused operation leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

from ..store import catalogue as store_catalogue
from ..store import repository
from ..store.database import open_database
from .errors import ClosingRefused, DatabaseBusy, InputError, MonthClosedError
from .months import (
    close_month,
    compute_month,
    month_results,
    month_status,
    month_verification_code,
    reopen_month,
    year_results,
)
from . import catalogue  # the rule-editing service, always under this name

# Imports and exports pull in openpyxl and reportlab (most of a command's start-up):
# loaded on first use, so `results` and the window's first paint never pay for them.
_LAZY = {
    "LedgerReport": "imports",
    "RosterReport": "imports",
    "import_incidents": "imports",
    "import_roster": "imports",
    "write_templates": "imports",
    "ExportCancelled": "exports",
    "export_month": "exports",
    "export_year": "exports",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def open_app_database(path: str | Path):
    """Open the file (migrating it) and load the default standards on first start."""

    def keep_copy(file: Path) -> None:  # only before an upgrade: the backup module loads then
        from .. import backup

        backup.auto_backup(file, backup.BEFORE_UPGRADE)

    db = open_database(path, keep_copy=keep_copy)
    if store_catalogue.seed_defaults():
        repository.audit("初始化", "database", str(path), "载入默认评分标准")
    from ..store import evidence

    if evidence.unsealed_months():  # months closed before the audit chain existed (once, after the upgrade)
        from .custody import seal_unsealed_months

        seal_unsealed_months()
    return db


__all__ = [
    "catalogue",
    "LedgerReport",
    "RosterReport",
    "import_incidents",
    "import_roster",
    "write_templates",
    "ExportCancelled",
    "export_month",
    "export_year",
    "month_verification_code",
    "ClosingRefused",
    "DatabaseBusy",
    "InputError",
    "MonthClosedError",
    "close_month",
    "compute_month",
    "month_results",
    "month_status",
    "open_app_database",
    "reopen_month",
    "year_results",
]

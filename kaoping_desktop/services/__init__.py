"""Application services: what the command line and the window both do.

Each service reads what it needs through the store, decides in the domain, and
writes in one transaction, so a refused operation leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ClosingRefused, DatabaseBusy, InputError, MonthClosedError
from .results import compute_month, month_results

# Loaded on first use, so that `results --month` loads neither the model layer (peewee)
# nor openpyxl and reportlab (most of a command's start-up), and the window's first paint
# pays only for what it shows.
_LAZY = {
    "close_month": "months",
    "month_status": "months",
    "month_verification_code": "months",
    "reopen_month": "months",
    "year_results": "months",
    "LedgerReport": "imports",
    "RosterReport": "imports",
    "import_incidents": "imports",
    "import_roster": "imports",
    "write_templates": "imports",
    "ExportCancelled": "exports",
    "export_month": "exports",
    "export_year": "exports",
    "catalogue": None,  # the rule-editing service module itself, always under this name
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module = _LAZY[name]
    value = import_module(f"{__name__}.{name}") if module is None else getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def open_app_database(path: str | Path, plain: bool = False):
    """Open the file (migrating it) and load the default standards on first start.

    plain=True (a command that needs no model layer: a month's results, a backup): open it
    with a plain sqlite3 connection when the file allows (store.database.open_plain);
    returns None then."""
    from ..store.database import open_database, open_plain

    if plain and open_plain(path):
        return None
    from ..store import catalogue as store_catalogue
    from ..store import evidence, repository

    def keep_copy(file: Path) -> None:  # only before an upgrade: the backup module loads then
        from .. import backup

        backup.auto_backup(file, backup.BEFORE_UPGRADE)

    db = open_database(path, keep_copy=keep_copy)
    if store_catalogue.seed_defaults():
        repository.audit("初始化", "database", str(path), "载入默认评分标准")
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

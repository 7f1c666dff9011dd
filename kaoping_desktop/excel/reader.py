"""Reading a sheet of a workbook into rows keyed by header name.

Headers may come in any order and extra columns are ignored. Problems with the
file itself (not a workbook, missing sheet, missing header) are reported as
RowErrors like any wrong row, so the caller shows one list.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..domain.validation import ImportRejected, RowError, normalise_text


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row number Excel shows
    cells: dict[str, object]  # header -> raw cell value


def _header_key(value) -> str:
    return normalise_text(value).replace(" ", "")


def open_workbook(path: Path):
    path = Path(path)
    if not path.exists():
        raise ImportRejected([RowError("", 0, "", f"找不到文件：{path}")])
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportRejected(
            [RowError("", 0, "", f"无法读取 {path.name}：不是有效的 Excel 工作簿（.xlsx）。请在 Excel 中另存为 .xlsx 后重试（{type(exc).__name__}）")]
        ) from exc


def read_sheet(workbook, sheet: str, required: list[str], optional: list[str]) -> list[SheetRow]:
    """Rows of `sheet` (blank rows skipped) with the known columns only."""
    names = {_header_key(n): n for n in workbook.sheetnames}
    if _header_key(sheet) not in names:
        raise ImportRejected(
            [RowError(sheet, 0, "", f"工作簿中没有名为「{sheet}」的工作表（现有：{'、'.join(workbook.sheetnames)}）")]
        )
    ws = workbook[names[_header_key(sheet)]]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    wanted = {_header_key(h): h for h in required + optional}
    for index, value in enumerate(header):
        key = _header_key(value)
        if key in wanted:
            name = wanted[key]
            if name in positions:
                errors.append(RowError(sheet, 1, name, "表头重复出现，请只保留一列"))
            positions[name] = index
    missing = [h for h in required if h not in positions]
    if missing:
        errors.append(RowError(sheet, 1, "", f"缺少必需的列：{'、'.join(missing)}（表头应在第 1 行）"))
    if errors:
        raise ImportRejected(errors)
    out = []
    for number, values in enumerate(rows, start=2):
        cells = {name: (values[i] if i < len(values) else None) for name, i in positions.items()}
        if all(v is None or normalise_text(v) == "" for v in cells.values()):
            continue
        out.append(SheetRow(number, cells))
    return out

"""Reading a sheet of a workbook into rows keyed by header name.

Headers may come in any order and extra columns are ignored. Problems with the
file itself (not a workbook, missing sheet, missing header) are reported as
RowErrors like any wrong row, so the caller shows one list.

Limits (formats.md): a workbook whose sheets declare more than MAX_ROWS rows or
MAX_COLUMNS columns is refused before openpyxl loads it — the size is read from
each worksheet's <dimension> (the first few KB of its XML), or, when a sheet has
none, by a byte scan of its row and cell tags that stops at the first one past a
limit. The declaration may lie, so reading the rows stops at the limits too.
Cells are read by their cached values (read-only, data_only: openpyxl gives None
for a formula whose result was never saved, as for an empty cell). So a formula
cell without a result, in a column we read, is looked for in the sheet's XML: a
byte search for <f> tags, and only where there are some, a pass over the cells.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..domain.validation import MAX_COLUMNS, MAX_ROWS, ImportRejected, RowError, normalise_text

HEAD_BYTES = 16 * 1024  # where a worksheet's <dimension> must be, if it is there at all
CHUNK = 1 << 20
SAVE_IN_EXCEL = "请用 Excel 或 WPS 打开该文件并保存后再导入"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")
_ROW_OR_CELL = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^>]*)>")
_R_ATTR = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]*)\$?(\d+)["']""")
_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?\d+$")
_REF = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?(?::\$?([A-Z]{1,3})?\$?(\d+)?)?$")


class SheetRow(NamedTuple):  # quicker to make than a frozen dataclass, for a ledger's thousands of rows
    number: int  # the row number Excel shows
    cells: dict[str, object]  # header -> raw cell value


class Workbook:
    """An openpyxl workbook opened read-only, and where each sheet's XML is in the file."""

    def __init__(self, path: Path, book, parts: dict[str, str]):
        self.path = path
        self.book = book
        self.parts = parts  # sheet name -> zip member of its XML

    @property
    def sheetnames(self) -> list[str]:
        return self.book.sheetnames

    def __getitem__(self, name: str):
        return self.book[name]

    def close(self) -> None:
        self.book.close()


def _header_key(value) -> str:
    return normalise_text(value).replace(" ", "")


def _not_a_workbook(path: Path, exc: BaseException) -> ImportRejected:
    return ImportRejected(
        [RowError("", 0, "", f"无法读取 {path.name}：不是有效的 Excel 工作簿（.xlsx）。请在 Excel 中另存为 .xlsx 后重试（{type(exc).__name__}）")]
    )


def open_workbook(path: Path) -> Workbook:
    path = Path(path)
    if not path.exists():
        raise ImportRejected([RowError("", 0, "", f"找不到文件：{path}")])
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _worksheet_parts(archive)
            errors = [e for name, member in parts.items() if (e := _oversized(archive, name, member))]
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        # (RuntimeError: an encrypted member; NotImplementedError: an unknown compression)
        raise _not_a_workbook(path, exc) from exc
    if errors:
        raise ImportRejected(errors)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _not_a_workbook(path, exc) from exc
    return Workbook(path, book, parts)


# --- where the sheets are, and how big they say they are ---------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Id -> zip member of the part's relationships (targets resolved against the part)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    out = {}
    for el in ElementTree.fromstring(archive.read(rels)).iter():
        if _local(el.tag) == "Relationship" and el.get("TargetMode") != "External":
            target = el.get("Target") or ""
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[el.get("Id")] = member
    return out


def _worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML in the zip. A file this cannot make sense of is left to
    openpyxl, which says it is not a workbook; worksheets found without a name are
    named after their file, so that none escapes the size check."""
    parts: dict[str, str] = {}
    try:
        workbook = next(
            (m for m in _relationships(archive, "").values() if m.endswith(".xml") and "workbook" in m.lower()),
            "xl/workbook.xml",
        )
        rels = _relationships(archive, workbook)
        for el in ElementTree.fromstring(archive.read(workbook)).iter():
            if _local(el.tag) == "sheet" and rels.get(el.get(_REL_ID)) in archive.NameToInfo:
                parts[el.get("name") or ""] = rels[el.get(_REL_ID)]
    except (KeyError, ElementTree.ParseError):
        pass
    known = set(parts.values())
    for member in archive.namelist():
        if member.startswith("xl/worksheets/") and member.endswith(".xml") and member not in known:
            parts[posixpath.basename(member)] = member
    return parts


def _ref_extent(ref: str) -> tuple[int, int] | None:
    """The last row and column a <dimension ref> reaches (A1:XFD1048576 -> 1048576, 16384)."""
    m = _REF.match(ref.strip().upper())
    if not m or not ref.strip():
        return None
    rows = [int(x) for x in (m.group(2), m.group(4)) if x]
    cols = [column_index_from_string(x) for x in (m.group(1), m.group(3)) if x]
    if not rows or not cols:
        return None  # a whole-column or whole-row ref: leave it to the scan and the reading
    return max(rows), max(cols)


def _oversized(archive: zipfile.ZipFile, name: str, member: str) -> RowError | None:
    """The refusal of a sheet that declares (or, without a declaration, holds) more rows
    or columns than the limits; None when it is within them."""
    with archive.open(member) as source:
        head = source.read(HEAD_BYTES)
    data_at = _SHEET_DATA.search(head)
    m = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
    if m:
        ref = m.group(1).decode("ascii", "replace")
        extent = _ref_extent(ref)
        if extent is None:
            return None
        rows, cols = extent
        if rows > MAX_ROWS or cols > MAX_COLUMNS:
            return RowError(
                name,
                0,
                "",
                f"工作表声明的数据范围是 {ref}（到第 {rows} 行、第 {cols} 列），超过导入上限"
                f"（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列），文件未读取。常见原因是整行、整列设置了格式，"
                "或在很远处有一个单元格；请删除数据以外的行和列（或把数据复制到新的工作簿），保存后再导入",
            )
        return None
    # No declaration in the head: look at the row and cell tags themselves.
    found = _scan_extent(archive, member)
    if found is None:
        return None
    row, col = found
    return RowError(name, 0 if row > MAX_ROWS else row, "", _too_big_message(row, col))


def _too_big_message(row: int, col: int) -> str:
    if row > MAX_ROWS:
        return (
            f"工作表在第 {MAX_ROWS} 行之后仍有内容或格式，超过导入上限 {MAX_ROWS} 行，文件未读取；"
            "请删除多余的行（或把台账分成几个文件分别导入），保存后再导入"
        )
    return (
        f"这一行的单元格（内容或格式）一直到第 {col} 列（{get_column_letter(col)} 列），超过导入上限 {MAX_COLUMNS} 列，"
        "文件未读取；请删除数据右侧多余的列，保存后再导入"
    )


def _pieces(archive: zipfile.ZipFile, member: str, cut_at):
    """The member's bytes in pieces; `cut_at(buffer)` says where a piece may end (an index,
    or -1 to read on), so that no tag or cell is ever cut in two."""
    carry = b""
    with archive.open(member) as source:
        while True:
            block = source.read(CHUNK)
            if not block:
                break
            buffer = carry + block
            cut = cut_at(buffer)
            if cut <= 0:
                carry = buffer
                continue
            yield buffer[:cut]
            carry = buffer[cut:]
    if carry:
        yield carry


def _chunks(archive: zipfile.ZipFile, member: str):
    """Pieces that end just before a '<' (XML text and attribute values cannot hold one)."""
    return _pieces(archive, member, lambda buffer: buffer.rfind(b"<"))


def _scan_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int] | None:
    """(row, column) of the first row or cell tag past the limits, or None (whole sheet read)."""
    row = col = 0
    for chunk in _chunks(archive, member):
        for m in _ROW_OR_CELL.finditer(chunk):
            r = _R_ATTR.search(m.group(2))
            if m.group(1) == b"row":
                row = int(r.group(2)) if r else row + 1
                col = 0
                if row > MAX_ROWS:
                    return row, col
            else:
                col = column_index_from_string(r.group(1).decode().upper()) if r and r.group(1) else col + 1
                if col > MAX_COLUMNS:
                    return row, col
    return None


# --- reading a sheet ---------------------------------------------------------------------------


def read_sheet(workbook: Workbook, sheet: str, required: list[str], optional: list[str]) -> list[SheetRow]:
    """Rows of `sheet` (blank rows skipped) with the known columns only."""
    names = {_header_key(n): n for n in workbook.sheetnames}
    if _header_key(sheet) not in names:
        raise ImportRejected(
            [RowError(sheet, 0, "", f"工作簿中没有名为「{sheet}」的工作表（现有：{'、'.join(workbook.sheetnames)}）")]
        )
    title = names[_header_key(sheet)]
    ws = workbook[title]
    ws.reset_dimensions()  # read the rows that are there, not the ones the file declares (checked above)
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    _within_limits(sheet, 1, header)
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
    columns = list(positions.items())
    width = max(positions.values()) + 1
    for number, values in enumerate(rows, start=2):
        _within_limits(sheet, number, values)
        if len(values) < width:  # a row ends at its last cell that has anything in it
            values = (*values, *(None,) * (width - len(values)))
        cells = {name: values[i] for name, i in columns}
        if all(v is None or normalise_text(v) == "" for v in cells.values()):
            continue
        out.append(SheetRow(number, cells))
    member = workbook.parts.get(title)
    if member is not None:
        columns = {i + 1: name for name, i in positions.items()}
        uncached = _uncached_formulas(workbook.path, member, columns)
        if uncached:
            raise ImportRejected(
                [
                    RowError(sheet, row, columns[col], f"这一格是公式，但文件里没有保存它的计算结果；{SAVE_IN_EXCEL}")
                    for row, col in uncached
                ]
            )
    return out


def _within_limits(sheet: str, number: int, values: tuple) -> None:
    if number > MAX_ROWS or len(values) > MAX_COLUMNS:
        row = 0 if number > MAX_ROWS else number
        raise ImportRejected([RowError(sheet, row, "", _too_big_message(number, len(values)))])


def _uncached_formulas(path: Path, member: str, columns: dict[int, str]) -> list[tuple[int, int]]:
    """(row, column) of the formula cells in `columns` whose result was never saved.

    A cell with <f> and no <v> has none; nor has an empty <v/> unless the result is
    text (t="str": an empty text is a result). A sheet without any <f> tag — the
    usual ledger, typed by hand — costs one byte search; one with formulas, a regular
    expression over its cells (an XML parse when a formula cell has no address)."""
    with zipfile.ZipFile(path) as archive:
        found: list[tuple[int, int]] = []
        for chunk in _row_chunks(archive, member):
            if b"<f" not in chunk and b":f" not in chunk:  # no <f> nor <x:f> tag: twice as fast as the pattern
                continue
            if not _FORMULA_TAG.search(chunk):
                continue
            for m in _CELL.finditer(chunk):
                body = m.group(2)
                if not body or not _FORMULA_TAG.search(body):
                    continue
                ref = _R_ATTR.search(m.group(1))
                if ref is None or not ref.group(1):
                    return _uncached_formulas_parsed(archive, member, columns)
                col = column_index_from_string(ref.group(1).decode().upper())
                if col in columns and _no_result(m.group(1), body):
                    found.append((int(ref.group(2)), col))
        return found


_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?v>)", re.S)
_TYPE_STR = re.compile(rb"""\bt\s*=\s*["']str["']""")
_ROW_END = re.compile(rb"</(?:[\w.-]+:)?row>")


def _no_result(attributes: bytes, body: bytes) -> bool:
    value = _VALUE.search(body)
    return value is None or (not value.group(1) and not _TYPE_STR.search(attributes))


def _row_chunks(archive: zipfile.ZipFile, member: str):
    """Pieces that end with a row's end tag, so no cell is ever cut."""

    def after_last_row(buffer: bytes) -> int:
        ends = buffer.rfind(b"row>")
        last = None
        if ends >= 0:
            for last in _ROW_END.finditer(buffer, max(0, ends - 64)):
                pass
        return last.end() if last is not None else -1

    return _pieces(archive, member, after_last_row)


def _uncached_formulas_parsed(archive: zipfile.ZipFile, member: str, columns: dict[int, str]) -> list[tuple[int, int]]:
    """The same, by parsing the XML (cells without an address are counted along their row)."""
    found = []
    row = col = 0
    with archive.open(member) as source:
        for event, el in ElementTree.iterparse(source, events=("start", "end")):
            tag = _local(el.tag)
            if event == "start":
                if tag == "row":
                    row = int(el.get("r") or row + 1)
                    col = 0
                continue
            if tag == "c":
                m = _CELL_REF.match(el.get("r") or "")
                col = column_index_from_string(m.group(1).upper()) if m else col + 1
                if col in columns:
                    children = {_local(child.tag): child for child in el}
                    value = children.get("v")
                    if "f" in children and (value is None or (not value.text and el.get("t") != "str")):
                        found.append((row, col))
                el.clear()
            elif tag == "row":
                el.clear()
                if row > MAX_ROWS:
                    break
    return found

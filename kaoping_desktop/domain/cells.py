"""Spreadsheet cell safety shared by every workbook the program writes."""

from __future__ import annotations

# Text starting with these would be run as a formula by Excel (CSV/formula injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def put_text(cell, text: str) -> None:
    """Store `text` in an openpyxl cell as text, exactly as given.

    Formula-like text gets the cell's quote-prefix style, as Excel does when one
    types '=1+1: the spreadsheet shows and keeps =1+1 as text, with no visible
    apostrophe, and a re-import reads the original text.
    """
    cell.value = text
    cell.data_type = "s"  # never a formula ("=…") nor an error value ("#N/A")
    if formula_like(text):
        cell.quotePrefix = True


def unescape_formula(text: str) -> str:
    """Files exported by versions before 0.2, which escaped with a visible apostrophe,
    read back as they were written."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text

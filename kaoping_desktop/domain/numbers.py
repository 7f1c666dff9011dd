"""Exact scores: Fractions inside, half-up rounding to two decimals only at the edge."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from fractions import Fraction

CENT = Decimal("0.01")


@lru_cache(maxsize=8192)  # a month's tables repeat a few hundred distinct values thousands of times
def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact value half away from zero (scores are never negative, so half up)."""
    return Decimal(_rounded_units(value, places)).scaleb(-places)


@lru_cache(maxsize=8192)  # the JSON asks for the same few hundred values as integers
def _rounded_units(value: Fraction, places: int) -> int:
    """value × 10^places rounded half away from zero, in integers only (no Fraction steps)."""
    numerator, denominator = abs(value.numerator) * 10**places, value.denominator
    whole, rest = divmod(numerator, denominator)
    if 2 * rest >= denominator:
        whole += 1
    return -whole if value < 0 else whole


def display(value: Fraction, places: int = 2) -> str:
    """Two-decimal text for people: 92.15, 8.00."""
    return f"{round_half_up(value, places):.{places}f}"


def json_number(value: Fraction) -> int | float:
    """A rounded score for results JSON: 8 rather than 8.0, 92.15 as typed.

    The value is rounded exactly first; the float only carries the two-decimal
    result to the JSON text, where its shortest repr is exactly those digits.
    """
    cents = _rounded_units(value, 2)
    if cents % 100 == 0:
        return cents // 100
    sign, cents = ("-" if cents < 0 else ""), abs(cents)
    return float(f"{sign}{cents // 100}.{cents % 100:02d}")  # the digits as text: exact


def to_text(value: Fraction) -> str:
    """Lossless text form for storage: "19/3" or "92.15"-like when it terminates."""
    if value.denominator == 1:
        return str(value.numerator)
    d = value.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        return str(Decimal(value.numerator) / Decimal(value.denominator))
    return f"{value.numerator}/{value.denominator}"


@lru_cache(maxsize=8192)  # a closed month's snapshot repeats the same few hundred values
def from_text(text: str) -> Fraction:
    """Inverse of to_text ("19/3", "92.15", "100"); parsed by hand, Fraction(str) is slow."""
    if "/" in text:
        numerator, denominator = text.split("/")
        return Fraction(int(numerator), int(denominator))
    if "." in text and "e" not in text.lower():
        whole, decimals = text.split(".")
        return Fraction(int(whole + decimals), 10 ** len(decimals))
    return Fraction(text)

"""Editing the rule catalogue: every edit is a new version effective from a month."""

from __future__ import annotations

from ..domain.calendar import parse_month
from ..domain.records import replace
from ..domain.standards import STANDARD_LABELS, Standard, StandardSet, check_standard
from ..store import catalogue, repository
from .errors import InputError, MonthClosedError


def standard_set() -> StandardSet:
    return catalogue.load_standard_set()


def save_new_version(standard: Standard, effective_month: str, note: str = "") -> Standard:
    """Store an edited standard as a new version taking effect from `effective_month`."""
    month = parse_month(effective_month)
    problems = check_standard(standard, {e.code for e in catalogue.load_evidence()})
    if problems:
        raise InputError("评分标准有误：" + "；".join(problems))
    locked = sorted(m for m in repository.closed_months() if m >= month)
    if locked:
        raise MonthClosedError(locked[-1])
    version = replace(standard, version=catalogue.next_version_number(standard.kind), effective_month=month)
    with repository.transaction(month):
        catalogue.save_version(version, note=note)
        repository.audit(
            "新版本评分标准",
            "standard",
            standard.kind,
            {"version": version.version, "effective_month": month, "note": note},
        )
    return version


def describe_version(std: Standard) -> str:
    return f"{STANDARD_LABELS[std.kind]}标准 第{std.version}版（{std.effective_month} 起施行）"

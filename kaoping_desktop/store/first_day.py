"""Small questions the first-day guide asks the database (each a cheap EXISTS)."""

from __future__ import annotations

from .models import Incident, ScoringMonth, ServiceWindow, Setting


def has_windows() -> bool:
    return ServiceWindow.select(ServiceWindow.id).exists()


def has_incidents() -> bool:
    return Incident.select(Incident.id).exists()


def has_closed_month() -> bool:
    return ScoringMonth.select(ScoringMonth.id).where(ScoringMonth.closed == True).exists()  # noqa: E712


def setting_stored(key: str) -> bool:
    """Was this setting ever written (a default that was never changed has no row)?"""
    return Setting.select(Setting.key).where(Setting.key == key).exists()


__all__ = ["has_closed_month", "has_incidents", "has_windows", "setting_stored"]

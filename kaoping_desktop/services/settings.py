"""The center's settings: name, grades, 红旗窗口 count, signature titles."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..domain.settings import Grade, ScoringSettings
from ..store import repository
from ..store.models import database
from .errors import InputError


@dataclass(frozen=True)
class AppSettings:
    center_name: str
    grades: tuple[Grade, ...]
    red_flag_count: int
    signature_titles: tuple[str, ...]


def load_settings() -> AppSettings:
    return AppSettings(
        center_name=repository.get_setting("center_name"),
        grades=repository.scoring_settings().grades,
        red_flag_count=int(repository.get_setting("red_flag_count")),
        signature_titles=tuple(repository.get_setting("signature_titles")),
    )


def save_settings(new: AppSettings) -> None:
    if not new.center_name.strip():
        raise InputError("中心名称不能为空")
    titles = [t.strip() for t in new.signature_titles if t.strip()]
    if not titles:
        raise InputError("签字栏至少要有一个职务")
    try:
        ScoringSettings(grades=new.grades, red_flag_count=new.red_flag_count).validate()
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    with database.atomic():
        repository.set_setting("center_name", new.center_name.strip())
        repository.set_setting("grades", [[g.name, str(g.minimum)] for g in new.grades])
        repository.set_setting("red_flag_count", int(new.red_flag_count))
        repository.set_setting("signature_titles", titles)


__all__ = ["AppSettings", "Grade", "Fraction", "load_settings", "save_settings"]

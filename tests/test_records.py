"""domain/records.py: frozen value classes behave as @dataclass(frozen=True) would."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from kaoping_desktop.domain.records import FrozenInstanceError, field, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: dict = field(default_factory=dict, compare=False)
    note: str = field(default="", repr=False)


@record
class Indexed:
    items: tuple
    _by_name: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {name: i for i, name in enumerate(self.items)})


@dataclasses.dataclass(frozen=True)
class SamePoint:
    x: int
    y: int = 0
    tags: dict = dataclasses.field(default_factory=dict, compare=False)
    note: str = dataclasses.field(default="", repr=False)


def test_init_defaults_and_factories_as_dataclasses_make_them():
    p = Point(1)
    assert (p.x, p.y, p.tags, p.note) == (1, 0, {}, "")
    assert Point(1).tags is not Point(1).tags, "a fresh dict per instance, as default_factory gives"
    assert Point(1, 2, {"a": 1}) == Point(x=1, y=2) != Point(1, 2, note="n")
    with pytest.raises(TypeError):
        Point()  # x has no default
    with pytest.raises(TypeError):
        Point(1, z=3)


def test_equality_hash_and_repr_follow_the_compared_fields():
    assert Point(1, 2) == Point(1, 2, {"ignored": True})
    assert Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(Point(1, 2, {"x": 1})) == hash(SamePoint(1, 2))
    assert Point(1, 2) != SamePoint(1, 2), "another class is never equal"
    assert repr(Point(1, 2)) == repr(SamePoint(1, 2)).replace("SamePoint", "Point")
    assert {Point(1), Point(1), Point(2)} == {Point(1), Point(2)}


def test_frozen_after_init_and_post_init_runs():
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2
    with pytest.raises(AttributeError):  # FrozenInstanceError is one, as with dataclasses
        del p.y
    i = Indexed(("a", "b"))
    assert i._by_name == {"a": 0, "b": 1}
    assert i == Indexed(("a", "b")) and "_by_name" not in repr(i)
    assert p.__dict__ == {"x": 1, "y": 0, "tags": {}, "note": ""}  # the audit log writes it


def test_replace_copies_records_and_dataclasses():
    p = replace(Point(1, 2, {"t": 1}, "n"), y=5)
    assert (p.x, p.y, p.tags, p.note) == (1, 5, {"t": 1}, "n")
    assert replace(Indexed(("a",)), items=("b", "c"))._by_name == {"b": 0, "c": 1}
    assert replace(SamePoint(1), y=3) == SamePoint(1, 3)
    with pytest.raises(TypeError):
        replace(Point(1), z=1)


def test_a_field_without_default_after_one_with_is_refused():
    with pytest.raises(TypeError):

        @record
        class Wrong:
            a: int = 0
            b: int


def test_scoring_loads_neither_dataclasses_nor_inspect():
    """What the records are for: a reading command's start-up (see records.py)."""
    code = (
        "import sys, kaoping_desktop.services, kaoping_desktop.domain.results_io;"
        "print(sorted(m for m in ('dataclasses', 'inspect', 'typing', 'peewee') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

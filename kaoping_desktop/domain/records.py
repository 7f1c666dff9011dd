"""Frozen value classes, as `@dataclass(frozen=True)` makes them, without the dataclasses module.

Importing dataclasses imports inspect (ast, dis, tokenize…) and each class it builds
compiles six methods: together about a sixth of `results --month`'s run on a real
center. The domain's value classes that scoring uses are built here instead: an
`__init__` compiled once per class from the annotated fields (defaults and
`field(default_factory=…, init=False, repr=False, compare=False)` as in dataclasses,
then `__post_init__`), and `__repr__`, `__eq__` and `__hash__` over the fields, shared.
Assigning to a field afterwards raises FrozenInstanceError, as with dataclasses.
"""

from __future__ import annotations

_MISSING = object()


class FrozenInstanceError(AttributeError):
    """A field of a frozen record was assigned to."""


class _Field:
    __slots__ = ("name", "default", "default_factory", "init", "repr", "compare")

    def __init__(self, default=_MISSING, default_factory=_MISSING, init=True, repr=True, compare=True):
        self.name = ""
        self.default, self.default_factory = default, default_factory
        self.init, self.repr, self.compare = init, repr, compare


def field(*, default=_MISSING, default_factory=_MISSING, init=True, repr=True, compare=True):
    """A field with a default factory, or left out of __init__, repr or comparison."""
    return _Field(default, default_factory, init, repr, compare)


def _fields_of(cls) -> list[_Field]:
    found: dict[str, _Field] = {}
    for base in reversed(cls.__mro__[1:]):  # a record's own base records come first
        for f in getattr(base, "__record_fields__", ()):
            found[f.name] = f
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, _MISSING)
        f = value if isinstance(value, _Field) else _Field(default=value)
        f.name = name
        found[name] = f
        if isinstance(value, _Field):  # the class attribute is the default, or nothing
            if f.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
    return list(found.values())


def _init_source(fields: list[_Field], post_init: bool) -> tuple[str, dict]:
    """The source of __init__ and the names it needs (defaults, factories). The instance's
    dict is built in one literal and set once: a field at a time costs twice as much."""
    names: dict = {"_set": object.__setattr__, "_MISSING": _MISSING}
    params, body, values = ["self"], [], []
    for f in fields:
        default, factory = f"_default_{f.name}", f"_factory_{f.name}"
        names[default], names[factory] = f.default, f.default_factory
        if not f.init:  # from its factory or default, never passed
            if f.default_factory is not _MISSING:
                values.append(f"{f.name!r}: {factory}()")
            elif f.default is not _MISSING:
                values.append(f"{f.name!r}: {default}")
            continue
        if f.default is not _MISSING:
            params.append(f"{f.name}={default}")
        elif f.default_factory is not _MISSING:
            params.append(f"{f.name}=_MISSING")
            body.append(f"if {f.name} is _MISSING: {f.name} = {factory}()")
        elif any("=" in p for p in params[1:]):
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        else:
            params.append(f.name)
        values.append(f"{f.name!r}: {f.name}")
    body.append(f"_set(self, '__dict__', {{{', '.join(values)}}})")
    if post_init:
        body.append("self.__post_init__()")
    lines = "\n    ".join(body)
    return f"def __init__({', '.join(params)}):\n    {lines}\n", names


def record(cls):
    """Make `cls` a frozen value class (see the module's doc)."""
    fields = _fields_of(cls)
    source, names = _init_source(fields, hasattr(cls, "__post_init__"))
    exec(source, names)  # one small function per class, compiled once
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    compared = tuple(f.name for f in fields if f.compare)
    shown = tuple(f.name for f in fields if f.repr)

    def __repr__(self):
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in compared)

    def __hash__(self):
        return hash(tuple(getattr(self, n) for n in compared))

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    cls.__init__ = init
    cls.__repr__, cls.__eq__, cls.__hash__ = __repr__, __eq__, __hash__
    cls.__setattr__, cls.__delattr__ = __setattr__, __delattr__
    cls.__record_fields__ = tuple(fields)
    cls.__match_args__ = tuple(f.name for f in fields if f.init)
    return cls


def replace(obj, **changes):
    """A copy of `obj` with some fields changed: a record, or a dataclass (dataclasses.replace)."""
    if not hasattr(obj, "__record_fields__"):
        import dataclasses

        return dataclasses.replace(obj, **changes)
    values = {f.name: getattr(obj, f.name) for f in obj.__record_fields__ if f.init}
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field(s) {sorted(unknown)} to replace")
    values.update(changes)
    return type(obj)(**values)

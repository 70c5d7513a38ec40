"""``@record``: the part of ``dataclasses`` the service database uses, without importing it.

Why: ``dataclasses`` brings ``inspect``, ``ast``, ``dis``, ``tokenize`` and
``enum`` into PID 1, which compiles the database at every container boot:
about 10 ms of start-up for generated ``__init__``/``__eq__``/``__repr__``.
Fields are the class's annotations, in order; a default is the class
attribute, ``factory(list)`` for a fresh mutable one.  Fields whose name
starts with ``_`` are left out of equality and ``asdict`` (caches).
"""
from __future__ import annotations


class factory:  # noqa: N801 - reads like dataclasses.field(default_factory=...)
    __slots__ = ("make",)

    def __init__(self, make) -> None:
        self.make = make


def record(cls):
    names = list(cls.__dict__.get("__annotations__", {}))
    defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
    public = tuple(n for n in names if not n.startswith("_"))

    def __init__(self, *args, **kw):
        if len(args) > len(names):
            raise TypeError(f"{cls.__name__}() takes {len(names)} positional arguments")
        for n, v in zip(names, args):
            setattr(self, n, v)
        for n in names[len(args):]:
            if n in kw:
                v = kw.pop(n)
            elif n in defaults:
                d = defaults[n]
                v = d.make() if isinstance(d, factory) else d
            else:
                raise TypeError(f"{cls.__name__}() missing argument: {n!r}")
            setattr(self, n, v)
        if kw:
            raise TypeError(f"{cls.__name__}() got unexpected arguments: {sorted(kw)}")

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in public)

    def __repr__(self):
        return f"{cls.__name__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in public) + ")"

    cls.__init__ = __init__
    cls.__eq__ = __eq__
    cls.__repr__ = __repr__
    cls.__hash__ = None
    cls._fields = public
    for n, d in defaults.items():
        if isinstance(d, factory):
            delattr(cls, n)
    return cls


def asdict(obj) -> dict:
    """Public fields; lists and dicts copied (one level: what the database holds)."""
    out = {}
    for n in obj._fields:
        v = getattr(obj, n)
        out[n] = list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
    return out

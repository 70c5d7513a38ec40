"""Just enough of PEP 440 specifiers and PEP 508 markers to vet vendored distributions.

Pure.  Two questions only: does a distribution's ``Requires-Python`` admit
every Python the overlay promises (the floor, e.g. 3.9, and later), and may
a ``Requires-Dist`` line apply on Linux/CPython at or above that floor (then
its distribution must be vendored too).  Anything not understood counts as
"may apply" / "not admitted", so the build fails loudly rather than ship
something broken.
"""
from __future__ import annotations

import re

MAX_MINOR = 20  # 3.floor .. 3.20 stand for "every Python 3 from the floor on"
_CLAUSE = re.compile(r"\s*(~=|===|==|!=|<=|>=|<|>)\s*([0-9][0-9.]*(?:\.\*)?)\s*$")
_MARKER = re.compile(r"""\s*([a-z_]+)\s*(===|==|!=|<=|>=|<|>|not in|in)\s*(['"])(.*?)\3\s*""")
LINUX_CPYTHON = {"platform_system": "Linux", "sys_platform": "linux", "os_name": "posix",
                 "platform_python_implementation": "CPython", "implementation_name": "cpython",
                 "extra": ""}


def _ver(s: str) -> tuple[int, ...]:
    return tuple(int(x) for x in s.split(".") if x)


def _cmp(op: str, have: tuple[int, ...], want: str) -> bool:
    if want.endswith(".*"):
        prefix = _ver(want[:-2])
        same = have[:len(prefix)] == prefix
        return same if op == "==" else (not same if op == "!=" else False)
    w = _ver(want)
    n = max(len(have), len(w))
    h, w = have + (0,) * (n - len(have)), w + (0,) * (n - len(w))
    if op == "~=":
        return h >= w and h[:len(_ver(want)) - 1] == w[:len(_ver(want)) - 1]
    return {"==": h == w, "===": h == w, "!=": h != w, "<": h < w, "<=": h <= w,
            ">": h > w, ">=": h >= w}[op]


def admits(spec: str | None, version: tuple[int, ...]) -> bool:
    """Does the specifier set (``>=3.7, !=3.0.*``) accept this version?  None/"" accepts all."""
    for clause in filter(None, (c.strip() for c in (spec or "").split(","))):
        m = _CLAUSE.match(clause)
        if not m or not _cmp(m.group(1), version, m.group(2)):
            return False
    return True


def admits_from(spec: str | None, floor: tuple[int, int]) -> bool:
    """Accepted by every 3.x from the floor on (x.y.0 of each minor)?"""
    return all(admits(spec, (3, minor, 0)) for minor in range(floor[1], MAX_MINOR + 1))


def _atom(text: str, env: dict[str, str]) -> bool:
    m = _MARKER.fullmatch(text)
    if not m or m.group(1) not in env:
        raise ValueError(text)
    var, op, value = m.group(1), m.group(2), m.group(4)
    have = env[var]
    if op in ("in", "not in"):
        return (have in value) == (op == "in")
    if var.startswith("python"):
        return _cmp(op, _ver(have), value)
    return {"==": have == value, "===": have == value, "!=": have != value}.get(op, False)


def _evaluate(marker: str, env: dict[str, str]) -> bool:
    if "(" in marker:
        raise ValueError(marker)
    return any(all(_atom(a, env) for a in re.split(r"\band\b", alt))
               for alt in re.split(r"\bor\b", marker))


def requirement_applies(line: str, floor: tuple[int, int]) -> bool:
    """May ``Requires-Dist: NAME ...; MARKER`` apply to an install without extras?"""
    _, _, marker = line.partition(";")
    if not marker.strip():
        return True
    for minor in range(floor[1], MAX_MINOR + 1):
        env = dict(LINUX_CPYTHON, python_version=f"3.{minor}", python_full_version=f"3.{minor}.0")
        try:
            if _evaluate(marker.strip(), env):
                return True
        except ValueError:
            return True
    return False


def requirement_name(line: str) -> str:
    """The normalised distribution name of a ``Requires-Dist`` line."""
    return normalise(re.split(r"[\s;<>=!~\[(]", line.strip(), maxsplit=1)[0])


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

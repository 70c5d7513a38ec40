"""Bracket expressions, read the way glibc reads them, computed as byte sets.

Inside brackets glibc has its own token rules, and they decide which
patterns are refused: a backslash is literal; ``[:name:]``, ``[.name.]`` and
``[=name=]`` take a name of at most ``_NAME_MAX`` bytes and only the names
the C locale knows (the twelve classes, single-byte collating symbols); a
``-`` is literal first or just before the ``]`` and must make a range
anywhere else (``[a-c-e]`` is refused), as in glibc's ``parse_bracket_exp``;
a range's end points must be single bytes, in order.  The result is one byte
set (bytesets.py); a negated set holds '\\n' (REG_NEWLINE's use drops it).
"""

from __future__ import annotations

from .bytesets import _ALL, _CLASSES, _span
from .limits import _NAME_MAX, EREError

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Union


def _bpeek(p: bytes, i: int) -> tuple[str, int, int]:
    """(kind, byte, length) of the bracket token at i."""
    if i >= len(p):
        return "end", 0, 0
    c = p[i]
    if c == 0x5B:
        c2 = p[i + 1] if i + 1 < len(p) else 0
        if c2 in b".=:":
            return {0x2E: "coll", 0x3D: "equiv", 0x3A: "class"}[c2], c2, 2
        return "char", c, 1
    if c == 0x2D:
        return "range", c, 1
    if c == 0x5D:
        return "close", c, 1
    if c == 0x5E:
        return "hat", c, 1
    return "char", c, 1


def _symbol(p: bytes, i: int, delim: int) -> tuple[bytes, int]:
    """Read NAME of [.NAME.] etc.; i is just after the opening pair."""
    n = len(p)
    if i >= n:
        raise EREError("Unmatched [, [^, [:, [., or [=")
    name = bytearray()
    while True:
        if len(name) >= _NAME_MAX:
            raise EREError("Unmatched [, [^, [:, [., or [=")
        ch = p[i]
        i += 1
        if i >= n:
            raise EREError("Unmatched [, [^, [:, [., or [=")
        if ch == delim and p[i] == 0x5D:
            return bytes(name), i + 1
        name.append(ch)


def _element(p: bytes, kind: str, c: int, ln: int, i: int,
             accept_hyphen: bool) -> tuple[str, Union[int, bytes], int]:
    """One bracket element: ("char", byte) or (kind, name); returns new i."""
    i += ln
    if kind in ("coll", "equiv", "class"):
        name, i = _symbol(p, i, c)
        return kind, name, i
    if kind == "range" and not accept_hyphen:
        if _bpeek(p, i)[0] != "close":
            raise EREError("Invalid range end")
    return "char", c, i


def _single(kind: str, val: Union[int, bytes]) -> int:
    """Collation value of a range end point (C locale: the byte)."""
    if kind == "char":
        assert isinstance(val, int)
        return val
    if kind in ("equiv", "class"):
        raise EREError("Invalid range end")
    assert isinstance(val, bytes)
    if len(val) != 1:
        raise EREError("Invalid collation character")
    return val[0]


def _bracket(p: bytes, i: int) -> tuple[int, int]:
    """The byte set of the bracket expression at p[i:] (just after its '['),
    and the index just after its ']'."""
    kind, c, ln = _bpeek(p, i)
    if kind == "end":
        raise EREError("Unmatched [, [^, [:, [., or [=")
    mask = 0
    negate = False
    if kind == "hat":
        negate = True
        i += ln
        kind, c, ln = _bpeek(p, i)
        if kind == "end":
            raise EREError("Unmatched [, [^, [:, [., or [=")
    if kind == "close":
        kind = "char"
    first = True
    while True:
        skind, sval, i = _element(p, kind, c, ln, i, first)
        first = False
        kind, c, ln = _bpeek(p, i)
        is_range = False
        if skind not in ("class", "equiv"):
            if kind == "end":
                raise EREError("Unmatched [ or [^")
            if kind == "range":
                k2, c2, ln2 = _bpeek(p, i + ln)
                if k2 == "end":
                    raise EREError("Unmatched [ or [^")
                if k2 == "close":
                    kind = "char"  # a '-' just before ']' is literal
                else:
                    i += ln
                    is_range = True
        if is_range:
            ekind, evalue, i = _element(p, k2, c2, ln2, i, True)
            kind, c, ln = _bpeek(p, i)
            lo = _single(skind, sval)
            hi = _single(ekind, evalue)
            if lo > hi:
                raise EREError("Invalid range end")
            mask |= _span(lo, hi)
        elif skind == "char":
            assert isinstance(sval, int)
            mask |= 1 << sval
        elif skind == "class":
            assert isinstance(sval, bytes)
            if sval not in _CLASSES:
                raise EREError("Invalid character class name")
            mask |= _CLASSES[sval]
        else:  # coll / equiv: in the C locale only single bytes exist
            assert isinstance(sval, bytes)
            if len(sval) != 1:
                raise EREError("Invalid collation character")
            mask |= 1 << sval[0]
        if kind == "end":
            raise EREError("Unmatched [ or [^")
        if kind == "close":
            break
    if negate:
        # '\n' stays in: REG_NEWLINE (s6-log) drops it later (printer.py, nfa.py),
        # a whole C string (eltest) may hold one
        mask = _ALL & ~mask
    return mask, i + ln

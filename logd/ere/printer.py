"""Printing the tree as Python ``re`` syntax that means exactly the same thing.

Every literal and every bracket expression is spelt out byte by byte (only
alphanumerics, ``_`` and space go unescaped), so no Python-only syntax can
leak through: a glibc literal never becomes a Python escape, class or flag.
Byte sets are printed as plain character classes (or ``.``, ``\\d``, ``\\w``,
a single byte, a negated class when shorter), which is also what ``re`` runs
fastest.  A line holds neither '\\n' nor NUL, so sets drop both and a
literal '\\n' matches nothing, which also makes the output safe for the
multi-line form.

Anchors get the Python spelling of glibc's meaning: ``\\<`` and ``\\>`` become
a ``\\b`` with a look-around, and ``\\B``, which fails in Python on an empty
subject where glibc's matches, gets that case added.  Groups capture only
when a back-reference needs them (``capture``).
"""

from __future__ import annotations

from .bytesets import _ALL, _DIGIT, _NL, _NUL, _WORD
from .tree import Node


def _esc(c: int) -> bytes:
    if 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A or c == 0x5F:
        return bytes((c,))
    if c == 0x20:
        return b" "
    if 0x20 < c < 0x7F:
        return b"\\" + bytes((c,))
    return b"\\x%02x" % c


def _ranges(mask: int) -> list[tuple[int, int]]:
    out = []
    c = 0
    while c < 256:
        if (mask >> c) & 1:
            start = c
            while c < 256 and (mask >> c) & 1:
                c += 1
            out.append((start, c - 1))
        else:
            c += 1
    return out


def _class_body(rs: list[tuple[int, int]]) -> bytes:
    parts = []
    for lo, hi in rs:
        if lo == hi:
            parts.append(_esc(lo))
        elif hi == lo + 1:
            parts.append(_esc(lo) + _esc(hi))
        else:
            parts.append(_esc(lo) + b"-" + _esc(hi))
    return b"".join(parts)


_EVERY_LINE_BYTE = _ALL & ~_NL & ~_NUL


def _set_src(mask: int) -> bytes:
    # A line holds neither '\n' nor NUL: drop both, which also makes the
    # class safe for the multi-line form.
    mask &= _EVERY_LINE_BYTE
    if mask == _EVERY_LINE_BYTE:
        return b"."
    if mask == 0:
        return b"[^\\x00-\\xff]"
    if mask & (mask - 1) == 0:
        return _esc(mask.bit_length() - 1)
    if mask == _DIGIT:
        return b"\\d"
    if mask == _WORD:
        return b"\\w"
    pos = _ranges(mask)
    neg = _ranges(_ALL & ~mask & ~_NUL)  # NUL may match either way
    if len(neg) < len(pos):
        return b"[^" + _class_body(neg) + b"]"
    return b"[" + _class_body(pos) + b"]"


_ANCHOR_SRC = {
    "^": b"^",
    "$": b"$",
    "b": b"\\b",
    # Python's \B fails on an empty subject string; glibc's matches there
    "B": b"(?:\\B|^$)",
    "<": b"\\b(?=\\w)",
    ">": b"\\b(?<=\\w)",
}

# precedence of a printed fragment
_ATOM, _SEQ, _ALTS = 0, 1, 2


class _Printer:
    """emit(node) -> (source, precedence), so parentheses go only where needed."""

    def __init__(self, capture: bool) -> None:
        self.capture = capture

    def emit(self, node: Node) -> tuple[bytes, int]:
        k = node[0]
        if k == "lit":
            if node[1] == 0x0A:  # a line never contains one
                return b"[^\\x00-\\xff]", _ATOM
            return _esc(node[1]), _ATOM
        if k == "set":
            return _set_src(node[1]), _ATOM
        if k == "any":
            return b".", _ATOM
        if k == "anchor":
            src = _ANCHOR_SRC[node[1]]
            return src, (_ATOM if src in (b"^", b"$", b"\\b") else _SEQ)
        if k == "bref":
            return b"(?:\\%d)" % node[1], _ATOM
        if k == "empty":
            return b"", _SEQ
        if k == "group":
            inner, _ = self.emit(node[2])
            return (b"(" if self.capture else b"(?:") + inner + b")", _ATOM
        if k == "void":
            inner, _ = self.emit(node[1])
            return b"(?:" + inner + b"){0}", _ATOM
        if k == "cat":
            parts = []
            for x in node[1]:
                s, prec = self.emit(x)
                parts.append(b"(?:" + s + b")" if prec == _ALTS else s)
            return b"".join(parts), _SEQ
        if k == "alt":
            return b"|".join(self.emit(x)[0] for x in node[1]), _ALTS
        if k == "rep":
            s, prec = self.emit(node[1])
            if prec != _ATOM or node[1][0] in ("anchor", "rep"):
                s = b"(?:" + s + b")"
            lo, hi = node[2], node[3]
            if (lo, hi) == (0, None):
                q = b"*"
            elif (lo, hi) == (1, None):
                q = b"+"
            elif (lo, hi) == (0, 1):
                q = b"?"
            elif hi is None:
                q = b"{%d,}" % lo
            elif lo == hi:
                q = b"{%d}" % lo
            else:
                q = b"{%d,%d}" % (lo, hi)
            return s + q, _ATOM
        raise AssertionError(k)

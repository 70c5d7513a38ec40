"""POSIX extended regular expressions on top of Python's re (pure logic).

Enough for eltest's ``=~``: bracket expressions with character classes
(``[[:digit:]]``), a literal ``]`` first in a bracket, and backslashes that
are literal inside brackets.  Python-only syntax (``(?``, ``\\d``...) is
not given a meaning it does not have in POSIX.
"""
from __future__ import annotations

import re

_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "blank": " \\t", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
    "punct": "!-/:-@\\[-`{-~", "space": " \\t\\n\\r\\f\\v", "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}


def _bracket(p: str, i: int) -> tuple[str, int]:
    """Translate a bracket expression starting after '['; return (text, index after ']')."""
    out = ["["]
    if i < len(p) and p[i] == "^":
        out.append("^")
        i += 1
    first = True
    while i < len(p):
        c = p[i]
        if c == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        first = False
        if c == "[" and i + 1 < len(p) and p[i + 1] == ":":
            end = p.find(":]", i + 2)
            if end < 0 or p[i + 2:end] not in _CLASSES:
                raise re.error("bad class")
            out.append(_CLASSES[p[i + 2:end]])
            i = end + 2
            continue
        out.append("\\" + c if c in "\\[]^" else c)
        i += 1
    raise re.error("unmatched [")


def translate(p: str) -> str:
    """A Python pattern equivalent to the POSIX ERE p."""
    out: list[str] = []
    i = 0
    while i < len(p):
        c = p[i]
        if c == "[":
            text, i = _bracket(p, i + 1)
            out.append(text)
            continue
        if c == "\\" and i + 1 < len(p):
            nxt = p[i + 1]
            out.append("\\" + nxt if not nxt.isalnum() else re.escape(nxt))
            i += 2
            continue
        if c == "(" and p.startswith("(?", i):
            out.append("\\(")
        elif c == "{" and not re.match(r"\{[0-9]+(,[0-9]*)?\}", p[i:]):
            out.append("\\{")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def compile_ere(p: str) -> re.Pattern[str] | None:
    """Compile a POSIX ERE, or None if it is invalid."""
    try:
        return re.compile(translate(p), re.DOTALL)
    except (re.error, RecursionError):
        return None

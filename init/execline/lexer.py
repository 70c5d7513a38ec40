"""execlineb's lexer: script text -> one argv, with blocks quoted.

Pure logic, no I/O.  The rules were pinned against execline 2.9.3.0
(supervision.md §11.2 and the differential tests):

* words are separated by spaces and every ASCII control character (\\x01 to
  \\x1f: tabs, newlines, \\r...); newlines do not end commands: the whole
  script is one command line; a NUL byte ends the script, as the end of the
  text does (execline's reader knows no other end);
* ``#`` starts a comment only as the first character of an unquoted word;
* ``\\`` escapes the next character (outside quotes too); a backslash that
  starts a word and is followed by a newline or the end of the script is
  dropped; inside a word, a backslash at the end of the script is an error;
* ``"..."`` may be glued to other text and may be empty; inside it ``\\a \\b
  \\t \\n \\v \\f \\r``, ``\\0xHH`` (1-2 hex digits), ``\\0ooo`` (1-3 octal
  digits) and ``\\ddd`` (1-3 decimal digits, first not 0) are recognised; a
  numeric escape worth 0 or more than 255 is an error, one from 128 up is
  that raw byte (carried as a surrogate escape, so os.fsencode gives it
  back); backslash-newline disappears;
* a word that is exactly an unquoted ``{`` opens a block and disappears, an
  unquoted ``}`` closes it and becomes the empty word; every word is prefixed
  with one space per open block (execline's block quoting).
"""
from __future__ import annotations

WHITESPACE = "".join(map(chr, range(1, 33)))
_SIMPLE = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r"}
_HEX = "0123456789abcdefABCDEF"
_OCT = "01234567"
_DEC = "0123456789"


class ParseError(Exception):
    """A syntax error; str() is execlineb's message text."""


def _numeric(text: str, i: int, n: int) -> tuple[str, int]:
    """Decode a numeric escape whose first character (after ``\\``) is at i."""
    if text[i] == "0":
        i += 1
        if i >= n:
            raise ParseError("syntax error")
        if text[i] == "x":
            digits, base, maxlen = _HEX, 16, 2
            i += 1
        elif text[i] in _OCT:
            digits, base, maxlen = _OCT, 8, 3
        else:
            raise ParseError("syntax error")
    else:
        digits, base, maxlen = _DEC, 10, 3
    start = i
    while i < n and i - start < maxlen and text[i] in digits:
        i += 1
    if i == start:
        raise ParseError("syntax error")
    value = int(text[start:i], base)
    if value == 0 or value > 255:
        raise ParseError("syntax error")
    return byte_char(value), i


def byte_char(value: int) -> str:
    """The str standing for one byte: ASCII as itself, 128-255 surrogate-escaped."""
    return chr(value) if value < 128 else chr(0xDC00 + value)


def _quoted(text: str, i: int, n: int, out: list[str]) -> int:
    """Read a quoted string whose opening quote is at i-1; return the index after it."""
    while True:
        if i >= n:
            raise ParseError("syntax error")
        c = text[i]
        if c == '"':
            return i + 1
        if c != "\\":
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= n:
            raise ParseError("syntax error")
        c = text[i]
        if c in _SIMPLE:
            out.append(_SIMPLE[c])
            i += 1
        elif c == "\n":
            i += 1
        elif c in _DEC:
            ch, i = _numeric(text, i, n)
            out.append(ch)
            if i >= n:  # execline accepts a numeric escape cut by the end
                return i
        else:
            out.append(c)
            i += 1


def words(text: str) -> list[str]:
    """Split a script into raw words; braces come back as the marker strings."""
    result: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in WHITESPACE:
            i += 1
        if i >= n:
            return result
        c = text[i]
        if c == "#":
            nl = text.find("\n", i)
            if nl < 0:
                return result
            i = nl + 1
            continue
        if c == "\\" and (i + 1 >= n or text[i + 1] == "\n"):
            i += 2
            continue
        start = i
        out: list[str] = []
        while i < n:
            c = text[i]
            if c in WHITESPACE:
                break
            if c == "\\":
                if i + 1 >= n:
                    raise ParseError("syntax error")
                out.append(text[i + 1])
                i += 2
            elif c == '"':
                i = _quoted(text, i + 1, n, out)
            else:
                out.append(c)
                i += 1
        raw = text[start:i]
        if raw == "{":
            result.append(_OPEN)
        elif raw == "}":
            result.append(_CLOSE)
        else:
            result.append("".join(out))


class _Marker(str):
    """A brace token: compares unequal to any real word (identity is checked)."""


_OPEN = _Marker("{")
_CLOSE = _Marker("}")


def parse(text: str) -> list[str]:
    """Lex a script into execlineb's argv (blocks quoted with leading spaces).

    Raises ParseError("unmatched {"), ("unmatched }") or ("syntax error").
    A ``{`` that ends the script is a syntax error, as in execline 2.9.3.
    """
    argv: list[str] = []
    level = 0
    text = text.split("\0", 1)[0]
    toks = words(text)
    for tok in toks:
        if tok is _OPEN:
            level += 1
        elif tok is _CLOSE:
            level -= 1
            if level < 0:
                raise ParseError("unmatched }")
            argv.append(" " * level)
        else:
            argv.append(" " * level + tok if level else tok)
    if level:
        if text.endswith("{") and toks and toks[-1] is _OPEN:
            raise ParseError("syntax error")
        raise ParseError("unmatched {")
    return argv

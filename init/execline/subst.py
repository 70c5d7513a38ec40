"""execline's variable substitution and value transformation (pure logic).

``substitute(argv, table)`` rewrites every word of argv where a key of the
table appears as ``${key}`` or ``$key`` (the latter only when the key is
followed by ``$``, ``{``, ``}`` or the end of the word: ``$Fx`` is the key
``Fx``).  A value is a list of words: one word for a plain value, several for
a split one, none for an unset variable, which makes the whole word vanish.
Several references in one word multiply, leftmost varying slowest.
Backslashes right before a reference quote it: 2n of them give n backslashes
then the value, 2n+1 give n backslashes then the literal reference.
Substituted text is never rescanned (parallel substitution).

``transform(value, ...)`` applies crunching, chomping and splitting, in that
order, as the substitution commands' ``-C -n -s -d`` options ask.
"""
from __future__ import annotations

from itertools import product

DEFAULT_DELIMS = " \n\r\t"
_STOP = "${}"


class NetstringError(ValueError):
    """A value that was to be decoded as netstrings (-d "") is not valid."""


def _refs(word: str, table: dict[str, list[str]]) -> list[tuple[int, int, str]]:
    """(start, end, key) of every reference to a known key in word."""
    found: list[tuple[int, int, str]] = []
    i = word.find("$")
    n = len(word)
    while 0 <= i < n - 1:
        if word[i + 1] == "{":
            j = i + 2
            while j < n and word[j] not in _STOP:
                j += 1
            if j < n and word[j] == "}" and word[i + 2:j] in table:
                found.append((i, j + 1, word[i + 2:j]))
                i = word.find("$", j + 1)
                continue
        else:
            j = i + 1
            while j < n and word[j] not in _STOP:
                j += 1
            if j > i + 1 and word[i + 1:j] in table:
                found.append((i, j, word[i + 1:j]))
                i = word.find("$", j)
                continue
        i = word.find("$", i + 1)
    return found


def substitute_word(word: str, table: dict[str, list[str]]) -> list[str]:
    """The words that one word becomes."""
    if "$" not in word:
        return [word]
    refs = _refs(word, table)
    if not refs:
        return [word]
    pieces = [""]   # literal texts around the substituted references
    keys: list[str] = []
    pos = 0
    for start, end, key in refs:
        bs = 0
        while start - bs - 1 >= pos and word[start - bs - 1] == "\\":
            bs += 1
        pieces[-1] += word[pos:start - bs] + "\\" * (bs // 2)
        if bs % 2:
            pieces[-1] += word[start:end]
        else:
            keys.append(key)
            pieces.append("")
        pos = end
    pieces[-1] += word[pos:]
    if not keys:
        return ["".join(pieces)]
    values = [table[k] for k in keys]
    out: list[str] = []
    for combo in product(*values):
        parts = [pieces[0]]
        for k, v in enumerate(combo):
            parts.append(v)
            parts.append(pieces[k + 1])
        out.append("".join(parts))
    return out


def substitute(argv: list[str], table: dict[str, list[str]]) -> list[str]:
    """Substitute every key of table in argv (one parallel pass)."""
    if not table:
        return list(argv)
    out: list[str] = []
    for word in argv:
        if "$" in word:
            out.extend(substitute_word(word, table))
        else:
            out.append(word)
    return out


def _netstrings(value: str) -> list[str]:
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        colon = value.find(":", i)
        if colon <= i or not value[i:colon].isdigit():
            raise NetstringError(value)
        size = int(value[i:colon])
        end = colon + 1 + size
        if end >= n or value[end] != ",":
            raise NetstringError(value)
        out.append(value[colon + 1:end])
        i = end + 1
    return out


def transform(value: str, split: bool = False, delims: str = DEFAULT_DELIMS,
              crunch: bool = False, chomp: bool = False) -> list[str]:
    """Crunch, chomp, then split a value into the words it substitutes to."""
    if split and delims == "":
        return _netstrings(value)
    if crunch and delims and value:
        buf: list[str] = []
        prev = False
        for c in value:
            isd = c in delims
            if not (isd and prev):
                buf.append(c)
            prev = isd
        value = "".join(buf)
    ended = bool(value) and value[-1] in delims
    if chomp and ended:
        value = value[:-1]
    if not split:
        return [value]
    out: list[str] = []
    cur: list[str] = []
    for c in value:
        if c in delims:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    if cur and not (chomp and not ended):
        out.append("".join(cur))
    return out

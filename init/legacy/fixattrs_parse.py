"""fix-attrs.d lines, as the shell's ``read globex recurse userentry fmode dmode`` splits them (pure).

Backslash escapes a character (and joins lines), fields split on blanks,
the last field takes the rest of the line.  Empty lines and lines whose
first word is exactly ``#`` are skipped; ``#foo`` is a path (init.md §12.1).
"""
from __future__ import annotations

FIELDS = 5


class Rule:
    __slots__ = ("lineno", "paths", "recurse", "account", "fmode", "dmode")

    def __init__(self, lineno: int, paths: list[str], recurse: bool, account: str,
                 fmode: str, dmode: str) -> None:
        self.lineno = lineno
        self.paths = paths          # globs, as the unquoted $globex splits
        self.recurse = recurse
        self.account = account
        self.fmode = fmode
        self.dmode = dmode


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join backslash-newline continuations; keep the first line number."""
    out: list[tuple[int, str]] = []
    buf, start = "", 0
    for n, line in enumerate(text.split("\n"), 1):
        if not buf:
            start = n
        if _ends_with_escape(line):
            buf += line[:-1]
            continue
        out.append((start, buf + line))
        buf = ""
    if buf:
        out.append((start, buf))
    return out


def _ends_with_escape(line: str) -> bool:
    k = len(line) - len(line.rstrip("\\"))
    return k % 2 == 1


def read_fields(line: str, count: int = FIELDS) -> list[str]:
    """``read`` without -r: escapes removed, IFS splitting, remainder in the last field."""
    fields: list[str] = []
    cur: list[str] = []
    in_field = False
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t" and (len(fields) < count - 1 or not in_field):
            if in_field:
                fields.append("".join(cur))
                cur, in_field = [], False
            i += 1
            continue
        if c == "\\" and i + 1 < n:
            cur.append(line[i + 1])
            in_field = True
            i += 2
            continue
        if c == "\\":
            i += 1
            continue
        cur.append(c)
        in_field = True
        i += 1
    if in_field:
        last = "".join(cur)
        fields.append(last.rstrip(" \t") if len(fields) == count - 1 else last)
    return fields + [""] * (count - len(fields))


def parse(text: str) -> list[Rule]:
    rules = []
    for lineno, line in _logical_lines(text):
        globex, recurse, account, fmode, dmode = read_fields(line)
        if not globex or globex == "#":
            continue
        rules.append(Rule(lineno, globex.split(), recurse == "true", account, fmode, dmode))
    return rules


def mode(text: str) -> int | None:
    """s6-chmod's octal mode, None if invalid."""
    if not text or any(c not in "01234567" for c in text) or len(text) > 6:
        return None
    return int(text, 8)

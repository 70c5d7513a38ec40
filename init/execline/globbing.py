"""elglob's globbing: glob(3) semantics on top of Python's glob module.

Differences handled here: backslash quotes a metacharacter (unless -e),
results are unsorted (directory order) unless -s, -m marks directories with a
trailing slash, and a pattern matching nothing stands for itself unless -0.
"""
from __future__ import annotations

import glob
import os

from .errors import fatal, warn


def _translate(pattern: str, noescape: bool) -> str:
    """Turn glob(3) backslash quoting into Python glob's bracket quoting."""
    if noescape or "\\" not in pattern:
        return pattern
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(f"[{nxt}]" if nxt in "*?[" else nxt)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def glob_words(pattern: str, flags: set[str], prog: str) -> list[str]:
    """The words elglob substitutes for pattern."""
    try:
        found = glob.glob(_translate(pattern, "e" in flags))
    except OSError as e:
        if "w" in flags:
            raise fatal(prog, 111, f"unable to glob: {os.strerror(e.errno or 0)}") from None
        if "v" in flags:
            warn(prog, f"while globbing, error reading {pattern}: {os.strerror(e.errno or 0)}")
        found = []
    if "s" in flags:
        found.sort()
    if "m" in flags:
        found = [f + "/" if os.path.isdir(f) and not f.endswith("/") else f for f in found]
    if not found and "0" not in flags:
        return [pattern]
    return found

"""Number scanning with skalibs' rules, so bad arguments fail (or pass)
exactly where s6-socklog's do.

``scan_uint32`` reads decimal digits and stops *before* a digit that would
overflow 32 bits; callers that want a whole argument check that the scan
consumed it all.  ``scan_gidlist`` reads numbers separated by any run of
``,:; \\t\\r\\n`` and stops at the first thing that is not a number, which
is why ``-G 1,x`` means {1} but ``-G x`` is an error.
"""

from __future__ import annotations

MAX_UINT32 = 0xFFFFFFFF
LIST_SEPARATORS = ",:; \t\r\n"


def scan_uint32(s: str, pos: int = 0) -> tuple[int, int]:
    """``(value, characters consumed)``; 0 consumed means no number."""
    value = 0
    i = pos
    n = len(s)
    while i < n:
        c = s[i]
        if not ("0" <= c <= "9"):
            break
        nv = value * 10 + (ord(c) - 48)
        if nv > MAX_UINT32:
            break
        value = nv
        i += 1
    return value, i - pos


def parse_uint32(s: str) -> int | None:
    """The value of a whole-string unsigned number, None if not one."""
    value, n = scan_uint32(s)
    if n == 0 or n != len(s):
        return None
    return value


def parse_uint16(s: str) -> int | None:
    v = parse_uint32(s)
    if v is None or v > 0xFFFF:
        return None
    return v


def scan_gidlist(s: str) -> tuple[list[int], int]:
    """``(gids, characters consumed)``."""
    out: list[int] = []
    i = 0
    n = len(s)
    while i < n:
        v, k = scan_uint32(s, i)
        if k == 0:
            break
        out.append(v)
        i += k
        while i < n and s[i] in LIST_SEPARATORS:
            i += 1
    return out, i


def parse_gidlist(s: str) -> list[int] | None:
    """A gid list as ``-G`` or ``GIDLIST`` takes it: empty is fine, a
    non-empty string that does not start with a number is not."""
    gids, n = scan_gidlist(s)
    if n == 0 and s:
        return None
    return gids

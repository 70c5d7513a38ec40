"""Repeats in the path algebra of segments.py: 2x2 matrices of path sets.

Seen from the two-state flag of segments.py, a repeat's operand is a 2x2
matrix ``m[s][t]``: the sub-pattern of its paths from entry state s to exit
state t (None: no such path).  Concatenation is the matrix product, ``x*``
the Kleene closure of that two-state automaton, ``x{lo,hi}`` the power
``m^lo`` times ``m^0 | .. | m^(hi-lo)`` (times the closure if unbounded).
Powers are computed by halving, which keeps the pattern polynomial in the
count (repeated multiplication would double it at every step), and the
common case of an operand that forgets the flag is spelt as a plain repeat.

Even so, the exact form can grow large (``(\\<x*|\\>()y*){20}``): beyond
``_SEGMENTS_MAX`` nodes ``_TooBig`` is raised, and _Segments falls back to
ignoring every anchor glibc may ignore (a difference documented on
``translate``).
"""

from __future__ import annotations

from .tree import _EMPTY, Node, _alt, _seq, _star

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Optional

Paths = dict[int, Node]  # exit state -> the sub-pattern of the paths to it
Matrix = list  # 2x2 of Optional[Node]: m[s][t] = the paths from s to t
_SEGMENTS_MAX = 20000  # nodes; beyond this we give up exactness (translate())


class _TooBig(Exception):
    pass


def _mul(a: Matrix, b: Matrix) -> Matrix:
    return [[_alt([_seq(a[s][u], b[u][t]) for u in (0, 1)]) for t in (0, 1)] for s in (0, 1)]


def _kleene(m: Matrix) -> Matrix:
    a, b = m[0]
    c, d = m[1]
    bc = _seq(b, _star(d), c)
    x = _star(_alt([a, bc]))
    cb = _seq(c, _star(a), b)
    y = _star(_alt([d, cb]))
    return [[x, _seq(x, b, _star(d))], [_seq(y, c, _star(a)), y]]


def _repeat(m: Matrix, lo: int, hi: Optional[int]) -> list[Paths]:
    """x{lo,hi} from each entry state (the list's index), x's matrix being m."""
    if m[0] == m[1] and (m[0][0] is None) != (m[0][1] is None):
        # every iteration forgets the flag and leaves it in state t
        t = 0 if m[0][0] is not None else 1
        q = m[0][t]
        assert q is not None
        res = []
        for s in (0, 1):
            if lo > 0 or s == t:
                res.append({t: ("rep", q, lo, hi)})
            else:
                res.append({s: _EMPTY, t: ("rep", q, 1, hi)})
        return res
    if m[0] == m[1]:
        # the iteration forgets the flag: R{lo-1,hi-1} then the last one
        row = m[0]
        r = _alt(row)
        res: list[Paths] = []
        for s in (0, 1):
            p: dict[int, list[Optional[Node]]] = {}
            if lo == 0:
                p.setdefault(s, []).append(_EMPTY)
            if hi is None or hi >= 1:
                a = max(lo - 1, 0)
                b = None if hi is None else hi - 1
                more = _EMPTY if (a, b) == (0, 0) or r is None else ("rep", r, a, b)
                for t in (0, 1):
                    if row[t] is not None and (r is not None or a == 0):
                        p.setdefault(t, []).append(_seq(more, row[t]))
            res.append({t: v for t, v in ((t, _alt(rs)) for t, rs in p.items()) if v is not None})
        return res
    # halving keeps the pattern polynomial in the count (repeated
    # multiplication would double it at every step)
    acc = _power(m, lo)
    if hi is None:
        acc = _mul(acc, _kleene(m))
    elif hi > lo:
        acc = _mul(acc, _upto(m, hi - lo))
    _check_size(acc)
    return [{t: acc[s][t] for t in (0, 1) if acc[s][t] is not None}  # type: ignore[misc]
            for s in (0, 1)]


def _power(m: Matrix, k: int) -> Matrix:
    if k == 0:
        return [[_EMPTY, None], [None, _EMPTY]]
    if k == 1:
        return m
    half = _power(m, k // 2)
    _check_size(half)
    sq = _mul(half, half)
    return _mul(sq, m) if k % 2 else sq


def _upto(m: Matrix, n: int) -> Matrix:
    """m^0 | m^1 | ... | m^n."""
    ident: Matrix = [[_EMPTY, None], [None, _EMPTY]]
    if n == 0:
        return ident
    if n % 2:
        # (1 | m | .. | m^j)(1 | m^(j+1)), with n = 2j+1
        j = n // 2
        low = _upto(m, j)
        _check_size(low)
        high = _power(m, j + 1)
        step = [[_alt([ident[s][t], high[s][t]]) for t in (0, 1)] for s in (0, 1)]
        return _mul(low, step)
    rest = _upto(m, n - 1)
    return [[_alt([ident[s][t], r]) for t, r in enumerate(row)]
            for s, row in enumerate(_mul(m, rest))]


def _check_size(m: Matrix) -> None:
    memo: dict = {}

    def size(n: Optional[Node]) -> int:
        if n is None:
            return 0
        key = id(n)
        if key not in memo:
            k = n[0]
            if k in ("cat", "alt"):
                memo[key] = 1 + sum(size(x) for x in n[1])
            elif k == "rep":
                memo[key] = 1 + size(n[1])
            elif k == "group":
                memo[key] = 1 + size(n[2])
            else:
                memo[key] = 1
        return memo[key]

    if sum(size(x) for row in m for x in row) > _SEGMENTS_MAX:
        raise _TooBig

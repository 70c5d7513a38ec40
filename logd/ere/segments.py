"""Which of glibc's ignored anchors count, decided path by path.

A refinement of anchors.py: an ignored anchor is still honoured when it is
reached, without consuming a byte, from an anchor glibc does honour (the
honoured anchor's condition is attached to everything up to the next byte,
and that walk collects the conditions of the anchors it passes).  So
whether an ignored anchor counts depends on the path, through a flag "an
honoured anchor was passed since the last byte".  _Segments rewrites the
tree as the product with that two-state flag: for every node and entry
state s it builds, per exit state t, the sub-pattern of the paths s -> t.
The result is an ordinary tree without marked anchors, which the printer
can spell; repeats are composed in repeat.py.
"""

from __future__ import annotations

from .repeat import Matrix, Paths, _check_size, _repeat, _TooBig
from .tree import _EMPTY, Node, _alt, _has_anchor, _nullable, _seq

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Optional


def _nonempty(n: Node) -> Optional[Node]:
    """The non-empty matches of an anchor-free n (None: there are none)."""
    k = n[0]
    if k in ("lit", "set", "any"):
        return n
    if k == "cat":
        alts: list[Optional[Node]] = []
        items = n[1]
        for i, x in enumerate(items):
            # the first byte comes from items[i]; the ones before match empty
            alts.append(_seq(_nonempty(x), *items[i + 1:]))
            if not _nullable(x):
                break
        return _alt(alts)
    if k == "alt":
        return _alt([_nonempty(x) for x in n[1]])
    if k == "group":
        return _nonempty(n[2])
    if k == "rep":
        y, lo, hi = n[1], n[2], n[3]
        if hi == 0:
            return None
        first = _nonempty(y)
        rest_lo = 0 if _nullable(y) else max(lo - 1, 0)
        rest_hi = None if hi is None else hi - 1
        if first is None:
            return None
        if (rest_lo, rest_hi) == (0, 0):
            return first
        return _seq(first, ("rep", y, rest_lo, rest_hi))
    return None  # empty, void


def _drop_dead(n: Node) -> Node:
    """Every anchor glibc may ignore, ignored (the fallback of _Segments)."""
    k = n[0]
    if k == "anchor":
        return _EMPTY if len(n) > 2 else n
    if k in ("cat", "alt"):
        return (k, [_drop_dead(x) for x in n[1]])
    if k == "group":
        return ("group", n[1], _drop_dead(n[2]))
    if k == "rep":
        return ("rep", _drop_dead(n[1]), n[2], n[3])
    return n


class _Segments:
    """The tree times the flag; paths memoized per (node, entry state)."""

    def __init__(self) -> None:
        self.memo: dict = {}

    def run(self, tree: Node) -> Node:
        try:
            out = _alt(list(self.paths(tree, 0).values()))
            _check_size([[out]])
        except _TooBig:
            return _drop_dead(tree)
        return _EMPTY if out is None else out

    def paths(self, n: Node, s: int) -> Paths:
        key = (id(n), s)
        if key not in self.memo:
            self.memo[key] = (n, self._paths(n, s))  # n: keeps id(n) alive
        return self.memo[key][1]

    def _paths(self, n: Node, s: int) -> Paths:
        k = n[0]
        if not _has_anchor(n):
            if s == 0:
                return {0: n}  # the flag stays down whatever n matches
            out: Paths = {}
            ne = _nonempty(n)
            if ne is not None:
                out[0] = ne
            if _nullable(n):
                out[1] = _EMPTY
            return out
        if k in ("empty", "void"):
            return {s: _EMPTY}
        if k == "anchor":
            if len(n) == 2:  # honoured: its condition, and the flag is set
                return {1: n}
            return {1: ("anchor", n[1])} if s else {0: _EMPTY}
        if k == "group":
            return self.paths(n[2], s)
        if k == "cat":
            cur: Paths = {s: _EMPTY}
            for x in n[1]:
                cur = self.then(cur, x)
            return cur
        if k == "alt":
            acc: dict[int, list[Optional[Node]]] = {}
            for x in n[1]:
                for t, r in self.paths(x, s).items():
                    acc.setdefault(t, []).append(r)
            return {t: v for t, v in ((t, _alt(rs)) for t, rs in acc.items()) if v is not None}
        if k == "rep":
            m = self.matrix(n[1])
            return _repeat(m, n[2], n[3])[s]
        raise AssertionError(k)

    def then(self, cur: Paths, x: Node) -> Paths:
        by_state = {u: self.paths(x, u) for u in cur}
        if len(cur) == 2 and by_state[0] == by_state[1]:
            # x forgets the flag: factor the prefix instead of copying it
            pre = _alt([cur[0], cur[1]])
            return {t: _seq(pre, r) for t, r in by_state[0].items()}  # type: ignore[misc]
        acc: dict[int, list[Optional[Node]]] = {}
        for u, pre in cur.items():
            for t, r in by_state[u].items():
                acc.setdefault(t, []).append(_seq(pre, r))
        return {t: v for t, v in ((t, _alt(rs)) for t, rs in acc.items()) if v is not None}

    def matrix(self, x: Node) -> Matrix:
        return [[self.paths(x, s).get(t) for t in (0, 1)] for s in (0, 1)]

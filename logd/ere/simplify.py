"""Simplification: a smaller tree that selects the same lines, for re's sake.

``re`` backtracks, so the shape of the pattern decides how long a line that
does not match takes: stacked repeats (``(a+)+``, ``a**``) are exponential
there.  When no back-reference depends on the groups (the translation keeps
the tree as parsed otherwise), groups are just parentheses, and
``_simplify`` folds them, folds stacked repeats into one when their counts
compose without gaps (``_compose``), and drops trivial and empty repeats.
Then ``_trim`` drops the leading and trailing optional parts an unanchored
search does not need.  This removes common slow cases, not all (see
``translate``).
"""

from __future__ import annotations

from .tree import _EMPTY, Node, _cat, _has_anchor, _nullable

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Optional


def _compose(a: int, b: Optional[int], c: int, d: Optional[int]) -> Optional[tuple[int, Optional[int]]]:
    """x{a,b}{c,d} as a single x{lo,hi}, or None when the counts have gaps."""
    if c == d:
        pass  # a single number of repetitions: an interval [c*a, c*b]
    elif b is None:
        if c == 0 and a > 1:
            return None
    elif a > c * (b - a) + 1:
        return None
    lo = a * c
    hi = None if (b is None or d is None) else b * d
    return lo, hi


def _simplify(node: Node, keep_zero_width: bool = False) -> Node:
    """Fold what needs no groups: parentheses, stacked and trivial repeats."""
    k = node[0]
    if k == "group":  # no back-references: groups are just parentheses
        return _simplify(node[2], keep_zero_width)
    if k == "cat":
        return _cat([_simplify(x, keep_zero_width) for x in node[1]])
    if k == "alt":
        return ("alt", [_simplify(x, keep_zero_width) for x in node[1]])
    if k == "void":
        return _EMPTY
    if k == "rep":
        inner = _simplify(node[1], keep_zero_width)
        lo, hi = node[2], node[3]
        if inner[0] == "empty":
            return _EMPTY
        if not keep_zero_width and _zero_width(inner):
            # repeating something that consumes nothing: zero or one time
            return _EMPTY if lo == 0 else inner
        if inner[0] == "rep":
            merged = _compose(inner[2], inner[3], lo, hi)
            if merged is not None:
                lo, hi = merged
                inner = inner[1]
        if lo == 1 and hi == 1:
            return inner
        return ("rep", inner, lo, hi)
    return node


def _zero_width(node: Node) -> bool:
    k = node[0]
    if k in ("anchor", "empty"):
        return True
    if k == "cat":
        return all(_zero_width(x) for x in node[1])
    if k == "alt":
        return all(_zero_width(x) for x in node[1])
    if k in ("group",):
        return _zero_width(node[2])
    if k in ("rep",):
        return _zero_width(node[1])
    return False


def _trim(tree: Node) -> Node:
    """Drop what an unanchored search does not need.

    A leading or trailing part that may match the empty string and holds no
    anchor cannot change the verdict (the match may start after it or end
    before it): ``.*foo.*`` selects the same lines as ``foo``, and ``re``
    is spared the backtracking.
    """
    if tree[0] == "alt":
        branches = [_trim(x) for x in tree[1]]
        # a branch that always matches makes the whole pattern match
        return _EMPTY if _EMPTY in branches else ("alt", branches)
    items = list(tree[1]) if tree[0] == "cat" else [tree]

    def optional(x: Node) -> bool:
        return not _has_anchor(x) and _nullable(x)

    while items and optional(items[0]):
        items.pop(0)
    while items:
        if optional(items[-1]):
            items.pop()
        elif items[-2:] == [("rep", ("any",), 0, None), ("anchor", "$")]:
            del items[-2:]  # .*$ reaches the end of any line
        else:
            break
    return _cat(items)

"""The parse tree as a Thompson NFA: the automaton matcher's input.

Why an NFA of our own: ``re`` backtracks, so a pattern such as
``^([a-z]+ ?)*$`` takes exponential time on a line that almost matches,
where glibc's matcher (an automaton) stays linear.  s6-log only needs "does
the line match", which an automaton answers in one pass over the line with
no backtracking at all; dfa.py determinizes this NFA lazily.

The NFA is built from the tree the translation passes produce (anchors.py,
segments.py, simplify.py: glibc's quirks are already in it), so the
translation stays the one judge of what matches.  Nodes live in parallel
lists, indexed by int, which keeps the closure loop in dfa.py cheap:

* ``BYTE``   consumes one byte of ``arg`` (a 256-bit mask), goes to ``out``;
* ``SPLIT``  goes to every node of ``arg`` (a tuple) without consuming;
* ``ASSERT`` goes to ``out`` if the anchor ``arg`` holds here;
* ``MATCH``  the pattern has matched.

The graph is built backwards (each node is made knowing its successor), so
no patch lists are needed.  Repeats are spelt out copy by copy, as glibc
does; ``MAX_NODES`` bounds what that may cost (the caller then keeps
``re`` alone for that pattern).
"""

from __future__ import annotations

from .bytesets import _ALL, _NL, _NUL

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from .tree import Node

BYTE, SPLIT, ASSERT, MATCH = range(4)
# anchor codes: ^ $ \< \> \b \B
BOL, EOL, WBEG, WEND, WB, NWB = range(6)
_ANCHOR_CODES = {"^": BOL, "$": EOL, "<": WBEG, ">": WEND, "b": WB, "B": NWB}

MAX_NODES = 6000  # beyond this the closure of a DFA state costs too much per byte


class TooBig(Exception):
    """The pattern's automaton would exceed MAX_NODES (repeats spelt out)."""


class Unsupported(Exception):
    """Back-references: no finite automaton can decide them."""


class NFA:
    """``kind``/``arg``/``out`` per node; ``start`` and ``uses_word`` for dfa.py.

    ``lines`` is True for s6-log's REG_NEWLINE use on single lines (a line
    holds neither newline nor NUL, so no mask contains them); False for a
    whole C string (eltest), where a newline is an ordinary byte.
    """

    __slots__ = ("kind", "arg", "out", "start", "uses_word", "lines")

    def __init__(self, lines: bool = True) -> None:
        self.kind: list[int] = []
        self.arg: list[object] = []
        self.out: list[int] = []
        self.start = -1
        self.uses_word = False
        self.lines = lines

    def add(self, kind: int, arg: object, out: int) -> int:
        if len(self.kind) >= MAX_NODES:
            raise TooBig
        self.kind.append(kind)
        self.arg.append(arg)
        self.out.append(out)
        return len(self.kind) - 1

    def __len__(self) -> int:
        return len(self.kind)


def build_nfa(tree: Node, lines: bool = True) -> NFA:
    """The NFA of ``tree``; raises Unsupported (back-references) or TooBig."""
    nfa = NFA(lines)
    strip = (_NL | _NUL) if lines else _NUL  # bytes a subject never holds
    any_mask = _ALL & ~strip  # '.': any byte a subject may hold
    match = nfa.add(MATCH, None, -1)

    def build(n: Node, nxt: int) -> int:
        k = n[0]
        if k == "lit":
            return nfa.add(BYTE, (1 << n[1]) & ~strip, nxt)
        if k == "set":
            return nfa.add(BYTE, n[1] & ~strip, nxt)
        if k == "any":
            return nfa.add(BYTE, any_mask, nxt)
        if k == "cat":
            for x in reversed(n[1]):
                nxt = build(x, nxt)
            return nxt
        if k == "alt":
            return nfa.add(SPLIT, tuple(build(x, nxt) for x in n[1]), -1)
        if k == "group":
            return build(n[2], nxt)
        if k == "rep":
            return repeat(n[1], n[2], n[3], nxt)
        if k == "anchor":
            if len(n) > 2:  # an anchor glibc ignores (see anchors.py)
                return nxt
            code = _ANCHOR_CODES[n[1]]
            if code >= WBEG:
                nfa.uses_word = True
            return nfa.add(ASSERT, code, nxt)
        if k in ("empty", "void"):
            return nxt
        if k == "bref":
            raise Unsupported
        raise AssertionError(k)

    def repeat(x: Node, lo: int, hi: int | None, nxt: int) -> int:
        if hi is None:
            loop = nfa.add(SPLIT, (), -1)
            nfa.arg[loop] = (build(x, loop), nxt)
            t = loop
        else:
            # x{0,k} as (x(x(...)?)?)?: every optional copy may end the run
            t = nxt
            for _ in range(hi - lo):
                t = nfa.add(SPLIT, (build(x, t), nxt), -1)
        for _ in range(lo):
            t = build(x, t)
        return t

    nfa.start = build(tree, match)
    return nfa

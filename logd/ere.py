"""POSIX extended regular expressions, as s6-log sees them, on top of Python's ``re``.

Why this exists: s6-log selects lines with ``regcomp(REG_EXTENDED | REG_NOSUB |
REG_NEWLINE)`` from glibc, in the C locale, and ``regexec`` as an unanchored
search over one line.  Users' scripts (and s6-overlay's own syslogd routing)
are written against that dialect, and it differs from Python's in ways that
silently change which lines are selected: ``\\d`` is a literal ``d``, a
backslash inside brackets is literal, ``[[:alpha:]]`` is a class, ``a+?`` is a
stacked repeat rather than a lazy one, ``a)`` is a literal parenthesis, and so
on.  Only the match/no-match decision matters (REG_NOSUB), so we do not need a
POSIX leftmost-longest engine: it is enough to hand ``re`` a pattern that
accepts exactly the same lines.  ``re`` is C code, so the per-line cost stays
low, which matters because this sits on the logger's hot path.

How: the pattern is parsed with the same grammar and the same token rules
glibc's parser applies to REG_EXTENDED (including its odd corners: what ends
an interval, which ``-`` is a range, which names a bracket symbol may have,
which back-references are "completed"), so that exactly the patterns glibc
refuses are refused.  The parse tree is then printed as Python syntax in which
every literal and every bracket expression is spelled out byte by byte, so no
Python-only syntax can leak through.  Bracket expressions are computed as
byte sets (the C locale is single-byte and its classes are ASCII-only) and
printed as plain character classes, which is also what ``re`` runs fastest.

Being exact also means copying glibc's bugs where they decide a verdict: glibc
ignores an anchor that precedes a node it copied to compile an interval or
``+`` (``(^a){2}``, which POSIX says never matches, selects "aa" like
``^aa``), and we reproduce that (see "glibc's dead anchors" below).

The multi-line form exists for the read loop's batch path: one ``finditer``
over a whole read instead of one ``search`` per line.  It is the same tree
printed so that nothing can match or cross a newline and anchors become line
anchors, which keeps the per-line decision exact; each match starts at the
newline before a selected line, so that the engine can jump from newline to
newline.

Differences from glibc that remain are documented on ``translate`` and pinned
by tests/logd/test_ere.py, which compares against the real glibc.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from collections.abc import Iterator

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Optional, Union

__all__ = ["EREError", "translate", "compile_ere", "translate_multiline", "MULTILINE_SCAN"]

# How translate_multiline() starts a pattern not anchored at line starts
MULTILINE_SCAN = b"(?m)\\n[^\\n]*"


class EREError(ValueError):
    """The pattern is one glibc's regcomp refuses (s6-log exits 100 on it)."""


# --------------------------------------------------------------------------
# byte sets (256-bit ints)

_ALL = (1 << 256) - 1
_NL = 1 << 0x0A
_NUL = 1


def _span(lo: int, hi: int) -> int:
    return ((1 << (hi - lo + 1)) - 1) << lo


def _bytes_set(chars: bytes) -> int:
    v = 0
    for c in chars:
        v |= 1 << c
    return v


_DIGIT = _span(0x30, 0x39)
_UPPER = _span(0x41, 0x5A)
_LOWER = _span(0x61, 0x7A)
_ALPHA = _UPPER | _LOWER
_ALNUM = _ALPHA | _DIGIT
_GRAPH = _span(0x21, 0x7E)
# The twelve names glibc knows, with their C-locale (ASCII) contents.
_CLASSES = {
    b"alnum": _ALNUM,
    b"alpha": _ALPHA,
    b"blank": _bytes_set(b" \t"),
    b"cntrl": _span(0, 31) | (1 << 127),
    b"digit": _DIGIT,
    b"graph": _GRAPH,
    b"lower": _LOWER,
    b"print": _span(0x20, 0x7E),
    b"punct": _GRAPH & ~_ALNUM,
    b"space": _span(9, 13) | (1 << 32),
    b"upper": _UPPER,
    b"xdigit": _DIGIT | _span(0x41, 0x46) | _span(0x61, 0x66),
}
_WORD = _ALNUM | (1 << 0x5F)

RE_DUP_MAX = 0x7FFF  # glibc's limit for interval counts
# Ours (glibc has none short of its stack): the passes below recurse along
# the nesting, and so does re's own compiler, which at its default recursion
# limit copes with about 480 levels of groups.
MAX_NESTING = 400
_RECURSION_LIMIT = 50 * MAX_NESTING


@contextlib.contextmanager
def _deep_recursion() -> Iterator[None]:
    """Room for MAX_NESTING levels in our passes and in re.compile."""
    old = sys.getrecursionlimit()
    if old < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    try:
        yield
    finally:
        if old < _RECURSION_LIMIT:
            sys.setrecursionlimit(old)
_NAME_MAX = 32  # glibc's buffer for [:name:] / [.name.] / [=name=]

# --------------------------------------------------------------------------
# parse tree
#
#   ("lit", byte)  ("set", mask)  ("any",)  ("anchor", kind)  ("bref", n)
#   ("group", n, node)  ("cat", [nodes])  ("alt", [nodes])  ("empty",)
#   ("rep", node, min, max_or_None)  ("void", node)   -- node{0}, kept for groups
#
# anchor kinds: "^" "$" (also \` and \'), "<" ">" "b" "B"; while glibc's
# quirks are worked out, ("anchor", kind, True) marks one glibc ignores.

Node = tuple
_EMPTY: Node = ("empty",)

# token types
_END, _CHAR, _ALT, _STAR, _PLUS, _QMARK, _ODUP, _CDUP = range(8)
_OPEN, _CLOSE, _BRACKET, _PERIOD, _ANCHOR, _BREF, _CLASS, _BSLASH = range(8, 16)

_SIMPLE = {
    ord("|"): _ALT,
    ord("*"): _STAR,
    ord("+"): _PLUS,
    ord("?"): _QMARK,
    ord("{"): _ODUP,
    ord("}"): _CDUP,
    ord("("): _OPEN,
    ord(")"): _CLOSE,
    ord("["): _BRACKET,
    ord("."): _PERIOD,
}
_ESC_ANCHORS = {ord("<"): "<", ord(">"): ">", ord("b"): "b", ord("B"): "B",
                ord("`"): "^", ord("'"): "$"}
_ESC_CLASSES = {ord("w"): _WORD, ord("W"): _ALL & ~_WORD,
                ord("s"): _CLASSES[b"space"], ord("S"): _ALL & ~_CLASSES[b"space"]}


class _Parser:
    """Recursive descent over glibc's ERE grammar; raises EREError like regcomp."""

    def __init__(self, pattern: bytes) -> None:
        self.p = pattern
        self.i = 0
        self.tok: tuple[int, object] = (_END, None)
        self.nsub = 0
        self.completed = 0  # bitmask of groups (0-based) a \N may refer to
        self.has_bref = False

    # -- tokens ----------------------------------------------------------
    def fetch(self) -> None:
        p, i = self.p, self.i
        if i >= len(p):
            self.tok = (_END, None)
            return
        c = p[i]
        if c == 0x5C:
            if i + 1 >= len(p):
                self.tok = (_BSLASH, None)
                self.i = i + 1
                return
            c2 = p[i + 1]
            self.i = i + 2
            if 0x31 <= c2 <= 0x39:
                self.tok = (_BREF, c2 - 0x30)
            elif c2 in _ESC_ANCHORS:
                self.tok = (_ANCHOR, _ESC_ANCHORS[c2])
            elif c2 in _ESC_CLASSES:
                self.tok = (_CLASS, _ESC_CLASSES[c2])
            else:
                self.tok = (_CHAR, c2)  # any other escape is the byte itself
            return
        self.i = i + 1
        if c == 0x5E:
            self.tok = (_ANCHOR, "^")
        elif c == 0x24:
            self.tok = (_ANCHOR, "$")
        else:
            self.tok = (_SIMPLE.get(c, _CHAR), c)

    # -- grammar ---------------------------------------------------------
    def parse(self) -> Node:
        self.fetch()
        tree = self.reg_exp(0)
        if self.tok[0] != _END:  # cannot happen at nest 0, kept as a guard
            raise EREError("trailing garbage")
        return tree

    def _ends_branch(self, nest: int) -> bool:
        t = self.tok[0]
        return t == _ALT or t == _END or (nest > 0 and t == _CLOSE)

    def reg_exp(self, nest: int) -> Node:
        initial = self.completed
        alts = [self.branch(nest)]
        while self.tok[0] == _ALT:
            self.fetch()
            if not self._ends_branch(nest):
                # a branch may only refer to groups closed before the
                # alternation started, not to those of its siblings
                acc = self.completed
                self.completed = initial
                alts.append(self.branch(nest))
                self.completed |= acc
            else:
                alts.append(_EMPTY)
        return alts[0] if len(alts) == 1 else ("alt", alts)

    def branch(self, nest: int) -> Node:
        items: list[Node] = []
        if not self._ends_branch(nest):
            items.append(self.expression(nest))
            while not self._ends_branch(nest):
                items.append(self.expression(nest))
        items = [x for x in items if x[0] != "empty"]
        if not items:
            return _EMPTY
        return items[0] if len(items) == 1 else ("cat", items)

    def expression(self, nest: int) -> Node:
        t, v = self.tok
        tree: Optional[Node]
        if t == _CHAR or t == _CDUP or t == _CLOSE:
            # at nest 0 an unmatched ')' is an ordinary character, as is '}'
            tree = ("lit", v)
        elif t == _OPEN:
            tree = self.sub_exp(nest + 1)
        elif t == _BRACKET:
            tree = self.bracket()
        elif t == _PERIOD:
            tree = ("any",)
        elif t == _CLASS:
            tree = ("set", v)
        elif t == _BREF:
            assert isinstance(v, int)
            if not (self.completed >> (v - 1)) & 1:
                raise EREError("Invalid back reference")
            self.has_bref = True
            tree = ("bref", v)
        elif t == _ANCHOR:
            # an anchor is never the operand of a repetition: a following
            # '*' starts the next expression and is refused there
            self.fetch()
            return ("anchor", v)
        elif t == _BSLASH:
            raise EREError("Trailing backslash")
        elif t in (_STAR, _PLUS, _QMARK, _ODUP):
            raise EREError("Invalid preceding regular expression")
        else:  # _ALT / _END are filtered by the callers
            raise AssertionError(t)
        self.fetch()
        while self.tok[0] in (_STAR, _PLUS, _QMARK, _ODUP):
            tree = self.dup_op(tree)
        return _EMPTY if tree is None else tree

    def sub_exp(self, nest: int) -> Node:
        if nest > MAX_NESTING:
            raise EREError("Parentheses nested too deeply (s6py's limit)")
        idx = self.nsub
        self.nsub += 1
        self.fetch()
        if self.tok[0] == _CLOSE:
            inner: Node = _EMPTY
        else:
            inner = self.reg_exp(nest)
            if self.tok[0] != _CLOSE:
                raise EREError("Unmatched ( or \\(")
        if idx < 9:
            self.completed |= 1 << idx
        return ("group", idx + 1, inner)

    def _number(self) -> tuple[int, tuple[int, object]]:
        """glibc's interval number reader: -1 none, -2 invalid, capped at MAX+1."""
        num = -1
        while True:
            self.fetch()
            t, v = self.tok
            if t == _END:
                return -2, self.tok
            if t == _CDUP or (t == _CHAR and v == 0x2C):
                return num, self.tok
            if t != _CHAR or not (0x30 <= v <= 0x39) or num == -2:  # type: ignore[operator]
                num = -2
            else:
                d = v - 0x30  # type: ignore[operator]
                num = d if num == -1 else min(RE_DUP_MAX + 1, num * 10 + d)

    def dup_op(self, elem: Optional[Node]) -> Optional[Node]:
        t = self.tok[0]
        hi: Optional[int]
        if t == _ODUP:
            lo, tok = self._number()
            is_comma = tok[0] == _CHAR and tok[1] == 0x2C
            if lo == -1:
                if not is_comma:
                    raise EREError("Invalid content of \\{\\}")
                lo = 0
            end = -2
            if lo != -2:
                if tok[0] == _CDUP:
                    end = lo
                elif is_comma:
                    end, tok = self._number()
            if lo == -2 or end == -2:
                if tok[0] == _END:
                    raise EREError("Unmatched \\{")
                raise EREError("Invalid content of \\{\\}")
            if (end != -1 and lo > end) or tok[0] != _CDUP:
                raise EREError("Invalid content of \\{\\}")
            if (lo if end == -1 else end) > RE_DUP_MAX:
                raise EREError("Regular expression too big")
            hi = None if end == -1 else end
        else:
            lo = 1 if t == _PLUS else 0
            hi = 1 if t == _QMARK else None
        self.fetch()
        if elem is None or elem[0] == "void":
            return elem  # a repeat of nothing is nothing
        if lo == 0 and hi == 0:
            # glibc drops the operand; a group inside it keeps its number
            # and is simply never set
            return ("void", elem) if _has_group(elem) else None
        if lo == 1 and hi == 1:
            return elem  # glibc returns the operand itself, not a copy
        return ("rep", elem, lo, hi)

    # -- bracket expressions ----------------------------------------------
    def _bpeek(self, i: int) -> tuple[str, int, int]:
        """(kind, byte, length) of the bracket token at i."""
        p = self.p
        if i >= len(p):
            return "end", 0, 0
        c = p[i]
        if c == 0x5B:
            c2 = p[i + 1] if i + 1 < len(p) else 0
            if c2 in b".=:":
                return {0x2E: "coll", 0x3D: "equiv", 0x3A: "class"}[c2], c2, 2
            return "char", c, 1
        if c == 0x2D:
            return "range", c, 1
        if c == 0x5D:
            return "close", c, 1
        if c == 0x5E:
            return "hat", c, 1
        return "char", c, 1

    def _symbol(self, i: int, delim: int) -> tuple[bytes, int]:
        """Read NAME of [.NAME.] etc.; i is just after the opening pair."""
        p, n = self.p, len(self.p)
        if i >= n:
            raise EREError("Unmatched [, [^, [:, [., or [=")
        name = bytearray()
        while True:
            if len(name) >= _NAME_MAX:
                raise EREError("Unmatched [, [^, [:, [., or [=")
            ch = p[i]
            i += 1
            if i >= n:
                raise EREError("Unmatched [, [^, [:, [., or [=")
            if ch == delim and p[i] == 0x5D:
                return bytes(name), i + 1
            name.append(ch)

    def _element(self, kind: str, c: int, ln: int, i: int,
                 accept_hyphen: bool) -> tuple[str, Union[int, bytes], int]:
        """One bracket element: ("char", byte) or (kind, name); returns new i."""
        i += ln
        if kind in ("coll", "equiv", "class"):
            name, i = self._symbol(i, c)
            return kind, name, i
        if kind == "range" and not accept_hyphen:
            if self._bpeek(i)[0] != "close":
                raise EREError("Invalid range end")
        return "char", c, i

    @staticmethod
    def _single(kind: str, val: Union[int, bytes]) -> int:
        """Collation value of a range end point (C locale: the byte)."""
        if kind == "char":
            assert isinstance(val, int)
            return val
        if kind in ("equiv", "class"):
            raise EREError("Invalid range end")
        assert isinstance(val, bytes)
        if len(val) != 1:
            raise EREError("Invalid collation character")
        return val[0]

    def bracket(self) -> Node:
        i = self.i
        kind, c, ln = self._bpeek(i)
        if kind == "end":
            raise EREError("Unmatched [, [^, [:, [., or [=")
        mask = 0
        negate = False
        if kind == "hat":
            negate = True
            i += ln
            kind, c, ln = self._bpeek(i)
            if kind == "end":
                raise EREError("Unmatched [, [^, [:, [., or [=")
        if kind == "close":
            kind = "char"
        first = True
        while True:
            skind, sval, i = self._element(kind, c, ln, i, first)
            first = False
            kind, c, ln = self._bpeek(i)
            is_range = False
            if skind not in ("class", "equiv"):
                if kind == "end":
                    raise EREError("Unmatched [ or [^")
                if kind == "range":
                    k2, c2, ln2 = self._bpeek(i + ln)
                    if k2 == "end":
                        raise EREError("Unmatched [ or [^")
                    if k2 == "close":
                        kind = "char"  # a '-' just before ']' is literal
                    else:
                        i += ln
                        is_range = True
            if is_range:
                ekind, evalue, i = self._element(k2, c2, ln2, i, True)
                kind, c, ln = self._bpeek(i)
                lo = self._single(skind, sval)
                hi = self._single(ekind, evalue)
                if lo > hi:
                    raise EREError("Invalid range end")
                mask |= _span(lo, hi)
            elif skind == "char":
                assert isinstance(sval, int)
                mask |= 1 << sval
            elif skind == "class":
                assert isinstance(sval, bytes)
                if sval not in _CLASSES:
                    raise EREError("Invalid character class name")
                mask |= _CLASSES[sval]
            else:  # coll / equiv: in the C locale only single bytes exist
                assert isinstance(sval, bytes)
                if len(sval) != 1:
                    raise EREError("Invalid collation character")
                mask |= 1 << sval[0]
            if kind == "end":
                raise EREError("Unmatched [ or [^")
            if kind == "close":
                break
        self.i = i + ln
        if negate:
            mask = _ALL & ~(mask | _NL)
        return ("set", mask)


def _has_group(node: Node) -> bool:
    k = node[0]
    if k == "group":
        return True
    if k in ("cat", "alt"):
        return any(_has_group(x) for x in node[1])
    if k in ("rep", "void"):
        return _has_group(node[1])
    return False


def _parse(pattern: bytes) -> tuple[Node, bool]:
    if not isinstance(pattern, (bytes, bytearray)):
        raise TypeError("pattern must be bytes")
    if 0 in pattern:
        # regcomp takes a C string: it could never see a NUL
        raise EREError("pattern contains a NUL byte")
    ps = _Parser(bytes(pattern))
    tree = ps.parse()
    tree = _GlibcAnchors(tree, ps.has_bref).run()
    if not ps.has_bref:
        tree = _trim(_simplify(tree))
    return tree, ps.has_bref


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


# --------------------------------------------------------------------------
# glibc's dead anchors
#
# glibc compiles x{n,m} (and x+, which is x{1,}) by copying x's parse tree,
# and flags every copied node "duplicated".  When it later attaches an
# anchor's condition to the node that follows the anchor, it skips that
# step if the following node carries the flag (the flag also marks the
# nodes this very step creates, to avoid doing it twice).  So an anchor
# whose successor is a copied node is simply ignored: (^a){2} behaves as
# ^aa, (\<a)+ as \<aa*, (a\>){2} as aa\>.  s6-log users get glibc's
# behaviour, so we reproduce it: anchors glibc ignores are marked (and then
# resolved by _Segments below), and a repeat whose operand holds an anchor
# is expanded copy by copy the way glibc expands it, so that each copy gets
# the right anchors.
#
# Whether a successor is a copy depends on glibc's tree: concatenation
# links each item to the first node of the next one; alternation branches
# and the operand of ? or {0,m} link to what follows the whole; the operand
# of * links back to the * node; the nodes glibc builds for a repeat (the *
# node, the optional parts) are fresh unless they are themselves inside a
# copy.  A group disappears (its contents stand for it) unless it is empty
# or a back-reference uses it, in which case its open/close nodes are
# built after the copying and are never flagged.


def _glibc_null(node: Node) -> bool:
    """True if glibc's parser returned no tree at all for this node."""
    k = node[0]
    if k in ("empty", "void"):
        return True
    if k == "cat":
        return all(_glibc_null(x) for x in node[1])
    return False


def _has_anchor(node: Node) -> bool:
    k = node[0]
    if k == "anchor":
        return True
    if k in ("cat", "alt"):
        return any(_has_anchor(x) for x in node[1])
    if k == "group":
        return _has_anchor(node[2])
    if k == "rep":
        return _has_anchor(node[1])
    return False  # "void" subtrees are freed by glibc


def _cat(parts: list[Node]) -> Node:
    out: list[Node] = []
    for x in parts:
        if x[0] == "cat":
            out.extend(x[1])
        elif x[0] != "empty":
            out.append(x)
    if not out:
        return _EMPTY
    return out[0] if len(out) == 1 else ("cat", out)


class _GlibcAnchors:
    def __init__(self, tree: Node, has_bref: bool) -> None:
        self.tree = tree
        self.capture = has_bref
        self.open: set = set()  # groups glibc keeps as open/close nodes
        self.dead = False  # did we find an anchor glibc ignores?
        self.memo: dict = {}
        self._groups(tree)

    def _groups(self, tree: Node) -> None:
        """Which groups survive as nodes (glibc's optimize/lower subexps)."""
        smap: dict = {}
        used = 0
        bodies: dict = {}

        def visit(n: Node) -> None:
            nonlocal used
            k = n[0]
            if k == "group":
                idx, body = n[1] - 1, n[2]
                if body[0] == "group":  # ((x)) is merged into one level
                    other = body[1] - 1
                    smap[other] = smap.get(idx, idx)
                    used &= ~(1 << other)
                    body = body[2]
                bodies[idx] = body
                visit(body)
            elif k == "bref":
                j = n[1] - 1
                used |= 1 << smap.get(j, j)
            elif k in ("cat", "alt"):
                for x in n[1]:
                    visit(x)
            elif k == "rep":
                visit(n[1])

        visit(tree)
        for idx, body in bodies.items():
            if _glibc_null(body) or (used >> idx) & 1:
                self.open.add(idx + 1)

    def run(self) -> Node:
        if self.capture or not _has_anchor(self.tree):
            # with back-references, the copies of a group would need
            # distinct numbers in Python: not reproduced (see translate())
            return self.tree
        tree = self.fix(self.tree, False, False)
        if self.dead:
            tree = _Segments().run(_simplify(tree, keep_zero_width=True))
        return tree

    def first_dup(self, n: Node, in_dup: bool) -> Optional[bool]:
        """Is the first glibc node of n a copy?  None: n has no node."""
        k = n[0]
        if k in ("empty", "void"):
            return None
        if k == "cat":
            for x in n[1]:
                f = self.first_dup(x, in_dup)
                if f is not None:
                    return f
            return None
        if k == "group":
            if n[1] in self.open:
                return False
            return self.first_dup(n[2], in_dup)
        if k == "rep":
            return in_dup if n[2] == 0 else self.first_dup(n[1], in_dup)
        return in_dup

    def fix(self, n: Node, in_dup: bool, next_dup: bool) -> Node:
        """n with the anchors glibc ignores marked; next_dup: successor is a copy."""
        key = (id(n), in_dup, next_dup)
        if key not in self.memo:
            self.memo[key] = (n, self._fix(n, in_dup, next_dup))  # n: keeps id(n) alive
        return self.memo[key][1]

    def _fix(self, n: Node, in_dup: bool, next_dup: bool) -> Node:
        k = n[0]
        if k == "anchor":
            if next_dup:
                self.dead = True
                return ("anchor", n[1], True)
            return n
        if k == "cat":
            items = n[1]
            out: list[Node] = [_EMPTY] * len(items)
            nd = next_dup
            for i in range(len(items) - 1, -1, -1):
                out[i] = self.fix(items[i], in_dup, nd)
                f = self.first_dup(items[i], in_dup)
                if f is not None:
                    nd = f
            return ("cat", [x for x in out if x[0] != "empty"] or [_EMPTY])
        if k == "alt":
            return ("alt", [self.fix(x, in_dup, next_dup) for x in n[1]])
        if k == "group":
            nd = False if n[1] in self.open else next_dup
            return ("group", n[1], self.fix(n[2], in_dup, nd))
        if k == "rep" and _has_anchor(n[1]):
            return self.expand(n[1], n[2], n[3], in_dup, next_dup)
        return n

    def expand(self, elem: Node, lo: int, hi: Optional[int], in_dup: bool,
               next_dup: bool) -> Node:
        """elem{lo,hi} spelt out the way glibc builds it (compact if no copy differs)."""
        copy_first = self.first_dup(elem, True)
        assert copy_first is not None
        opt_first = in_dup  # the * or ? node glibc creates for the optional part
        forms: list[Node] = []

        def form(ctx: bool, nd: bool) -> Node:
            f = self.fix(elem, ctx, nd)
            forms.append(f)
            return f

        parts: list[Node] = []
        if lo > 0:
            after = next_dup if hi == lo else opt_first
            if lo == 1:
                parts.append(form(in_dup, after))
            else:
                parts.append(form(in_dup, copy_first))
                if lo > 2:
                    parts.append(("rep", form(True, copy_first), lo - 2, lo - 2))
                parts.append(form(True, after))
        if hi != lo:
            ctx = True if lo > 0 else in_dup
            if hi is None:
                # the operand of * links back to the * node
                parts.append(("rep", form(ctx, opt_first), 0, None))
            elif hi - lo == 1:
                parts.append(("rep", form(ctx, next_dup), 0, 1))
            else:
                # glibc: ((e1? e2)? e3)? ... ; only the first and the last
                # copies can differ from the others
                e1, mid, last = form(ctx, copy_first), form(True, copy_first), form(True, next_dup)
                k = hi - lo - 2
                if k == 0:
                    inner: Node = ("rep", e1, 0, 1)
                else:
                    inner = ("alt", [_cat([e1, ("rep", mid, k, k)]), ("rep", mid, 0, k)])
                parts.append(("rep", _cat([inner, last]), 0, 1))
        if all(f == forms[0] for f in forms):
            return ("rep", forms[0], lo, hi)  # every copy alike
        return _cat(parts)


# A refinement of the above: an ignored anchor is still honoured when it is
# reached, without consuming a byte, from an anchor glibc does honour (the
# honoured anchor's condition is attached to everything up to the next byte,
# and that walk collects the conditions of the anchors it passes).  So
# whether an ignored anchor counts depends on the path, through a flag "an
# honoured anchor was passed since the last byte".  _Segments rewrites the
# tree as the product with that two-state flag: for every node and entry
# state s it builds, per exit state t, the sub-pattern of the paths s -> t.

Paths = dict[int, Node]


def _alt(nodes: list[Optional[Node]]) -> Optional[Node]:
    out: list[Node] = []
    for x in nodes:
        if x is None:
            continue
        for y in (x[1] if x[0] == "alt" else [x]):
            if y not in out:
                out.append(y)
    if not out:
        return None
    return out[0] if len(out) == 1 else ("alt", out)


def _seq(*nodes: Optional[Node]) -> Optional[Node]:
    if any(x is None for x in nodes):
        return None
    return _cat(list(nodes))  # type: ignore[arg-type]


def _star(n: Optional[Node]) -> Node:
    return _EMPTY if n is None or n[0] == "empty" else ("rep", n, 0, None)


def _nullable(n: Node) -> bool:
    k = n[0]
    if k in ("lit", "set", "any"):
        return False
    if k == "cat":
        return all(_nullable(x) for x in n[1])
    if k == "alt":
        return any(_nullable(x) for x in n[1])
    if k == "group":
        return _nullable(n[2])
    if k == "rep":
        return n[2] == 0 or _nullable(n[1])
    return True  # empty, void, anchor


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


Matrix = list  # 2x2 of Optional[Node]: m[s][t] = the paths from s to t
_SEGMENTS_MAX = 20000  # nodes; beyond this we give up exactness (translate())


class _TooBig(Exception):
    pass


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
    def __init__(self) -> None:
        self.memo: dict = {}

    def run(self, tree: Node) -> Node:
        try:
            out = _alt(list(self.paths(tree, 0).values()))
            self.check_size([[out]])
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
            return self.repeat(m, n[2], n[3])[s]
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

    @staticmethod
    def mul(a: Matrix, b: Matrix) -> Matrix:
        return [[_alt([_seq(a[s][u], b[u][t]) for u in (0, 1)]) for t in (0, 1)] for s in (0, 1)]

    @staticmethod
    def kleene(m: Matrix) -> Matrix:
        a, b = m[0]
        c, d = m[1]
        bc = _seq(b, _star(d), c)
        x = _star(_alt([a, bc]))
        cb = _seq(c, _star(a), b)
        y = _star(_alt([d, cb]))
        return [[x, _seq(x, b, _star(d))], [_seq(y, c, _star(a)), y]]

    def repeat(self, m: Matrix, lo: int, hi: Optional[int]) -> list[Paths]:
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
        acc = self.power(m, lo)
        if hi is None:
            acc = self.mul(acc, self.kleene(m))
        elif hi > lo:
            acc = self.mul(acc, self.upto(m, hi - lo))
        self.check_size(acc)
        return [{t: acc[s][t] for t in (0, 1) if acc[s][t] is not None}  # type: ignore[misc]
                for s in (0, 1)]

    def power(self, m: Matrix, k: int) -> Matrix:
        if k == 0:
            return [[_EMPTY, None], [None, _EMPTY]]
        if k == 1:
            return m
        half = self.power(m, k // 2)
        self.check_size(half)
        sq = self.mul(half, half)
        return self.mul(sq, m) if k % 2 else sq

    def upto(self, m: Matrix, n: int) -> Matrix:
        """m^0 | m^1 | ... | m^n."""
        ident: Matrix = [[_EMPTY, None], [None, _EMPTY]]
        if n == 0:
            return ident
        if n % 2:
            # (1 | m | .. | m^j)(1 | m^(j+1)), with n = 2j+1
            j = n // 2
            low = self.upto(m, j)
            self.check_size(low)
            high = self.power(m, j + 1)
            step = [[_alt([ident[s][t], high[s][t]]) for t in (0, 1)] for s in (0, 1)]
            return self.mul(low, step)
        rest = self.upto(m, n - 1)
        return [[_alt([ident[s][t], r]) for t, r in enumerate(row)]
                for s, row in enumerate(self.mul(m, rest))]

    def check_size(self, m: Matrix) -> None:
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


# --------------------------------------------------------------------------
# simplification (only when no back-reference depends on groups)

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
        out: list[Node] = []
        for x in node[1]:
            x = _simplify(x, keep_zero_width)
            if x[0] == "cat":
                out.extend(x[1])
            elif x[0] != "empty":
                out.append(x)
        if not out:
            return _EMPTY
        return out[0] if len(out) == 1 else ("cat", out)
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


# --------------------------------------------------------------------------
# printing

def _esc(c: int) -> bytes:
    if 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A or c == 0x5F:
        return bytes((c,))
    if c == 0x20:
        return b" "
    if 0x20 < c < 0x7F:
        return b"\\" + bytes((c,))
    return b"\\x%02x" % c


def _ranges(mask: int) -> list[tuple[int, int]]:
    out = []
    c = 0
    while c < 256:
        if (mask >> c) & 1:
            start = c
            while c < 256 and (mask >> c) & 1:
                c += 1
            out.append((start, c - 1))
        else:
            c += 1
    return out


def _class_body(rs: list[tuple[int, int]]) -> bytes:
    parts = []
    for lo, hi in rs:
        if lo == hi:
            parts.append(_esc(lo))
        elif hi == lo + 1:
            parts.append(_esc(lo) + _esc(hi))
        else:
            parts.append(_esc(lo) + b"-" + _esc(hi))
    return b"".join(parts)


_EVERY_LINE_BYTE = _ALL & ~_NL & ~_NUL


def _set_src(mask: int) -> bytes:
    # A line holds neither '\n' nor NUL: drop both, which also makes the
    # class safe for the multi-line form.
    mask &= _EVERY_LINE_BYTE
    if mask == _EVERY_LINE_BYTE:
        return b"."
    if mask == 0:
        return b"[^\\x00-\\xff]"
    if mask & (mask - 1) == 0:
        return _esc(mask.bit_length() - 1)
    if mask == _DIGIT:
        return b"\\d"
    if mask == _WORD:
        return b"\\w"
    pos = _ranges(mask)
    neg = _ranges(_ALL & ~mask & ~_NUL)  # NUL may match either way
    if len(neg) < len(pos):
        return b"[^" + _class_body(neg) + b"]"
    return b"[" + _class_body(pos) + b"]"


_ANCHOR_SRC = {
    "^": b"^",
    "$": b"$",
    "b": b"\\b",
    # Python's \B fails on an empty subject string; glibc's matches there
    "B": b"(?:\\B|^$)",
    "<": b"\\b(?=\\w)",
    ">": b"\\b(?<=\\w)",
}

# precedence of a printed fragment
_ATOM, _SEQ, _ALTS = 0, 1, 2


class _Printer:
    def __init__(self, capture: bool) -> None:
        self.capture = capture

    def emit(self, node: Node) -> tuple[bytes, int]:
        k = node[0]
        if k == "lit":
            if node[1] == 0x0A:  # a line never contains one
                return b"[^\\x00-\\xff]", _ATOM
            return _esc(node[1]), _ATOM
        if k == "set":
            return _set_src(node[1]), _ATOM
        if k == "any":
            return b".", _ATOM
        if k == "anchor":
            src = _ANCHOR_SRC[node[1]]
            return src, (_ATOM if src in (b"^", b"$", b"\\b") else _SEQ)
        if k == "bref":
            return b"(?:\\%d)" % node[1], _ATOM
        if k == "empty":
            return b"", _SEQ
        if k == "group":
            inner, _ = self.emit(node[2])
            return (b"(" if self.capture else b"(?:") + inner + b")", _ATOM
        if k == "void":
            inner, _ = self.emit(node[1])
            return b"(?:" + inner + b"){0}", _ATOM
        if k == "cat":
            parts = []
            for x in node[1]:
                s, prec = self.emit(x)
                parts.append(b"(?:" + s + b")" if prec == _ALTS else s)
            return b"".join(parts), _SEQ
        if k == "alt":
            return b"|".join(self.emit(x)[0] for x in node[1]), _ALTS
        if k == "rep":
            s, prec = self.emit(node[1])
            if prec != _ATOM or node[1][0] in ("anchor", "rep"):
                s = b"(?:" + s + b")"
            lo, hi = node[2], node[3]
            if (lo, hi) == (0, None):
                q = b"*"
            elif (lo, hi) == (1, None):
                q = b"+"
            elif (lo, hi) == (0, 1):
                q = b"?"
            elif hi is None:
                q = b"{%d,}" % lo
            elif lo == hi:
                q = b"{%d}" % lo
            else:
                q = b"{%d,%d}" % (lo, hi)
            return s + q, _ATOM
        raise AssertionError(k)


def _starts_anchored(node: Node) -> bool:
    k = node[0]
    if k == "anchor":
        return node[1] == "^"
    if k == "cat":
        return _starts_anchored(node[1][0])
    if k == "alt":
        return all(_starts_anchored(x) for x in node[1])
    if k == "group":
        return _starts_anchored(node[2])
    if k == "rep":
        return node[2] >= 1 and _starts_anchored(node[1])
    return False


# --------------------------------------------------------------------------
# public API

def translate(pattern: bytes) -> bytes:
    """Python ``re`` source (bytes) selecting the same lines as glibc's ERE.

    Use it with ``re.search`` on one line without its terminator (a line
    never contains '\\n' or NUL; both are refused by construction).  Raises
    EREError for every pattern glibc's ``regcomp(REG_EXTENDED)`` refuses.

    Known differences from glibc 2.36 (pinned in tests/logd/test_ere.py):

    * time, not verdict: ``re`` backtracks, so some nested repeats take
      exponential time on a long line that does not match, where glibc is
      polynomial: ``^(\\w+\\s?)*$`` on 24 word bytes and a ``!`` takes a
      second, twice as long per extra byte (glibc: 20 microseconds).
      Stacked repeats (``(a+)+``, ``a**``) are folded and leading/trailing
      optional parts dropped, which removes common cases, not all;
    * a pattern that makes glibc run out of memory once its intervals are
      expanded (``(a{32767}){1000}``: "Memory exhausted", depending on the
      memory available) is accepted here, unless its counts overflow ``re``;
    * back-references: we give the POSIX answer where glibc's matcher is
      wrong -- groups repeated by an interval or ``+`` (under glibc
      ``(a+){2}\\1`` does not select "aaa"), anchors inside a group matched
      empty (``(\\B)*\\1`` selects every line under glibc) -- and, in a pattern
      with a back-reference, glibc's ignored anchors (below) are not
      reproduced;
    * a repeated group that can match the empty string through anchors
      (``(}}*|\\'\\B)+``): glibc drops some of those anchors' conditions,
      depending on the order in which it builds its automaton; we do not;
    * parentheses nested more than MAX_NESTING (400) deep are refused;
    * the glibc quirk that *is* reproduced (an anchor followed by a node
      glibc copied for ``{n,m}`` or ``+`` is ignored, unless reached from an
      honoured anchor at the same position) falls back to "always ignored"
      when the exact form would exceed a size limit (``(\\<x*|\\>()y*){20}``).
    """
    with _deep_recursion():
        tree, capture = _parse(pattern)
        return _Printer(capture).emit(tree)[0]


def translate_multiline(pattern: bytes) -> Optional[bytes]:
    """Python ``re`` source for selecting many lines with one ``finditer``.

    The text searched is a run of lines each *preceded* by '\\n': ``buf``
    with ``buf[pos:endpos] == b"\\n" + b"\\n".join(lines)`` (in a read
    buffer: ``pos`` at the newline ending the line before the first one --
    keep a sentinel '\\n' in front of the very first line -- and ``endpos``
    at the newline ending the last line, which is left out).  Then
    ``re.compile(P).finditer(buf, pos, endpos)`` (P carries its own
    MULTILINE flag) yields exactly one match per line the per-line pattern
    selects, and nothing else: ``m.start()`` is the newline before the line
    and ``buf[m.start() + 1:m.end()]`` is the whole line.  No match contains
    any other '\\n'.

    Speed (CPython 3.11, 100 syslog-like lines of 68 bytes, against a list
    comprehension of per-line ``search``): patterns anchored with ``^``
    (s6-overlay's syslogd routing) run about twice as fast, since the engine
    jumps from newline to newline (``^auth\\.``: 4 us vs 9.5 us); unanchored
    ones run 1.1 to 1.5 times slower (``mail\\.``: 13.5 us vs 9.4 us), so
    use this form for anchored patterns only: an unanchored one is returned
    as ``MULTILINE_SCAN`` followed by the pattern.

    Returns None when no exact multi-line form exists (the current
    translation always finds one, but callers should keep a per-line path).
    Raises EREError like ``translate``.
    """
    with _deep_recursion():
        return _translate_multiline(pattern)


def _translate_multiline(pattern: bytes) -> bytes:
    tree, capture = _parse(pattern)
    printer = _Printer(capture)
    if _starts_anchored(tree):
        # the consumed '\n' already puts us at a line start; dropping a
        # leading ^ lets the engine search for the literal prefix
        if tree[0] == "cat" and tree[1][0] == ("anchor", "^"):
            tree = _cat(tree[1][1:])
        elif tree == ("anchor", "^"):
            tree = _EMPTY
        head = b""
    else:
        # greedy: same verdict as lazy, and the engine scans faster
        head = b"[^\\n]*"
    body, prec = printer.emit(tree)
    if not body:
        head = b""
    if prec == _ALTS:
        body = b"(?:" + body + b")"
    # the trailing [^\n]* takes the rest of the line: m.end() is its end
    return b"(?m)\\n" + head + body + b"[^\\n]*"  # head: see MULTILINE_SCAN


@functools.lru_cache(maxsize=256)
def compile_ere(pattern: bytes) -> re.Pattern[bytes]:
    """Compiled ``translate(pattern)``, cached; raises EREError."""
    src = translate(pattern)
    try:
        with _deep_recursion():
            return re.compile(src)
    except (re.error, RecursionError, OverflowError) as e:
        raise EREError(f"cannot translate {pattern!r}: {e}") from e

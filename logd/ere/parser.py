"""glibc's ERE grammar, so that exactly the patterns regcomp refuses are refused.

Recursive descent with the structure of glibc's ``parse_reg_exp`` /
``parse_branch`` / ``parse_expression`` / ``parse_dup_op``, including its odd
corners, because each of them decides whether a pattern is accepted and what
it means: what ends an interval (``a{1`` is "Unmatched \\{", ``a{x}`` is
"Invalid content"; counts saturate at ``RE_DUP_MAX + 1``); that an anchor is
never the operand of a repetition (``^*`` is refused); that a repeat may
follow a repeat (``a+?`` is stacked, not lazy); that ``)`` at the top level and
``}`` are ordinary characters; and which back-references are "completed"
(``\\N`` may only name a group closed before it, and not one in a sibling
branch of an alternation).  Tokens come from tokens.py, bracket expressions
from bracket.py; the result is the tuple tree of tree.py.
"""

from __future__ import annotations

from .bracket import _bracket
from .limits import MAX_NESTING, RE_DUP_MAX, EREError
from .tokens import (
    _ALT,
    _ANCHOR,
    _BRACKET,
    _BREF,
    _BSLASH,
    _CDUP,
    _CHAR,
    _CLASS,
    _CLOSE,
    _END,
    _ODUP,
    _OPEN,
    _PERIOD,
    _PLUS,
    _QMARK,
    _STAR,
    _next_token,
)
from .tree import _EMPTY, Node, _has_group

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Optional


class _Parser:
    """Recursive descent over glibc's ERE grammar; raises EREError like regcomp."""

    def __init__(self, pattern: bytes) -> None:
        self.p = pattern
        self.i = 0
        self.tok: tuple[int, object] = (_END, None)
        self.nsub = 0
        self.completed = 0  # bitmask of groups (0-based) a \N may refer to
        self.has_bref = False

    def fetch(self) -> None:
        self.tok, self.i = _next_token(self.p, self.i)

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
            mask, self.i = _bracket(self.p, self.i)
            tree = ("set", mask)
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

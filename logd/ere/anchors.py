"""glibc's dead anchors: the anchors glibc ignores, marked so we ignore them too.

Being exact means copying glibc's bugs where they decide a verdict: glibc
ignores an anchor that precedes a node it copied to compile an interval or
``+`` (``(^a){2}``, which POSIX says never matches, selects "aa" like
``^aa``), and s6-log users get glibc's behaviour.

glibc compiles x{n,m} (and x+, which is x{1,}) by copying x's parse tree,
and flags every copied node "duplicated".  When it later attaches an
anchor's condition to the node that follows the anchor, it skips that
step if the following node carries the flag (the flag also marks the
nodes this very step creates, to avoid doing it twice).  So an anchor
whose successor is a copied node is simply ignored: (^a){2} behaves as
^aa, (\\<a)+ as \\<aa*, (a\\>){2} as aa\\>.  We reproduce it: anchors glibc
ignores are marked (and then resolved by _Segments, segments.py), and a
repeat whose operand holds an anchor is expanded copy by copy the way glibc
expands it, so that each copy gets the right anchors.

Whether a successor is a copy depends on glibc's tree: concatenation
links each item to the first node of the next one; alternation branches
and the operand of ? or {0,m} link to what follows the whole; the operand
of * links back to the * node; the nodes glibc builds for a repeat (the *
node, the optional parts) are fresh unless they are themselves inside a
copy.  A group disappears (its contents stand for it) unless it is empty
or a back-reference uses it, in which case its open/close nodes are
built after the copying and are never flagged.
"""

from __future__ import annotations

from .simplify import _simplify
from .tree import _EMPTY, Node, _cat, _has_anchor

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Optional


def _glibc_null(node: Node) -> bool:
    """True if glibc's parser returned no tree at all for this node."""
    k = node[0]
    if k in ("empty", "void"):
        return True
    if k == "cat":
        return all(_glibc_null(x) for x in node[1])
    return False


class _GlibcAnchors:
    """Marks the anchors glibc ignores; expands the repeats that hold anchors."""

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
            from .segments import _Segments  # rare: loaded only when needed

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

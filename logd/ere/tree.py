"""The parse tree every pass works on, and the helpers they share.

The tree is made of plain tuples, not classes: the passes are few, they
dispatch on the kind, they compare and memoize subtrees (equal tuples are
equal patterns), and tuples cost nothing to import or to build::

  ("lit", byte)  ("set", mask)  ("any",)  ("anchor", kind)  ("bref", n)
  ("group", n, node)  ("cat", [nodes])  ("alt", [nodes])  ("empty",)
  ("rep", node, min, max_or_None)  ("void", node)   -- node{0}, kept for groups

anchor kinds: "^" "$" (also \\` and \\'), "<" ">" "b" "B"; while glibc's
quirks are worked out, ("anchor", kind, True) marks one glibc ignores.

The constructors ``_cat``, ``_alt``, ``_seq`` and ``_star`` flatten as they
build, and the latter three take None for "no path at all", which is what
the path algebra of segments.py needs.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Optional

Node = tuple
_EMPTY: Node = ("empty",)


def _has_group(node: Node) -> bool:
    k = node[0]
    if k == "group":
        return True
    if k in ("cat", "alt"):
        return any(_has_group(x) for x in node[1])
    if k in ("rep", "void"):
        return _has_group(node[1])
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

"""The per-line translation: the passes in order, ``translate`` and ``compile_ere``.

Only the match/no-match decision matters (s6-log compiles with REG_NOSUB), so
we do not need a POSIX leftmost-longest engine: it is enough to hand ``re`` a
pattern that accepts exactly the same lines.  ``_parse`` runs the passes that
get there: glibc's grammar (parser.py), glibc's ignored anchors (anchors.py,
segments.py), and, when no back-reference needs the groups, simplification
(simplify.py); the printer (printer.py) then spells the tree for ``re``.
``compile_ere`` adds a cached ``re.compile``, and turns what ``re`` cannot
compile (counts beyond its limits, recursion too deep) into ``EREError``.
"""

from __future__ import annotations

import functools
import re

from .anchors import _GlibcAnchors
from .limits import EREError, _deep_recursion
from .parser import _Parser
from .printer import _Printer
from .simplify import _simplify, _trim
from .tree import Node


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


def translate(pattern: bytes) -> bytes:
    """Python ``re`` source (bytes) selecting the same lines as glibc's ERE.

    Use it with ``re.search`` on one line without its terminator (a line
    never contains '\\n' or NUL; both are refused by construction).  Raises
    EREError for every pattern glibc's ``regcomp(REG_EXTENDED)`` refuses.

    Known differences from glibc 2.36 (pinned in tests/logd/test_ere.py):

    * time, not verdict: ``re`` backtracks, so the translated pattern alone
      can take exponential time on a line that almost matches
      (``^(\\w+\\s?)*$``).  Selection does not use it alone: compile_matcher
      (matcher.py) runs it under a CPU budget and answers from an automaton
      when it overruns, in time linear in the line;
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


@functools.lru_cache(maxsize=256)
def compile_ere(pattern: bytes) -> re.Pattern[bytes]:
    """Compiled ``translate(pattern)``, cached; raises EREError."""
    src = translate(pattern)
    try:
        with _deep_recursion():
            return re.compile(src)
    except (re.error, RecursionError, OverflowError) as e:
        raise EREError(f"cannot translate {pattern!r}: {e}") from e

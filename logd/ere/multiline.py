"""The multi-line form, for the read loop's batch path.

One ``finditer`` over a whole read instead of one ``search`` per line.  It
is the same tree printed so that nothing can match or cross a newline and
anchors become line anchors, which keeps the per-line decision exact; each
match starts at the newline before a selected line, so that the engine can
jump from newline to newline.  That jump is what makes it pay, so it is
meant for patterns anchored at line starts; an unanchored one still works
but is slower than per-line searches, and is marked by starting with
``MULTILINE_SCAN`` so that callers can tell.
"""

from __future__ import annotations

from .limits import _deep_recursion
from .printer import _ALTS, _Printer
from .translation import _parse
from .tree import _EMPTY, Node, _cat

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from typing import Optional

# How translate_multiline() starts a pattern not anchored at line starts
MULTILINE_SCAN = b"(?m)\\n[^\\n]*"


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

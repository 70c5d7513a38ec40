"""What is refused: ``EREError``, and the limits glibc and we impose.

A pattern glibc's ``regcomp`` refuses makes s6-log exit 100, so refusing
exactly the same patterns is part of reproducing the dialect: the parser
raises ``EREError`` wherever regcomp returns an error, with its message
(our own limits have ours).

Two limits are glibc's (interval counts, the length of a bracket symbol's
name).  One is ours: glibc only runs out of stack on deep nesting, but our
passes recurse along the nesting, and so does ``re``'s own compiler, which at
its default recursion limit copes with about 480 levels of groups.  So we
refuse more than ``MAX_NESTING`` levels, and ``_deep_recursion`` raises the
interpreter's recursion limit while we translate and compile, so that every
pattern within that bound goes through.
"""

from __future__ import annotations

import contextlib
import sys

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from collections.abc import Iterator


class EREError(ValueError):
    """The pattern is one glibc's regcomp refuses (s6-log exits 100 on it)."""


RE_DUP_MAX = 0x7FFF  # glibc's limit for interval counts
MAX_NESTING = 400  # ours: glibc has none short of its stack (see above)
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

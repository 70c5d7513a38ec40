"""skarnet-style option parsing (subgetopt), without the getopt module.

The parser is execline's (``init.execline.options``, which has no imports);
this is its form for programs: ``-x`` pairs and the remaining words.

The stdlib's getopt drags in gettext and re (~3 ms and ~1 MB in PID 1).
Options stop at the first non-option argument or at ``--``; ``-abc``
bundles flags; an option taking an argument takes the rest of the word or
the next word.
"""
from __future__ import annotations

from init.execline.options import OptionError as UsageError
from init.execline.options import getopt as _getopt

__all__ = ["UsageError", "getopt"]


def getopt(argv: list[str], spec: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Return ([("-x", value-or-""), ...], remaining args); UsageError if bad."""
    opts, i = _getopt(argv, spec, 0)
    return [("-" + c, v) for c, v in opts], argv[i:]

"""POSIX extended regular expressions, as s6-log sees them: Python's ``re`` and an automaton.

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
glibc's parser applies to REG_EXTENDED, so that exactly the patterns glibc
refuses are refused; glibc's bugs are copied where they decide a verdict
(the anchors it ignores); the tree is simplified for ``re``'s backtracking;
and it is printed as Python syntax in which every literal and every bracket
expression is spelt out byte by byte, so no Python-only syntax can leak
through.  Each step has its module, which says why it is the way it is:

* limits.py      ``EREError``, glibc's limits and ours (``MAX_NESTING``);
* bytesets.py    byte sets as ints, the C locale's classes;
* tokens.py      glibc's tokens outside brackets;
* bracket.py     bracket expressions, as byte sets;
* parser.py      glibc's grammar, into the tuple tree of tree.py;
* anchors.py     the anchors glibc ignores after nodes it copied for repeats,
  segments.py    which of them still count, path by path,
  repeat.py      and how repeats compose in that path algebra;
* simplify.py    folding and trimming, so ``re`` backtracks less;
* printer.py     the tree as ``re`` source;
* translation.py ``translate`` and ``compile_ere``, the passes in order;
* multiline.py   ``translate_multiline``, the read loop's batch form;
* nfa.py         the same tree as a Thompson NFA,
  dfa.py         determinized lazily: linear time on every pattern
                 without back-references, whatever ``re`` would do;
* watchdog.py    a CPU-time budget that interrupts a runaway ``re`` call;
* matcher.py     ``compile_matcher``: ``re`` while it is fast, the DFA when
                 it is not (what logd, eltest and the log readers use).

Differences from glibc that remain are documented on ``translate`` and pinned
by tests/logd/test_ere.py, which compares against the real glibc.
"""

from __future__ import annotations

# Public: __all__, and MAX_NESTING and RE_DUP_MAX (outside it, as before).  _Parser,
# _has_anchor and _nullable: tests/logd/test_ere.py reads the tree to skip known glibc bugs.
from .limits import MAX_NESTING as MAX_NESTING
from .limits import RE_DUP_MAX as RE_DUP_MAX
from .limits import EREError
from .matcher import Matcher, compile_matcher
from .multiline import MULTILINE_SCAN, translate_multiline
from .parser import _Parser as _Parser
from .translation import compile_ere, translate
from .tree import _has_anchor as _has_anchor
from .tree import _nullable as _nullable

__all__ = ["EREError", "translate", "compile_ere", "translate_multiline", "MULTILINE_SCAN",
           "Matcher", "compile_matcher"]

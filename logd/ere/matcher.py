"""The selection matcher: ``re`` while it is fast, the automaton when it is not.

Why two engines: the lazy DFA (dfa.py) is linear on every pattern without
back-references, but it runs in Python at 15-25 ns a byte; ``re`` runs the
translated pattern (printer.py) in C, several times faster on the patterns
people write (``^auth\\.``, s6-overlay's routing), and exponential on a few
(``^([a-z]+ ?)*$`` on a line that almost matches).  No static check tells
the two kinds apart exactly, so we measure instead:

* each batch of lines goes to ``re`` under a CPU-time budget (watchdog.py)
  of twice what the DFA would need for it (at least ``MIN_BUDGET``);
* if the budget runs out, the batch is answered by the DFA, and the DFA
  keeps the pattern for a while (8 batches, doubling at each new overrun,
  up to 4096) before ``re`` is tried again.

So a batch costs at most about three times the DFA's linear time, and a
pattern that only backtracks on hostile lines loses nothing on the others.
A line longer than ``RE_LINE_MAX`` always goes to the DFA (``re`` checks
for signals only every few thousand steps of one match attempt).

Back-references are not regular: no automaton decides them, and matching
them is NP-hard in general.  Such patterns (and those whose automaton
would exceed nfa.MAX_NODES) run on ``re`` alone, under the same budget per
line; a line that exhausts it is taken as not matching, and ``warn`` says
so once.  Without a usable watchdog (not the main thread, SIGVTALRM taken)
the DFA answers alone, or ``re`` unguarded when there is no DFA.

Either way signal handlers keep running: ``re`` calls them during a long
match, and the DFA is Python code.
"""

from __future__ import annotations

import functools
import re

from . import watchdog
from .dfa import DFA
from .limits import EREError, _deep_recursion
from .nfa import TooBig, Unsupported, build_nfa
from .parser import _Parser
from .printer import _Printer
from .translation import _parse

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Callable, Optional

DFA_SECONDS_PER_BYTE = 40e-9  # a pessimistic estimate of dfa.py's speed
MIN_BUDGET = 0.002
RE_LINE_MAX = 16384
LINE_BUDGET = 0.02  # back-references: what one line may take before it is given up
_BACKOFF_FIRST, _BACKOFF_MAX = 8, 4096


class Matcher:
    """One compiled ERE; ``matching`` for batches, ``search`` for one subject.

    The automaton is built the first time it is needed (most patterns never
    need it: start-up time and memory stay what ``re`` alone costs).
    """

    __slots__ = ("pattern", "lines", "rx", "warn", "overruns", "_tree", "_dfa", "_skip",
                 "_backoff", "_warned")

    def __init__(self, pattern: bytes, rx: Optional[re.Pattern[bytes]], tree: Optional[tuple],
                 lines: bool = True, dfa: Optional[DFA] = None) -> None:
        self.pattern = pattern
        self.lines = lines
        self.rx = rx
        self.warn: Optional[Callable[[str], None]] = None
        self.overruns = 0  # how often re ran out of budget (tests, diagnostics)
        self._tree = tree  # None: no automaton can take this pattern
        self._dfa = dfa
        self._skip = 0
        self._backoff = _BACKOFF_FIRST
        self._warned = False

    @property
    def dfa(self) -> Optional[DFA]:
        """The automaton, built on first use; None for back-references or too big."""
        if self._dfa is None and self._tree is not None:
            self._dfa = _automaton(self._tree, self.lines)
            if self._dfa is None:
                self._tree = None
        return self._dfa

    def matching(self, lines: Sequence[bytes], data: Optional[bytes] = None,
                 idx: Optional[Sequence[int]] = None, longest: Optional[int] = None) -> list[int]:
        """Indices of the lines (no newline in them) that match, in order.

        ``idx``: only these indices are tried (increasing).  ``data``, if
        given, is ``b"\\n".join(lines) + b"\\n"``; ``longest``, if given, the
        length of the longest line (the caller may know them already).
        """
        if not self.lines:
            pick = range(len(lines)) if idx is None else idx
            return [i for i in pick if self.search(lines[i])]
        if not lines or (idx is not None and not idx):
            return []
        rx = self.rx
        if self._skip or rx is None:
            if self._skip:
                self._skip -= 1
            return self._by_dfa(lines, data, idx)
        if not watchdog.available():
            if self.dfa is not None:
                return self._by_dfa(lines, data, idx)
            return self._unguarded(lines, idx)
        if longest is None:
            longest = max(map(len, lines))
        if longest > RE_LINE_MAX and self.dfa is not None:
            return self._by_dfa(lines, data, idx)
        nbytes = len(data) if data is not None else sum(map(len, lines)) + len(lines)
        if idx is not None:  # the share of the batch tried (an estimate is enough)
            nbytes = nbytes * len(idx) // len(lines)
        try:
            return watchdog.run(_budget(nbytes), lambda: self._unguarded(lines, idx))
        except watchdog.Expired:
            pass
        if self.dfa is None:
            return self._re_alone(lines, idx)
        self.overruns += 1
        self._skip = self._backoff
        self._backoff = min(self._backoff * 2, _BACKOFF_MAX)
        return self._by_dfa(lines, data, idx)

    def search(self, subject: bytes) -> bool:
        """Does one line (or, for ``lines=False``, one C string) match?"""
        if not self.lines:
            dfa = self.dfa
            if dfa is not None:
                return dfa.search_string(subject)
            return bool(self._re_alone([subject.partition(b"\0")[0]]))
        if b"\n" in subject:
            raise ValueError("a line holds no newline")
        if b"\0" in subject:  # regexec sees a C string
            subject = subject.partition(b"\0")[0]
        return bool(self.matching([subject]))

    def _unguarded(self, lines: Sequence[bytes], idx: Optional[Sequence[int]]) -> list[int]:
        search = self.rx.search  # type: ignore[union-attr]
        if idx is None:
            return [i for i, x in enumerate(lines) if search(x) is not None]
        return [i for i in idx if search(lines[i]) is not None]

    def _by_dfa(self, lines: Sequence[bytes], data: Optional[bytes],
                idx: Optional[Sequence[int]]) -> list[int]:
        dfa = self.dfa
        assert dfa is not None
        if idx is None:
            return dfa.matching(lines, data)
        if len(idx) == len(lines):
            return dfa.matching(lines, data)
        return [idx[j] for j in dfa.matching([lines[i] for i in idx])]

    def _re_alone(self, lines: Sequence[bytes], idx: Optional[Sequence[int]] = None) -> list[int]:
        """No automaton (back-references): re, and a budget per line that needs one."""
        assert self.rx is not None
        search = self.rx.search
        pick = list(range(len(lines)) if idx is None else idx)
        if not watchdog.available():
            return [i for i in pick if search(lines[i]) is not None]
        out: list[int] = []
        at = [0]

        def scan() -> None:
            for k in range(at[0], len(pick)):
                at[0] = k
                if search(lines[pick[k]]) is not None:
                    out.append(pick[k])
            at[0] = len(pick)

        budget = _budget(sum(len(lines[i]) for i in pick) + len(pick))
        while at[0] < len(pick):
            try:
                watchdog.run(budget, scan)
            except watchdog.Expired:
                k = at[0]
                i = pick[k]
                if not (out and out[-1] == i):  # else it expired just after a match
                    # the batch's budget may have been too short: this line alone
                    try:
                        if watchdog.run(LINE_BUDGET, lambda i=i: search(lines[i]) is not None):
                            out.append(i)
                    except watchdog.Expired:
                        self.overruns += 1
                        self._give_up()
                at[0] = k + 1
        return out

    def _give_up(self) -> None:
        if not self._warned and self.warn is not None:
            self._warned = True
            why = ("has back-references" if b"\\" in self.pattern and _has_bref(self.pattern)
                   else "is too big for an automaton")
            self.warn(f"regular expression {self.pattern.decode('latin-1')} {why} and took "
                      "too long on a line: taken as not matching (said once)")


def _has_bref(pattern: bytes) -> bool:
    parser = _Parser(pattern)
    parser.parse()
    return parser.has_bref


def _automaton(tree: tuple, lines: bool) -> Optional[DFA]:
    try:
        return DFA(build_nfa(tree, lines))
    except (Unsupported, TooBig):
        return None


def _budget(nbytes: int) -> float:
    return max(MIN_BUDGET, 2 * DFA_SECONDS_PER_BYTE * nbytes)


@functools.lru_cache(maxsize=256)
def compile_matcher(pattern: bytes, lines: bool = True) -> Matcher:
    """The Matcher of a glibc ERE; raises EREError like ``translate``.

    ``lines`` (s6-log's use): REG_NEWLINE on one line at a time.  False:
    one C string, newlines ordinary (eltest's ``=~``), answered by the DFA
    (``re`` only for back-references, with REG_NEWLINE's meaning).
    """
    with _deep_recursion():
        tree, capture = _parse(pattern)
        auto: Optional[tuple] = None if capture else tree
        if not lines:
            dfa = None if capture else _automaton(tree, lines)
            if dfa is not None:
                return Matcher(pattern, None, None, lines, dfa)
        try:
            rx = re.compile(_Printer(capture).emit(tree)[0])
        except (re.error, RecursionError, OverflowError) as e:
            dfa = None if auto is None else _automaton(tree, lines)
            if dfa is None:
                raise EREError(f"cannot translate {pattern!r}: {e}") from e
            return Matcher(pattern, None, None, lines, dfa)
    return Matcher(pattern, rx, auto, lines)

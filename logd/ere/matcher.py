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
    """One compiled ERE; ``matching`` for batches, ``search`` for one subject."""

    __slots__ = ("pattern", "rx", "dfa", "warn", "overruns", "_skip", "_backoff", "_warned")

    def __init__(self, pattern: bytes, rx: Optional[re.Pattern[bytes]], dfa: Optional[DFA]) -> None:
        self.pattern = pattern
        self.rx = rx
        self.dfa = dfa
        self.warn: Optional[Callable[[str], None]] = None
        self.overruns = 0  # how often re ran out of budget (tests, diagnostics)
        self._skip = 0
        self._backoff = _BACKOFF_FIRST
        self._warned = False

    def matching(self, lines: Sequence[bytes], data: Optional[bytes] = None) -> list[int]:
        """Indices of the lines (no newline in them) that match, in order.

        ``data``, if given, is ``b"\\n".join(lines) + b"\\n"``.
        """
        if not lines:
            return []
        rx, dfa = self.rx, self.dfa
        if dfa is not None and (rx is None or self._skip or not watchdog.available()
                                or max(map(len, lines)) > RE_LINE_MAX):
            if self._skip:
                self._skip -= 1
            return dfa.matching(lines, data)
        assert rx is not None
        if dfa is None:
            return self._re_alone(lines)
        nbytes = len(data) if data is not None else sum(map(len, lines)) + len(lines)
        search = rx.search
        try:
            return watchdog.run(_budget(nbytes), lambda: [
                i for i, x in enumerate(lines) if search(x) is not None])
        except watchdog.Expired:
            self.overruns += 1
            self._skip = self._backoff
            self._backoff = min(self._backoff * 2, _BACKOFF_MAX)
            return dfa.matching(lines, data)

    def search(self, subject: bytes) -> bool:
        """Does one line (or, for ``lines=False``, one C string) match?"""
        if self.dfa is not None and not self.dfa.nfa.lines:
            return self.dfa.search_string(subject)
        if b"\n" in subject:
            raise ValueError("a line holds no newline")
        return bool(self.matching([subject]))

    def _re_alone(self, lines: Sequence[bytes]) -> list[int]:
        """Back-references: re, one budget per line that needs it."""
        assert self.rx is not None
        search = self.rx.search
        if not watchdog.available():
            return [i for i, x in enumerate(lines) if search(x) is not None]
        out: list[int] = []
        at = [0]

        def scan() -> None:
            for i in range(at[0], len(lines)):
                at[0] = i
                if search(lines[i]) is not None:
                    out.append(i)
            at[0] = len(lines)

        budget = _budget(sum(map(len, lines)) + len(lines))
        while at[0] < len(lines):
            try:
                watchdog.run(budget, scan)
            except watchdog.Expired:
                i = at[0]
                if not (out and out[-1] == i):  # else it expired just after a match
                    # the batch's budget may have been too short: this line alone
                    try:
                        if watchdog.run(LINE_BUDGET, lambda i=i: search(lines[i]) is not None):
                            out.append(i)
                    except watchdog.Expired:
                        self.overruns += 1
                        self._give_up()
                at[0] = i + 1
        return out

    def _give_up(self) -> None:
        if not self._warned and self.warn is not None:
            self._warned = True
            self.warn(f"regular expression {self.pattern.decode('latin-1')} has "
                      "back-references and took too long on a line: taken as not matching "
                      "(said once)")


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
        try:
            dfa: Optional[DFA] = DFA(build_nfa(tree, lines))
        except (Unsupported, TooBig):
            dfa = None
        rx: Optional[re.Pattern[bytes]] = None
        if dfa is None or lines:
            try:
                rx = re.compile(_Printer(capture).emit(tree)[0])
            except (re.error, RecursionError, OverflowError) as e:
                if dfa is None:
                    raise EREError(f"cannot translate {pattern!r}: {e}") from e
    return Matcher(pattern, rx, dfa)

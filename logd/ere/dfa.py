"""A lazily built DFA: selection in one pass per line, whatever the pattern.

Why: an automaton never backtracks, so the time per line is linear in its
length for every pattern without back-references (nfa.py says why we need
one).  States are sets of NFA nodes, made only when the input reaches them
(subset construction on demand, as glibc and RE2 do), and kept in a bounded
cache: past ``MAX_STATES`` states or ``MAX_BLOCKS`` cached transitions the
cache is emptied and rebuilt from what the input needs next, so a pattern
whose DFA would be exponential (``(a|b)*a(a|b){12}``) costs at worst one NFA
simulation step per byte, never exponential time or unbounded memory.

Anchors: a state also records what came before (line start, a word byte, a
non-word byte), and the epsilon closure is taken when the next byte is
known, so ``^ $ \\< \\> \\b \\B`` are decided exactly (as RE2 does).  Bytes
are first mapped to classes (bytes no mask tells apart share one), which
keeps rows short.

Speed is the other reason for this shape.  A Python loop over bytes costs
about 50 ns a byte; instead, ``matching`` runs a whole batch of lines at
once: each newline becomes a newline and seven filler bytes, the batch is
translated to class ids and read as 64-bit words through a memoryview, and
each state (a dict) caches where every 8-byte word it has seen leads.  One
dict lookup per 8 bytes, in a list comprehension.  The filler guarantees
that the word holding a line's newline holds nothing of the next line, so
the state after that word says how the line ended: ``_ACC`` or ``_REJ``,
two copies of the line-start state.  Their positions follow from the line
lengths alone.
"""

from __future__ import annotations

import sys
from itertools import accumulate

from .bytesets import _WORD
from .nfa import ASSERT, BOL, BYTE, EOL, NFA, NWB, SPLIT, WB, WBEG, WEND

TYPE_CHECKING = False  # typing costs milliseconds at logger start-up
if TYPE_CHECKING:
    from collections.abc import Sequence

# what precedes a position; what follows it is END or NONWORD / WORD
START, NONWORD, WORD = 0, 1, 2
END = 0

MAX_STATES = 1000
MAX_BLOCKS = 1 << 14
_ORDER = sys.byteorder
_EXPAND = b"\n" + b"\0" * 7  # a newline and seven fillers (a line holds no NUL)


class _State(dict):
    """A set of NFA nodes, and what preceded; as a dict, its 8-byte transitions."""

    __slots__ = ("dfa", "kernel", "pctx", "row", "clos", "final", "dead")

    def __init__(self, dfa: DFA, kernel: frozenset, pctx: int) -> None:
        super().__init__()
        self.dfa, self.kernel, self.pctx = dfa, kernel, pctx
        self.row: list = dfa.new_row(self)
        self.clos: dict = {}
        self.final: bool | None = None
        self.dead: bool | None = None  # no match can come before the line ends

    def __missing__(self, word: int) -> _State:
        return self.dfa.block(self, word)


class DFA:
    """The lazy DFA of one NFA; ``matching`` (lines) and ``search_string``."""

    def __init__(self, nfa: NFA) -> None:
        self.nfa = nfa
        self._classes()
        self.flushes = 0
        self._reset()

    # ------------------------------------------------------------ set-up

    def _classes(self) -> None:
        """Bytes that no mask (and no word test) tells apart share a class."""
        nfa = self.nfa
        masks = sorted({m for k, m in zip(nfa.kind, nfa.arg) if k == BYTE})
        if nfa.uses_word:
            masks.append(_WORD)
        ids: dict = {}
        table = bytearray(256)
        reps: list[int] = []
        special = (0x0A, 0x00) if nfa.lines else ()
        for b in range(256):
            if b in special:
                continue
            sig = tuple((m >> b) & 1 for m in masks)
            if sig not in ids:
                ids[sig] = len(reps)
                reps.append(b)
            table[b] = ids[sig]
        n = len(reps)
        self.nl, self.fill = n, n + 1  # only used in line mode
        if nfa.lines:
            table[0x0A], table[0x00] = n, n + 1
        self.table = bytes(table)
        self.nclasses = n + 2
        word = [bool(nfa.uses_word and (_WORD >> r) & 1) for r in reps]
        self.word = word + [False, False]
        # which classes each BYTE node takes, as a bitmask over class ids
        self.takes = [0] * len(nfa.kind)
        for i, (k, m) in enumerate(zip(nfa.kind, nfa.arg)):
            if k == BYTE:
                self.takes[i] = sum(1 << c for c, r in enumerate(reps) if (m >> r) & 1)
        self.fill_bytes = bytes([self.fill]) * 8

    def new_row(self, state: _State) -> list:
        row = [None] * self.nclasses
        row[self.fill] = state  # filler: nothing happens
        return row

    def _reset(self) -> None:
        self.states: dict = {}
        self.blocks = 0
        # ACCEPT: matched somewhere; line starts: _acc/_rej say how the last line ended
        self.accept = _State(self, frozenset(), NONWORD)
        self.accept.final = True
        self.acc = _State(self, frozenset(), START)
        self.rej = _State(self, frozenset(), START)
        self.init = self._state(frozenset(), START)

    def _flush(self) -> None:
        """Forget every state (the bounded cache); live references stay valid."""
        self.flushes += 1
        for st in (*self.states.values(), self.accept, self.acc, self.rej):
            st.clear()
            st.row = self.new_row(st)
            st.clos = {}
        self.states = {}
        self.blocks = 0
        self.init = self._state(frozenset(), START)

    def _state(self, kernel: frozenset, pctx: int) -> _State:
        key = (kernel, pctx)
        st = self.states.get(key)
        if st is None:
            if len(self.states) >= MAX_STATES:
                self._flush()
            st = self.states[key] = _State(self, kernel, pctx)
        return st

    # ------------------------------------------------------------ transitions

    def _closure(self, st: _State, nctx: int) -> tuple | None:
        """BYTE nodes reachable from st (and a fresh start) before a byte; None: matched."""
        got = st.clos.get(nctx)
        if got is not None:
            return got
        nfa = self.nfa
        kind, arg, out = nfa.kind, nfa.arg, nfa.out
        pctx = st.pctx
        stack = [*st.kernel, nfa.start]  # unanchored search: a match may start anywhere
        seen = set()
        nodes = []
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            k = kind[n]
            if k == BYTE:
                nodes.append(n)
            elif k == SPLIT:
                stack.extend(arg[n])  # type: ignore[arg-type]
            elif k == ASSERT:
                if _holds(arg[n], pctx, nctx):  # type: ignore[arg-type]
                    stack.append(out[n])
            else:  # MATCH
                st.clos[nctx] = None
                return None
        got = st.clos[nctx] = tuple(nodes)
        return got

    def is_final(self, st: _State) -> bool:
        """Does a match end where the subject ends?"""
        if st.final is None:
            st.final = self._closure(st, END) is None
        return st.final

    def step(self, st: _State, c: int) -> _State:
        """The state after class c (cached in st.row)."""
        nxt = st.row[c]
        if nxt is not None:
            return nxt
        if c == self.nl and self.nfa.lines:
            nxt = self.acc if self.is_final(st) else self.rej
        elif st is self.accept:
            nxt = st
        else:
            isword = self.word[c]
            nodes = self._closure(st, WORD if isword else NONWORD)
            if nodes is None:
                nxt = self.accept
            else:
                bit = 1 << c
                takes, out = self.takes, self.nfa.out
                kernel = frozenset([out[n] for n in nodes if takes[n] & bit])
                nxt = self._state(kernel, WORD if isword else NONWORD)
        st.row[c] = nxt
        return nxt

    def is_dead(self, st: _State) -> bool:
        """Nothing can match from here to the line's end (an anchored pattern failed).

        True when no NFA node is left and a fresh start leads nowhere after
        any byte: so for both kinds of preceding byte, whatever follows.
        """
        if st.dead is None:
            st.dead = (st is not self.accept and not st.kernel and st.pctx != START
                       and all(self._barren(p) for p in (NONWORD, WORD)))
        return st.dead

    def _barren(self, pctx: int) -> bool:
        probe = _State(self, frozenset(), pctx)  # not cached: only its closures matter
        return all(self._closure(probe, x) == () for x in (END, NONWORD, WORD))

    def block(self, st: _State, word: int) -> _State:
        """The state after 8 classes packed in a native-order 64-bit word."""
        classes = word.to_bytes(8, _ORDER)
        if self.is_dead(st) and self.nl not in classes:
            nxt = st  # a failed line stays failed until its newline: skip the steps
        else:
            nxt = st
            step = self.step
            for c in classes:
                r = nxt.row[c]
                nxt = step(nxt, c) if r is None else r
        self.blocks += 1
        if self.blocks > MAX_BLOCKS:
            self._flush()
        else:
            st[word] = nxt
        return nxt

    # ------------------------------------------------------------ running

    def matching(self, lines: Sequence[bytes], data: bytes | None = None) -> list[int]:
        """Indices of the lines that match.

        ``lines`` hold no newline; ``data``, if given, must be
        ``b"\\n".join(lines) + b"\\n"`` (the read loop has it already).
        A NUL ends the subject, as it does for regexec.
        """
        if not lines:
            return []
        if data is None:
            data = b"\n".join(lines) + b"\n"
        if b"\0" in data:
            lines = [x.partition(b"\0")[0] for x in lines]
            data = b"\n".join(lines) + b"\n"
        x = data.replace(b"\n", _EXPAND).translate(self.table)
        pad = -len(x) & 7
        if pad:
            x += self.fill_bytes[:pad]
        s = self.rej
        states = [s := s[w] for w in memoryview(x).cast("Q")]
        acc = self.acc
        # line i's newline sits in word (sum of lengths up to i) // 8 + i
        return [i for i, end in enumerate(accumulate(map(len, lines)))
                if states[(end >> 3) + i] is acc]

    def search_string(self, subject: bytes) -> bool:
        """One C string (line mode: one line), byte by byte; for single checks."""
        subject = subject.partition(b"\0")[0]
        if self.nfa.lines and b"\n" in subject:
            raise ValueError("a line holds no newline")
        st = self.init
        accept, step = self.accept, self.step
        for c in subject.translate(self.table):
            r = st.row[c]
            st = step(st, c) if r is None else r
            if st is accept:
                return True
        return self.is_final(st)


def _holds(code: int, pctx: int, nctx: int) -> bool:
    if code == BOL:
        return pctx == START
    if code == EOL:
        return nctx == END
    pw, nw = pctx == WORD, nctx == WORD
    if code == WBEG:
        return nw and not pw
    if code == WEND:
        return pw and not nw
    if code == WB:
        return pw != nw
    assert code == NWB
    return pw == nw

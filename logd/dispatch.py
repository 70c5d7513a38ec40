"""Apply the compiled script to one chunk: select, stamp, compose, deliver.

One clock reading per chunk (s6-log stamps the lines of one read alike).
Records are built with bytes joins / replace over the whole chunk, never
line by line, and a logdir is handed the positions of the emulated read
ends lazily: it computes them only when a rotation may fall inside.
"""
from __future__ import annotations

import time
from bisect import bisect_left
from itertools import accumulate

from logd.messages import Reporter
from logd.outputs import Forwarder, alert_records, status_content, write_alerts, write_status
from logd.reader import Chunk
from logd.script import Action, Script
from logd.selection import needs_lines, select
from logd.stamps import IsoFormatter, Rfc3339Formatter, tai64n_label

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations are lazy

if TYPE_CHECKING:
    from typing import Callable



def records_all(chunk: Chunk, rp: bytes) -> bytes:
    """Every line of the chunk with the record prefix ``rp``."""
    if not rp:
        return chunk.data
    if chunk._lines is not None:
        return rp + (b"\n" + rp).join(chunk._lines) + b"\n"
    return rp + chunk.data[:-1].replace(b"\n", b"\n" + rp) + b"\n"


def windows_all(chunk: Chunk, rp: bytes) -> Callable[[], list[int]]:
    extra = len(rp)

    def compute() -> list[int]:
        return [w + c * extra for w, c in zip(chunk.windows(), chunk.window_line_counts())]
    return compute


def windows_subset(chunk: Chunk, sel: list[int], rp: bytes) -> Callable[[], list[int]]:
    def compute() -> list[int]:
        lines = chunk.lines
        extra = len(rp) + 1
        cum = list(accumulate(len(lines[i]) + extra for i in sel))
        out: list[int] = []
        for count in chunk.window_line_counts():
            j = bisect_left(sel, count)
            if j and (not out or out[-1] != cum[j - 1]):
                out.append(cum[j - 1])
        return out
    return compute


class Dispatcher:
    def __init__(self, script: Script, forwarder: Forwarder, reporter: Reporter,
                 clock: Callable[[], int] = time.time_ns) -> None:
        self.groups = script.groups
        self.selecting = needs_lines(self.groups)
        actions = script.actions
        self.need_tai = any(a.tai for a in actions)
        self.need_iso = any(a.iso for a in actions)
        self.iso = IsoFormatter()
        self.rfc = {mode: Rfc3339Formatter(utc=mode == "utc")
                    for mode in {a.rfc for a in actions} if mode is not None}
        self.forwarder = forwarder
        self.reporter = reporter
        self.clock = clock

    def process(self, chunk: Chunk) -> None:
        ns = self.clock()
        tai = tai64n_label(ns) + b" " if self.need_tai else b""
        iso = self.iso(ns) + b"  " if self.need_iso else b""
        rfc = {mode: fmt(ns) + b" " for mode, fmt in self.rfc.items()}
        if self.selecting:
            physical = getattr(chunk, "physical", None)  # %join records (joiner.py)
            sels = select(self.groups, chunk.lines, chunk.data,
                          physical() if physical is not None else None)
        else:
            sels = [None] * len(self.groups)
        shared: dict[str, list[tuple[Action, list[int] | None, bytes]]] = {}
        for group, sel in zip(self.groups, sels):
            if sel is not None and not sel:
                continue
            for action in group.actions:
                rp = (tai if action.tai else b"") + (iso if action.iso else b"")
                if action.rfc is not None:
                    rp += rfc[action.rfc]
                prefix = action.controls.prefix
                if prefix is not None:
                    rp += prefix + b" "
                if action.kind == "d":
                    self._to_logdir(action, chunk, sel, rp)
                else:
                    key = action.target if action.kind == "=" else action.kind
                    shared.setdefault(key, []).append((action, sel, rp))
        for entries in shared.values():
            kind = entries[0][0].kind
            if kind == "1":
                self.forwarder.push(self._records(chunk, entries, _plain))
            elif kind == "2":
                write_alerts(self._records(chunk, entries, _alert))
            else:
                self._status(chunk, entries)

    def _to_logdir(self, action: Action, chunk: Chunk, sel: list[int] | None, rp: bytes) -> None:
        if sel is None:
            action.target.push(records_all(chunk, rp), windows_all(chunk, rp))
        else:
            lines = chunk.lines
            out = rp + (b"\n" + rp).join([lines[i] for i in sel]) + b"\n"
            action.target.push(out, windows_subset(chunk, sel, rp))

    @staticmethod
    def _records(chunk: Chunk, entries: list, one: Callable) -> bytes:
        """Records for one stream; several actions interleave line by line."""
        if len(entries) == 1:
            action, sel, rp = entries[0]
            if one is _plain and sel is None:
                return records_all(chunk, rp)
            lines = chunk.lines if sel is None else [chunk.lines[i] for i in sel]
            return one(lines, rp, action)
        sets = [(a, None if s is None else set(s), rp) for a, s, rp in entries]
        out = []
        for i, line in enumerate(chunk.lines):
            for action, picked, rp in sets:
                if picked is None or i in picked:
                    out.append(one([line], rp, action))
        return b"".join(out)

    def _status(self, chunk: Chunk, entries: list) -> None:
        """Only the last write of a status file survives: find it."""
        last_line, last_entry, count = -1, None, 0
        total = len(chunk.lines)
        for entry in entries:
            sel = entry[1]
            idx = total - 1 if sel is None else sel[-1]
            count += total if sel is None else len(sel)
            if idx >= last_line:
                last_line, last_entry = idx, entry
        action, _, rp = last_entry
        record = rp + chunk.lines[last_line] + b"\n"
        content = status_content(record, action.controls.status_size)
        write_status(action.target, content, self.reporter, count)


def _plain(lines: list[bytes], rp: bytes, action: Action) -> bytes:
    return rp + (b"\n" + rp).join(lines) + b"\n"


def _alert(lines: list[bytes], rp: bytes, action: Action) -> bytes:
    return alert_records(lines, rp, action.controls.E)

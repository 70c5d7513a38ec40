"""Where the demo's logs landed, read back with ``s6py logs cat``'s reader.

``read`` is the I/O (``logd.reading``: archives and ``current`` of a
logdir, in order, stamps decoded); the rest is pure: lines for people
(``decoded``), and the syslogd overlay's ten logdirs folded into one line
per message with the logdirs it was routed to (``routed``).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from typing import NamedTuple

from logd.reading.records import Record, batches, to_records
from logd.reading.render import TextRenderer


class Line(NamedTuple):
    """One line of a logdir: its raw bytes, and as ``s6py logs cat`` prints it."""
    logdir: str
    raw: str
    shown: str  # decoded stamp + text
    text: str  # after the stamps
    stamped: bool
    time: int = -1  # Unix ns of its own or inherited stamp; -1 before any stamp


def read(logdir: str) -> list[Line]:
    """Every line of logdir, oldest first ([] if it does not exist)."""
    from logd.reading.reader import LogdirReader

    if not os.path.isdir(logdir):
        return []
    reader = LogdirReader(logdir)
    try:
        return lines(logdir, to_records(logdir, batches(reader)))
    finally:
        reader.close()


def lines(logdir: str, records: Iterable[Record]) -> list[Line]:
    """The records of one logdir as ``Line``s (pure: ``read`` does the I/O, tests feed
    records made from bytes)."""
    render = TextRenderer()
    out = []
    for r in records:
        out.append(Line(os.path.basename(logdir), _text(r.raw), _text(render(r)).rstrip("\n"),
                        _text(r.rest), r.instant is not None, r.time))
    return out


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def routed(per_logdir: dict[str, list[Line]]) -> list[tuple[str, list[str]]]:
    """(line as shown, logdirs holding it) per distinct syslog line, in time order.

    The syslogd overlay's logger writes one message into several logdirs
    (``everything``, ``user``, ``messages``...) with the same stamp: shown
    once, with where it went.  Lines of one stamp (one read of the logger)
    keep their order in the logdirs: a line's rank among its stamp's lines
    is its highest in any logdir (the logdir that holds the most of them
    has them all in order)."""
    where: dict[str, list[str]] = {}
    key: dict[str, tuple[int, int]] = {}
    for name in sorted(per_logdir):
        first: dict[int, int] = {}
        for i, line in enumerate(per_logdir[name]):
            rank = i - first.setdefault(line.time, i)
            t, r = key.get(line.shown, (line.time, 0))
            key[line.shown] = (t, max(r, rank))
            names = where.setdefault(line.shown, [])
            if name not in names:
                names.append(name)
    return [(k, where[k]) for k in sorted(key, key=key.__getitem__)]

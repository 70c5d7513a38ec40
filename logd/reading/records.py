"""Lines of logdirs as records: time, stamps, text; filtered and merged.

A line without a stamp takes the time of the last stamped line before it
in the same logdir (a continuation belongs with the line it continues);
its own ``instant`` stays None so output shows it has no stamp.  Lines
before the first stamp of a logdir have no time at all: merged they come
first (file order is kept), and a ``--since``/``--until`` window drops
them, since they cannot be shown to be inside it (``untimed`` counts
them so the command can say so).
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator

from logd.ere import compile_matcher
from logd.reading.line import InstantDecoder, split_stamps
from logd.reading.reader import LogdirReader
from logd.reading.timefilter import Window


class Record:
    __slots__ = ("instant", "time", "iso", "rest", "raw", "source", "file")

    def __init__(self, instant, time, iso, rest, raw, source, file) -> None:
        self.instant = instant  # (ns, leap) from the line's own stamp, or None
        self.time = time  # ns for ordering and filtering: own or inherited; -1 if none
        self.iso = iso  # the ISO text as written, when the line has one
        self.rest = rest
        self.raw = raw
        self.source = source  # the logdir, as given
        self.file = file  # file in the logdir the line was read from


def to_records(source: str, batches: Iterable, decoder: InstantDecoder | None = None,
               last: list | None = None) -> Iterator[Record]:
    """Records of a stream of ``Batch``es; ``last`` carries the inherited
    time across calls (a one-element list) for followers."""
    dec = decoder or InstantDecoder()
    carry = last if last is not None else [-1]
    for batch in batches:
        fname = batch.file
        for raw in batch.lines:
            label, iso, rest = split_stamps(raw)
            instant = dec.instant(label, iso) if (label is not None or iso is not None) else None
            if instant is not None:
                carry[0] = instant[0]
            yield Record(instant, carry[0], iso, rest, raw, source, fname)


def batches(reader: LogdirReader) -> Iterator:
    """Everything the reader has now, then stop (``cat``)."""
    while True:
        b = reader.read()
        if b is None:
            return
        yield b


class Filter:
    """The ``cat``/``tail`` selection: time window, regex, facility, severity."""

    def __init__(self, window: Window | None = None, grep: str | None = None,
                 facilities: frozenset[str] = frozenset(),
                 severities: tuple[int, int] | None = None) -> None:
        self.window = window or Window()
        # the logger's own dialect (a --grep tried here works in a log script), and
        # bounded in time: log lines are often attacker-shaped (logd.ere.matcher)
        self.grep = compile_matcher(grep.encode("utf-8", "surrogateescape")) if grep else None
        self.facilities = facilities
        self.severities = severities
        self.untimed = 0

    def __call__(self, r: Record) -> bool:
        if not self.window.open:
            if r.time < 0:
                self.untimed += 1
                return False
            if not self.window.contains(r.time):
                return False
        if self.grep is not None and not self.grep.search(r.rest):
            return False
        if self.facilities or self.severities is not None:
            from logd.reading.syslogline import SEVERITY_CODES, parse_prefix

            found = parse_prefix(r.rest)
            if found is None:
                return False
            fields = found[0]
            if self.facilities and fields["facility"] not in self.facilities:
                return False
            if self.severities is not None:
                lo, hi = self.severities
                if not lo <= SEVERITY_CODES[fields["severity"]] <= hi:
                    return False
        return True


def merged(streams: list[Iterator[Record]]) -> Iterator[Record]:
    """Several logdirs' records in time order; ties keep the order the
    logdirs were given, and each logdir keeps its own order."""
    if len(streams) == 1:
        return streams[0]
    return heapq.merge(*streams, key=lambda r: r.time)

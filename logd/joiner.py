"""Multi-line records (``%join``): lines in, records out, sans I/O.

Why: a stack trace is one event, but s6-log sees one line at a time, so
its continuation lines get stamps of their own, can be routed elsewhere
than their first line, and interleave with other lines when read back.
With ``%join`` logd groups lines into records *before* selection and
stamping: a record is a line and the continuation lines that follow it
(indented ones, or those a regex picks, extensions.py).  A record is
written as its lines, stamps and prefix on the first only, so readers that
take an unstamped line as the continuation of the one above (``s6py logs``)
see one entry; selection takes a record when any of its lines matches.

Where a record had to be broken, it says so: a line longer than the line
limit is cut, and the piece that continues it starts with ``MARK``; a
record cut because it reached ``%joinmax`` bytes, or written because
``%joinms`` passed without its next line, leaves what comes after it to a
record that starts with ``MARK`` too.

The last record of a read is held until a line that starts a new record
arrives, the time limit passes or input ends.  Held bytes count as part of
the partial input (``pending``), so a pipe read through tee(2) keeps them
in the pipe until they are written, as it keeps a partial line: a
``kill -9`` loses nothing (intake.py).  Records keep the input's bytes;
only the markers are added.
"""
from __future__ import annotations

from logd.reader import READ_WINDOW, Chunk

TYPE_CHECKING = False  # typing costs milliseconds at start-up; annotations are lazy
if TYPE_CHECKING:
    from logd.extensions import JoinSpec

MARK = b"[...] "


class RecordChunk(Chunk):
    """A Chunk whose ``lines`` are records (which may hold newlines).

    Rotation is decided between records only: the windows are record ends,
    about one per ``READ_WINDOW`` bytes, as s6-log decides once per read.
    """

    __slots__ = ("_ends",)  # record ends in data

    def __init__(self, records: list[bytes]) -> None:
        data = b"\n".join(records) + b"\n"
        ends: list[int] = []
        off = 0
        for r in records:
            off += len(r) + 1
            ends.append(off)
        windows: list[int] = []
        last = 0
        for e in ends:
            if e - last >= READ_WINDOW:
                windows.append(e)
                last = e
        if not windows or windows[-1] != ends[-1]:
            windows.append(ends[-1])
        super().__init__(data, b"", None, windows, records)
        self._ends = ends

    def window_line_counts(self) -> list[int]:
        from bisect import bisect_right

        return [bisect_right(self._ends, w) for w in self.windows()]

    def physical(self) -> tuple[list[bytes], list[int]] | None:
        """(the lines, the record each belongs to) when some record has
        several, for selection; None when every record is one line."""
        if len(self._ends) * 1 == self.data.count(b"\n"):
            return None
        phys = self.data[:-1].split(b"\n")
        owner: list[int] = []
        for i, r in enumerate(self._lines or ()):
            owner.extend([i] * (r.count(b"\n") + 1))
        return phys, owner


class JoinSplitter:
    """The reader.Splitter interface (feed, pending, take_partial) for records.

    ``now`` (monotonic seconds) is injected so the time limit is testable.
    """

    def __init__(self, spec: JoinSpec, linelimit: int = 8192) -> None:
        self.spec = spec
        self.limit = linelimit
        self.pending = b""  # held record + partial line: not yet complete input
        self.cuts = 0  # pieces made at the line limit (counters.py); may count again on re-reads
        self.tail = b""     # the partial line alone
        self.held_since: float | None = None
        self._held_len = 0   # bytes of the held record at the last feed
        self._broken = False  # the next record continues one that was cut

    # ------------------------------------------------------------ splitting

    def _pieces(self, buf: bytes, end: int) -> tuple[list[bytes], list[int], list[bool]]:
        """Complete lines of buf[:end] cut at the limit: (pieces, starts, split)."""
        pieces: list[bytes] = []
        starts: list[int] = []
        split: list[bool] = []  # the piece continues a cut line
        limit = self.limit
        pos = 0
        find = buf.find
        while pos < end:
            nl = find(b"\n", pos, end)
            if limit and nl - pos > limit:
                for k, off in enumerate(range(pos, nl, limit)):
                    self.cuts += k > 0
                    pieces.append(buf[off:min(off + limit, nl)])
                    starts.append(off)
                    split.append(k > 0)
            else:
                pieces.append(buf[pos:nl])
                starts.append(pos)
                split.append(False)
            pos = nl + 1
        return pieces, starts, split

    def _continues(self, pieces: list[bytes], split: list[bool]) -> list[bool]:
        spec = self.spec
        if spec.mode == "indent":
            cont = [p[:1] in (b" ", b"\t") for p in pieces]
        else:
            hit = set(spec.regex.matching(pieces))
            want = spec.mode == "+"
            cont = [(i in hit) is want for i in range(len(pieces))]
        return [c or s for c, s in zip(cont, split)]

    def _records(self, buf: bytes, end: int, cut: int | None = None) -> tuple[list[bytes], _Held | None]:
        """Records of the complete lines of buf[:end], then (``cut``) the full
        pieces of an over-long partial line that buf[end:cut] holds."""
        pieces, starts, split = self._pieces(buf, end) if end else ([], [], [])
        if cut is not None:
            for k, off in enumerate(range(end, cut, self.limit)):
                pieces.append(buf[off:off + self.limit])
                starts.append(off)
                split.append(k > 0)
        return _group(pieces, starts, split, self._continues(pieces, split), self._broken,
                      self.spec.max)

    def feed(self, raw: bytes, now: float = 0.0) -> RecordChunk | None:
        """Take one read's bytes; return the records it completed, if any."""
        if b"\0" in raw:
            raw = raw.replace(b"\0", b"\n")
        buf = self.pending + raw if self.pending else raw
        held_before = self._held_len if self.pending else 0
        end = buf.rfind(b"\n") + 1
        cut = None
        if self.limit and len(buf) - end > self.limit:
            # an over-long partial line: its full pieces are complete, but the
            # last one stays partial (a line of k*limit bytes makes k pieces)
            cut = end + (len(buf) - end - 1) // self.limit * self.limit
        records, held = self._records(buf, end, cut)
        self.tail = buf[end if cut is None else cut:]
        if held is None:
            self.pending, self._held_len, self.held_since = self.tail, 0, None
        else:
            self.pending = buf[held.start:]
            self._broken = held.broken
            if records or held.size != held_before or self.held_since is None:
                self.held_since = now  # a new record, or it grew: wait again
            self._held_len = held.size
        return RecordChunk(records) if records else None

    # ------------------------------------------------------------ ending

    def deadline(self) -> float | None:
        """When the held record is due (monotonic seconds), if one is held."""
        if self.held_since is None:
            return None
        return self.held_since + self.spec.ms / 1000

    def take_held(self) -> RecordChunk | None:
        """The held record as it stands (time limit): what follows may continue it."""
        if self.held_since is None:
            return None
        held = self.pending[:len(self.pending) - len(self.tail)]
        records = self._all(held)
        self.pending, self._held_len, self.held_since = self.tail, 0, None
        self._broken = True
        return RecordChunk(records) if records else None

    def take_partial(self) -> RecordChunk | None:
        """Everything held, the partial line as a complete one (EOF, -t)."""
        if not self.pending:
            return None
        data = self.pending if self.pending.endswith(b"\n") else self.pending + b"\n"
        self.pending, self.tail, self._held_len, self.held_since = b"", b"", 0, None
        records = self._all(data)
        self._broken = False
        return RecordChunk(records) if records else None

    def _all(self, data: bytes) -> list[bytes]:
        """Every line of data as records, the last one included (data ends
        with a newline, or with the full pieces of an over-long line)."""
        end = data.rfind(b"\n") + 1
        records, held = self._records(data, end, len(data) if end < len(data) else None)
        if held is not None:
            records.append(b"\n".join(held.lines))
        return records


class _Held:
    """The last record of a read: where it starts, its size and lines, and
    whether it continues a record that was cut (its first line is marked)."""

    __slots__ = ("start", "size", "lines", "broken")

    def __init__(self, start: int, size: int, lines: list[bytes], broken: bool) -> None:
        self.start, self.size, self.lines, self.broken = start, size, lines, broken


def _group(pieces: list[bytes], starts: list[int], split: list[bool], cont: list[bool],
           broken: bool, cap: int) -> tuple[list[bytes], _Held | None]:
    """Records complete for sure, and the held last one.

    ``broken``: the first record continues one that was cut.  A piece cut
    from a longer line, and the first line of a record that continues a
    cut one, start with MARK.
    """
    records: list[bytes] = []
    cur: list[bytes] = []
    cur_start = 0
    cur_broken = broken
    size = 0
    for piece, start, s, c in zip(pieces, starts, split, cont):
        line = MARK + piece if s else piece
        if cur and (not c or size + len(line) + 1 > cap):
            records.append(b"\n".join(cur))
            broken = c  # cut for size: the next record continues this one
            cur, size = [], 0
        if not cur:
            cur_start, cur_broken = start, broken
            if c and broken and not s:
                line = MARK + piece
            broken = False
        cur.append(line)
        size += len(line) + 1
    if not cur:
        return records, None
    return records, _Held(cur_start, size, cur, cur_broken)

"""Bytes in, complete lines out: s6-log's input splitting, sans I/O.

The read loop reads big blocks (hundreds of KiB) to keep per-line Python
work off the hot path, but s6-log's observable behaviour depends on its
own read size: it reads at most 8191 bytes at a time and decides
rotation once per read.  A ``Chunk`` therefore carries, next to the
complete lines of one big read, the *windows*: where each emulated
8191-byte read of s6-log would have ended.  Logdirs ask for them only when
a rotation may fall inside the chunk, so the common case costs nothing.

Splitting rules: ``\\n`` and NUL end a line; a line longer than the limit
is cut every ``limit`` bytes (a line of exactly k*limit bytes gives k
pieces, never an empty one), independently of read boundaries.  The fast
path (no line over the limit) never splits the block into a list.
"""
from __future__ import annotations

READ_WINDOW = 8191  # s6-log's largest read()


class Chunk:
    """The complete lines of one read, as ``data`` ('\\n'-terminated).

    ``windows()`` gives the offsets in ``data`` at the end of each
    emulated s6-log read that completed at least one line (increasing,
    the last one is ``len(data)``).
    """

    __slots__ = ("data", "_buf", "_window_ends", "_windows", "_lines")

    def __init__(self, data: bytes, buf: bytes = b"", window_ends: list[int] | None = None,
                 windows: list[int] | None = None, lines: list[bytes] | None = None) -> None:
        self.data = data
        self._buf = buf
        self._window_ends = window_ends
        self._windows = windows
        self._lines = lines

    @property
    def lines(self) -> list[bytes]:
        """The lines without terminators (split once, on demand)."""
        if self._lines is None:
            self._lines = self.data[:-1].split(b"\n")
        return self._lines

    def windows(self) -> list[int]:
        if self._windows is None:
            self._windows = _fast_windows(self._buf, len(self.data), self._window_ends)
        return self._windows

    def window_line_counts(self) -> list[int]:
        """Number of lines complete at each entry of ``windows()``."""
        counts = []
        total = prev = 0
        count = self.data.count
        for off in self.windows():
            total += count(b"\n", prev, off)
            counts.append(total)
            prev = off
        return counts


def _fast_windows(buf: bytes, end: int, window_ends: list[int] | None) -> list[int]:
    """Window offsets when ``data`` is a prefix of ``buf`` (no cuts)."""
    if not window_ends:
        return [end]
    out: list[int] = []
    rfind = buf.rfind
    last = 0
    for e in window_ends:
        off = rfind(b"\n", 0, e) + 1
        if off > last:
            out.append(off)
            last = off
    if not out or out[-1] != end:
        out.append(end)
    return out


class Splitter:
    """Keeps the partial last line between reads and cuts long lines."""

    def __init__(self, linelimit: int = 8192) -> None:
        self.limit = linelimit
        self.pending = b""
        self.cuts = 0  # times a line was cut at the limit (counters.py)

    def feed(self, raw: bytes) -> Chunk | None:
        """Take one read's bytes; return the lines it completed, if any."""
        if b"\0" in raw:
            raw = raw.replace(b"\0", b"\n")
        plen = len(self.pending)
        buf = self.pending + raw if plen else raw
        limit = self.limit
        nl = buf.rfind(b"\n")
        if limit and (len(buf) - nl - 1 > limit or _has_long_line(buf, nl + 1, limit)):
            return self._slow(buf, plen)
        self.pending = buf[nl + 1:]
        if nl < 0:
            return None
        data = buf if nl + 1 == len(buf) else buf[:nl + 1]
        n = len(raw)
        ends = None
        if n > READ_WINDOW:
            ends = [plen + min(k + READ_WINDOW, n) for k in range(0, n, READ_WINDOW)]
        return Chunk(data, buf, ends)

    def take_partial(self) -> Chunk | None:
        """The held partial line as a complete one (EOF, or end of -t wait)."""
        if not self.pending:
            return None
        data = self.pending + b"\n"
        self.pending = b""
        return Chunk(data, data, None)

    def _slow(self, buf: bytes, plen: int) -> Chunk | None:
        """Cut long lines; track where each piece completed for windows."""
        limit = self.limit
        pieces: list[bytes] = []
        done_at: list[int] = []  # buf index of the byte that completed each piece
        pos = 0
        find = buf.find
        while True:
            nl = find(b"\n", pos)
            if nl < 0:
                break
            if nl - pos > limit:
                self.cuts += (nl - pos - 1) // limit
                for off in range(pos, nl, limit):
                    pieces.append(buf[off:min(off + limit, nl)])
                    done_at.append(min(off + limit, nl))
            else:
                pieces.append(buf[pos:nl])
                done_at.append(nl)
            pos = nl + 1
        while len(buf) - pos > limit:
            self.cuts += 1
            pieces.append(buf[pos:pos + limit])
            done_at.append(pos + limit)
            pos += limit
        self.pending = buf[pos:]
        if not pieces:
            return None
        data = b"\n".join(pieces) + b"\n"
        windows: list[int] = []
        off = 0
        boundary = plen + READ_WINDOW
        for piece, at in zip(pieces, done_at):
            while at >= boundary:
                if windows[-1:] != [off] and off:
                    windows.append(off)
                boundary += READ_WINDOW
            off += len(piece) + 1
        windows.append(off)
        return Chunk(data, b"", None, windows, pieces)


def _has_long_line(buf: bytes, end: int, limit: int) -> bool:
    """Is any line in buf[:end] longer than limit?  Without splitting.

    Only lines under sample points are measured: a line of limit+1 or more
    bytes starting at or before a sample point p reaches p, or is covered
    by the next sample p+limit+1.  So a few hundred find() calls per MiB
    replace a split into thousands of lines.
    """
    if end <= limit:
        return False
    step = limit + 1
    find, rfind = buf.find, buf.rfind
    p = 0
    while p < end:
        if buf[p] == 10:
            p += step
            continue
        start = rfind(b"\n", 0, p) + 1
        stop = find(b"\n", p, end)
        if stop < 0:
            stop = end
        if stop - start > limit:
            return True
        p = max(p + step, stop + 1)
    return False

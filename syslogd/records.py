"""Splitting a byte stream into syslog records.

Stream clients (ucspilogd's input, and the optional ``-S`` stream listener
of ``python3 -m syslogd``) send records one after the other on a
connection.  glibc and Python end each with a NUL, util-linux logger (``-T``
or its stream fallback) with a newline; both are terminators here, as in
ucspilogd.  A record still open at end of stream is a record too.

With ``limit`` set, no record grows past ``limit + 1`` bytes: a longer one
is handed over cut (the caller's formatter marks it with ``...``) and the
rest of it, up to its terminator, is skipped, so a client that never sends
a terminator cannot make the reader buffer without bound.

With ``octet_counting`` set, a record that starts like an RFC 6587 frame
(``LEN SP <``) is read as exactly LEN bytes with no terminator, which is
what ``logger --octet-count`` sends.
"""

from __future__ import annotations


class RecordSplitter:
    """Incremental splitter: ``feed()`` chunks, get the complete records."""

    __slots__ = ("_buf", "_limit", "_skip", "_skipn", "_framed", "_octets")

    def __init__(self, limit: int | None = None, octet_counting: bool = False) -> None:
        self._buf = b""
        self._limit = limit
        self._skip = False
        self._skipn = 0
        self._framed = False
        self._octets = octet_counting

    def feed(self, data: bytes) -> list[bytes]:
        """Records completed by ``data``, terminators removed."""
        if self._octets:
            return self._feed_octets(data)
        return self._feed_terminated(data)

    def _feed_terminated(self, data: bytes) -> list[bytes]:
        if b"\0" in data:
            data = data.replace(b"\0", b"\n")
        if self._buf:
            data = self._buf + data
            self._buf = b""
        parts = data.split(b"\n")
        rest = parts.pop()
        if self._skip and parts:
            # the first part ends the record being skipped
            del parts[0]
            self._skip = False
        if self._skip:
            return []
        limit = self._limit
        if limit is not None and len(rest) > limit:
            parts.append(rest[: limit + 1])
            self._skip = True
            rest = b""
        self._buf = rest
        return parts

    def _feed_octets(self, data: bytes) -> list[bytes]:
        buf = self._buf + data if self._buf else data
        out: list[bytes] = []
        n = len(buf)
        pos = 0
        if self._skipn:
            pos = min(self._skipn, n)
            self._skipn -= pos
        limit = self._limit
        while pos < n:
            if self._skip:
                end = _first_terminator(buf, pos)
                if end < 0:
                    pos = n
                    break
                pos = end + 1
                self._skip = False
                continue
            header = _frame_header(buf, pos)
            if header is not None:
                size, start = header
                avail = n - start
                if avail >= size:
                    out.append(buf[start:start + size])
                    pos = start + size
                    self._framed = True
                    continue
                if limit is not None and avail > limit:
                    # never hold more than a line's worth: cut, skip the rest
                    out.append(buf[start:start + limit + 1])
                    self._skipn = size - avail
                    pos = n
                break
            end = _first_terminator(buf, pos)
            if end < 0:
                if limit is not None and n - pos > limit:
                    out.append(buf[pos:pos + limit + 1])
                    self._skip = True
                    pos = n
                break
            if end == pos and self._framed:
                pass  # a terminator right after a counted frame: not a record
            else:
                out.append(buf[pos:end])
            self._framed = False
            pos = end + 1
        self._buf = buf[pos:]
        return out

    def finish(self) -> list[bytes]:
        """The record left open at end of stream, if any."""
        rest, self._buf = self._buf, b""
        skipping = self._skip or self._skipn
        self._skip = False
        self._skipn = 0
        if skipping or not rest:
            return []
        return [rest]


def _first_terminator(buf: bytes, pos: int) -> int:
    a = buf.find(b"\n", pos)
    b = buf.find(b"\0", pos)
    if a < 0:
        return b
    if b < 0:
        return a
    return a if a < b else b


def _frame_header(buf: bytes, pos: int) -> tuple[int, int] | None:
    """``(LEN, offset of the frame)`` if an RFC 6587 ``LEN SP <`` header
    starts at pos (1-9 digits, no leading zero)."""
    i = pos
    n = len(buf)
    while i < n and i - pos < 9 and 48 <= buf[i] <= 57:
        i += 1
    if i == pos or buf[pos] == 48 or i + 1 >= n or buf[i] != 32 or buf[i + 1] != 60:
        return None
    return int(buf[pos:i]), i + 1

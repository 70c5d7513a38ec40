"""Whole lines in, whole-line write pieces out (pure: no I/O).

Why whole lines: the container's stdout is usually a pipe with other
writers (services without a logger, the CMD).  A write of at most PIPE_BUF
bytes to a pipe is atomic, a longer one may be split by anybody else's, so
the relay writes pieces of at most PIPE_BUF bytes that end at a line end:
every line shorter than that reaches ``docker logs`` in one piece.  A longer
line goes in one write of its own (the kernel may still split that one).
"""
from __future__ import annotations

PIPE_BUF = 4096


class Stream:
    """One logger's pipe as the relay reads it: the tail of a line is kept until its end."""

    __slots__ = ("name", "seq", "partial")

    def __init__(self, name: str, seq: int) -> None:
        self.name = name
        self.seq = seq
        self.partial = b""

    def feed(self, data: bytes) -> bytes:
        """The complete lines that data finishes (b"" if none); keeps the rest."""
        end = data.rfind(b"\n")
        if end < 0:
            self.partial += data
            return b""
        head = self.partial + data[:end + 1] if self.partial else data[:end + 1]
        self.partial = data[end + 1:]
        return head

    def finish(self) -> bytes:
        """At end of file: a last line without its newline is kept, completed."""
        tail, self.partial = self.partial, b""
        return tail + b"\n" if tail else b""


def piece(buf: bytes | bytearray, limit: int = PIPE_BUF) -> int:
    """How many bytes of buf (whole lines) the next write takes."""
    if len(buf) <= limit:
        return len(buf)
    end = buf.rfind(b"\n", 0, limit)
    if end >= 0:
        return end + 1
    end = buf.find(b"\n", limit)
    return len(buf) if end < 0 else end + 1


class Outbox:
    """Lines waiting for the console, oldest first; ``size`` is what back-pressure watches."""

    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = bytearray()

    @property
    def size(self) -> int:
        return len(self.buf)

    def push(self, data: bytes) -> None:
        self.buf += data

    def next(self, limit: int = PIPE_BUF) -> bytes:
        return bytes(self.buf[:piece(self.buf, limit)])

    def done(self, n: int) -> None:
        """n bytes were written (a short write leaves the rest of that line first)."""
        del self.buf[:n]

    def clear(self) -> int:
        n = len(self.buf)
        self.buf = bytearray()
        return n

"""Where input bytes come from, and when they are consumed.

Three ways to read stdin, chosen once at start-up:

* a regular file: big reads (the windows in reader.py keep s6-log's
  rotation points), with glibc told to keep the buffers (heap.py);
* a pipe, through tee (peek.py): bytes are consumed only once the lines
  they complete have been handed to the logdirs, and a partial last line
  is left in the pipe, so a SIGKILLed logger loses nothing;
* anything else, or without tee: 8191-byte reads, as s6-log.

A partial line left in the pipe keeps it readable, so poll() cannot wait
for *new* bytes; the loop then re-checks on a short backoff timer and,
if the line stays incomplete for about a second, takes it into memory
(as s6-log would have) and goes back to blocking in poll().
"""
from __future__ import annotations

import os
import stat
import time

from logd.reader import READ_WINDOW, Chunk, Splitter

PLAIN_READ = READ_WINDOW
FILE_READ = READ_WINDOW * 128
PEEK_READ = READ_WINDOW * 2  # a kill between write and consume repeats at most this
RECHECK_FIRST = 0.001
RECHECK_MAX = 0.5


class Intake:
    def __init__(self, linelimit: int, fd: int = 0) -> None:
        self.fd = fd
        self.splitter = Splitter(linelimit)
        self.linelimit = linelimit
        self.size = PLAIN_READ
        self.peek = None
        self.unconsumed = 0   # bytes of the partial line still in the pipe
        self._to_consume = 0  # bytes read, to consume once their lines are written
        self.recheck_at: float | None = None
        self._delay = RECHECK_FIRST
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            return
        if stat.S_ISREG(mode):
            from logd.heap import keep_big_buffers

            self.size = FILE_READ
            keep_big_buffers()
        elif stat.S_ISFIFO(mode) and os.environ.get("S6PY_LOGD_PEEK", "1") != "0":
            from logd.peek import PipePeek

            self.peek = PipePeek.open(fd)
            if self.peek is not None:
                self.size = min(PEEK_READ, self.peek.capacity)
        # no keep of a partial line above this: the pipe must not fill up
        self.keep_max = min(self.size // 2, linelimit or self.size // 2)

    @property
    def partial(self) -> bytes:
        return self.splitter.pending

    @property
    def parked(self) -> bool:
        """Only a partial line is in the pipe: poll the timer, not the fd."""
        return self.recheck_at is not None

    def read(self, one_byte: bool = False) -> tuple[Chunk | None, bool]:
        """(complete lines, end of input) from one read; (None, False) if
        nothing came.  Call ``done()`` once the lines have been handed on:
        only then are they consumed from a pipe."""
        if self.peek is None or one_byte:
            if one_byte:
                self.absorb()
            return self._plain(1 if one_byte else self.size)
        want = min(self.size, self.peek.capacity)
        data = self.peek.peek(want)
        if data is None:
            return None, False
        if not data:
            return None, True
        if len(data) <= self.unconsumed:  # nothing new behind the parked line
            if self._hung_up():
                self.absorb()
                return None, True
            self._backoff()
            return None, False
        self.recheck_at, self._delay = None, RECHECK_FIRST
        # the bytes still in the pipe come again at the head of data; those
        # already consumed (absorbed, or over keep_max) live only in memory
        pending = self.splitter.pending
        self.splitter.pending = pending[:len(pending) - self.unconsumed]
        chunk = self.splitter.feed(data)
        keep = min(len(self.splitter.pending), len(data))  # what of it is still in the pipe
        if keep > self.keep_max:
            keep = 0
        self._to_consume = len(data) - keep
        self.unconsumed = keep
        if keep and len(data) < want:  # the pipe holds nothing but this partial line
            self._backoff()
        return chunk, False

    def done(self) -> None:
        """The lines of the last read are written (or held): consume them."""
        if self._to_consume:
            self.peek.consume(self._to_consume)
            self._to_consume = 0

    def _plain(self, size: int) -> tuple[Chunk | None, bool]:
        data = os.read(self.fd, size)  # BlockingIOError / OSError to the caller
        if not data:
            return None, True
        return self.splitter.feed(data), False

    def absorb(self) -> None:
        """Take a parked partial line into memory (it is already mirrored)."""
        self.done()
        if self.unconsumed:
            self.peek.consume(self.unconsumed)
            self.unconsumed = 0
        self.recheck_at = None

    def take_partial(self) -> Chunk | None:
        self.absorb()
        return self.splitter.take_partial()

    def _backoff(self) -> None:
        if self._delay > RECHECK_MAX:
            self.absorb()  # a line left incomplete for a while: hold it, block in poll
            self._delay = RECHECK_FIRST
            return
        self.recheck_at = time.monotonic() + self._delay
        self._delay *= 2

    def _hung_up(self) -> bool:
        import select

        p = select.poll()
        p.register(self.fd, select.POLLIN)
        return any(ev & select.POLLHUP for _, ev in p.poll(0))

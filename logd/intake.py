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
    def __init__(self, linelimit: int, fd: int = 0, join=None) -> None:
        self.fd = fd
        if join is None:
            self.splitter = Splitter(linelimit)
        else:  # %join: records of several lines (joiner.py); held ones count as partial
            from logd.joiner import JoinSplitter

            self.splitter = JoinSplitter(join, linelimit)
        self.join = join
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
        """The partial last line (without %join's held record)."""
        return self.splitter.pending if self.join is None else self.splitter.tail

    def _feed(self, data: bytes) -> Chunk | None:
        if self.join is None:
            return self.splitter.feed(data)
        return self.splitter.feed(data, time.monotonic())

    def held_deadline(self) -> float | None:
        """When %join's held record is due (monotonic seconds), if one is held."""
        return None if self.join is None else self.splitter.deadline()

    def take_held(self) -> Chunk | None:
        """%join's held record, its time limit passed: consumed from the pipe now."""
        self.done()
        before = len(self.splitter.pending)
        chunk = self.splitter.take_held()
        n = before - len(self.splitter.pending)  # the head of pending
        from_pipe = n - (before - self.unconsumed)  # pending's tail is what is in the pipe
        if from_pipe > 0:
            self.peek.consume(from_pipe)
            self.unconsumed -= from_pipe
        return chunk

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
        chunk = self._feed(data)
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
        return self._feed(data), False

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

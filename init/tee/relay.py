"""PID 1's side of the tee route: the loggers' pipes in, whole lines out to the console.

Each logger in tee mode hands PID 1 the read end of a pipe of its own
(``RcServer``'s ``tee`` request).  The relay reads them in PID 1's loop,
keeps the tail of a line until its end (``lines.Stream``) and writes whole
lines to the container's stdout (``console.Console``: never blocking PID 1,
never changing the description others write through).

Order: one pipe is one logger's stream, read in order.  When a logger
dies and its successor registers, what the dead one left in its pipe goes
first: before reading a stream, every older stream of the same name whose
writer is gone (POLLHUP) is drained.

Back-pressure, the choice (README, "Service names in docker logs"): when
the console does not take the copies, the relay keeps at most ``HIGH``
bytes of them, then stops reading the pipes; a logger's copies then wait
in its pipe (64 KiB), then in logd, which behind ``-b`` (logutil-service's
mode) stops reading its input until stdout drains, exactly as s6-log
does: the logdir waits with the copy, nothing is dropped, and the service
blocks on a full pipe as it would writing to a blocked stdout itself.  A
console that fails (EPIPE, EIO) is dropped with one warning, as s6-log
drops its stdout; the pipes are still read, so the logdirs go on.
"""
from __future__ import annotations

import os
import select

from init.tee.console import Console
from init.tee.lines import PIPE_BUF, Outbox, Stream

HIGH = 256 * 1024      # copies held for a blocked console before the pipes wait
READ = 65536
BIG_PIECE = 65536      # terminals, sockets and files: no atomicity to keep


class Relay:
    def __init__(self, loop, out_fd: int, say) -> None:
        self.loop = loop
        self.out_fd = out_fd
        self.say = say
        self.console: Console | None = None
        self.limit = PIPE_BUF
        self.streams: dict[int, Stream] = {}
        self.outbox = Outbox()
        self.seq = 0
        self.paused = False
        self.waiting_fd = -1     # the console fd we wait on for POLLOUT
        self.dead = False
        self.dropped = 0
        self.progress = loop.time()   # when the console last took something

    @property
    def busy(self) -> bool:
        """Something is still to be read or written (stage 3 waits for it, bounded)."""
        return bool(self.streams) or (self.outbox.size > 0 and not self.dead)

    def stuck(self, for_s: float) -> bool:
        """Copies wait and the console has taken nothing for for_s seconds."""
        return self.outbox.size > 0 and self.loop.time() - self.progress >= for_s

    # ------------------------------------------------------------ input

    def add(self, name: str, fd: int) -> None:
        """A logger's pipe (read end, ours now)."""
        os.set_blocking(fd, False)
        self.seq += 1
        self.streams[fd] = Stream(name, self.seq)
        if not self.paused:
            self.loop.add_reader(fd, lambda: self._readable(fd))

    def _readable(self, fd: int) -> None:
        s = self.streams.get(fd)
        if s is None:
            return
        older = []
        for ofd, o in self.streams.items():          # registration order
            if o.seq >= s.seq:
                break
            if o.name == s.name:
                older.append(ofd)
        for ofd in older:
            if _hung_up(ofd):
                self._drain(ofd)
        self._read(fd)
        self._flush()

    def _read(self, fd: int) -> bool:
        """One read; False when there was nothing (EAGAIN) or the stream ended."""
        s = self.streams[fd]
        try:
            data = os.read(fd, READ)
        except BlockingIOError:
            return False
        except OSError:
            data = b""
        if not data:
            self._push(s.finish())
            self._close(fd)
            return False
        self._push(s.feed(data))
        return True

    def _drain(self, fd: int) -> None:
        while fd in self.streams and self._read(fd):
            pass

    def _close(self, fd: int) -> None:
        del self.streams[fd]
        self.loop.remove_reader(fd)
        try:
            os.close(fd)
        except OSError:
            pass

    def _pause(self, on: bool) -> None:
        if on == self.paused:
            return
        self.paused = on
        for fd in list(self.streams):
            if on:
                self.loop.remove_reader(fd)
            else:
                self.loop.add_reader(fd, lambda fd=fd: self._readable(fd))

    # ------------------------------------------------------------ output

    def _push(self, data: bytes) -> None:
        if not data:
            return
        if self.dead:
            self.dropped += data.count(b"\n")
            return
        self.outbox.push(data)
        if self.outbox.size >= HIGH:
            self._pause(True)

    def _flush(self) -> None:
        if self.dead:
            return
        if self.console is None:
            try:
                self.console = Console(self.out_fd)
            except OSError as e:
                return self._fail(e)
            if not _is_fifo(self.console.fd) and self.console.mode != "nowait":
                self.limit = BIG_PIECE
        c = self.console
        budget = c.room() if self.limit == PIPE_BUF else None
        while self.outbox.size:
            limit = self.limit if budget is None else max(PIPE_BUF, min(budget, BIG_PIECE))
            try:
                n = c.write(self.outbox.next(limit))
            except BlockingIOError:
                self._wait(c.fd if c.pollable else -1)
                return
            except OSError as e:
                return self._fail(e)
            self.outbox.done(n)
            self.progress = self.loop.time()
            if budget is not None:
                budget -= n
        self._wait(-1)
        if self.paused and self.outbox.size < HIGH // 2:
            self._pause(False)

    def _wait(self, fd: int) -> None:
        if fd == self.waiting_fd:
            return
        if self.waiting_fd >= 0:
            self.loop.remove_writer(self.waiting_fd)
        self.waiting_fd = fd
        if fd >= 0:
            self.loop.add_writer(fd, self._flush)
        elif self.outbox.size and not self.dead:
            self.loop.call_later(0.05, self._flush)   # not pollable: try again shortly

    def _fail(self, e: OSError) -> None:
        self._wait(-1)
        self.dead = True
        self.dropped += bytes(self.outbox.buf).count(b"\n")
        self.outbox.clear()
        self._pause(False)
        why = e.strerror or str(e)
        self.say(f"s6py: warning: tee: unable to write to stdout, dropping the loggers' "
                 f"copies from now on - error was: {why}")

    def close(self) -> None:
        self._wait(-1)
        for fd in list(self.streams):
            self._close(fd)
        if self.console is not None:
            self.console.close()


def _hung_up(fd: int) -> bool:
    p = select.poll()
    p.register(fd, select.POLLIN)
    return any(ev & select.POLLHUP for _, ev in p.poll(0))


def _is_fifo(fd: int) -> bool:
    import stat
    try:
        return stat.S_ISFIFO(os.fstat(fd).st_mode)
    except OSError:
        return False

"""The read loop: sockets in, lines out, SIGTERM and the lameduck timer.

Performance shape (one datagram -> one line, the cost to avoid is Python
work per datagram): the datagram socket is non-blocking and is read in a
tight loop until EAGAIN or a batch is full, each datagram goes through the
prebuilt formatter closure, and the batch's lines leave in one
``os.write`` of their join.  ``poll`` is only called once the socket is
empty.

Back-pressure is s6-socklog's: stdout stays blocking (it may be a pipe
shared with other producers, so its flags are not ours to change), and
while a write blocks nothing is read, so a stuck logger backs up into the
socket and then into the clients.

SIGTERM: stop serving, read what is already queued on the sockets (up to
a bound, so a flood cannot keep us alive; s6-socklog drops those
datagrams, which loses data a clean shutdown could keep), finish the
records of open stream connections, flush, exit 0.
With ``-t ms``, a SIGALRM armed at SIGTERM time interrupts a write that is
still blocked when the timeout expires: exit 99.  Before SIGTERM, SIGALRM
keeps its default action, as in s6-socklog.
"""

from __future__ import annotations

import _signal
import os
import select
import time

from .datagram import client_prefix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

#: bytes of output gathered before a write (s6-socklog uses 4 x linelen;
#: bigger batches mean fewer write calls, the memory bound stays small)
BATCH_BYTES = 256 * 1024
#: datagrams read after SIGTERM at most (what was queued, not a flood)
DRAIN_MAX = 16384
#: stream clients served at once (more wait in the listen backlog)
MAX_STREAM_CLIENTS = 256
STREAM_READ = 65536
#: receive buffers larger than this are read with recv_into into one
#: preallocated buffer instead of a fresh (mmap'd) allocation per call
BIG_BUFFER = 65536

POLLIN = select.POLLIN


class LameduckExpired(BaseException):
    """The ``-t`` timeout ran out before everything was flushed (exit 99).
    A BaseException so no ``except Exception`` on the way can swallow it."""


class OutputError(Exception):
    """Writing to stdout failed: the fatal message and exit 111."""

    def __init__(self, err: OSError) -> None:
        super().__init__(err)
        self.err = err


class RecvError(Exception):
    """Reading the socket failed (not EAGAIN): exit 111."""

    def __init__(self, err: OSError) -> None:
        super().__init__(err)
        self.err = err


def write_all(fd: int, data: bytes) -> None:
    """Write everything.  A blocking fd may still take it in pieces when a
    signal interrupts the write; a pipe someone else made non-blocking (the
    file description is shared with every holder of that end) is waited
    for rather than treated as an error."""
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            p = select.poll()
            p.register(fd, select.POLLOUT)
            p.poll()
            continue
        except OSError as e:
            raise OutputError(e) from None
        view = view[n:]


class Server:
    """Serves one datagram socket (unix or UDP) and optionally one unix
    stream listener, writing lines to ``out_fd``."""

    def __init__(self, fmt: Callable[[bytes], bytes], linelen: int, *,
                 dgram=None, udp: bool = False, stream=None,
                 lameduck_ms: int = 0, out_fd: int = 1) -> None:
        self.fmt = fmt
        self.linelen = linelen
        self.bufsize = linelen + 1
        self.dgram = dgram
        self.udp = udp
        self.stream = stream
        self.lameduck_ms = lameduck_ms
        self.out_fd = out_fd
        self.terminated = False
        self.batch = max(1, BATCH_BYTES // (linelen + 4))
        self.clients: dict[int, object] = {}
        self._wake_r = -1
        self._poll = select.poll()
        self._prefixes: dict[object, bytes] = {}
        self._listen_paused = False
        self._resume_at: float | None = None
        self._flushed = False
        # one receive buffer for big -l values (a fresh 1 MiB bytes per
        # recv would be an mmap/munmap pair each time)
        self._bigbuf = bytearray(self.bufsize) if self.bufsize > BIG_BUFFER else None
        self.tick: Callable[[], None] | None = None  # after each write (counters.py)

    # ------------------------------------------------------------ signals

    def install_signals(self) -> None:
        """SIGTERM handler plus a wakeup pipe so a blocking poll notices."""
        r, w = os.pipe()
        os.set_blocking(r, False)
        os.set_blocking(w, False)
        self._wake_r = r
        self._wake_w = w
        _signal.set_wakeup_fd(w, warn_on_full_buffer=False)
        _signal.signal(_signal.SIGTERM, self._on_term)

    def _on_term(self, signum, frame) -> None:
        if self.terminated:
            return
        self.terminated = True
        if self.lameduck_ms:
            _signal.signal(_signal.SIGALRM, self._on_alarm)
            _signal.setitimer(_signal.ITIMER_REAL, self.lameduck_ms / 1000.0)

    def _on_alarm(self, signum, frame) -> None:
        if not self._flushed:
            raise LameduckExpired()

    # ------------------------------------------------------------ reading

    def _read_dgrams(self, out: list, limit: int) -> bool:
        """Append the lines of up to ``limit`` datagrams; False once the
        socket is empty."""
        fmt = self.fmt
        append = out.append
        bufsize = self.bufsize
        try:
            if self.udp:
                recvfrom = self.dgram.recvfrom
                prefixes = self._prefixes
                for _ in range(limit):
                    d, addr = recvfrom(bufsize)
                    if d:
                        p = prefixes.get(addr)
                        if p is None:
                            if len(prefixes) > 4096:
                                prefixes.clear()
                            p = prefixes[addr] = client_prefix(addr[0], addr[1])
                        append(p + fmt(d))
            elif bufsize <= BIG_BUFFER:
                recv = self.dgram.recv
                for _ in range(limit):
                    d = recv(bufsize)
                    if d:
                        append(fmt(d))
            else:
                buf = self._bigbuf
                view = memoryview(buf)
                recv_into = self.dgram.recv_into
                for _ in range(limit):
                    n = recv_into(buf)
                    if n:
                        append(fmt(bytes(view[:n])))
        except BlockingIOError:
            return False
        except OSError as e:
            raise RecvError(e) from None
        return True

    def _accept(self) -> None:
        clients = self.clients
        while len(clients) < MAX_STREAM_CLIENTS:
            try:
                # _socket's raw accept: a bare (CLOEXEC) descriptor
                fd, _ = self.stream._accept()
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno in (103, 71, 104):  # ECONNABORTED, EPROTO, ECONNRESET
                    continue
                # EMFILE, ENFILE, ENOBUFS...: the connection stays in the
                # backlog, the listener stays readable; pause it for a while
                # rather than spin on poll
                self._pause_listener(1.0)
                return
            from .records import RecordSplitter

            os.set_blocking(fd, False)
            clients[fd] = RecordSplitter(self.linelen, octet_counting=True)
            self._poll.register(fd, POLLIN)
        # full: stop accepting until a client leaves
        self._pause_listener(None)

    def _pause_listener(self, seconds: float | None) -> None:
        self._poll.modify(self.stream.fileno(), 0)
        self._listen_paused = True
        self._resume_at = None if seconds is None else time.monotonic() + seconds

    def _resume_listener(self) -> None:
        if self._listen_paused:
            self._poll.modify(self.stream.fileno(), POLLIN)
            self._listen_paused = False
            self._resume_at = None

    def _read_client(self, fd: int, out: list) -> None:
        splitter = self.clients[fd]
        fmt = self.fmt
        try:
            data = os.read(fd, STREAM_READ)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            for rec in splitter.feed(data):
                out.append(fmt(rec))
            return
        for rec in splitter.finish():
            out.append(fmt(rec))
        self._drop_client(fd)

    def _drop_client(self, fd: int) -> None:
        del self.clients[fd]
        self._poll.unregister(fd)
        os.close(fd)
        self._resume_listener()

    def _drain_wakeup(self) -> None:
        try:
            while os.read(self._wake_r, 512):
                pass
        except OSError:
            pass

    # ------------------------------------------------------------ main loop

    def run(self, ready: Callable[[], None] | None = None) -> None:
        """Serve until SIGTERM; return after the final flush."""
        poll = self._poll
        out: list[bytes] = []
        write = self._write
        sfd = self.dgram.fileno() if self.dgram is not None else -1
        lfd = self.stream.fileno() if self.stream is not None else -1
        if sfd >= 0:
            poll.register(sfd, POLLIN)
        if lfd >= 0:
            poll.register(lfd, POLLIN)
        poll.register(self._wake_r, POLLIN)
        batch = self.batch
        read_dgrams = self._read_dgrams
        if ready is not None:
            ready()
        more = sfd >= 0
        while not self.terminated:
            if more:
                more = read_dgrams(out, batch)
                if out:
                    write(out)
                if not self.clients and lfd < 0:
                    continue
                events = poll.poll(0)
            elif self._resume_at is None:
                events = poll.poll()
            else:
                events = poll.poll(max(0, self._resume_at - time.monotonic()) * 1000)
                if time.monotonic() >= self._resume_at:
                    self._resume_listener()
            for fd, _ev in events:
                if fd == sfd:
                    more = True
                elif fd == self._wake_r:
                    self._drain_wakeup()
                elif fd == lfd:
                    self._accept()
                else:
                    self._read_client(fd, out)
            if out:
                write(out)
        self._shutdown(out)

    def _write(self, out: list) -> None:
        data = out[0] if len(out) == 1 else b"".join(out)
        out.clear()
        write_all(self.out_fd, data)
        if self.tick is not None:
            self.tick()

    def _shutdown(self, out: list) -> None:
        """What was queued before SIGTERM still gets written."""
        if self.dgram is not None:
            left = DRAIN_MAX
            while left > 0:
                n = min(left, self.batch)
                more = self._read_dgrams(out, n)
                if out:
                    self._write(out)
                left -= n
                if not more:
                    break
        for fd in list(self.clients):
            splitter = self.clients[fd]
            for _ in range(64):
                try:
                    data = os.read(fd, STREAM_READ)
                except OSError:
                    break
                if not data:
                    break
                for rec in splitter.feed(data):
                    out.append(self.fmt(rec))
            for rec in splitter.finish():
                out.append(self.fmt(rec))
            self._drop_client(fd)
        if out:
            self._write(out)
        if self.lameduck_ms:
            self._flushed = True
            _signal.setitimer(_signal.ITIMER_REAL, 0)

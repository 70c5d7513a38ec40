"""Read a pipe without emptying it; consume only what has been written.

A logger killed with SIGKILL loses what it had read but not yet written:
s6-log at most one 8191-byte read, logd (slower between read and write)
measurably more.  With tee(2) logd copies the head of its stdin pipe
without consuming it, writes the complete lines to the logdirs, and only
then consumes them.  A logger killed at any moment leaves every unwritten
byte in the pipe, which PID 1 keeps open for the next logger; at worst a
line written just before the kill is written again.  A partial last line
stays in the pipe too, so a kill does not cut a line in two.

Python has os.splice but no tee, hence ctypes, paid only when stdin is a
pipe.  If tee is unavailable (not Linux, not a pipe), the loop reads as
s6-log does.
"""
from __future__ import annotations

import errno
import fcntl
import os

SPLICE_F_NONBLOCK = 2
F_GETPIPE_SZ = getattr(fcntl, "F_GETPIPE_SZ", 1032)


class PipePeek:
    def __init__(self, fd: int, tee, get_errno) -> None:
        self.fd = fd
        self._tee = tee
        self._errno = get_errno
        self.rfd, self.wfd = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
        try:
            self.capacity = fcntl.fcntl(self.wfd, F_GETPIPE_SZ)
        except OSError:
            self.capacity = 4096
        self._scratch = memoryview(bytearray(self.capacity))

    @classmethod
    def open(cls, fd: int = 0) -> PipePeek | None:
        """A peeker for fd, or None when tee cannot be used on it."""
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            tee = libc.tee
        except (ImportError, OSError, AttributeError):
            return None
        tee.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_size_t, ctypes.c_uint)
        tee.restype = ctypes.c_ssize_t
        peeker = cls(fd, tee, ctypes.get_errno)
        try:
            peeker.peek(0)
        except OSError:
            peeker.close()
            return None
        return peeker

    def peek(self, size: int) -> bytes | None:
        """Up to ``size`` bytes from the head of the pipe, left in it.

        None: nothing to read now; b"": end of input (empty, no writer).
        """
        n = self._tee(self.fd, self.wfd, min(size, self.capacity), SPLICE_F_NONBLOCK)
        if n < 0:
            err = self._errno()
            if err in (errno.EAGAIN, errno.EINTR):
                return None
            raise OSError(err, os.strerror(err))
        if n == 0:
            return b""
        parts = []
        while n:
            part = os.read(self.rfd, n)
            parts.append(part)
            n -= len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def consume(self, n: int) -> None:
        """Drop the first n bytes of the pipe (already peeked, so present)."""
        while n > 0:
            got = os.readv(self.fd, [self._scratch[:min(n, self.capacity)]])
            if got <= 0:
                return
            n -= got

    def close(self) -> None:
        for fd in (self.rfd, self.wfd):
            try:
                os.close(fd)
            except OSError:
                pass

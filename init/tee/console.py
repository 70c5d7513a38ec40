"""Writing to the container's stdout from PID 1 without ever blocking, and without
changing how anybody else writes to it.

The container's stdout is one open file description shared with every
service that has no logger and with the CMD: setting ``O_NONBLOCK`` on it
would hand them EAGAIN.  So each write is non-blocking on its own:

* a pipe (docker, containerd, a shell pipeline): ``pwritev2(RWF_NOWAIT)``
  (Linux >= 5.8 for pipes); on older kernels a private description of the
  same pipe (``/proc/self/fd/N`` opened anew, non-blocking);
* a terminal: a private description (``O_NOCTTY``: PID 1 does not take the
  terminal back from the CMD);
* a socket: ``send(MSG_DONTWAIT)``;
* a regular file, ``/dev/null``: a plain write (they do not block).

Only if none of these works (an old kernel and a pipe we may not reopen)
is ``O_NONBLOCK`` set around each write, for the time of that write.
"""
from __future__ import annotations

import errno
import fcntl
import os
import stat
import sys

_NOWAIT = getattr(os, "RWF_NOWAIT", 0)
F_GETPIPE_SZ = getattr(fcntl, "F_GETPIPE_SZ", 1032)
PAGE = 4096        # pipes hold whole pages: a partly filled one may not take more
_UNSUPPORTED = (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS)


class Console:
    """``write(data)`` returns the bytes taken or raises BlockingIOError (wait for
    ``fd`` to be writable when ``pollable``) or OSError (the stream is gone)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.own = -1       # a description of our own, closed with us
        self.sock = None
        self.pollable = True
        st = os.fstat(fd)
        self.fifo = stat.S_ISFIFO(st.st_mode)
        if self.fifo:
            self.mode = "nowait" if _NOWAIT else self._private()
        elif stat.S_ISSOCK(st.st_mode):
            import _socket
            self.sock = _socket.socket(fileno=os.dup(fd))
            self.fd = self.sock.fileno()
            self.mode = "socket"
        elif stat.S_ISCHR(st.st_mode) and os.isatty(fd):
            self.mode = self._private()
        else:
            self.mode, self.pollable = "plain", False

    def _private(self) -> str:
        try:
            own = os.open(f"/proc/self/fd/{self.fd}",
                          os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError:
            return "toggle"
        self.own = self.fd = own
        return "private"

    def write(self, data: bytes) -> int:
        if self.mode == "nowait":
            try:
                return os.pwritev(self.fd, [data], -1, _NOWAIT)
            except BlockingIOError:
                raise
            except OSError as e:
                if e.errno not in _UNSUPPORTED:
                    raise
                self.mode = self._private()
        if self.mode == "socket":
            import _socket
            return self.sock.send(data, _socket.MSG_DONTWAIT | _socket.MSG_NOSIGNAL)
        if self.mode == "toggle":
            flags = fcntl.fcntl(self.fd, fcntl.F_GETFL)
            fcntl.fcntl(self.fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
            try:
                return os.write(self.fd, data)
            finally:
                fcntl.fcntl(self.fd, fcntl.F_SETFL, flags)
        return os.write(self.fd, data)

    def room(self) -> int | None:
        """Bytes a pipe can take now without waiting (None: not a pipe, or unknown).

        A write that fits is made whole under the pipe's lock, so it is as good
        as atomic; the relay writes that much at once, and PIPE_BUF-sized
        pieces of whole lines past it."""
        if not self.fifo:
            return None
        import termios
        try:
            size = fcntl.fcntl(self.fd, F_GETPIPE_SZ)
            unread = int.from_bytes(fcntl.ioctl(self.fd, termios.FIONREAD, b"\0\0\0\0"),
                                    sys.byteorder)
        except OSError:
            return None
        return max(0, size - unread - PAGE)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.own >= 0:
            try:
                os.close(self.own)
            except OSError:
                pass
            self.own = -1

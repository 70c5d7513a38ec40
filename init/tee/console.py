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

_NOWAIT = getattr(os, "RWF_NOWAIT", 0)
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
        if stat.S_ISFIFO(st.st_mode):
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
